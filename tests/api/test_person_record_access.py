"""A person's record over the API (offenders/api/record.py), who may do what: every role on every route on its
own and on others' people, read and write tokens, a token's unit, the read-only record of closed cases; and
every read audited, every list at a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agency.models import AuditEvent
from supervision.choices import SupervisionStatus
from supervision.models import Supervision
from tests.api.person_record_helpers import (
    CASES,
    RESOURCES,
    ROUTES,
    make_records,
    person_records,
    record_state,
    request_for,
    today,
)
from tests.supervision.factories import SupervisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):
    return make_records(world)


# caller -> the cases whose person's record it may change; the others in scope for reads
WRITERS = {
    "officer": {"mine"},
    "peer_officer": {"peer"},
    "supervisor": {"mine", "peer"},
    "south_supervisor": {"south"},
}
READ_ONLY_ROLES = {"integrator": set(CASES), "admin": set(CASES)}  # they see every case and change no record
NO_CASES = ("clerk", "board_staff")


def _expected_write(caller: str, route: str, case: str) -> int:
    if caller in NO_CASES or caller in READ_ONLY_ROLES:
        return 403  # the role may not change a person's record at all
    if case in WRITERS[caller]:
        return 201 if route.endswith("-add") else 200
    # another caseload's person: the person (a field of the body: 400) or the record (404) does not exist for them
    return 400 if route.endswith("-add") else 404


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("caller", sorted([*WRITERS, *READ_ONLY_ROLES, *NO_CASES]))
def test_every_role_on_every_write_on_its_own_and_on_others_people(world, records, client_for, caller, route):
    # given
    client = client_for(caller)
    # when
    statuses = {}
    for case in CASES:
        url, payload = request_for(world, records, route, case)
        statuses[case] = client.post(url, payload, format="json").status_code
    # then
    assert statuses == {case: _expected_write(caller, route, case) for case in CASES}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_a_refused_write_changes_nothing_and_is_audited(world, records, client_for, route):
    # given the south officer, and the record of a north person
    client = client_for("south_officer")
    before = record_state()
    denied = AuditEvent.objects.filter(action="access.denied").count()
    # when
    url, payload = request_for(world, records, route, "mine")
    response = client.post(url, payload, format="json")
    # then
    assert response.status_code == (400 if route.endswith("-add") else 404)
    assert record_state() == before
    if response.status_code == 404:
        assert AuditEvent.objects.filter(action="access.denied").count() == denied + 1
    else:
        assert response.json()["errors"] == {
            "offender": [f'Invalid pk "{payload["offender"]}" - object does not exist.']
        }


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_a_read_token_is_refused_and_a_write_token_writes(world, records, client_for, route):
    # given
    url, payload = request_for(world, records, route, "mine")
    before = record_state()
    # when
    read = client_for("officer", token="read").post(url, payload, format="json")
    unchanged = record_state()
    write = client_for("officer", token="write").post(url, payload, format="json")
    # then
    assert read.status_code == 403
    assert (
        read.json()["detail"] == "This API token is read-only: ask an administrator for a token with the write scope."
    )
    assert unchanged == before
    assert write.status_code in (200, 201), write.json()
    assert record_state() != before


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_token_limited_to_a_unit_reads_the_records_of_that_units_people_only(world, records, client_for, resource):
    # given an agency-wide integrator's token limited to the north unit
    client = client_for("integrator", token="read", unit="north")
    # when
    listed = client.get(f"/api/v1/{resource}/")
    south = client.get(f"/api/v1/{resource}/{records[(resource, 'south')].pk}/")
    # then
    north_people = {world.cases[case].offender_id for case in ("mine", "peer")}
    assert {row["offender"] for row in listed.json()["results"]} == north_people
    assert south.status_code == 404


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_the_record_of_a_person_whose_cases_are_all_closed_is_read_only(world, records, client_for, route):
    # given the officer's only case with the person is closed
    Supervision.objects.filter(pk=world.cases["mine"].pk).update(
        status=SupervisionStatus.CLOSED, closed_on=today(), closure_reason="completed"
    )
    client = client_for("officer")
    before = record_state()
    # when
    url, payload = request_for(world, records, route, "mine")
    response = client.post(url, payload, format="json")
    # then the officer still reads it, and may not change it
    assert response.status_code == 409, response.json()
    assert response.json()["detail"].startswith("All of this person's cases you work on are closed")
    assert record_state() == before
    assert client.get(f"/api/v1/{ROUTES[route][1]}/").json()["count"] == 1


def test_an_open_case_with_the_person_opens_the_record_again(world, records, client_for):
    # given the officer's first case with the person is closed, and a second one is open
    case = world.cases["mine"]
    Supervision.objects.filter(pk=case.pk).update(
        status=SupervisionStatus.CLOSED, closed_on=today(), closure_reason="completed"
    )
    SupervisionFactory(offender=case.offender, officer=case.officer, court=world.court)
    url, payload = request_for(world, records, "alias-add", "mine")
    # when
    response = client_for("officer").post(url, payload, format="json")
    # then
    assert response.status_code == 201, response.json()


# --- Reads --------------------------------------------------------------------------------------------------------

READERS = {**WRITERS, **READ_ONLY_ROLES}


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("caller", sorted([*READERS, *NO_CASES]))
def test_every_role_reads_the_records_of_the_people_it_sees_only(world, records, client_for, caller, resource):
    # given
    client = client_for(caller)
    # when
    listed = client.get(f"/api/v1/{resource}/")
    details = {case: client.get(f"/api/v1/{resource}/{records[(resource, case)].pk}/").status_code for case in CASES}
    # then
    if caller in NO_CASES:
        assert listed.status_code == 403
        assert details == dict.fromkeys(CASES, 403)
        return
    people = {world.cases[case].offender_id for case in READERS[caller]}
    assert listed.status_code == 200
    assert {row["offender"] for row in listed.json()["results"]} == people
    assert details == {case: 200 if case in READERS[caller] else 404 for case in CASES}


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_offender_filter_gives_one_persons_records_and_never_anothers(world, records, client_for, resource):
    # given the supervisor of the north unit
    client = client_for("supervisor")
    mine, south = world.cases["mine"].offender_id, world.cases["south"].offender_id
    # when
    own = client.get(f"/api/v1/{resource}/", {"offender": mine}).json()["results"]
    other = client.get(f"/api/v1/{resource}/", {"offender": south}).json()["results"]
    # then
    assert [row["id"] for row in own] == [records[(resource, "mine")].pk]
    assert other == []


AUDIT_NAMES = {
    "addresses": "address",
    "employments": "employment",
    "phones": "phone",
    "emergency-contacts": "emergency_contact",
    "aliases": "alias",
}


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_list_page_is_one_audit_row_naming_everyone_on_it(world, records, client_for, resource):
    # given
    client = client_for("supervisor")
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # when
    response = client.get(f"/api/v1/{resource}/")
    # then
    (row,) = AuditEvent.objects.filter(pk__gt=last)
    assert row.action == f"{AUDIT_NAMES[resource]}.listed"
    assert row.offender_ids == sorted(world.cases[case].offender_id for case in ("mine", "peer"))
    assert row.detail["via"] == "api"
    assert sorted(row.detail["ids"]) == sorted(item["id"] for item in response.json()["results"])


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_detail_read_is_audited_with_its_person(world, records, client_for, resource):
    # given
    record = records[(resource, "mine")]
    # when
    response = client_for("officer").get(f"/api/v1/{resource}/{record.pk}/")
    # then
    assert response.status_code == 200
    row = AuditEvent.objects.order_by("-pk").first()
    assert (row.action, row.object_id, row.offender_id, row.detail) == (
        f"{AUDIT_NAMES[resource]}.viewed",
        str(record.pk),
        world.cases["mine"].offender_id,
        {"via": "api"},
    )


def _queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("caller", ["supervisor", "admin"])
def test_every_list_runs_the_same_number_of_queries_for_few_and_many(world, client_for, caller, resource):
    # given one person's record, then many people's
    client = client_for(caller)
    make_records(world)
    client.get(f"/api/v1/{resource}/")  # the first request of a process builds its caches
    few_queries, few_rows = _queries(client, f"/api/v1/{resource}/?page_size=100")
    for _ in range(8):
        person_records(SupervisionFactory(officer=world.users["officer"], court=world.court).offender)
    # when
    many_queries, many_rows = _queries(client, f"/api/v1/{resource}/?page_size=100")
    # then
    assert many_rows > few_rows
    assert many_queries == few_queries
