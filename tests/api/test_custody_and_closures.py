"""The API of custody (POST /api/v1/supervisions/{id}/custody/ and …/custody/release/) and of four-eyes closures
(POST …/close/ answering 202, /api/v1/closure-requests/ with approve/ and decline/): the same services as the
pages; 400 for bad input, 409 for a wrong state, 403 for the wrong person, nothing half-saved."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agency.models import AuditEvent
from supervision.choices import ClosureRequestStatus, SupervisionStatus
from supervision.models import ClosureRequest, CustodyEpisode, Supervision
from supervision.services import closure_request_submit
from tests.agency.factories import SupervisorFactory

pytestmark = pytest.mark.django_db


def _today(offset: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def _state() -> list:
    cases = list(Supervision.objects.order_by("pk").values_list("status", "closure_reason", "closed_on"))
    episodes = list(CustodyEpisode.objects.order_by("pk").values_list("pk", "released_on"))
    requests = list(ClosureRequest.objects.order_by("pk").values_list("pk", "status"))
    return [cases, episodes, requests, _changes()]


def _changes() -> int:
    return AuditEvent.objects.filter(action__regex=r"^(supervision|closure_request)\.(?!viewed|listed)").count()


def _custody(world, case="mine", release=False) -> str:
    return f"/api/v1/supervisions/{world.cases[case].pk}/custody/{'release/' if release else ''}"


TAKEN_IN = {"started_on": _today(), "facility": "Franklin County Jail", "reason": "New charge"}


def _ask(world, case="mine", actor="officer") -> ClosureRequest:
    return closure_request_submit(
        actor=world.users[actor],
        supervision=world.cases[case],
        closure_reason="transferred",
        closed_on=timezone.localdate(),
    )


# --- custody -------------------------------------------------------------------------------------


def test_custody_and_release_through_the_api(world, client_for):
    client = client_for("officer", token="write")

    taken = client.post(_custody(world), TAKEN_IN, format="json")

    assert taken.status_code == 201, taken.json()
    assert {k: taken.json()[k] for k in ("supervision", "facility", "released_on", "recorded_by")} == {
        "supervision": world.cases["mine"].pk,
        "facility": "Franklin County Jail",
        "released_on": None,
        "recorded_by": world.users["officer"].pk,
    }
    assert Supervision.objects.get(pk=world.cases["mine"].pk).status == SupervisionStatus.IN_CUSTODY
    case = client.get(f"/api/v1/supervisions/{world.cases['mine'].pk}/").json()
    assert case["status"] == "in_custody"

    released = client.post(
        _custody(world, release=True), {"release_reason": "Charge dropped", "status": "inactive"}, format="json"
    )

    assert released.status_code == 200, released.json()
    assert (released.json()["released_on"], released.json()["release_reason"]) == (_today(), "Charge dropped")
    assert Supervision.objects.get(pk=world.cases["mine"].pk).status == SupervisionStatus.INACTIVE


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**TAKEN_IN, "facility": ""}, "facility"),
        ({**TAKEN_IN, "started_on": _today(1)}, "started_on"),
        ({"facility": "Jail"}, "reason"),
        ({**TAKEN_IN, "cell": "4B"}, "cell"),
    ],
)
def test_bad_custody_is_a_400_naming_its_field(world, client_for, body, field):
    before = _state()
    response = client_for("officer").post(_custody(world), body, format="json")
    assert response.status_code == 400, response.json()
    assert field in str(response.json())
    assert _state() == before


def test_a_release_before_the_custody_began_is_a_400(world, client_for):
    client = client_for("officer")
    client.post(_custody(world), {**TAKEN_IN, "started_on": _today(-3)}, format="json")
    before = _state()
    response = client.post(
        _custody(world, release=True), {"released_on": _today(-4), "release_reason": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "The release cannot be before the custody began" in str(response.json())
    assert _state() == before


@pytest.mark.parametrize("state", ["not in custody", "in custody twice", "closed"])
def test_custody_in_the_wrong_state_is_a_409(world, client_for, state):
    client = client_for("officer")
    if state == "closed":
        client.post(
            f"/api/v1/supervisions/{world.cases['mine'].pk}/close/", {"closure_reason": "completed"}, format="json"
        )
    if state == "in custody twice":
        client.post(_custody(world), TAKEN_IN, format="json")
    before = _state()
    response = client.post(
        _custody(world, release=state == "not in custody"),
        {"release_reason": "Bailed"} if state == "not in custody" else TAKEN_IN,
        format="json",
    )
    assert response.status_code == 409, response.json()
    assert _state() == before


@pytest.mark.parametrize(
    ("caller", "expected"), [("peer_officer", 404), ("south_supervisor", 404), ("integrator", 403)]
)
def test_custody_on_a_case_not_ones_own_is_refused(world, client_for, caller, expected):
    before = _state()
    assert client_for(caller).post(_custody(world), TAKEN_IN, format="json").status_code == expected
    assert _state() == before


# --- closure requests ----------------------------------------------------------------------------


def test_a_supervisor_approves_and_the_case_is_closed_as_asked(world, client_for):
    closure = _ask(world)

    response = client_for("supervisor", token="write").post(f"/api/v1/closure-requests/{closure.pk}/approve/")

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["decided_by"]) == ("approved", world.users["supervisor"].pk)
    case = Supervision.objects.get(pk=world.cases["mine"].pk)
    assert (case.status, case.closure_reason) == (SupervisionStatus.CLOSED, "transferred")


def test_a_decline_needs_its_reason_and_keeps_the_case_open(world, client_for):
    closure = _ask(world)
    client = client_for("supervisor")
    url = f"/api/v1/closure-requests/{closure.pk}/decline/"

    before = _state()
    empty = client.post(url, {}, format="json")
    assert empty.status_code == 400 and "reason" in str(empty.json())
    assert _state() == before

    response = client.post(url, {"reason": "Receiving state has not accepted"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    assert Supervision.objects.get(pk=world.cases["mine"].pk).status == SupervisionStatus.ACTIVE


@pytest.mark.parametrize(("caller", "expected"), [("officer", 403), ("integrator", 403), ("south_supervisor", 404)])
def test_only_a_supervisor_of_the_unit_decides(world, client_for, caller, expected):
    closure = _ask(world)
    before = _state()
    for verb, body in (("approve", {}), ("decline", {"reason": "No"})):
        response = client_for(caller).post(f"/api/v1/closure-requests/{closure.pk}/{verb}/", body, format="json")
        assert response.status_code == expected
    assert _state() == before


def test_nobody_approves_their_own_request(world, client_for):
    closure = _ask(world, actor="supervisor")
    before = _state()
    response = client_for("supervisor").post(f"/api/v1/closure-requests/{closure.pk}/approve/")
    assert response.status_code == 403
    assert "You asked for this closure" in response.json()["detail"]
    assert _state() == before
    # another supervisor of the unit may
    other = SupervisorFactory(unit=world.units["north"])
    client = client_for("supervisor")
    client.force_authenticate(other)
    assert client.post(f"/api/v1/closure-requests/{closure.pk}/approve/").status_code == 200


@pytest.mark.parametrize("first", ["approve", "decline"])
def test_a_decided_request_is_a_409(world, client_for, first):
    closure = _ask(world)
    client = client_for("supervisor")
    client.post(f"/api/v1/closure-requests/{closure.pk}/{first}/", {"reason": "Not yet"}, format="json")
    before = _state()
    for verb in ("approve", "decline"):
        response = client.post(f"/api/v1/closure-requests/{closure.pk}/{verb}/", {"reason": "x"}, format="json")
        assert response.status_code == 409
    assert _state() == before


def test_the_list_shows_the_callers_scope_and_is_audited(world, client_for):
    mine, south = _ask(world), _ask(world, case="south", actor="south_officer")
    listed = client_for("supervisor").get("/api/v1/closure-requests/").json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert client_for("supervisor").get(f"/api/v1/closure-requests/{south.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="closure_request.listed").count() == 1
    assert ClosureRequest.objects.get(pk=mine.pk).status == ClosureRequestStatus.PENDING


def test_the_list_runs_the_same_queries_for_one_request_and_for_many(world, client_for, django_assert_num_queries):

    client = client_for("supervisor")
    _ask(world)
    client.get("/api/v1/closure-requests/")  # the session and the throttle warmed up
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/closure-requests/")
    for case in ("peer", "mine"):
        ClosureRequest.objects.filter(supervision=world.cases[case], status=ClosureRequestStatus.PENDING).update(
            status=ClosureRequestStatus.CANCELLED, decided_at=timezone.now()
        )
        _ask(world, case=case, actor="peer_officer" if case == "peer" else "officer")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/api/v1/closure-requests/")
    assert response.json()["count"] == 3
