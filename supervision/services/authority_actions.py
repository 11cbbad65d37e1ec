"""What a court clerk or parole board staff member does with a report routed to them: acknowledge
receipt, schedule the hearing, record the disposition. A revocation closes the supervision.

Each step flows back into the case in the same transaction: a case note (authored by the clerk or board
member, so the officer sees who did what and when on the case's timeline); the disposition also
notifies the case's officer and the unit supervisor. The action's audit row names the note and the
people notified."""

import logging
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from agency.audit import audit_record
from agency.choices import Role
from agency.errors import ApplicationError
from agency.models import User
from agency.webhooks import webhook_event_emit
from supervision import bounds
from supervision.authority import report_authority
from supervision.choices import (
    ClosureReason,
    Disposition,
    SupervisionStatus,
    ViolationStatus,
)
from supervision.lifecycle import ReportStep, report_step_require
from supervision.models import CaseNote, Notification, NotificationKind, Supervision, ViolationReport
from supervision.services.case_changes import supervision_close_as
from supervision.services.reports import violation_report_lock
from supervision.services.violations import violations_set_status

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


@transaction.atomic
def violation_report_acknowledge(*, actor: User, report: ViolationReport) -> ViolationReport:
    """The authority acknowledges receipt of a routed report."""
    report = violation_report_lock(report)
    _require_authority_staff(actor, report)
    report.status = report_step_require(report, ReportStep.ACKNOWLEDGE)
    report.received_at = timezone.now()
    report.received_by = actor
    report.full_clean()
    report.save(update_fields=["status", "received_at", "received_by", "updated_at"])
    note = _case_note(
        actor=actor,
        report=report,
        body=f"Violation report #{report.pk} received by {_authority_name(report)} ({_staff_name(actor)}).",
    )
    audit_record(actor=actor, action="violation_report.received", obj=report, detail={"case_note_id": note.pk})
    return report


