"""Business rules for supervision. Views, the API, the admin, tasks and commands call these; nothing
else writes case state. Each function is atomic, validates, and writes its audit row in the same
transaction; follow-up work is queued only after commit."""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from agency.audit import audit_record
from agency.choices import Role
from agency.errors import ApplicationError
from agency.models import Court, ParoleBoard, User
from offenders.models import Offender
from supervision.choices import (
    NON_COMPLIANT_RESULTS,
    AuthorityType,
    CheckInKind,
    CheckInOrigin,
    CheckInStatus,
    DeliveryStatus,
    DrugTestResult,
    ReferralStatus,
    ReportStatus,
    SubstanceResult,
    SupervisionLevel,
    SupervisionStatus,
    SupervisionType,
    ViolationKind,
    ViolationSeverity,
    ViolationStatus,
)
from supervision.models import (
    CaseNote,
    CheckIn,
    CommunityServiceEntry,
    Condition,
    ContactStandard,
    DrugTest,
    DrugTestSubstanceResult,
    Referral,
    ReportDelivery,
    Supervision,
    Violation,
    ViolationReport,
)

logger = logging.getLogger(__name__)


# --- Authority -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    """The body a supervision answers to: the sentencing court (probation) or parole board (parole)."""

    type: str
    court: Court | None = None
    parole_board: ParoleBoard | None = None

    @property
    def body(self) -> Court | ParoleBoard:
        return self.court or self.parole_board  # type: ignore[return-value]

    @property
    def id(self) -> int:
        return self.body.pk

    @property
    def email(self) -> str:
        return self.court.clerk_email if self.court else self.parole_board.email  # type: ignore[union-attr]

    def as_dict(self) -> dict:
        return {"type": self.type, "id": self.id}


def supervision_authority(*, supervision: Supervision) -> Authority:
    """The one place that says where a supervision's violation reports go."""
    if supervision.supervision_type == SupervisionType.PROBATION:
        return Authority(type=AuthorityType.COURT, court=supervision.court)
    return Authority(type=AuthorityType.PAROLE_BOARD, parole_board=supervision.parole_board)


# --- Supervisions ----------------------------------------------------------------------------------


def _require_role(actor: User, roles: Iterable[str], doing: str) -> None:
    if actor.role not in roles:
        raise ApplicationError(f"Your role ({actor.get_role_display()}) may not {doing}.", status_code=403)


@transaction.atomic
def supervision_open(
    *,
    actor: User,
    offender: Offender,
    supervision_type: str,
    docket_number: str,
    offense: str,
    start_date: date,
    end_date: date,
    officer: User,
    court: Court | None = None,
    parole_board: ParoleBoard | None = None,
    level: str = SupervisionLevel.MEDIUM,
    status: str = SupervisionStatus.ACTIVE,
    now: datetime | None = None,
) -> Supervision:
    """Open a supervision and schedule its first check-ins from the contact standard."""
    if officer.role != Role.OFFICER or not officer.unit_id:
        raise ApplicationError("A case must be assigned to an officer who belongs to a unit.")
    supervision = Supervision(
        offender=offender,
        supervision_type=supervision_type,
        court=court,
        parole_board=parole_board,
        docket_number=docket_number,
        offense=offense,
        start_date=start_date,
        end_date=end_date,
        level=level,
        status=status,
        officer=officer,
        unit_id=officer.unit_id,
    )
    supervision.full_clean()
    supervision.save()
    audit_record(actor=actor, action="supervision.opened", obj=supervision, offender_id=offender.pk)
    check_ins_schedule(supervision=supervision, now=now, actor=actor)
    return supervision


# --- Check-ins -------------------------------------------------------------------------------------


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


