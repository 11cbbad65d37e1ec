"""Conditions as orders: the supervision's authority (the sentencing court for probation, the parole board
for parole) imposes a condition, modifies its wording and ends it, each by an order (its date and reference).
The case's officer or a supervisor of its unit records each order here; nothing else writes a condition's
wording or dates. The condition's history keeps every earlier wording with the order that gave it; each
change is audited and told to webhook subscribers (``condition.changed``, one event per change).

Rules: a closed case's conditions never change, an ended condition is neither modified nor ended again
(both 409); a condition cannot end before it was imposed, nor take effect before the order that imposes it,
and no order is dated in the future (field errors, from the model where every path meets them).

A change may cite the authority's decision on a violation report (``report``): a disposition of "conditions
modified" is applied to the case's conditions by such changes. The report must be the case's, disposed with
that disposition, and the order that applies it cannot be dated before the decision; the first change that
cites it stamps the report's ``conditions_applied_at`` (the case page stops asking for it)."""

import logging
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agency.audit import audit_record
from agency.errors import ApplicationError
from agency.models import User
from agency.webhooks import webhook_event_emit
from supervision.access import case_change_require
from supervision.authority import supervision_authority
from supervision.choices import ConditionAppliesTo, Disposition, ReportStatus
from supervision.models import Condition, ConditionType, Supervision, ViolationReport
from supervision.services.history import history_attribute, supervision_lock, supervision_require_open

logger = logging.getLogger(__name__)

_UNCHANGED: Any = object()


def _order(supervision: Supervision, order_date: date, order_reference: str) -> dict[str, Any]:
    """The order as the audit row names it: the case's authority, the order's date and reference."""
    return {
        "authority": supervision_authority(supervision=supervision).as_dict(),
        "order_date": order_date.isoformat(),
        "order_reference": order_reference,
    }


def _clean_reference(order_reference: str) -> str:
    reference = " ".join((order_reference or "").split())
    if not reference:
        raise ValidationError({"order_reference": "Give the order's reference (its docket entry or number)."})
    return reference


def _decision_locked(
    report: ViolationReport | None, supervision: Supervision, order_date: date
) -> ViolationReport | None:
    """The report whose decision (a disposition of "conditions modified") the change applies, locked; field
    errors when it is another case's, not such a decision, or dated after the order that applies it."""
    if report is None:
        return None
    locked = ViolationReport.objects.select_for_update().get(pk=report.pk)
    if locked.supervision_id != supervision.pk:
        raise ValidationError({"report": f"Violation report #{locked.pk} is another case's."})
    if locked.status != ReportStatus.DISPOSED or locked.disposition != Disposition.CONDITIONS_MODIFIED:
        raise ValidationError(
            {"report": f"Violation report #{locked.pk} has no decision that modified the conditions."}
        )
    assert locked.disposition_on is not None  # constraint report_disposition_iff_disposed
    if order_date < locked.disposition_on:
        raise ValidationError(
            {
                "order_date": f"The decision on violation report #{locked.pk} is of {locked.disposition_on:%b %d, %Y}: "
                "the order that applies it cannot be dated before it."
            }
        )
    return locked


def _decision_applied(report: ViolationReport | None, actor: User) -> dict[str, Any]:
    """Stamp the decision as applied (the first change that cites it); the audit row's mention of it."""
    if report is None:
        return {}
    if report.conditions_applied_at is None:
        report.conditions_applied_at = timezone.now()
        history_attribute(report, actor=actor, reason="Conditions modified: the decision applied to the case")
        report.save(update_fields=["conditions_applied_at", "updated_at"])
    return {"report_id": report.pk}


def _save_with_history(
    condition: Condition, *, actor: User, reason: str, update_fields: list[str] | None = None
) -> int:
    """Validate and save ``condition`` with its history row naming the actor and the order; returns the
    history row's id (the change's revision)."""
    condition.full_clean()
    history_attribute(condition, actor=actor, reason=reason)
    if update_fields is None:
        condition.save()
    else:
        condition.save(update_fields=[*update_fields, "updated_at"])
    latest: int = condition.history.values_list("history_id", flat=True).latest("history_id")
    return latest


def _emit(condition: Condition, *, change: str, revision: int) -> None:
    # One event per change: its key names the history row (as supervision.level_changed does).
    webhook_event_emit(
        event="condition.changed",
        obj_type="condition_change",
        obj_id=revision,
        data={"condition_id": condition.pk, "supervision_id": condition.supervision_id, "change": change},
    )


@transaction.atomic
def condition_impose(
    *,
    actor: User,
    supervision: Supervision,
    condition_type: ConditionType,
    details: str,
    imposed_on: date,
    order_date: date,
    order_reference: str,
    hours_required: Decimal | None = None,
    report: ViolationReport | None = None,
) -> Condition:
    """Record a condition the supervision's authority imposed by an order, effective ``imposed_on`` (the order
    may be the decision on ``report``)."""
    case_change_require(actor, supervision, "impose conditions")
    return condition_impose_on_open_case(
        actor=actor,
        supervision=supervision,
        condition_type=condition_type,
        details=details,
        imposed_on=imposed_on,
        order_date=order_date,
        order_reference=order_reference,
        hours_required=hours_required,
        report=report,
    )