@transaction.atomic
def violation_report_schedule_hearing(
    *, actor: User, report: ViolationReport, hearing_at: datetime, location: str = ""
) -> ViolationReport:
    """Set (or move) the hearing of a received report."""
    report = violation_report_lock(report)
    _require_authority_staff(actor, report)
    scheduled = report_step_require(report, ReportStep.SCHEDULE_HEARING)
    if hearing_at is None:
        raise ValidationError({"hearing_at": "Give the date and time of the hearing."})
    # In the future and at most three years ahead, checked before the time is worked with (formatted).
    error = bounds.hearing_error(hearing_at, case_start=report.supervision.start_date)
    if error:
        raise ValidationError({"hearing_at": error})
    report.status = scheduled
    report.hearing_at = hearing_at
    report.hearing_location = location.strip()
    bounds.full_clean(report, rename={"hearing_location": "location"})
    report.save(update_fields=["status", "hearing_at", "hearing_location", "updated_at"])
    where = f" at {report.hearing_location}" if report.hearing_location else ""
    note = _case_note(
        actor=actor,
        report=report,
        body=(
            f"Hearing on violation report #{report.pk} set for "
            f"{date_format(timezone.localtime(hearing_at), 'l, F j, Y, g:i A T')}{where} "
            f"by {_authority_name(report)} ({_staff_name(actor)})."
        ),
    )
    audit_record(
        actor=actor,
        action="violation_report.hearing_scheduled",
        obj=report,
        detail={"hearing_at": hearing_at.isoformat(), "location": report.hearing_location, "case_note_id": note.pk},
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
    report when it is dismissed); a revocation closes the supervision as revoked on that date; modified
    conditions (the note says which) are recorded on the case as a case note. The case's officer and
    the unit supervisor are notified."""
    report = violation_report_lock(report)
    _require_authority_staff(actor, report)
    disposed = report_step_require(report, ReportStep.DISPOSE)
    if disposition not in Disposition.values:
        raise ValidationError({"disposition": f"Choose one of: {', '.join(Disposition.values)}."})
    disposed_on = disposed_on or timezone.localdate()
    if report.received_at and disposed_on < timezone.localdate(report.received_at):
        raise ValidationError({"disposed_on": "The order cannot be dated before the report was received."})
    if disposition == Disposition.CONDITIONS_MODIFIED and not note.strip():
        raise ValidationError({"note": "Say which conditions the order adds, changes or removes."})
    report.status = disposed
    report.disposition = disposition
    report.disposition_on = disposed_on
    report.disposition_note = note.strip()
    bounds.full_clean(report, rename={"disposition_on": "disposed_on", "disposition_note": "note"})
    report.save(update_fields=["status", "disposition", "disposition_on", "disposition_note", "updated_at"])
    violation_status = ViolationStatus.DISMISSED if disposition == Disposition.DISMISSED else ViolationStatus.RESOLVED
    violations_set_status(actor=actor, report=report, status=violation_status)
    case_note = _case_note(
        actor=actor, report=report, body=_disposition_note_body(actor, report, disposed_on=disposed_on)
    )
    notified = _notify_disposed(report)
    audit_record(
        actor=actor,
        action="violation_report.disposed",
        obj=report,
        detail={"disposition": disposition, "case_note_id": case_note.pk, "notified": notified},
    )
    webhook_event_emit(
        event="violation_report.disposed",
        obj_type="violation_report",
        obj_id=report.pk,
        data={"report_id": report.pk, "supervision_id": report.supervision_id},
    )
    if disposition == Disposition.REVOKED:
        _supervision_close_revoked(
            actor=actor, supervision_id=report.supervision_id, closed_on=disposed_on, report_id=report.pk
        )
    return report


def _authority_name(report: ViolationReport) -> str:
    return report_authority(report).name


def _staff_name(actor: User) -> str:
    return f"{actor.get_full_name() or actor.username}, {actor.get_role_display().lower()}"


def _case_note(*, actor: User, report: ViolationReport, body: str) -> CaseNote:
    """The authority's step, on the case's timeline, by the clerk or board member who took it."""
    note = CaseNote(supervision_id=report.supervision_id, author=actor, body=body)
    note.full_clean()
    note.save()
    return note


def _disposition_note_body(actor: User, report: ViolationReport, *, disposed_on: date) -> str:
    order = f"order of {date_format(disposed_on, 'F j, Y')}"
    if report.disposition == Disposition.CONDITIONS_MODIFIED:
        head = (
            f"Conditions of supervision modified by {_authority_name(report)} ({order}) "
            f"on violation report #{report.pk}"
        )
    else:
        head = (
            f"Violation report #{report.pk} disposed by {_authority_name(report)}: "
            f"{report.get_disposition_display().lower()} ({order})"
        )
    body = f"{head}. Recorded by {_staff_name(actor)}."
    if report.disposition_note:
        body += f"\n{report.disposition_note}"
    return body


def _notify_disposed(report: ViolationReport) -> list[int]:
    """The case's officer and the unit supervisor, once each per report (the key is unique)."""
    supervision = report.supervision
    recipients = [supervision.officer_id]
    supervisor_id = supervision.unit.supervisor_id
    if supervisor_id and supervisor_id not in recipients:
        recipients.append(supervisor_id)
    message = (
        f"{_authority_name(report)} disposed of violation report #{report.pk} "
        f"(docket {supervision.docket_number}): {report.get_disposition_display().lower()}."
    )[:300]
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=recipient_id,
                kind=NotificationKind.REPORT_DISPOSED,
                message=message,
                supervision=supervision,
                report=report,
                key=f"report_disposed:{report.pk}:{recipient_id}",
            )
            for recipient_id in recipients
        ],
        ignore_conflicts=True,
    )
    return recipients


def _supervision_close_revoked(*, actor: User, supervision_id: int, closed_on: date, report_id: int) -> None:
    supervision = Supervision.objects.select_for_update().get(pk=supervision_id)
    if supervision.status == SupervisionStatus.CLOSED:
        return
    supervision_close_as(
        actor=actor,
        supervision=supervision,
        closure_reason=ClosureReason.REVOKED,
        closed_on=max(closed_on, supervision.start_date),
        now=timezone.now(),
        data={"report_id": report_id},
    )
