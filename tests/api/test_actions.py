"""Writes and state changes through the API: each action's happy path, its wrong state (a JSON error,
nothing changed), writes refused to read tokens and other roles, and no DELETE anywhere."""

import datetime

import pytest
from django.utils import timezone

from agency.choices import AuditOutcome
from agency.models import AuditEvent
from offenders.models import Offender
from supervision.choices import ReportStatus
from supervision.models import CaseNote, CheckIn, DrugTest, Supervision, Violation, ViolationReport
from tests.supervision.factories import ViolationFactory, ViolationReportFactory

pytestmark = pytest.mark.django_db


def _writes() -> list[str]:
    """The audited changes (reads, and the record of a refused attempt, left out)."""
    actions = AuditEvent.objects.filter(outcome=AuditOutcome.ALLOWED).order_by("id").values_list("action", flat=True)
    return [a for a in actions if not a.endswith((".listed", ".viewed"))]


# --- Check-ins --------------------------------------------------------------------------------------


def test_officer_completes_a_scheduled_check_in(world, client_for):
    check_in = world.records[("check-ins", "mine")]

    response = client_for("officer").post(
        f"/api/v1/check-ins/{check_in.pk}/complete/", {"location": "Main office"}, format="json"
    )

    assert response.status_code == 200
    check_in.refresh_from_db()
    assert (response.json()["status"], check_in.status, check_in.location) == ("completed", "completed", "Main office")
    assert check_in.recorded_by == world.users["officer"]
    assert _writes()[-1] == "check_in.completed"


