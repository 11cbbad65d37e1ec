"""The business rules in supervision/services/: violation reports from draft to approval, and their
delivery to the authority.

A refused call changes nothing: the same rows, the same statuses, and no audit row.
"""

from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from kombu.exceptions import OperationalError

from agency.errors import ApplicationError
from agency.models import AuditEvent
from supervision.choices import (
    ReportRecommendation,
    ReportStatus,
    ViolationStatus,
)
from supervision.models import (
    ReportDelivery,
    Supervision,
    Violation,
    ViolationReport,
)
from supervision.services import (
    report_delivery_deliver,
    violation_report_approve,
    violation_report_draft,
    violation_report_return,
    violation_report_submit,
    violation_report_update,
)
from tests.agency.factories import (
    CourtClerkFactory,
    CourtFactory,
    IntegratorFactory,
    SupervisorFactory,
)
from tests.supervision.factories import (
    ParoleSupervisionFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)
from tests.supervision.service_helpers import DELAY, _audit, _rows

pytestmark = pytest.mark.django_db


# --- violation reports ------------------------------------------------------------------------------------


@pytest.fixture
def probation():
    """A probation case, its officer, the unit's supervisor, and two open violations."""
    supervision = SupervisionFactory()
    supervisor = SupervisorFactory(unit=supervision.unit)
    violations = [ViolationFactory(supervision=supervision), ViolationFactory(supervision=supervision)]
    return supervision, supervision.officer, supervisor, violations


def _report_in(status: str, supervision: Supervision | None = None, **fields) -> ViolationReport:
    supervision = supervision or SupervisionFactory()
    return ViolationReportFactory(supervision=supervision, status=status, **fields)


def _snapshot(report: ViolationReport) -> dict:
    return ViolationReport.objects.values().get(pk=report.pk)


def test_violation_report_draft(probation):
    # given a case with two open violations
    supervision, officer, _, violations = probation
    # when the officer drafts a report from them
    report = violation_report_draft(
        actor=officer,
        supervision=supervision,
        violations=violations,
        narrative="  Two missed visits.  ",
        recommendation=ReportRecommendation.MODIFY_CONDITIONS,
    )
    # then a draft with no authority yet covers exactly those violations, which stay open
    report.refresh_from_db()
    assert (report.status, report.author, report.narrative) == ("draft", officer, "Two missed visits.")
    assert (report.court, report.parole_board) == (None, None)
    assert set(report.violations.all()) == set(violations)
    assert set(Violation.objects.values_list("status", flat=True)) == {"open"}
    event = _audit("violation_report.drafted")
    assert (event.actor, event.object_id, event.offender_id) == (officer, str(report.pk), supervision.offender_id)
    assert event.detail == {"violations": [v.pk for v in violations]}


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("none", "Select at least one violation for the report."),
        ("other_case", "belongs to another case."),
        ("already_reported", "is in a violation report: it cannot be reported."),
        ("resolved", "is resolved: it cannot be reported."),
    ],
)
def test_violation_report_draft_refuses_violations_it_cannot_cover(probation, which, message):
    # given a case, and a selection that is empty, from another case, or no longer reportable
    supervision, officer, _, violations = probation
    selection = {
        "none": [],
        "other_case": [violations[0], ViolationFactory()],
        "already_reported": [ViolationFactory(supervision=supervision, status=ViolationStatus.REPORTED)],
        "resolved": [ViolationFactory(supervision=supervision, status=ViolationStatus.RESOLVED)],
    }[which]
    before = _rows()
    # when a report is drafted from it / then it is refused and nothing is written
    with pytest.raises(ValidationError) as refused:
        violation_report_draft(
            actor=officer,
            supervision=supervision,
            violations=selection,
            narrative="Narrative.",
            recommendation=ReportRecommendation.CONTINUE,
        )
    assert message in refused.value.message_dict["violations"][0]
    assert _rows() == before