@transaction.atomic
def check_ins_schedule(
    *,
    supervision: Supervision,
    now: datetime | None = None,
    horizon_days: int | None = None,
    actor: User | None = None,
) -> int:
    """Keep the supervision's check-ins scheduled ``horizon_days`` ahead from its contact standard.

    Idempotent: a window already scheduled is not scheduled again (a unique constraint ensures it).
    Returns the number of check-ins created. Inactive, absconded, warrant and closed cases get none.
    """
    if supervision.status != SupervisionStatus.ACTIVE:
        return 0
    standard = ContactStandard.objects.filter(level=supervision.level).first()
    if standard is None:
        return 0
    now = now or timezone.now()
    horizon_days = horizon_days if horizon_days is not None else settings.CASELINE["CHECK_IN_HORIZON_DAYS"]
    horizon_end = min(now.date() + timedelta(days=horizon_days), supervision.end_date)
    last = (
        CheckIn.objects.filter(supervision=supervision, origin=CheckInOrigin.SCHEDULED, kind=standard.check_in_kind)
        .order_by("-window_start")
        .values_list("window_start", flat=True)
        .first()
    )
    interval = timedelta(days=standard.check_in_interval_days)
    first_day = max(supervision.start_date, timezone.localdate(now))
    next_start = last + interval if last else _start_of_day(first_day)
    planned = []
    while timezone.localdate(next_start) <= horizon_end:
        planned.append(
            CheckIn(
                supervision=supervision,
                kind=standard.check_in_kind,
                origin=CheckInOrigin.SCHEDULED,
                window_start=next_start,
                due_at=next_start + timedelta(days=standard.window_days),
            )
        )
        next_start += interval
    if not planned:
        return 0
    created = CheckIn.objects.bulk_create(planned, ignore_conflicts=True)
    audit_record(
        actor=actor,
        system="" if actor else "schedule_check_ins",
        action="check_in.scheduled",
        obj=supervision,
        detail={"count": len(created)},
    )
    return len(created)


def _check_check_in_open(check_in: CheckIn) -> None:
    if check_in.status != CheckInStatus.SCHEDULED:
        raise ApplicationError(
            f"This check-in is {check_in.get_status_display().lower()}; only a scheduled one can be recorded."
        )


@transaction.atomic
def check_in_complete(
    *,
    actor: User,
    check_in: CheckIn,
    completed_at: datetime,
    kind: str | None = None,
    location: str = "",
    notes: str = "",
) -> CheckIn:
    """Record that a scheduled check-in took place."""
    check_in = CheckIn.objects.select_for_update().get(pk=check_in.pk)
    _check_check_in_open(check_in)
    if completed_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"completed_at": "A check-in cannot be recorded in the future."})
    check_in.status = CheckInStatus.COMPLETED
    check_in.completed_at = completed_at
    check_in.kind = kind or check_in.kind
    check_in.location = location
    check_in.notes = notes
    check_in.recorded_by = actor
    check_in.full_clean()
    check_in.save(update_fields=["status", "completed_at", "kind", "location", "notes", "recorded_by", "updated_at"])
    audit_record(actor=actor, action="check_in.completed", obj=check_in)
    return check_in


@transaction.atomic
def check_in_excuse(*, actor: User, check_in: CheckIn, reason: str) -> CheckIn:
    """Excuse a scheduled check-in (e.g. hospitalised, approved travel) with a reason."""
    check_in = CheckIn.objects.select_for_update().get(pk=check_in.pk)
    _check_check_in_open(check_in)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the check-in is excused."})
    check_in.status = CheckInStatus.EXCUSED
    check_in.excuse_reason = reason.strip()
    check_in.recorded_by = actor
    check_in.save(update_fields=["status", "excuse_reason", "recorded_by", "updated_at"])
    audit_record(actor=actor, action="check_in.excused", obj=check_in)
    return check_in