def test_completing_a_completed_check_in_is_refused_and_changes_nothing(world, client_for):
    check_in = world.records[("check-ins", "mine")]
    client = client_for("officer")
    client.post(f"/api/v1/check-ins/{check_in.pk}/complete/", {}, format="json")
    check_in.refresh_from_db()
    before, writes = check_in.updated_at, _writes()

    response = client.post(f"/api/v1/check-ins/{check_in.pk}/complete/", {"notes": "again"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "This check-in is completed; only a scheduled one can be recorded.",
        "errors": {},
    }
    check_in.refresh_from_db()
    assert (check_in.updated_at, check_in.notes, _writes()) == (before, "", writes)


def test_a_check_in_in_the_future_is_a_field_error(world, client_for):
    check_in = world.records[("check-ins", "mine")]
    future = (timezone.now() + datetime.timedelta(days=2)).isoformat()

    response = client_for("officer").post(
        f"/api/v1/check-ins/{check_in.pk}/complete/", {"completed_at": future}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"completed_at": ["A check-in cannot be recorded in the future."]}
    assert CheckIn.objects.get(pk=check_in.pk).status == "scheduled"


def test_completing_another_officers_check_in_is_404_and_changes_nothing(world, client_for):
    check_in = world.records[("check-ins", "peer")]
    writes = _writes()

    response = client_for("officer").post(f"/api/v1/check-ins/{check_in.pk}/complete/", {}, format="json")

    assert response.status_code == 404
    assert CheckIn.objects.get(pk=check_in.pk).status == "scheduled"
    assert _writes() == writes


def test_excuse_needs_a_reason(world, client_for):
    check_in = world.records[("check-ins", "mine")]
    client = client_for("officer")

    refused = client.post(f"/api/v1/check-ins/{check_in.pk}/excuse/", {"reason": ""}, format="json")
    excused = client.post(f"/api/v1/check-ins/{check_in.pk}/excuse/", {"reason": "In hospital."}, format="json")

    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["reason"]
    assert (excused.status_code, excused.json()["status"], excused.json()["excuse_reason"]) == (
        200,
        "excused",
        "In hospital.",
    )


# --- Creating records ---------------------------------------------------------------------------------


def test_officer_adds_a_case_note(world, client_for):
    case = world.cases["mine"]

    response = client_for("officer").post("/api/v1/case-notes/", {"supervision": case.pk, "body": "Called."})

    assert response.status_code == 201
    note = CaseNote.objects.get(pk=response.json()["id"])
    assert (note.supervision, note.author, note.body) == (case, world.users["officer"], "Called.")
    assert _writes()[-1] == "case_note.added"


def test_a_note_on_a_case_out_of_scope_is_refused_like_a_missing_case(world, client_for):
    other, missing = world.cases["peer"].pk, 999_999
    client = client_for("officer")
    count = CaseNote.objects.count()

    responses = [client.post("/api/v1/case-notes/", {"supervision": pk, "body": "x"}) for pk in (other, missing)]

    assert [r.status_code for r in responses] == [400, 400]
    assert [r.json()["errors"] for r in responses] == [
        {"supervision": [f'Invalid pk "{other}" - object does not exist.']},
        {"supervision": [f'Invalid pk "{missing}" - object does not exist.']},
    ]
    assert CaseNote.objects.count() == count


def test_unknown_fields_are_refused(world, client_for):
    case = world.cases["mine"]

    response = client_for("officer").post(
        "/api/v1/case-notes/", {"supervision": case.pk, "body": "x", "author": 1, "colour": "red"}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "author": ["Unknown field: remove it or check its spelling."],
        "colour": ["Unknown field: remove it or check its spelling."],
    }


def test_a_positive_drug_test_opens_a_violation(world, client_for):
    case = world.cases["mine"]
    collected = (timezone.now() - datetime.timedelta(hours=1)).isoformat()

    response = client_for("officer").post(
        "/api/v1/drug-tests/",
        {
            "supervision": case.pk,
            "collected_at": collected,
            "result": "positive",
            "substance_results": [{"substance": "cocaine", "result": "positive"}],
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["substance_results"] == [{"substance": "cocaine", "result": "positive", "level_ng_ml": None}]
    assert Violation.objects.filter(drug_test_id=body["id"], supervision=case).count() == 1


def test_a_drug_test_that_contradicts_itself_is_a_field_error(world, client_for):
    case = world.cases["mine"]
    count = DrugTest.objects.count()

    response = client_for("officer").post(
        "/api/v1/drug-tests/",
        {
            "supervision": case.pk,
            "collected_at": timezone.now().isoformat(),
            "result": "negative",
            "substance_results": [{"substance": "thc", "result": "positive"}],
        },
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"result": ["The result cannot be negative when thc tested positive."]}
    assert DrugTest.objects.count() == count


def test_officer_records_a_violation_linked_to_a_check_in(world, client_for):
    case, check_in = world.cases["mine"], world.records[("check-ins", "mine")]

    response = client_for("officer").post(
        "/api/v1/violations/",
        {
            "supervision": case.pk,
            "kind": "technical",
            "occurred_on": timezone.localdate().isoformat(),
            "description": "Missed the office visit.",
            "check_in": check_in.pk,
        },
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["check_in"], response.json()["status"]) == (check_in.pk, "open")


def test_supervisor_opens_a_supervision_for_an_officer_of_the_unit(world, client_for):
    offender = world.cases["mine"].offender
    payload = {
        "offender": offender.pk,
        "supervision_type": "probation",
        "court": world.court.pk,
        "docket_number": "CR-2026-00999",
        "offense": "Burglary",
        "start_date": timezone.localdate().isoformat(),
        "end_date": (timezone.localdate() + datetime.timedelta(days=365)).isoformat(),
        "officer": world.users["peer_officer"].pk,
    }

    response = client_for("supervisor").post("/api/v1/supervisions/", payload)
    out_of_unit = client_for("supervisor").post(
        "/api/v1/supervisions/", {**payload, "officer": world.users["south_officer"].pk}
    )

    assert response.status_code == 201, response.json()
    assert {k: response.json()[k] for k in ("supervision_type", "officer", "court", "parole_board", "status")} == {
        "supervision_type": "probation",
        "officer": world.users["peer_officer"].pk,
        "court": world.court.pk,
        "parole_board": None,
        "status": "active",
    }
    assert out_of_unit.status_code == 400
    assert list(out_of_unit.json()["errors"]) == ["officer"]


def test_parole_without_a_board_is_a_clear_400(world, client_for):
    offender = world.cases["mine"].offender
    count = Supervision.objects.count()

    response = client_for("supervisor").post(
        "/api/v1/supervisions/",
        {
            "offender": offender.pk,
            "supervision_type": "parole",
            "docket_number": "P-1",
            "offense": "Robbery",
            "start_date": "2026-01-01",
            "end_date": "2027-01-01",
            "officer": world.users["officer"].pk,
        },
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": [
            "Probation needs its sentencing court and no parole board; parole needs its parole board and no court."
        ]
    }
    assert Supervision.objects.count() == count


def test_officer_registers_a_person(world, client_for):
    response = client_for("officer").post(
        "/api/v1/offenders/", {"first_name": "Dana", "last_name": "Reyes", "date_of_birth": "1990-04-12"}
    )

    assert response.status_code == 201, response.json()
    assert Offender.objects.get(pk=response.json()["id"]).last_name == "Reyes"
    assert response.json()["agency_number"].startswith("CL-")


# --- Times on the nights the clocks change ------------------------------------------------------------

# In America/New_York (settings.TIME_ZONE) 02:30 on 14 March 2027 never happens and 01:30 on 7 November 2027
# happens twice. The web forms resolve such a time for a person typing it; the API asks its client, which can
# send the offset, to say which instant it means.
SKIPPED = (
    "2027-03-14 02:30 does not exist in America/New_York: the clocks jump over it. Send the time with its UTC offset."
)
REPEATED = (
    "2027-11-07 01:30 happens twice in America/New_York: the clocks go back over it. Send the time with its UTC offset."
)


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("2027-03-14T02:30:00", SKIPPED),
        ("2027-03-14T02:30", SKIPPED),
        ("2027-11-07T01:30:00", REPEATED),
        ("9999-12-31T23:59:00", "Datetime value out of range."),  # was a 500 (OverflowError)
    ],
)
def test_a_contact_at_a_time_without_offset_that_is_not_one_instant_is_refused(world, client_for, sent, message):
    # given
    case = world.cases["mine"]
    count, writes = CheckIn.objects.count(), _writes()

    # when
    response = client_for("officer").post(
        "/api/v1/check-ins/", {"supervision": case.pk, "kind": "home_visit", "occurred_at": sent}, format="json"
    )

    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Please correct the request: occurred_at: {message}",
        "errors": {"occurred_at": [message]},
    }
    assert (CheckIn.objects.count(), _writes()) == (count, writes)


