"""Lists: constant query counts, filters (incl. updated_since), pagination and its cap."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from supervision.models import CaseNote, CheckIn, DrugTestSubstanceResult, Supervision
from tests.agency.factories import CourtFactory, OfficerFactory, ParoleBoardFactory, UnitFactory
from tests.api.conftest import routed_report
from tests.supervision.factories import (
    CheckInFactory,
    ConditionFactory,
    DrugTestFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)

pytestmark = pytest.mark.django_db


def _seed(world, resource: str, count: int) -> None:
    officer, case = world.users["officer"], world.cases["mine"]
    for _ in range(count):
        if resource in ("supervisions", "offenders"):
            SupervisionFactory(officer=officer, court=world.court)
        elif resource == "check-ins":
            CheckInFactory(supervision=case)
        elif resource == "drug-tests":
            test = DrugTestFactory(supervision=case, result="positive")
            DrugTestSubstanceResult.objects.create(drug_test=test, substance="cocaine", result="positive")
        elif resource == "case-notes":
            CaseNote.objects.create(supervision=case, author=officer, body="Note.")
        elif resource == "violations":
            ViolationFactory(supervision=case)
        elif resource == "conditions":
            ConditionFactory(supervision=case)
        elif resource in ("violation-reports", "routed-reports"):
            routed_report(SupervisionFactory(officer=officer, court=world.court))
            ViolationReportFactory(supervision=case)
        elif resource == "courts":
            CourtFactory()
        elif resource == "parole-boards":
            ParoleBoardFactory()
        elif resource == "units":
            UnitFactory()
        elif resource == "officers":
            OfficerFactory(unit=world.units["north"])


def _count_queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), len(response.json()["results"])


@pytest.mark.parametrize(
    ("resource", "caller", "url"),
    [
        ("offenders", "officer", "offenders"),
        ("supervisions", "officer", "supervisions"),
        ("conditions", "officer", "conditions"),
        ("check-ins", "officer", "check-ins"),
        ("drug-tests", "officer", "drug-tests"),
        ("case-notes", "officer", "case-notes"),
        ("violations", "officer", "violations"),
        ("violation-reports", "officer", "violation-reports"),
        ("routed-reports", "clerk", "violation-reports"),
        ("courts", "officer", "courts"),
        ("parole-boards", "officer", "parole-boards"),
        ("units", "admin", "units"),
        ("officers", "admin", "officers"),
    ],
)
def test_every_list_runs_the_same_number_of_queries_for_5_and_50_rows(world, client_for, resource, caller, url):
    # given
    client = client_for(caller)
    _seed(world, resource, 5)
    few_queries, few_rows = _count_queries(client, f"/api/v1/{url}/?page_size=100")
    _seed(world, resource, 45)

    # when
    many_queries, many_rows = _count_queries(client, f"/api/v1/{url}/?page_size=100")

    # then
    assert many_rows >= few_rows + 45
    assert many_queries == few_queries


def test_a_token_list_runs_the_same_number_of_queries_too(world, client_for):
    client = client_for("integrator", token="read", unit="north")
    _seed(world, "check-ins", 5)
    few_queries, _ = _count_queries(client, "/api/v1/check-ins/")
    _seed(world, "check-ins", 45)

    many_queries, many_rows = _count_queries(client, "/api/v1/check-ins/")

    assert many_rows == 50  # the page size
    assert many_queries == few_queries


def _ids(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_supervision_filters(world, client_for):
    # given
    client = client_for("supervisor")
    mine, peer = world.cases["mine"], world.cases["peer"]
    Supervision.objects.filter(pk=peer.pk).update(level="high")
    start = mine.start_date

    # then
    assert _ids(client, "/api/v1/supervisions/?type=parole") == {peer.pk}
    assert _ids(client, "/api/v1/supervisions/?supervision_type=probation") == {mine.pk}
    assert _ids(client, "/api/v1/supervisions/?level=high") == {peer.pk}
    assert _ids(client, "/api/v1/supervisions/?status=active&status=inactive") == {mine.pk, peer.pk}
    assert _ids(client, "/api/v1/supervisions/?status=closed") == set()
    assert _ids(client, f"/api/v1/supervisions/?officer={world.users['peer_officer'].pk}") == {peer.pk}
    assert _ids(client, f"/api/v1/supervisions/?start_date_after={start}&start_date_before={start}") == {
        mine.pk,
        peer.pk,
    }
    assert _ids(client, f"/api/v1/supervisions/?start_date_after={start + datetime.timedelta(days=1)}") == set()


def test_updated_since_returns_only_what_changed(world, client_for):
    # given: everything was last changed a week ago, one check-in just now
    client = client_for("officer")
    CheckIn.objects.update(updated_at=timezone.now() - datetime.timedelta(days=7))
    changed = world.records[("check-ins", "mine")]
    changed.notes = "Rescheduled."
    changed.save()
    since = (timezone.now() - datetime.timedelta(hours=1)).isoformat()

    # when
    ids = _ids(client, "/api/v1/check-ins/?" + f"updated_since={since}".replace("+", "%2B"))

    # then
    assert ids == {changed.pk}


def test_check_in_filters_by_status_and_due_range(world, client_for):
    client = client_for("officer")
    case = world.cases["mine"]
    due = timezone.now() + datetime.timedelta(days=20)
    later = CheckInFactory(supervision=case, window_start=due - datetime.timedelta(days=3), due_at=due)
    missed = CheckInFactory(supervision=case, status="missed")
    after = (due - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    assert _ids(client, f"/api/v1/check-ins/?due_at_after={after}") == {later.pk}
    assert _ids(client, "/api/v1/check-ins/?status=missed") == {missed.pk}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("updated_since=yesterday", "updated_since"),
        ("status=lost", "status"),
        ("officer=abc", "officer"),
        ("start_date_after=2026-13-45", "start_date"),
    ],
)
def test_a_bad_filter_is_a_400_that_names_the_parameter(world, client_for, query, field):
    response = client_for("officer").get(f"/api/v1/supervisions/?{query}")

    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [field]
    assert body["detail"].startswith(f"Please correct the request: {field}: ")


def test_pagination_is_stable_and_capped_at_100(world, client_for):
    # given: 120 check-ins in the officer's caseload (plus the fixture's one)
    client = client_for("officer")
    case = world.cases["mine"]
    now = timezone.now()
    CheckIn.objects.bulk_create(
        CheckIn(
            supervision=case,
            window_start=now + datetime.timedelta(days=i % 3),
            due_at=now + datetime.timedelta(days=i % 3 + 2),
            origin="unscheduled",
        )
        for i in range(120)
    )

    # when
    capped = client.get("/api/v1/check-ins/?page_size=500").json()
    page_1 = client.get("/api/v1/check-ins/?page_size=40&page=1").json()
    page_2 = client.get("/api/v1/check-ins/?page_size=40&page=2").json()
    default = client.get("/api/v1/check-ins/").json()
    beyond = client.get("/api/v1/check-ins/?page=99")

    # then
    assert (capped["count"], len(capped["results"])) == (121, 100)
    assert len(default["results"]) == 50
    ids_1 = [row["id"] for row in page_1["results"]]
    ids_2 = [row["id"] for row in page_2["results"]]
    assert not set(ids_1) & set(ids_2)
    assert ids_1 + ids_2 == [row["id"] for row in capped["results"]][:80]
    assert page_1["next"].endswith("page=2&page_size=40")
    assert beyond.status_code == 404
    assert beyond.json()["errors"] == {}