@transaction.atomic
def contact_record(
    *,
    actor: User,
    supervision: Supervision,
    kind: str,
    occurred_at: datetime,
    location: str = "",
    notes: str = "",
) -> CheckIn:
    """Record an unscheduled contact (a home visit after hours, an employer verification …)."""
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"occurred_at": "A contact cannot be recorded in the future."})
    check_in = CheckIn(
        supervision=supervision,
        kind=kind,
        origin=CheckInOrigin.UNSCHEDULED,
        window_start=occurred_at - timedelta(minutes=1),
        due_at=occurred_at,
        status=CheckInStatus.COMPLETED,
        completed_at=occurred_at,
        location=location,
        notes=notes,
        recorded_by=actor,
    )
    check_in.full_clean()
    check_in.save()
    audit_record(actor=actor, action="check_in.contact_recorded", obj=check_in)
    return check_in


# --- Drug tests ------------------------------------------------------------------------------------


@transaction.atomic
def drug_test_record(
    *,
    actor: User,
    supervision: Supervision,
    collected_at: datetime,
    result: str,
    substance_results: Mapping[str, str] | None = None,
    reason: str = "random",
    specimen: str = "urine",
    panel: str = "10-panel",
    lab_confirmation: str = "not_requested",
    lab_name: str = "",
    notes: str = "",
) -> DrugTest:
    """Record a drug test and its per-substance results. A non-compliant result (positive, dilute,
    adulterated, refused, no-show) opens a technical violation linked to the test."""
    substance_results = dict(substance_results or {})
    if collected_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"collected_at": "A specimen cannot be collected in the future."})
    positives = sorted(s for s, r in substance_results.items() if r == SubstanceResult.POSITIVE)
    if positives and result == DrugTestResult.NEGATIVE:
        raise ValidationError({"result": f"The result cannot be negative when {', '.join(positives)} tested positive."})
    if result == DrugTestResult.POSITIVE and substance_results and not positives:
        raise ValidationError({"result": "A positive result needs at least one substance marked positive."})
    test = DrugTest(
        supervision=supervision,
        reason=reason,
        specimen=specimen,
        panel=panel,
        collected_at=collected_at,
        result=result,
        lab_confirmation=lab_confirmation,
        lab_name=lab_name,
        notes=notes,
        recorded_by=actor,
    )
    test.full_clean()
    test.save()
    rows = [DrugTestSubstanceResult(drug_test=test, substance=s, result=r) for s, r in substance_results.items()]
    for row in rows:
        row.full_clean(exclude=["drug_test"])
    DrugTestSubstanceResult.objects.bulk_create(rows)
    audit_record(actor=actor, action="drug_test.recorded", obj=test, detail={"result": result})
    if result in NON_COMPLIANT_RESULTS:
        description = f"Drug test on {timezone.localdate(collected_at):%Y-%m-%d}: {test.get_result_display().lower()}"
        if positives:
            description += f" ({', '.join(positives)})"
        violation_record(
            actor=actor,
            supervision=supervision,
            kind=ViolationKind.TECHNICAL,
            severity=ViolationSeverity.MEDIUM,
            occurred_on=timezone.localdate(collected_at),
            description=description + ".",
            drug_test=test,
        )
    return test


# --- Notes, referrals, community service ----------------------------------------------------------


@transaction.atomic
def case_note_add(*, actor: User, supervision: Supervision, body: str) -> CaseNote:
    note = CaseNote(supervision=supervision, author=actor, body=body.strip())
    note.full_clean()
    note.save()
    audit_record(actor=actor, action="case_note.added", obj=note)
    return note


@transaction.atomic
def referral_create(
    *, actor: User, supervision: Supervision, kind: str, provider: str, referred_on: date, notes: str = ""
) -> Referral:
    referral = Referral(
        supervision=supervision,
        kind=kind,
        provider=provider,
        referred_on=referred_on,
        status_changed_on=referred_on,
        notes=notes,
        referred_by=actor,
    )
    referral.full_clean()
    referral.save()
    audit_record(actor=actor, action="referral.created", obj=referral)
    return referral