def test_every_date_time_the_api_takes_refuses_a_time_the_clocks_jump_over(world, client_for):
    # given
    case, check_in = world.cases["mine"], world.records[("check-ins", "mine")]
    client = client_for("officer")
    counts = (CheckIn.objects.count(), DrugTest.objects.count())

    # when
    completed = client.post(
        f"/api/v1/check-ins/{check_in.pk}/complete/", {"completed_at": "2027-03-14T02:30:00"}, format="json"
    )
    collected = client.post(
        "/api/v1/drug-tests/",
        {"supervision": case.pk, "collected_at": "2027-03-14T02:30:00", "result": "negative"},
        format="json",
    )

    # then
    assert [(r.status_code, r.json()["errors"]) for r in (completed, collected)] == [
        (400, {"completed_at": [SKIPPED]}),
        (400, {"collected_at": [SKIPPED]}),
    ]
    assert (CheckIn.objects.get(pk=check_in.pk).status, CheckIn.objects.count(), DrugTest.objects.count()) == (
        "scheduled",
        *counts,
    )


@pytest.mark.time_machine(datetime.datetime(2027, 11, 7, 12, 0, tzinfo=datetime.UTC), tick=False)
@pytest.mark.parametrize(
    ("sent", "instant"),
    [
        ("2027-11-07T01:30:00-04:00", datetime.datetime(2027, 11, 7, 5, 30, tzinfo=datetime.UTC)),
        ("2027-11-07T01:30:00-05:00", datetime.datetime(2027, 11, 7, 6, 30, tzinfo=datetime.UTC)),
        ("2027-11-07T06:30:00Z", datetime.datetime(2027, 11, 7, 6, 30, tzinfo=datetime.UTC)),
    ],
)
def test_a_contact_sent_with_its_offset_on_the_night_the_clocks_go_back_is_taken_as_sent(
    world, client_for, sent, instant
):
    # when
    response = client_for("officer").post(
        "/api/v1/check-ins/",
        {"supervision": world.cases["mine"].pk, "kind": "home_visit", "occurred_at": sent},
        format="json",
    )

    # then
    assert response.status_code == 201, response.json()
    assert CheckIn.objects.get(pk=response.json()["id"]).completed_at == instant


