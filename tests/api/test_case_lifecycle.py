"""The API of the case lifecycle (issue 15): change-level, change-status, close and reassign on
/api/v1/supervisions/{id}/, through the same services as the case page (custody and closure requests:
tests/api/test_custody_and_closures.py). Every role on its own and others' cases, a read token refused, 400 for
bad input, 409 for a wrong state, nothing half-saved."""

import datetime

import pytest
from django.utils import timezone

from agency.models import AuditEvent
from supervision.choices import SupervisionLevel, SupervisionStatus
from supervision.models import Supervision
from tests.agency.factories import OfficerFactory

pytestmark = pytest.mark.django_db

CASES = ("mine", "peer", "south")


def _today(offset: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def _state() -> list:
    cases = Supervision.objects.order_by("pk").values_list("level", "status", "closure_reason", "closed_on", "officer")
    changes = AuditEvent.objects.filter(action__startswith="supervision.").exclude(action="supervision.viewed")
    return [*cases, changes.count()]


def _payload(world, route: str, case: str) -> dict:
    if route == "reassign":
        unit = world.cases[case].unit
        return {"officer": OfficerFactory(unit=unit).pk, "reason": "Caseload balance"}
    return {
        "change-level": {"level": "high", "reason": "New arrest"},
        "change-status": {"status": "absconded", "reason": "Gone", "effective_on": _today()},
        "close": {"closure_reason": "completed", "closed_on": _today()},
    }[route]


def _url(world, route: str, case: str) -> str:
    return f"/api/v1/supervisions/{world.cases[case].pk}/{route}/"


# caller -> route -> the cases it may change (others it sees answer 403, those it does not see 404)
MAY = {
    "officer": {"change-level": {"mine"}, "change-status": {"mine"}, "close": {"mine"}},
    "peer_officer": {"change-level": {"peer"}, "change-status": {"peer"}, "close": {"peer"}},
    "supervisor": {route: {"mine", "peer"} for route in ("change-level", "change-status", "close", "reassign")},
    "south_supervisor": {route: {"south"} for route in ("change-level", "change-status", "close", "reassign")},
}
SEES = {
    "officer": {"mine"},
    "peer_officer": {"peer"},
    "supervisor": {"mine", "peer"},
    "south_supervisor": {"south"},
    "integrator": set(CASES),
    "admin": set(CASES),
    "clerk": set(),
    "board_staff": set(),
}


def _expected(caller: str, route: str, case: str) -> int:
    if caller in ("clerk", "board_staff"):
        return 403  # no case role at all
    if case not in SEES[caller]:
        return 404
    return 200 if case in MAY.get(caller, {}).get(route, set()) else 403


@pytest.mark.parametrize("route", ["change-level", "change-status", "close", "reassign"])
@pytest.mark.parametrize("caller", sorted(SEES))
def test_every_role_on_every_action_on_its_own_and_on_others_cases(world, client_for, caller, route):
    client = client_for(caller)
    statuses = {
        case: client.post(_url(world, route, case), _payload(world, route, case), format="json").status_code
        for case in CASES
    }
    assert statuses == {case: _expected(caller, route, case) for case in CASES}


def test_the_officer_raises_the_level_and_the_answer_is_the_case(world, client_for):
    response = client_for("officer", token="write").post(
        _url(world, "change-level", "mine"), {"level": "high", "reason": "Reassessed"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["level"]) == (world.cases["mine"].pk, "high")
    assert Supervision.objects.get(pk=world.cases["mine"].pk).level == SupervisionLevel.HIGH


def test_a_read_token_changes_nothing(world, client_for):
    before = _state()
    response = client_for("officer", token="read").post(
        _url(world, "close", "mine"), {"closure_reason": "completed"}, format="json"
    )
    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize(
    ("route", "body", "field"),
    [
        ("change-level", {"level": "extreme", "reason": "x"}, "level"),
        ("change-level", {"level": "medium", "reason": "Same"}, "level"),
        ("change-level", {"level": "high", "reason": "x", "colour": "red"}, "colour"),
        ("change-status", {"status": "closed", "reason": "x"}, "status"),
        ("change-status", {"status": "absconded", "reason": "x", "effective_on": _today(1)}, "effective_on"),
        ("close", {"closure_reason": "completed", "closed_on": _today(1)}, "closed_on"),
        ("close", {"closure_reason": "finished"}, "closure_reason"),
        ("reassign", {"officer": 999999, "reason": "x"}, "officer"),
    ],
)
def test_bad_input_is_a_400_naming_its_field_and_changes_nothing(world, client_for, route, body, field):
    client = client_for("supervisor")
    before = _state()
    response = client.post(_url(world, route, "mine"), body, format="json")
    assert response.status_code == 400, response.json()
    assert field in str(response.json())
    assert _state() == before


def test_parole_cannot_be_made_inactive(world, client_for):
    response = client_for("peer_officer").post(
        _url(world, "change-status", "peer"), {"status": "inactive", "reason": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "Parole is always active supervision" in str(response.json())


def test_closing_twice_is_a_409_and_a_closed_case_keeps_its_level(world, client_for):
    client = client_for("officer")
    first = client.post(_url(world, "close", "mine"), {"closure_reason": "completed"}, format="json")
    second = client.post(_url(world, "close", "mine"), {"closure_reason": "other"}, format="json")
    level = client.post(_url(world, "change-level", "mine"), {"level": "high", "reason": "x"}, format="json")
    assert (first.status_code, second.status_code, level.status_code) == (200, 409, 409)
    assert first.json()["status"] == SupervisionStatus.CLOSED
    assert "already closed" in second.json()["detail"]


def test_early_termination_answers_202_with_the_pending_request_and_the_case_stays_open(world, client_for):
    body = {"closure_reason": "early_termination", "closed_on": _today(), "note": "Fees paid."}
    response = client_for("officer").post(_url(world, "close", "mine"), body, format="json")
    assert response.status_code == 202, response.json()
    assert {key: response.json()[key] for key in ("supervision", "closure_reason", "status", "requested_by")} == {
        "supervision": world.cases["mine"].pk,
        "closure_reason": "early_termination",
        "status": "pending",
        "requested_by": world.users["officer"].pk,
    }
    assert Supervision.objects.get(pk=world.cases["mine"].pk).status == SupervisionStatus.ACTIVE
    # the supervisor's own close for early termination waits too, and a second request is a conflict
    again = client_for("supervisor").post(_url(world, "close", "mine"), body, format="json")
    assert again.status_code == 409
    assert "has waited for approval" in again.json()["detail"]


def test_a_supervisor_reassigns_a_case_within_the_unit(world, client_for):
    new_officer = OfficerFactory(unit=world.units["north"])
    response = client_for("supervisor").post(
        _url(world, "reassign", "mine"), {"officer": new_officer.pk, "reason": "Caseload balance"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["officer"] == new_officer.pk
    assert Supervision.objects.get(pk=world.cases["mine"].pk).officer_id == new_officer.pk
