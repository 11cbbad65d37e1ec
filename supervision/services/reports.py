"""The violation report lifecycle: draft, submit, return, approve (which records the delivery)."""

import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agency.audit import audit_record
from agency.choices import Role
from agency.errors import ApplicationError
from agency.models import User
from supervision.choices import (
    ReportStatus,
    ViolationStatus,
)
from supervision.models import (
    ReportDelivery,
    Supervision,
    Violation,
    ViolationReport,
)
from supervision.services.authority import require_role, supervision_authority
from supervision.services.violations import violations_set_status

logger = logging.getLogger(__name__)


# --- Violation reports -----------------------------------------------------------------------------

# Violations that may go into a report: not yet reported elsewhere, not closed.
REPORTABLE_VIOLATION_STATUSES = (ViolationStatus.OPEN, ViolationStatus.SANCTIONED)


def _check_violations_reportable(
    supervision: Supervision, violations: list[Violation], report: ViolationReport | None
) -> None:
    if not violations:
        raise ValidationError({"violations": "Select at least one violation for the report."})
    for violation in violations:
        if violation.supervision_id != supervision.pk:
            raise ValidationError({"violations": f"Violation #{violation.pk} belongs to another case."})
        in_report = report is not None and violation.reports.filter(pk=report.pk).exists()
        if violation.status not in REPORTABLE_VIOLATION_STATUSES and not in_report:
            raise ValidationError(
                {
                    "violations": f"Violation #{violation.pk} is {violation.get_status_display().lower()}: "
                    "it cannot be reported."
                }
            )


@transaction.atomic
def violation_report_draft(
    *,
    actor: User,
    supervision: Supervision,
    violations: Iterable[Violation],
    narrative: str,
    recommendation: str,
) -> ViolationReport:
    """An officer drafts a violation report from selected violations of one case."""
    require_role(actor, (Role.OFFICER, Role.SUPERVISOR), "write violation reports")
    violations = list(violations)
    _check_violations_reportable(supervision, violations, report=None)
    report = ViolationReport(
        supervision=supervision, narrative=narrative.strip(), recommendation=recommendation, author=actor
    )
    report.full_clean()
    report.save()
    report.violations.set(violations)
    audit_record(
        actor=actor, action="violation_report.drafted", obj=report, detail={"violations": [v.pk for v in violations]}
    )
    return report


def lock_report(report: ViolationReport) -> ViolationReport:
    return ViolationReport.objects.select_for_update().select_related("supervision").get(pk=report.pk)


def _require_status(report: ViolationReport, allowed: Iterable[str], doing: str) -> None:
    if report.status not in allowed:
        raise ApplicationError(
            f"A report that is {report.get_status_display().lower()} cannot be {doing}.", status_code=409
        )


@transaction.atomic
def violation_report_update(
    *,
    actor: User,
    report: ViolationReport,
    narrative: str,
    recommendation: str,
    violations: Iterable[Violation] | None = None,
) -> ViolationReport:
    """Edit a draft or a returned report."""
    report = lock_report(report)
    require_role(actor, (Role.OFFICER, Role.SUPERVISOR), "edit violation reports")
    _require_status(report, (ReportStatus.DRAFT, ReportStatus.RETURNED), "edited")
    report.narrative = narrative.strip()
    report.recommendation = recommendation
    report.full_clean()
    report.save(update_fields=["narrative", "recommendation", "updated_at"])
    if violations is not None:
        violations = list(violations)
        _check_violations_reportable(report.supervision, violations, report=report)
        report.violations.set(violations)
    audit_record(actor=actor, action="violation_report.updated", obj=report)
    return report


@transaction.atomic
def violation_report_submit(*, actor: User, report: ViolationReport) -> ViolationReport:
    """The officer submits a draft (or a returned report, once revised) to the unit supervisor."""
    report = lock_report(report)
    require_role(actor, (Role.OFFICER, Role.SUPERVISOR), "submit violation reports")
    _require_status(report, (ReportStatus.DRAFT, ReportStatus.RETURNED), "submitted")
    if not report.narrative:
        raise ValidationError({"narrative": "Write the narrative before submitting."})
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(actor=actor, action="violation_report.submitted", obj=report)
    return report


def _require_reviewer(actor: User, report: ViolationReport) -> None:
    require_role(actor, (Role.SUPERVISOR,), "review violation reports")
    if actor.unit_id != report.supervision.unit_id:
        raise ApplicationError("Only the supervisor of the case's unit may review this report.", status_code=403)
    if actor.pk == report.author_id:
        raise ApplicationError("You cannot review a report you wrote.", status_code=403)


@transaction.atomic
def violation_report_return(*, actor: User, report: ViolationReport, comment: str) -> ViolationReport:
    """The supervisor returns a submitted report to its author with comments."""
    report = lock_report(report)
    _require_reviewer(actor, report)
    _require_status(report, (ReportStatus.SUBMITTED,), "returned")
    if not comment.strip():
        raise ValidationError({"comment": "Tell the officer what to change."})
    report.status = ReportStatus.RETURNED
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_comment = comment.strip()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"])
    audit_record(actor=actor, action="violation_report.returned", obj=report)
    return report


@transaction.atomic
def violation_report_approve(*, actor: User, report: ViolationReport) -> ViolationReport:
    """The supervisor approves a submitted report. In the same transaction the report takes its
    authority from the supervision and a delivery to that authority is recorded; the delivery job
    is queued after commit (and a periodic sweep picks it up if the broker is down)."""
    report = lock_report(report)
    _require_reviewer(actor, report)
    _require_status(report, (ReportStatus.SUBMITTED,), "approved")
    authority = supervision_authority(supervision=report.supervision)
    report.status = ReportStatus.APPROVED
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_comment = ""
    report.court = authority.court
    report.parole_board = authority.parole_board
    report.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "court", "parole_board", "updated_at"]
    )
    violations_set_status(actor=actor, report=report, status=ViolationStatus.REPORTED)
    delivery, _ = ReportDelivery.objects.get_or_create(
        report=report, court=authority.court, parole_board=authority.parole_board
    )
    audit_record(actor=actor, action="violation_report.approved", obj=report, detail={"authority": authority.as_dict()})
    transaction.on_commit(lambda: _queue_delivery(delivery.pk))
    return report


def _queue_delivery(delivery_id: int) -> None:
    from supervision.tasks import report_delivery_deliver_task

    try:
        report_delivery_deliver_task.delay(delivery_id)
    except Exception:  # the broker is down: the pending delivery is picked up by the periodic sweep
        logger.warning("Could not queue delivery %s; the periodic sweep will deliver it.", delivery_id, exc_info=True)