# --- Violation reports ------------------------------------------------------------------------------


def test_officer_drafts_edits_and_submits_a_report(world, client_for):
    case = world.cases["mine"]
    violation = ViolationFactory(supervision=case)
    client = client_for("officer")

    drafted = client.post(
        "/api/v1/violation-reports/",
        {"supervision": case.pk, "violations": [violation.pk], "narrative": "Missed.", "recommendation": "continue"},
    )
    report_id = drafted.json()["id"]
    edited = client.patch(f"/api/v1/violation-reports/{report_id}/", {"narrative": "Missed twice."})
    submitted = client.post(f"/api/v1/violation-reports/{report_id}/submit/")
    again = client.post(f"/api/v1/violation-reports/{report_id}/submit/")

    assert drafted.status_code == 201, drafted.json()
    assert drafted.json()["authority"] == {"type": "court", "id": world.court.pk}
    assert (edited.status_code, edited.json()["narrative"]) == (200, "Missed twice.")
    assert (submitted.status_code, submitted.json()["status"]) == (200, "submitted")
    assert again.status_code == 409
    assert again.json() == {"detail": "A report that is submitted to the supervisor cannot be submitted.", "errors": {}}


def _submitted(world, case_name="mine"):
    case = world.cases[case_name]
    report = ViolationReportFactory(supervision=case, status=ReportStatus.SUBMITTED)
    return report


def test_supervisor_approves_a_submitted_report_and_it_takes_its_authority(
    world, client_for, django_capture_on_commit_callbacks
):
    report = _submitted(world)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for("supervisor").post(f"/api/v1/violation-reports/{report.pk}/approve/")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["authority"]) == (
        "approved",
        {"type": "court", "id": world.court.pk},
    )
    assert len(callbacks) == 1  # the delivery job, queued after commit
    report.refresh_from_db()
    assert (report.court, report.reviewed_by) == (world.court, world.users["supervisor"])


def test_an_officer_cannot_approve_and_nothing_changes(world, client_for):
    report = _submitted(world)
    writes = _writes()

    response = client_for("officer").post(f"/api/v1/violation-reports/{report.pk}/approve/")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your role (Supervision officer) may not review violation reports.",
        "errors": {},
    }
    assert ViolationReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    assert _writes() == writes


def test_approving_a_draft_is_409(world, client_for):
    draft = world.records[("draft-reports", "mine")]

    response = client_for("supervisor").post(f"/api/v1/violation-reports/{draft.pk}/approve/")

    assert response.status_code == 409
    assert response.json()["detail"] == "A report that is draft cannot be approved."
    assert ViolationReport.objects.get(pk=draft.pk).status == ReportStatus.DRAFT


def test_supervisor_returns_a_report_with_a_comment(world, client_for):
    report = _submitted(world)
    client = client_for("supervisor")

    empty = client.post(f"/api/v1/violation-reports/{report.pk}/return/", {"comment": "  "})
    returned = client.post(f"/api/v1/violation-reports/{report.pk}/return/", {"comment": "Add the dates."})

    assert empty.status_code == 400
    assert empty.json()["errors"] == {"comment": ["This field may not be blank."]}
    assert (returned.status_code, returned.json()["status"], returned.json()["review_comment"]) == (
        200,
        "returned",
        "Add the dates.",
    )


def test_clerk_acknowledges_schedules_and_disposes(world, client_for):
    report = world.records[("violation-reports", "mine")]
    client = client_for("clerk")
    hearing_at = (timezone.now() + datetime.timedelta(days=10)).replace(microsecond=0)

    acknowledged = client.post(f"/api/v1/violation-reports/{report.pk}/acknowledge/")
    scheduled = client.post(
        f"/api/v1/violation-reports/{report.pk}/hearing/",
        {"hearing_at": hearing_at.isoformat(), "location": "Courtroom 4"},
    )
    disposed = client.post(f"/api/v1/violation-reports/{report.pk}/disposition/", {"disposition": "continued"})

    assert [r.status_code for r in (acknowledged, scheduled, disposed)] == [200, 200, 200]
    assert [r.json()["status"] for r in (acknowledged, scheduled, disposed)] == [
        "received",
        "hearing_scheduled",
        "disposed",
    ]
    assert disposed.json()["disposition"] == "continued"
    assert set(report.violations.values_list("status", flat=True)) == {"resolved"}
    assert _writes()[-3:] == [
        "violation_report.received",
        "violation_report.hearing_scheduled",
        "violation_report.disposed",
    ]


