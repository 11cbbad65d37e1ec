"""Violations."""

import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from agency.audit import audit_record
from agency.errors import ApplicationError
from agency.models import User
from agency.webhooks import webhook_event_emit
from supervision import bounds
from supervision.access import case_change_require
from supervision.choices import (
    LIVE_VIOLATION_STATUSES,
    ViolationSeverity,
    ViolationStatus,
)
from supervision.models import (
    CheckIn,
    Condition,
    DrugTest,
    ReportViolation,
    Supervision,
    Violation,
    ViolationReport,
)
from supervision.services.history import history_attribute, supervision_lock, supervision_require_open

logger = logging.getLogger(__name__)


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
    _refuse_second_violation(check_in=check_in, drug_test=drug_test)
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
    violation.full_clean()  # on or after the case began, not in the future (supervision.bounds)
    violation.save()
    audit_record(
        actor=actor, system=system, action="violation.recorded", obj=violation, offender_id=supervision.offender_id
    )
    webhook_event_emit(
        event="violation.created",
        obj_type="violation",
        obj_id=violation.pk,
        data={
            "violation_id": violation.pk,
            "supervision_id": supervision.pk,
            "check_in_id": violation.check_in_id,
            "drug_test_id": violation.drug_test_id,
            "condition_id": violation.condition_id,
        },
    )
    return violation


def _refuse_second_violation(*, check_in: CheckIn | None, drug_test: DrugTest | None) -> None:
    """One violation per missed check-in and per failed test (the constraints violation_one_per_check_in and
    violation_one_per_drug_test): a second one is a field error naming the first, before the database refuses it.
    A violation written by hand about the same event without the link is merged later (``violation_merge``)."""
    errors = {}
    for name, noun, source in (("check_in", "check-in", check_in), ("drug_test", "drug test", drug_test)):
        if source is None:
            continue
        existing = Violation.objects.filter(**{name: source}).values_list("pk", flat=True).first()
        if existing is not None:
            errors[name] = f"This {noun} already has its violation (#{existing}): correct that one instead."
    if errors:
        raise ValidationError(errors)


def violations_set_status(*, actor: User, report: ViolationReport, status: str) -> int:
    """Move every violation of a report to ``status``, keeping each one's change history."""
    now = timezone.now()
    violations = list(report.violations.all())
    for violation in violations:
        violation.status = status
        violation.updated_at = now
    bulk_update_with_history(violations, Violation, ["status", "updated_at"], default_user=actor)
    return len(violations)


# --- Corrections: withdraw (recorded in error), dismiss (not sustained), merge a duplicate --------------------
# Nothing is deleted: the violation stays, with its new status, the reason and (merged) the one kept; its
# history and the audit trail say who did it. A violation held by a live report is the report's until the
# report lets it go (a return frees it; a filed report is the authority's to decide).

CORRECTABLE_VIOLATION_STATUSES = (ViolationStatus.OPEN, ViolationStatus.SANCTIONED)


def _violation_locked(violation: Violation) -> Violation:
    """The violation as stored, locked with its case (the case first, as every service of a case takes it)."""
    supervision = supervision_lock(violation.supervision_id)
    locked = Violation.objects.select_for_update().get(pk=violation.pk)
    locked.supervision = supervision
    return locked


def _require_correctable(violation: Violation, doing: str) -> None:
    """409 unless the violation may still be corrected: open or answered, on an open case, in no live report."""
    holder = ReportViolation.objects.filter(violation=violation, live=True).select_related("report").first()
    if holder is not None:
        report = holder.report
        raise ApplicationError(
            f"Violation #{violation.pk} is in violation report #{report.pk} "
            f"({report.get_status_display().lower()}): it cannot be {doing} while that report holds it.",
            extra={"report": report.pk},
            status_code=409,
        )
    if violation.status not in CORRECTABLE_VIOLATION_STATUSES:
        raise ApplicationError(
            f"Violation #{violation.pk} is {violation.get_status_display().lower()}: it cannot be {doing}.",
            status_code=409,
        )
    supervision_require_open(violation.supervision, "its violations no longer change")


