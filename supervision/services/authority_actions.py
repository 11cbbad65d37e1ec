"""What a court clerk or parole board staff member does with a report routed to them: acknowledge
receipt, schedule the hearing, record the disposition. A revocation closes the supervision."""

import logging
from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agency.audit import audit_record
from agency.choices import Role
from agency.errors import ApplicationError
from agency.models import User
from supervision.choices import (
    ClosureReason,
    Disposition,
    ReportStatus,
    SupervisionStatus,
    ViolationStatus,
)
from supervision.models import Supervision, ViolationReport
from supervision.services.reports import lock_report

logger = logging.getLogger(__name__)


def _require_authority_staff(actor: User, report: ViolationReport) -> None:
    """Only a clerk of the report's court, or staff of its parole board, act for the authority."""
    if actor.role == Role.COURT_CLERK and report.court_id and actor.court_id == report.court_id:
        return
    if (
        actor.role == Role.PAROLE_BOARD_STAFF
        and report.parole_board_id
        and actor.parole_board_id == report.parole_board_id
    ):
        return
    raise ApplicationError(
        "Only the clerk of the report's court or the staff of its parole board may do this.", status_code=403
    )


def _require_status(report: ViolationReport, allowed: Iterable[str], doing: str) -> None:
    if report.status not in allowed:
        raise ApplicationError(
            f"A report that is {report.get_status_display().lower()} cannot be {doing}.", status_code=409
        )


@transaction.atomic
def violation_report_acknowledge(*, actor: User, report: ViolationReport) -> ViolationReport:
    """The authority acknowledges receipt of a routed report."""
    report = lock_report(report)
    _require_authority_staff(actor, report)
    _require_status(report, (ReportStatus.ROUTED,), "acknowledged")
    report.status = ReportStatus.RECEIVED
    report.received_at = timezone.now()
    report.received_by = actor
    report.save(update_fields=["status", "received_at", "received_by", "updated_at"])
    audit_record(actor=actor, action="violation_report.received", obj=report)
    return report


@transaction.atomic
def violation_report_schedule_hearing(
    *, actor: User, report: ViolationReport, hearing_at: datetime, location: str = ""
) -> ViolationReport:
    """Set (or move) the hearing of a received report."""
    report = lock_report(report)
    _require_authority_staff(actor, report)
    _require_status(report, (ReportStatus.RECEIVED, ReportStatus.HEARING_SCHEDULED), "given a hearing")
    if hearing_at is None:
        raise ValidationError({"hearing_at": "Give the date and time of the hearing."})
    report.status = ReportStatus.HEARING_SCHEDULED
    report.hearing_at = hearing_at
    report.hearing_location = location.strip()
    report.full_clean()
    report.save(update_fields=["status", "hearing_at", "hearing_location", "updated_at"])
    audit_record(
        actor=actor,
        action="violation_report.hearing_scheduled",
        obj=report,
        detail={"hearing_at": hearing_at.isoformat(), "location": report.hearing_location},
    )
    return report


@transaction.atomic
def violation_report_dispose(
    *,
    actor: User,
    report: ViolationReport,
    disposition: str,
    disposed_on: date | None = None,
    note: str = "",
) -> ViolationReport:
    """Record the authority's decision. The report's violations are resolved (dismissed with the
    report when it is dismissed); a revocation closes the supervision as revoked on that date."""
    report = lock_report(report)
    _require_authority_staff(actor, report)
    _require_status(report, (ReportStatus.RECEIVED, ReportStatus.HEARING_SCHEDULED), "disposed")
    if disposition not in Disposition.values:
        raise ValidationError({"disposition": f"Choose one of: {', '.join(Disposition.values)}."})
    disposed_on = disposed_on or timezone.localdate()
    if disposed_on > timezone.localdate():
        raise ValidationError({"disposed_on": "A disposition cannot be recorded for a future date."})
    report.status = ReportStatus.DISPOSED
    report.disposition = disposition
    report.disposition_on = disposed_on
    report.disposition_note = note.strip()
    report.full_clean()
    report.save(update_fields=["status", "disposition", "disposition_on", "disposition_note", "updated_at"])
    violation_status = ViolationStatus.DISMISSED if disposition == Disposition.DISMISSED else ViolationStatus.RESOLVED
    report.violations.update(status=violation_status, updated_at=timezone.now())
    audit_record(actor=actor, action="violation_report.disposed", obj=report, detail={"disposition": disposition})
    if disposition == Disposition.REVOKED:
        _supervision_close_revoked(actor=actor, supervision_id=report.supervision_id, closed_on=disposed_on)
    return report


def _supervision_close_revoked(*, actor: User, supervision_id: int, closed_on: date) -> None:
    supervision = Supervision.objects.select_for_update().get(pk=supervision_id)
    if supervision.status == SupervisionStatus.CLOSED:
        return
    supervision.status = SupervisionStatus.CLOSED
    supervision.closure_reason = ClosureReason.REVOKED
    supervision.closed_on = max(closed_on, supervision.start_date)
    supervision.full_clean()
    supervision.save(update_fields=["status", "closure_reason", "closed_on", "updated_at"])
    audit_record(actor=actor, action="supervision.closed", obj=supervision, detail={"reason": ClosureReason.REVOKED})