def test_revocation_closes_the_supervision(world, client_for):
    report = world.records[("violation-reports", "mine")]
    ViolationReport.objects.filter(pk=report.pk).update(status=ReportStatus.RECEIVED)

    response = client_for("clerk").post(
        f"/api/v1/violation-reports/{report.pk}/disposition/", {"disposition": "revoked"}
    )

    assert response.status_code == 200
    case = Supervision.objects.get(pk=world.cases["mine"].pk)
    assert (case.status, case.closure_reason, case.closed_on) == ("closed", "revoked", timezone.localdate())
    assert "supervision.closed" in _writes()


def test_board_staff_acknowledge_their_parole_report(world, client_for):
    report = world.records[("violation-reports", "peer")]

    response = client_for("board_staff").post(f"/api/v1/violation-reports/{report.pk}/acknowledge/")

    assert (response.status_code, response.json()["status"]) == (200, "received")


def test_disposing_a_report_not_yet_received_is_409_and_changes_nothing(world, client_for):
    report = world.records[("violation-reports", "mine")]
    writes = _writes()

    response = client_for("clerk").post(
        f"/api/v1/violation-reports/{report.pk}/disposition/", {"disposition": "revoked"}
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "A report that is routed to the authority cannot be disposed.", "errors": {}}
    assert ViolationReport.objects.get(pk=report.pk).status == ReportStatus.ROUTED
    assert Supervision.objects.get(pk=world.cases["mine"].pk).status == "active"
    assert _writes() == writes


def test_an_unknown_disposition_is_a_field_error(world, client_for):
    report = world.records[("violation-reports", "mine")]
    ViolationReport.objects.filter(pk=report.pk).update(status=ReportStatus.RECEIVED)

    response = client_for("clerk").post(
        f"/api/v1/violation-reports/{report.pk}/disposition/", {"disposition": "hanged"}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"disposition": ['"hanged" is not a valid choice.']}


def test_another_courts_clerk_cannot_see_or_acknowledge(world, client_for):
    report = world.records[("violation-reports", "mine")]

    response = client_for("other_clerk").post(f"/api/v1/violation-reports/{report.pk}/acknowledge/")

    assert response.status_code == 404
    assert ViolationReport.objects.get(pk=report.pk).status == ReportStatus.ROUTED


def test_an_officer_cannot_acknowledge_for_the_court(world, client_for):
    report = world.records[("violation-reports", "mine")]

    response = client_for("officer").post(f"/api/v1/violation-reports/{report.pk}/acknowledge/")

    assert response.status_code == 403
    assert ViolationReport.objects.get(pk=report.pk).status == ReportStatus.ROUTED


def test_clerks_cannot_draft_reports(world, client_for):
    count = ViolationReport.objects.count()

    response = client_for("clerk").post(
        "/api/v1/violation-reports/",
        {"supervision": world.cases["mine"].pk, "violations": [], "narrative": "x", "recommendation": "revoke"},
    )

    assert response.status_code == 403
    assert ViolationReport.objects.count() == count


# --- Tokens and methods ----------------------------------------------------------------------------

WRITES = [
    ("post", "/api/v1/case-notes/", lambda w: {"supervision": w.cases["mine"].pk, "body": "x"}),
    ("post", "/api/v1/check-ins/{check-ins}/complete/", lambda w: {}),
    ("post", "/api/v1/violation-reports/{draft-reports}/submit/", lambda w: {}),
    ("patch", "/api/v1/violation-reports/{draft-reports}/", lambda w: {"narrative": "changed"}),
    ("post", "/api/v1/offenders/", lambda w: {"first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01"}),
]


