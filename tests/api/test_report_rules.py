"""Issue 12 through the API: the findings as they were reproduced (findings 4, 5 and 14), answered in the
API's one error shape (403 not theirs, 400 a field error), nothing changed by a refused request, and the
report showing who wrote it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agency.choices import AuditOutcome
from agency.models import AuditEvent
from supervision.choices import ReportStatus
from supervision.models import ReportViolation, ViolationReport
from tests.supervision.factories import ViolationFactory, ViolationReportFactory

pytestmark = pytest.mark.django_db


def _report_state(report: ViolationReport) -> tuple:
    return (
        ViolationReport.objects.values("status", "narrative", "recommendation", "updated_at").get(pk=report.pk),
        sorted(ReportViolation.objects.filter(report=report).values_list("violation_id", "live")),
        sorted(report.editors.values_list("pk", flat=True)),
    )


def _writes() -> list[str]:
    actions = AuditEvent.objects.filter(outcome=AuditOutcome.ALLOWED).order_by("id").values_list("action", flat=True)
    return [a for a in actions if not a.endswith((".listed", ".viewed"))]


def test_the_finding_a_supervisor_cannot_rewrite_submit_and_approve_an_officers_draft(world, client_for):
    # given the officer's draft, and the unit's supervisor signed in
    draft = world.records[("draft-reports", "mine")]
    client = client_for("supervisor")
    state, writes = _report_state(draft), _writes()
    # when the supervisor rewrites it, submits it and approves it
    edited = client.patch(
        f"/api/v1/violation-reports/{draft.pk}/", {"narrative": "Revoke him.", "recommendation": "revoke"}
    )
    submitted = client.post(f"/api/v1/violation-reports/{draft.pk}/submit/")
    approved = client.post(f"/api/v1/violation-reports/{draft.pk}/approve/")
    # then the first two are not theirs to do (403), the third finds a draft (409), and nothing changed
    author = world.users["officer"].get_full_name()
    assert (edited.status_code, edited.json()) == (
        403,
        {
            "detail": f"Only the report's author ({author}) may edit it: ask them, or write a report of your own.",
            "errors": {},
        },
    )
    assert (submitted.status_code, submitted.json()["detail"]) == (
        403,
        f"Only the report's author ({author}) may submit it: ask them, or write a report of your own.",
    )
    assert approved.status_code == 409
    assert _report_state(draft) == state
    assert _writes() == writes


def test_the_finding_a_second_draft_over_a_violation_is_a_400_naming_the_report_that_holds_it(world, client_for):
    # given a draft over a violation
    case = world.cases["mine"]
    violation = ViolationFactory(supervision=case)
    client = client_for("officer")
    body = {"supervision": case.pk, "violations": [violation.pk], "narrative": "Missed.", "recommendation": "continue"}
    first = client.post("/api/v1/violation-reports/", body)
    assert first.status_code == 201
    count = ViolationReport.objects.count()
    # when a second report is drafted over it
    second = client.post("/api/v1/violation-reports/", body)
    # then it is a field error naming the first, and no report is made
    message = f"Violation #{violation.pk} is already in violation report #{first.json()['id']} (draft)."
    assert second.status_code == 400
    assert second.json() == {
        "detail": f"Please correct the request: violations: {message}",
        "errors": {"violations": [message]},
    }
    assert ViolationReport.objects.count() == count


def test_submit_takes_the_report_as_it_is_on_the_authors_screen(world, client_for):
    # given a draft over two violations
    case = world.cases["mine"]
    kept, dropped = ViolationFactory(supervision=case), ViolationFactory(supervision=case)
    client = client_for("officer")
    drafted = client.post(
        "/api/v1/violation-reports/",
        {
            "supervision": case.pk,
            "violations": [kept.pk, dropped.pk],
            "narrative": "Missed.",
            "recommendation": "continue",
        },
    ).json()
    # when its author unticks one, adds a sentence and submits, in one request
    response = client.post(
        f"/api/v1/violation-reports/{drafted['id']}/submit/",
        {
            "violations": [kept.pk],
            "narrative": "Missed. He reports daily since.",
            "recommendation": "modify_conditions",
        },
    )
    # then what is submitted is what was sent
    assert response.status_code == 200, response.json()
    assert {key: response.json()[key] for key in ("status", "violations", "narrative", "recommendation")} == {
        "status": "submitted",
        "violations": [kept.pk],
        "narrative": "Missed. He reports daily since.",
        "recommendation": "modify_conditions",
    }


def test_a_submit_whose_content_is_refused_saves_nothing(world, client_for):
    draft = world.records[("draft-reports", "mine")]
    other_case_violation = world.records[("violations", "peer")]  # out of the officer's caseload
    state, writes = _report_state(draft), _writes()
    response = client_for("officer").post(
        f"/api/v1/violation-reports/{draft.pk}/submit/", {"violations": [other_case_violation.pk], "narrative": "New."}
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["violations"]
    assert _report_state(draft) == state
    assert ViolationReport.objects.get(pk=draft.pk).status == ReportStatus.DRAFT
    assert _writes() == writes


def test_a_report_shows_its_author_and_everyone_who_edited_it(world, client_for):
    # given a report its author wrote and a supervisor edited (as the API let them before issue 12)
    report = world.records[("violation-reports", "mine")]
    supervisor = world.users["supervisor"]
    report.editors.add(supervisor)
    # when it is read
    response = client_for("officer").get(f"/api/v1/violation-reports/{report.pk}/")
    # then it names its author first, then the editor
    officer = world.users["officer"]
    assert response.json()["author"] == officer.pk
    assert response.json()["editors"] == [
        {"id": officer.pk, "name": officer.get_full_name()},
        {"id": supervisor.pk, "name": supervisor.get_full_name()},
    ]


def test_the_report_list_reads_the_editors_in_a_constant_number_of_queries(world, client_for):
    # given the officer's reports, listed once
    client = client_for("officer")
    client.get("/api/v1/violation-reports/")  # the session and the throttle's first reads
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/violation-reports/").status_code == 200
    # when there are three more, each edited by two more people
    for _ in range(3):
        report = ViolationReportFactory(supervision=world.cases["mine"])
        report.editors.add(world.users["peer_officer"], world.users["supervisor"])
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/violation-reports/")
    # then the list costs the same number of queries
    assert len(response.json()["results"]) == 5
    assert len(many.captured_queries) == len(few.captured_queries)