@transaction.atomic
def condition_impose_on_open_case(
    *,
    actor: User,
    supervision: Supervision,
    condition_type: ConditionType,
    details: str,
    imposed_on: date,
    order_date: date,
    order_reference: str,
    hours_required: Decimal | None = None,
    report: ViolationReport | None = None,
) -> Condition:
    """``condition_impose`` once the caller has checked the actor may: ``condition_impose`` (the case's officer
    or a supervisor of its unit), or intake (``supervision_intake``: whoever opens a case in their unit imposes
    its conditions, even when the case goes to another officer's caseload)."""
    supervision = supervision_lock(supervision.pk)
    supervision_require_open(supervision, "its conditions no longer change")
    reference = _clean_reference(order_reference)
    errors: dict[str, str] = {}
    if not condition_type.is_active:
        errors["condition_type"] = f"“{condition_type}” is no longer in the condition catalogue."
    elif condition_type.applies_to not in (ConditionAppliesTo.BOTH, supervision.supervision_type):
        errors["condition_type"] = (
            f"“{condition_type}” is a condition of {condition_type.get_applies_to_display().lower()}: "
            f"this case is {supervision.get_supervision_type_display().lower()}."
        )
    if hours_required is not None and not condition_type.tracks_hours:
        errors["hours_required"] = f"“{condition_type}” does not track community service hours."
    if imposed_on < order_date:
        errors["imposed_on"] = "A condition cannot take effect before the order that imposes it."
    if errors:
        raise ValidationError(errors)
    decision = _decision_locked(report, supervision, order_date)
    condition = Condition(
        supervision=supervision,
        condition_type=condition_type,
        details=details.strip(),
        hours_required=hours_required,
        imposed_on=imposed_on,
        order_date=order_date,
        order_reference=reference,
    )
    revision = _save_with_history(condition, actor=actor, reason=f"Imposed by order {reference}")
    audit_record(
        actor=actor,
        action="condition.imposed",
        obj=condition,
        offender_id=supervision.offender_id,
        detail={
            "order": _order(supervision, order_date, reference),
            "imposed_on": imposed_on.isoformat(),
            **_decision_applied(decision, actor),
        },
    )
    _emit(condition, change="imposed", revision=revision)
    return condition


def _condition_locked(condition: Condition) -> Condition:
    """The condition as stored and its case, both locked (the case first, as every service of a case takes it)."""
    supervision = supervision_lock(condition.supervision_id)
    locked = Condition.objects.select_for_update().select_related("condition_type").get(pk=condition.pk)
    locked.supervision = supervision
    return locked


def _require_not_ended(condition: Condition, doing: str) -> None:
    if condition.ended_on is not None:
        raise ApplicationError(
            f"This condition ended on {condition.ended_on:%b %d, %Y}: it cannot be {doing}. A new order imposes "
            "a new condition.",
            status_code=409,
        )


@transaction.atomic
def condition_modify(
    *,
    actor: User,
    condition: Condition,
    details: str,
    order_date: date,
    order_reference: str,
    hours_required: Decimal | None = _UNCHANGED,
    report: ViolationReport | None = None,
) -> Condition:
    """Record an order that changes a condition's wording (and, for community service, the hours ordered).
    The earlier wording stays in the condition's history, with the order that gave it."""
    case_change_require(actor, condition.supervision, "modify conditions")
    condition = _condition_locked(condition)
    supervision_require_open(condition.supervision, "its conditions no longer change")
    _require_not_ended(condition, "modified")
    reference = _clean_reference(order_reference)
    details = details.strip()
    changed = ["details"] if details != condition.details else []
    if hours_required is not _UNCHANGED and hours_required != condition.hours_required:
        if hours_required is not None and not condition.condition_type.tracks_hours:
            raise ValidationError(
                {"hours_required": f"“{condition.condition_type}” does not track community service hours."}
            )
        changed.append("hours_required")
        condition.hours_required = hours_required
    if not changed:
        raise ValidationError({"details": "This is the condition's current wording: the order changes nothing."})
    if condition.order_date is not None and order_date < condition.order_date:
        raise ValidationError(
            {
                "order_date": f"The condition stands on an order of {condition.order_date:%b %d, %Y}: a modifying "
                "order comes after it."
            }
        )
    decision = _decision_locked(report, condition.supervision, order_date)
    condition.details = details
    condition.order_date = order_date
    condition.order_reference = reference
    revision = _save_with_history(
        condition,
        actor=actor,
        reason=f"Modified by order {reference}",
        update_fields=[*changed, "order_date", "order_reference"],
    )
    audit_record(
        actor=actor,
        action="condition.modified",
        obj=condition,
        offender_id=condition.supervision.offender_id,
        detail={
            "order": _order(condition.supervision, order_date, reference),
            "changed": changed,
            **_decision_applied(decision, actor),
        },
    )
    _emit(condition, change="modified", revision=revision)
    return condition


@transaction.atomic
def condition_end(
    *,
    actor: User,
    condition: Condition,
    ended_on: date,
    order_date: date,
    order_reference: str,
    report: ViolationReport | None = None,
) -> Condition:
    """Record an order that ends a condition on ``ended_on`` (not before it was imposed)."""
    case_change_require(actor, condition.supervision, "end conditions")
    condition = _condition_locked(condition)
    supervision_require_open(condition.supervision, "its conditions no longer change")
    _require_not_ended(condition, "ended again")
    reference = _clean_reference(order_reference)
    decision = _decision_locked(report, condition.supervision, order_date)
    condition.ended_on = ended_on
    condition.order_date = order_date
    condition.order_reference = reference
    revision = _save_with_history(
        condition,
        actor=actor,
        reason=f"Ended by order {reference}",
        update_fields=["ended_on", "order_date", "order_reference"],
    )
    audit_record(
        actor=actor,
        action="condition.ended",
        obj=condition,
        offender_id=condition.supervision.offender_id,
        detail={
            "order": _order(condition.supervision, order_date, reference),
            "ended_on": ended_on.isoformat(),
            **_decision_applied(decision, actor),
        },
    )
    _emit(condition, change="ended", revision=revision)
    return condition