@transaction.atomic
def referral_status_update(*, actor: User, referral: Referral, status: str, changed_on: date, notes: str = "") -> Referral:
    if status not in ReferralStatus.values:
        raise ValidationError({"status": f"Unknown referral status {status!r}."})
    if changed_on < referral.referred_on:
        raise ValidationError({"changed_on": "The status cannot change before the referral was made."})
    referral.status = status
    referral.status_changed_on = changed_on
    if notes:
        referral.notes = f"{referral.notes}\n{notes}".strip()
    referral.save(update_fields=["status", "status_changed_on", "notes", "updated_at"])
    audit_record(actor=actor, action="referral.status_changed", obj=referral, detail={"status": status})
    return referral


@transaction.atomic
def community_service_log(
    *, actor: User, condition: Condition, performed_on: date, hours, organisation: str
) -> CommunityServiceEntry:
    if not condition.condition_type.tracks_hours:
        raise ApplicationError(f"The condition “{condition.condition_type}” does not track community service hours.")
    entry = CommunityServiceEntry(
        condition=condition, performed_on=performed_on, hours=hours, organisation=organisation, recorded_by=actor
    )
    entry.full_clean()
    entry.save()
    condition = Condition.objects.select_for_update().get(pk=condition.pk)
    condition.hours_completed += entry.hours
    update_fields = ["hours_completed", "updated_at"]
    if condition.hours_required is not None and condition.hours_completed >= condition.hours_required:
        condition.compliance_status = "satisfied"
        update_fields.append("compliance_status")
    condition.save(update_fields=update_fields)
    audit_record(actor=actor, action="community_service.logged", obj=entry, offender_id=condition.supervision.offender_id)
    return entry


# --- Violations ------------------------------------------------------------------------------------


@transaction.atomic
def violation_record(
    *,
    actor: User | None,
    supervision: Supervision,
    kind: str,
    occurred_on: date,
    description: str,
    severity: str = ViolationSeverity.MEDIUM,
    check_in: CheckIn | None = None,
    drug_test: DrugTest | None = None,
    condition: Condition | None = None,
    system: str = "",
) -> Violation:
    """Record a violation. ``actor`` is None when a background job (``system``) opens it."""
    for name, source in (("check_in", check_in), ("drug_test", drug_test), ("condition", condition)):
        if source is not None and source.supervision_id != supervision.pk:
            raise ValidationError({name: f"That {name.replace('_', ' ')} belongs to another case."})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "A violation cannot have happened in the future."})
    violation = Violation(
        supervision=supervision,
        kind=kind,
        severity=severity,
        occurred_on=occurred_on,
        description=description,
        check_in=check_in,
        drug_test=drug_test,
        condition=condition,
        recorded_by=actor,
    )
    violation.full_clean()
    violation.save()
    audit_record(actor=actor, system=system, action="violation.recorded", obj=violation, offender_id=supervision.offender_id)
    return violation


# --- Violation reports -----------------------------------------------------------------------------

# Violations that may go into a report: not yet reported elsewhere, not closed.
REPORTABLE_VIOLATION_STATUSES = (ViolationStatus.OPEN, ViolationStatus.SANCTIONED)