def _clean_reason(reason: str, doing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Say why the violation is {doing}."})
    return reason


def _correct(
    *, actor: User, violation: Violation, status: str, reason: str, merged_into: Violation | None = None
) -> None:
    violation.status = status
    violation.correction_reason = reason
    violation.merged_into = merged_into
    bounds.full_clean(violation, rename={"correction_reason": "reason"})
    history_attribute(violation, actor=actor, reason=reason)
    violation.save(update_fields=["status", "correction_reason", "merged_into", "updated_at"])


def _correct_for(
    *, actor: User, violation: Violation, reason: str, status: ViolationStatus, verb: str, done: str
) -> Violation:
    """Withdraw or dismiss a violation: ``verb`` and ``done`` as the messages and the audit action say it."""
    case_change_require(actor, violation.supervision, f"{verb} violations")
    violation = _violation_locked(violation)
    _require_correctable(violation, done)
    reason = _clean_reason(reason, done)
    previous = violation.status
    _correct(actor=actor, violation=violation, status=status, reason=reason)
    audit_record(
        actor=actor,
        action=f"violation.{done}",
        obj=violation,
        offender_id=violation.supervision.offender_id,
        detail={"from_status": previous, "reason": reason},
    )
    return violation


@transaction.atomic
def violation_withdraw(*, actor: User, violation: Violation, reason: str) -> Violation:
    """Withdraw a violation recorded in error, with the reason."""
    return _correct_for(
        actor=actor,
        violation=violation,
        reason=reason,
        status=ViolationStatus.WITHDRAWN,
        verb="withdraw",
        done="withdrawn",
    )


@transaction.atomic
def violation_dismiss(*, actor: User, violation: Violation, reason: str) -> Violation:
    """Dismiss a violation that is not sustained, with the reason."""
    return _correct_for(
        actor=actor,
        violation=violation,
        reason=reason,
        status=ViolationStatus.DISMISSED,
        verb="dismiss",
        done="dismissed",
    )


@transaction.atomic
def violation_merge(*, actor: User, violation: Violation, into: Violation, reason: str = "") -> Violation:
    """A violation written by hand about an event that already has its automatic violation (the missed
    check-in's, the failed test's) is withdrawn, pointing to the one kept; the kept one takes the condition
    the manual one cited when it cites none, so the condition stays violated. Returns the one kept."""
    case_change_require(actor, violation.supervision, "merge violations")
    if violation.pk == into.pk:
        raise ValidationError({"into": "A violation cannot be merged into itself."})
    if into.supervision_id != violation.supervision_id:
        raise ValidationError({"into": "The violation kept must be of the same case."})
    violation = _violation_locked(violation)
    kept = Violation.objects.select_for_update().get(pk=into.pk)
    if violation.check_in_id is not None or violation.drug_test_id is not None:
        raise ValidationError(
            {"violation": "This violation is the one recorded for its check-in or test: merge the other one into it."}
        )
    if kept.check_in_id is None and kept.drug_test_id is None:
        raise ValidationError({"into": "Merge into the violation recorded for the missed check-in or failed test."})
    if kept.status not in LIVE_VIOLATION_STATUSES:
        raise ValidationError(
            {"into": f"Violation #{kept.pk} is {kept.get_status_display().lower()}: merge into a live violation."}
        )
    _require_correctable(violation, "merged")
    reason = (reason or "").strip() or f"Recorded twice: the same event as violation #{kept.pk}."
    _correct(actor=actor, violation=violation, status=ViolationStatus.WITHDRAWN, reason=reason, merged_into=kept)
    if kept.condition_id is None and violation.condition_id is not None:
        kept.condition_id = violation.condition_id
        history_attribute(kept, actor=actor, reason=f"Condition taken from violation #{violation.pk}, merged into it")
        kept.save(update_fields=["condition", "updated_at"])
    audit_record(
        actor=actor,
        action="violation.merged",
        obj=violation,
        offender_id=violation.supervision.offender_id,
        detail={"into": kept.pk, "reason": reason},
    )
    return kept