def _url(world, template: str) -> str:
    for key in ("check-ins", "draft-reports"):
        template = template.replace("{" + key + "}", str(world.records[(key, "mine")].pk))
    return template


@pytest.mark.parametrize(("method", "url", "payload"), WRITES)
def test_a_read_token_is_refused_every_write_and_nothing_changes(world, client_for, method, url, payload):
    client = client_for("officer", token="read")
    writes = _writes()
    counts = (CaseNote.objects.count(), Offender.objects.count())
    check_in = world.records[("check-ins", "mine")]
    draft = world.records[("draft-reports", "mine")]

    response = getattr(client, method)(_url(world, url), payload(world), format="json")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "This API token is read-only: ask an administrator for a token with the write scope.",
        "errors": {},
    }
    assert (CaseNote.objects.count(), Offender.objects.count()) == counts
    assert CheckIn.objects.get(pk=check_in.pk).status == "scheduled"
    assert ViolationReport.objects.get(pk=draft.pk).narrative == draft.narrative
    assert _writes() == writes


@pytest.mark.parametrize(("method", "url", "payload"), WRITES)
def test_a_write_token_writes_as_its_user(world, client_for, method, url, payload):
    client = client_for("officer", token="write")

    response = getattr(client, method)(_url(world, url), payload(world), format="json")

    assert response.status_code in (200, 201), response.json()


def test_a_unit_token_cannot_write_outside_its_unit(world, client_for):
    client = client_for("integrator", token="write", unit="north")
    count = CaseNote.objects.count()

    inside = client.post("/api/v1/case-notes/", {"supervision": world.cases["mine"].pk, "body": "x"})
    outside = client.post("/api/v1/case-notes/", {"supervision": world.cases["south"].pk, "body": "x"})

    assert (inside.status_code, outside.status_code) == (201, 400)
    assert CaseNote.objects.count() == count + 1


DETAILS = ("offenders", "supervisions", "conditions", "check-ins", "drug-tests", "case-notes", "violations")


@pytest.mark.parametrize("resource", (*DETAILS, "violation-reports"))
def test_nothing_is_deleted_or_replaced_through_the_api(world, client_for, resource):
    obj = world.records[(resource, "mine")]
    client = client_for("admin")

    deleted = client.delete(f"/api/v1/{resource}/{obj.pk}/")
    replaced = client.put(f"/api/v1/{resource}/{obj.pk}/", {}, format="json")

    assert (deleted.status_code, replaced.status_code) == (405, 405)
    assert deleted.json() == {"detail": 'Method "DELETE" not allowed.', "errors": {}}
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("resource", ("courts", "parole-boards", "units", "officers"))
def test_reference_data_is_read_only(world, client_for, resource):
    client = client_for("admin")

    created = client.post(f"/api/v1/{resource}/", {"name": "New"}, format="json")
    deleted = client.delete(f"/api/v1/{resource}/1/")

    assert (created.status_code, deleted.status_code) == (405, 405)


def test_a_second_violation_for_the_same_check_in_is_a_400_not_a_500(world, client_for):
    case, check_in = world.records[("supervisions", "mine")], world.records[("check-ins", "mine")]
    payload = {
        "supervision": case.pk,
        "kind": "technical",
        "occurred_on": timezone.localdate().isoformat(),
        "description": "Missed the office visit.",
        "check_in": check_in.pk,
    }
    client = client_for("officer")
    client.post("/api/v1/violations/", payload)

    again = client.post("/api/v1/violations/", payload)

    assert again.status_code == 400
    assert Violation.objects.filter(check_in=check_in).count() == 1
    existing = Violation.objects.get(check_in=check_in)
    assert again.json()["errors"] == {"check_in": [f"This check-in is already violation #{existing.pk}."]}


def test_registering_a_person_twice_is_a_field_error(world, client_for):
    existing = world.cases["mine"].offender
    count = Offender.objects.count()

    response = client_for("officer").post(
        "/api/v1/offenders/",
        {"first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01", "state_id": existing.state_id},
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "state_id": [
            "A person with this state identification number is already registered: ask the agency to find their record."
        ]
    }
    assert Offender.objects.count() == count