@pytest.mark.parametrize("make_actor", [CourtClerkFactory, IntegratorFactory], ids=["court_clerk", "integrator"])
def test_violation_report_draft_refuses_roles_that_do_not_write_reports(probation, make_actor):
    supervision, _, _, violations = probation
    before = _rows()
    with pytest.raises(ApplicationError, match="may not write violation reports") as refused:
        violation_report_draft(
            actor=make_actor(),
            supervision=supervision,
            violations=violations,
            narrative="Narrative.",
            recommendation=ReportRecommendation.CONTINUE,
        )
    assert refused.value.status_code == 403
    assert _rows() == before


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.RETURNED])
def test_violation_report_update_edits_a_draft_or_returned_report(probation, status):
    # given a draft or returned report covering one violation
    supervision, officer, _, violations = probation
    report = _report_in(status, supervision, violations=[violations[0]])
    # when the officer rewrites it and adds the second violation
    violation_report_update(
        actor=officer,
        report=report,
        narrative=" Revised. ",
        recommendation=ReportRecommendation.REVOKE,
        violations=violations,
    )
    # then the report carries the new text and both violations, in the same status
    report.refresh_from_db()
    assert (report.narrative, report.recommendation, report.status) == ("Revised.", "revoke", status)
    assert set(report.violations.all()) == set(violations)
    assert _audit("violation_report.updated").actor == officer


@pytest.mark.parametrize(
    "status",
    [
        ReportStatus.SUBMITTED,
        ReportStatus.APPROVED,
        ReportStatus.ROUTED,
        ReportStatus.RECEIVED,
        ReportStatus.HEARING_SCHEDULED,
        ReportStatus.DISPOSED,
    ],
)
def test_violation_report_update_refuses_a_report_past_drafting(status):
    # given a report that was submitted (or went further)
    supervision = SupervisionFactory()
    authority = {"court": supervision.court} if status != ReportStatus.SUBMITTED else {}
    if status == ReportStatus.DISPOSED:
        authority |= {"disposition": "continued", "disposition_on": timezone.localdate()}
    report = _report_in(status, supervision, **authority)
    snapshot, before = _snapshot(report), _rows()
    # when its author edits it / then it is refused with a conflict and nothing changes
    with pytest.raises(ApplicationError, match="cannot be edited") as refused:
        violation_report_update(actor=supervision.officer, report=report, narrative="Changed.", recommendation="revoke")
    assert refused.value.status_code == 409
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_violation_report_update_refuses_an_empty_selection(probation):
    supervision, officer, _, violations = probation
    report = _report_in(ReportStatus.DRAFT, supervision, violations=violations)
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ValidationError):
        violation_report_update(
            actor=officer, report=report, narrative="Changed.", recommendation="revoke", violations=[]
        )
    assert _snapshot(report) == snapshot
    assert set(report.violations.all()) == set(violations)
    assert _rows() == before


@pytest.mark.parametrize("make_actor", [CourtClerkFactory, IntegratorFactory], ids=["court_clerk", "integrator"])
def test_violation_report_update_refuses_roles_that_do_not_write_reports(probation, make_actor):
    # given a draft report
    supervision, _, _, _ = probation
    report = _report_in(ReportStatus.DRAFT, supervision)
    snapshot, before = _snapshot(report), _rows()
    # when a court clerk or an integrator edits it / then it is refused and nothing changes
    with pytest.raises(ApplicationError, match="may not edit violation reports") as refused:
        violation_report_update(actor=make_actor(), report=report, narrative="Changed.", recommendation="revoke")
    assert refused.value.status_code == 403
    assert _snapshot(report) == snapshot
    assert _rows() == before


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.RETURNED])
def test_violation_report_submit(probation, status):
    # given a draft (or a returned, revised) report
    supervision, officer, _, _ = probation
    report = _report_in(status, supervision)
    # when the officer submits it
    violation_report_submit(actor=officer, report=report)
    # then it waits for the supervisor, with the time it was submitted
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.submitted_at is not None
    assert _audit("violation_report.submitted").actor == officer


def test_violation_report_submit_refuses_a_report_already_submitted(probation):
    supervision, officer, _, _ = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision)
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ApplicationError, match="A report that is submitted to the supervisor cannot be submitted"):
        violation_report_submit(actor=officer, report=report)
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_violation_report_submit_refuses_a_court_clerk(probation):
    supervision, _, _, _ = probation
    report = _report_in(ReportStatus.DRAFT, supervision)
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ApplicationError, match="may not submit violation reports"):
        violation_report_submit(actor=CourtClerkFactory(court=supervision.court), report=report)
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_violation_report_return_with_a_comment(probation):
    # given a submitted report
    supervision, _, supervisor, _ = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision)
    # when the unit supervisor returns it with a comment
    violation_report_return(actor=supervisor, report=report, comment="  Add the test dates.  ")
    # then it goes back to the officer with the comment, and no authority
    report.refresh_from_db()
    assert (report.status, report.reviewed_by, report.review_comment) == (
        "returned",
        supervisor,
        "Add the test dates.",
    )
    assert report.reviewed_at is not None
    assert (report.court, report.parole_board) == (None, None)
    assert _audit("violation_report.returned").actor == supervisor