def _check_violations_reportable(supervision: Supervision, violations: list[Violation], report: ViolationReport | None) -> None:
    if not violations:
        raise ValidationError({"violations": "Select at least one violation for the report."})
    for violation in violations:
        if violation.supervision_id != supervision.pk:
            raise ValidationError({"violations": f"Violation #{violation.pk} belongs to another case."})
        in_report = report is not None and violation.reports.filter(pk=report.pk).exists()
        if violation.status not in REPORTABLE_VIOLATION_STATUSES and not in_report:
            raise ValidationError(
                {"violations": f"Violation #{violation.pk} is {violation.get_status_display().lower()}: it cannot be reported."}
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
    _require_role(actor, (Role.OFFICER, Role.SUPERVISOR), "write violation reports")
    violations = list(violations)
    _check_violations_reportable(supervision, violations, report=None)
    report = ViolationReport(supervision=supervision, narrative=narrative.strip(), recommendation=recommendation, author=actor)
    report.full_clean()
    report.save()
    report.violations.set(violations)
    audit_record(actor=actor, action="violation_report.drafted", obj=report, detail={"violations": [v.pk for v in violations]})
    return report


def _lock_report(report: ViolationReport) -> ViolationReport:
    return ViolationReport.objects.select_for_update().select_related("supervision").get(pk=report.pk)


def _require_status(report: ViolationReport, allowed: Iterable[str], doing: str) -> None:
    if report.status not in allowed:
        raise ApplicationError(f"A report that is {report.get_status_display().lower()} cannot be {doing}.", status_code=409)


@transaction.atomic
def violation_report_update(
    *, actor: User, report: ViolationReport, narrative: str, recommendation: str, violations: Iterable[Violation] | None = None
) -> ViolationReport:
    """Edit a draft or a returned report."""
    report = _lock_report(report)
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
    report = _lock_report(report)
    _require_role(actor, (Role.OFFICER, Role.SUPERVISOR), "submit violation reports")
    _require_status(report, (ReportStatus.DRAFT, ReportStatus.RETURNED), "submitted")
    if not report.narrative:
        raise ValidationError({"narrative": "Write the narrative before submitting."})
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(actor=actor, action="violation_report.submitted", obj=report)
    return report


def _require_reviewer(actor: User, report: ViolationReport) -> None:
    _require_role(actor, (Role.SUPERVISOR,), "review violation reports")
    if actor.unit_id != report.supervision.unit_id:
        raise ApplicationError("Only the supervisor of the case's unit may review this report.", status_code=403)
    if actor.pk == report.author_id:
        raise ApplicationError("You cannot review a report you wrote.", status_code=403)


@transaction.atomic
def violation_report_return(*, actor: User, report: ViolationReport, comment: str) -> ViolationReport:
    """The supervisor returns a submitted report to its author with comments."""
    report = _lock_report(report)
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
    report = _lock_report(report)
    _require_reviewer(actor, report)
    _require_status(report, (ReportStatus.SUBMITTED,), "approved")
    authority = supervision_authority(supervision=report.supervision)
    report.status = ReportStatus.APPROVED
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_comment = ""
    report.court = authority.court
    report.parole_board = authority.parole_board
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "court", "parole_board", "updated_at"])
    report.violations.update(status=ViolationStatus.REPORTED)
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


@transaction.atomic
def report_delivery_deliver(*, delivery_id: int) -> bool:
    """Deliver one report to its authority: put it in the authority's inbox (status ``routed``) and
    email the authority. Returns False when it was already delivered (idempotent)."""
    delivery = (
        ReportDelivery.objects.select_for_update(skip_locked=True)
        .select_related("report", "court", "parole_board")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status == DeliveryStatus.DELIVERED:
        return False
    report = _lock_report(delivery.report)
    delivery.attempts += 1
    authority_email = delivery.court.clerk_email if delivery.court else delivery.parole_board.email
    if authority_email:
        send_mail(
            subject=f"Violation report #{report.pk} for docket {report.supervision.docket_number}",
            message=(
                f"A violation report has been routed to {delivery.court or delivery.parole_board}.\n"
                f"Open it in Caseline: /inbox/reports/{report.pk}/\n"
            ),
            from_email=None,
            recipient_list=[authority_email],
        )
    delivery.status = DeliveryStatus.DELIVERED
    delivery.delivered_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["status", "attempts", "delivered_at", "last_error"])
    if report.status == ReportStatus.APPROVED:
        report.status = ReportStatus.ROUTED
        report.save(update_fields=["status", "updated_at"])
    audit_record(actor=None, system="deliver_reports", action="violation_report.routed", obj=report)
    return True
