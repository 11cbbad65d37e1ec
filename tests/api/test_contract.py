"""The field names integrators rely on (DESIGN.md, REST API contract v1), with their values."""

import pytest
from django.utils.dateparse import parse_datetime

from agency.models import AuditEvent
from supervision.choices import ReportStatus

pytestmark = pytest.mark.django_db


def test_supervision_fields(world, client_for):
    case = world.cases["mine"]

    body = client_for("officer").get(f"/api/v1/supervisions/{case.pk}/").json()

    assert {k: body[k] for k in list(body)[:10]} == {
        "id": case.pk,
        "offender": case.offender_id,
        "supervision_type": "probation",
        "status": "active",
        "level": "medium",
        "officer": world.users["officer"].pk,
        "court": world.court.pk,
        "parole_board": None,
        "start_date": case.start_date.isoformat(),
        "end_date": case.end_date.isoformat(),
    }
    assert list(body) == [
        "id",
        "offender",
        "supervision_type",
        "status",
        "level",
        "officer",
        "court",
        "parole_board",
        "start_date",
        "end_date",
        "unit",
        "docket_number",
        "offense",
        "closed_on",
        "closure_reason",
        "created_at",
        "updated_at",
    ]


def test_parole_supervision_names_its_board(world, client_for):
    case = world.cases["peer"]

    body = client_for("supervisor").get(f"/api/v1/supervisions/{case.pk}/").json()

    assert (body["supervision_type"], body["court"], body["parole_board"]) == ("parole", None, world.board.pk)


def test_check_in_fields(world, client_for):
    check_in = world.records[("check-ins", "mine")]

    body = client_for("officer").get(f"/api/v1/check-ins/{check_in.pk}/").json()

    assert {k: body[k] for k in ("id", "supervision", "kind", "status")} == {
        "id": check_in.pk,
        "supervision": world.cases["mine"].pk,
        "kind": "office",
        "status": "scheduled",
    }
    assert parse_datetime(body["window_start"]) == check_in.window_start
    assert parse_datetime(body["due_at"]) == check_in.due_at


def test_violation_fields(world, client_for):
    violation = world.records[("violations", "mine")]

    body = client_for("officer").get(f"/api/v1/violations/{violation.pk}/").json()

    assert {k: body[k] for k in ("id", "supervision", "kind", "check_in", "drug_test", "status")} == {
        "id": violation.pk,
        "supervision": world.cases["mine"].pk,
        "kind": "technical",
        "check_in": None,
        "drug_test": None,
        "status": "open",
    }


def test_violation_report_fields_with_routed_authority(world, client_for):
    report = world.records[("violation-reports", "mine")]

    body = client_for("clerk").get(f"/api/v1/violation-reports/{report.pk}/").json()

    fields = ("id", "supervision", "violations", "narrative", "recommendation", "status", "authority", "disposition")
    assert {k: body[k] for k in fields} == {
        "id": report.pk,
        "supervision": world.cases["mine"].pk,
        "violations": [v.pk for v in report.violations.all()],
        "narrative": report.narrative,
        "recommendation": "modify_conditions",
        "status": ReportStatus.ROUTED.value,
        "authority": {"type": "court", "id": world.court.pk},
        "disposition": "",
    }


def test_a_draft_reports_authority_comes_from_its_supervision(world, client_for):
    draft = world.records[("draft-reports", "peer")]

    body = client_for("supervisor").get(f"/api/v1/violation-reports/{draft.pk}/").json()

    assert (body["status"], body["authority"]) == ("draft", {"type": "parole_board", "id": world.board.pk})


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        ("officer", {"role": "officer", "unit": "north", "court": None, "parole_board": None}),
        ("clerk", {"role": "court_clerk", "unit": None, "court": "court", "parole_board": None}),
        ("board_staff", {"role": "parole_board_staff", "unit": None, "court": None, "parole_board": "board"}),
    ],
)
def test_me(world, client_for, caller, expected):
    user = world.users[caller]
    ids = {"north": world.units["north"].pk, "court": world.court.pk, "board": world.board.pk, None: None}

    body = client_for(caller).get("/api/v1/me/").json()

    assert {k: body[k] for k in ("id", "username", "role", "unit", "court", "parole_board", "token")} == {
        "id": user.pk,
        "username": user.username,
        "role": expected["role"],
        "unit": ids[expected["unit"]],
        "court": ids[expected["court"]],
        "parole_board": ids[expected["parole_board"]],
        "token": None,
    }


def test_me_with_a_unit_token_shows_its_scope(world, client_for):
    body = client_for("integrator", token="write", unit="south").get("/api/v1/me/").json()

    assert body["role"] == "integrator"
    assert {k: body["token"][k] for k in ("scope", "unit")} == {"scope": "write", "unit": world.units["south"].pk}


def test_reading_a_persons_record_is_audited(world, client_for):
    # given
    offender = world.cases["mine"].offender
    client = client_for("officer", token="read")

    # when
    client.get(f"/api/v1/offenders/{offender.pk}/")
    client.get("/api/v1/supervisions/?type=probation")

    # then
    viewed = AuditEvent.objects.get(action="offender.viewed")
    listed = AuditEvent.objects.get(action="supervision.listed")
    assert (viewed.actor, viewed.offender_id, viewed.object_id, viewed.detail) == (
        world.users["officer"],
        offender.pk,
        str(offender.pk),
        {"via": "api"},
    )
    assert listed.detail == {"via": "api", "ids": [world.cases["mine"].pk], "query": {"type": "probation"}}