def test_violation_report_return_requires_a_comment(probation):
    supervision, _, supervisor, _ = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision)
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ValidationError) as refused:
        violation_report_return(actor=supervisor, report=report, comment="  ")
    assert refused.value.message_dict == {"comment": ["Tell the officer what to change."]}
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_violation_report_return_refuses_a_draft(probation):
    supervision, _, supervisor, _ = probation
    report = _report_in(ReportStatus.DRAFT, supervision)
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ApplicationError, match="cannot be returned") as refused:
        violation_report_return(actor=supervisor, report=report, comment="Why?")
    assert refused.value.status_code == 409
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_violation_report_return_refuses_another_units_supervisor(probation):
    supervision, _, _, _ = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision)
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ApplicationError, match="Only the supervisor of the case's unit"):
        violation_report_return(actor=SupervisorFactory(), report=report, comment="Not mine.")
    assert _snapshot(report) == snapshot
    assert _rows() == before


@pytest.mark.parametrize(
    ("make_case", "authority_type"),
    [(SupervisionFactory, "court"), (ParoleSupervisionFactory, "parole_board")],
    ids=["probation", "parole"],
)
def test_violation_report_approve_routes_to_the_cases_authority(
    make_case, authority_type, django_capture_on_commit_callbacks
):
    # given a submitted report on a probation (or parole) case, and the unit's supervisor
    supervision = make_case()
    supervisor = SupervisorFactory(unit=supervision.unit)
    violations = [ViolationFactory(supervision=supervision), ViolationFactory(supervision=supervision)]
    report = _report_in(ReportStatus.SUBMITTED, supervision, violations=violations)
    # when the supervisor approves it
    with mock.patch(DELAY) as delay, django_capture_on_commit_callbacks(execute=True):
        violation_report_approve(actor=supervisor, report=report)
    # then the report is approved and takes its authority from the case: the court XOR the board
    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == ("approved", supervisor)
    assert (report.court, report.parole_board) == (supervision.court, supervision.parole_board)
    assert (report.court is None) == (authority_type == "parole_board")
    # and exactly one pending delivery to that authority is recorded, and queued once
    delivery = ReportDelivery.objects.get()
    assert (delivery.report, delivery.court, delivery.parole_board) == (
        report,
        supervision.court,
        supervision.parole_board,
    )
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    delay.assert_called_once_with(delivery.pk)
    # and the covered violations are now reported
    assert set(Violation.objects.values_list("status", flat=True)) == {"reported"}
    # and the approval is audited with the authority
    event = _audit("violation_report.approved")
    authority = supervision.court or supervision.parole_board
    assert (event.actor, event.object_id, event.offender_id) == (supervisor, str(report.pk), supervision.offender_id)
    assert event.detail == {"authority": {"type": authority_type, "id": authority.pk}}


def test_violation_report_approve_queues_the_delivery_only_after_commit(probation, django_capture_on_commit_callbacks):
    # given a submitted report
    supervision, _, supervisor, violations = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision, violations=violations)
    with mock.patch(DELAY) as delay:
        # when it is approved, before the transaction commits
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            violation_report_approve(actor=supervisor, report=report)
        # then nothing is queued yet
        assert delay.call_count == 0
        assert len(callbacks) == 1
        # when the transaction commits
        callbacks[0]()
    # then the delivery is queued exactly once
    delay.assert_called_once_with(ReportDelivery.objects.get().pk)


def test_violation_report_approve_survives_a_broker_that_is_down(probation, django_capture_on_commit_callbacks):
    # given a submitted report, and a broker that refuses connections
    supervision, _, supervisor, violations = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision, violations=violations)
    # when it is approved
    with (
        mock.patch(DELAY, side_effect=OperationalError("Error 111 connecting to redis")) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        violation_report_approve(actor=supervisor, report=report)
    # then the approval stands, with its delivery pending for the periodic sweep
    assert delay.call_count == 1
    report.refresh_from_db()
    assert report.status == "approved"
    assert ReportDelivery.objects.get().status == "pending"
    assert AuditEvent.objects.filter(action="violation_report.approved").count() == 1


def _refused_approval(report: ViolationReport, actor, match: str, status_code: int, capture) -> None:
    snapshot, before = _snapshot(report), _rows()
    violation_statuses = sorted(report.violations.values_list("status", flat=True))
    with (
        mock.patch(DELAY) as delay,
        capture(execute=True) as callbacks,
        pytest.raises(ApplicationError, match=match) as refused,
    ):
        violation_report_approve(actor=actor, report=report)
    assert refused.value.status_code == status_code
    assert _snapshot(report) == snapshot
    assert sorted(report.violations.values_list("status", flat=True)) == violation_statuses
    assert _rows() == before
    assert callbacks == []
    assert delay.call_count == 0


def test_violation_report_approve_refuses_the_officer(probation, django_capture_on_commit_callbacks):
    supervision, officer, _, violations = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision, violations=violations)
    _refused_approval(report, officer, "may not review violation reports", 403, django_capture_on_commit_callbacks)


def test_violation_report_approve_refuses_another_units_supervisor(probation, django_capture_on_commit_callbacks):
    supervision, _, _, violations = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision, violations=violations)
    _refused_approval(
        report, SupervisorFactory(), "Only the supervisor of the case's unit", 403, django_capture_on_commit_callbacks
    )


def test_violation_report_approve_refuses_the_supervisor_who_wrote_it(probation, django_capture_on_commit_callbacks):
    supervision, _, supervisor, violations = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision, violations=violations, author=supervisor)
    _refused_approval(report, supervisor, "cannot review a report you wrote", 403, django_capture_on_commit_callbacks)


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.RETURNED, ReportStatus.APPROVED])
def test_violation_report_approve_refuses_a_report_not_submitted(probation, status, django_capture_on_commit_callbacks):
    supervision, _, supervisor, violations = probation
    authority = {"court": supervision.court} if status == ReportStatus.APPROVED else {}
    report = _report_in(status, supervision, violations=violations, **authority)
    _refused_approval(report, supervisor, "cannot be approved", 409, django_capture_on_commit_callbacks)


# --- report_delivery_deliver -------------------------------------------------------------------------------


def _approved(make_case=SupervisionFactory) -> ReportDelivery:
    supervision = make_case()
    report = _report_in(ReportStatus.SUBMITTED, supervision)
    with mock.patch(DELAY):
        violation_report_approve(actor=SupervisorFactory(unit=supervision.unit), report=report)
    return ReportDelivery.objects.get(report=report)


@pytest.mark.parametrize("make_case", [SupervisionFactory, ParoleSupervisionFactory], ids=["probation", "parole"])
def test_report_delivery_deliver_routes_and_emails_the_authority(make_case):
    # given an approved report with its pending delivery
    delivery = _approved(make_case)
    report, supervision = delivery.report, delivery.report.supervision
    address = supervision.court.clerk_email if supervision.court else supervision.parole_board.email
    # when the delivery job runs
    delivered = report_delivery_deliver(delivery_id=delivery.pk)
    # then the report is in the authority's inbox and the authority was emailed once
    assert delivered is True
    report.refresh_from_db()
    assert report.status == "routed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 1, "")
    assert delivery.delivered_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [address]
    assert mail.outbox[0].subject == f"Violation report #{report.pk} for docket {supervision.docket_number}"
    # and the routing is audited as the job's work
    event = _audit("violation_report.routed")
    assert (event.actor, event.actor_label, event.object_id) == (None, "system:deliver_reports", str(report.pk))


def test_report_delivery_deliver_is_idempotent():
    # given a delivery already made
    delivery = _approved()
    assert report_delivery_deliver(delivery_id=delivery.pk) is True
    delivered = ReportDelivery.objects.values().get(pk=delivery.pk)
    snapshot, before = _snapshot(delivery.report), _rows()
    # when the job runs again (a retry, a duplicate message)
    again = report_delivery_deliver(delivery_id=delivery.pk)
    # then it does nothing: no second email, no change, no audit row
    assert again is False
    assert len(mail.outbox) == 1
    assert ReportDelivery.objects.values().get(pk=delivery.pk) == delivered
    assert _snapshot(delivery.report) == snapshot
    assert _rows() == before


def test_report_delivery_deliver_unknown_delivery_does_nothing():
    before = _rows()
    assert report_delivery_deliver(delivery_id=999_999) is False
    assert mail.outbox == []
    assert _rows() == before


def test_report_delivery_deliver_without_an_address_still_routes():
    # given a court with no clerk email
    delivery = _approved(lambda: SupervisionFactory(court=CourtFactory(clerk_email="")))
    # when the job runs
    assert report_delivery_deliver(delivery_id=delivery.pk) is True
    # then the report is in the court's inbox, and no email was sent
    delivery.report.refresh_from_db()
    assert delivery.report.status == "routed"
    assert mail.outbox == []
