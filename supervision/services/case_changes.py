"""Changing a case itself: its supervision level, its status (active, inactive, absconded, warrant; custody has
its own services in ``supervision.services.custody``) and its closure. Each change goes through one function
here: the case locked, the rule checked, the change saved with its reason in the case's history, audited, its
webhook event written, and the check-in schedule brought in line at once (not at the nightly run).

Who: the case's officer or a supervisor of its unit. Early termination and transfer out close a case only
through a closure request that another person, a supervisor of the unit, approves
(``supervision.services.closures``).
"""

import logging
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agency.audit import audit_record
from agency.errors import ApplicationError
from agency.models import User
from agency.webhooks import webhook_event_emit
from supervision.access import case_change_require
from supervision.choices import (
    FOUR_EYES_CLOSURES,
    ClosureReason,
    ClosureRequestStatus,
    SupervisionLevel,
    SupervisionStatus,
    SupervisionType,
)
from supervision.models import CheckIn, ClosureRequest, Supervision
from supervision.services.case_records import case_note_add
from supervision.services.history import (
    history_attribute,
    history_reason,
    supervision_lock,
    supervision_require_open,
)
from supervision.services.scheduling import (
    STOOD_DOWN_PREFIX,
    check_ins_excuse_future,
    check_ins_reinstate,
    check_ins_replan,
)

logger = logging.getLogger(__name__)

# The statuses a case is moved to here; closing has its own function (a reason and a date of its own).
CHANGEABLE_STATUSES = (
    SupervisionStatus.ACTIVE,
    SupervisionStatus.INACTIVE,
    SupervisionStatus.ABSCONDED,
    SupervisionStatus.WARRANT,
)


def effective_day(day: date | None, supervision: Supervision, *, field: str, today: date) -> date:
    if day is None:
        return today
    if day > today:
        raise ValidationError({field: "The date cannot be in the future."})
    if day < supervision.start_date:
        raise ValidationError({field: f"The date cannot be before the supervision began ({supervision.start_date})."})
    return day


def _save(supervision: Supervision, actor: User, reason: str, fields: list[str]) -> int:
    """Save ``fields`` with the reason and the actor on the history row; returns that row's id."""
    history_attribute(supervision, actor=actor, reason=reason)
    supervision.full_clean()
    supervision.save(update_fields=[*fields, "updated_at"])
    history_id: int = supervision.history.values_list("history_id", flat=True).latest("history_date", "history_id")
    return history_id


def _emit(event: str, supervision: Supervision, history_id: int, data: dict[str, object]) -> None:
    # One event per change: keyed by the history row, so a second change of the same case is a new event.
    webhook_event_emit(
        event=event,
        obj_type="supervision_change",
        obj_id=history_id,
        data={"supervision_id": supervision.pk, **data},
    )


@transaction.atomic
def supervision_change_level(
    *, actor: User, supervision: Supervision, level: str, reason: str, now: datetime | None = None
) -> Supervision:
    """Move a case to another supervision level, for a reason; its check-ins are re-planned at once from the
    new level's contact standard (future check-ins of the old standard excused, never deleted)."""
    supervision = supervision_lock(supervision.pk)
    case_change_require(actor, supervision, "change the level")
    supervision_require_open(supervision, "its level no longer changes")
    if level not in SupervisionLevel.values:
        raise ValidationError({"level": f"Choose one of: {', '.join(SupervisionLevel.values)}."})
    if level == supervision.level:
        raise ValidationError({"level": f"The case is already at the {supervision.get_level_display()} level."})
    reason = history_reason(reason, ask="Say why the level changes (an assessment, an override, an event).")
    previous = supervision.level
    supervision.level = level
    history_id = _save(supervision, actor, reason, ["level"])
    replanned = check_ins_replan(supervision_id=supervision.pk, now=now or timezone.now(), planned_level=previous)
    detail = {"from_level": previous, "to_level": level, "reason": reason}
    audit_record(actor=actor, action="supervision.level_changed", obj=supervision, detail={**detail, **replanned})
    _emit("supervision.level_changed", supervision, history_id, {"from_level": previous, "to_level": level})
    return supervision


@transaction.atomic
def supervision_change_status(
    *,
    actor: User,
    supervision: Supervision,
    status: str,
    reason: str,
    effective_on: date | None = None,
    now: datetime | None = None,
) -> Supervision:
    """Make a case active, inactive (probation only: non-reporting), absconded or wanted (warrant), for a
    reason. A case that stops reporting has its scheduled check-ins excused at once, the window already open
    included, so none of them turns into a missed check-in and a violation; a case that reports again is
    planned from today. Custody has its own services (``supervision.services.custody``: a facility and an
    episode), and so has closing."""
    now = now or timezone.now()
    supervision = supervision_lock(supervision.pk)
    case_change_require(actor, supervision, "change the status")
    supervision_require_open(supervision, "its status no longer changes")
    if status == SupervisionStatus.CLOSED:
        raise ValidationError({"status": "Close a case with its closure reason and date (close), not a status."})
    if status == SupervisionStatus.IN_CUSTODY:
        raise ValidationError({"status": "Record custody with its facility and date (custody), not a status."})
    if status not in CHANGEABLE_STATUSES:
        raise ValidationError({"status": f"Choose one of: {', '.join(CHANGEABLE_STATUSES)}."})
    if supervision.status == SupervisionStatus.IN_CUSTODY:
        raise ApplicationError(
            f"{supervision} is in custody: record the release (custody) before changing its status.", status_code=409
        )
    if status == supervision.status:
        raise ValidationError({"status": f"The case is already {supervision.get_status_display().lower()}."})
    if status == SupervisionStatus.INACTIVE and supervision.supervision_type == SupervisionType.PAROLE:
        raise ValidationError({"status": "Parole is always active supervision: it cannot be inactive."})
    reason = history_reason(reason, ask="Say why the status changes.")
    effective = effective_day(effective_on, supervision, field="effective_on", today=timezone.localdate(now))
    status_change_apply(
        actor=actor, supervision=supervision, status=status, reason=reason, effective=effective, now=now
    )
    return supervision


def status_change_apply(
    *,
    actor: User,
    supervision: Supervision,
    status: str,
    reason: str,
    effective: date,
    now: datetime,
    extra: dict[str, object] | None = None,
) -> None:
    """Move a locked, open case to ``status`` (the rules checked by the caller: ``supervision_change_status``,
    or custody's start and end): saved with its reason on the history row; a case that reports again planned
    from today, one that stops reporting (inactive, absconded, warrant, in custody) stood down, the window
    open now included; the audit row and the ``supervision.status_changed`` event (``extra`` in both)."""
    previous = supervision.status
    supervision.status = status
    history_id = _save(supervision, actor, reason, ["status"])
    counts: dict[str, int]
    if status == SupervisionStatus.ACTIVE:
        reinstated = check_ins_reinstate(supervision=supervision, now=now)
        counts = {**check_ins_replan(supervision_id=supervision.pk, now=now), "reinstated": len(reinstated)}
    else:
        excused = check_ins_excuse_future(
            check_ins=CheckIn.objects.filter(supervision=supervision, due_at__gt=now),
            reason=f"{STOOD_DOWN_PREFIX}{SupervisionStatus(status).label.lower()}",
            now=now,
        )
        counts = {"excused": len(excused)}
    change = {"from_status": previous, "to_status": status, "effective_on": effective.isoformat(), **(extra or {})}
    audit_record(
        actor=actor, action="supervision.status_changed", obj=supervision, detail={**change, "reason": reason, **counts}
    )
    _emit("supervision.status_changed", supervision, history_id, change)


@transaction.atomic
def supervision_close(
    *,
    actor: User,
    supervision: Supervision,
    closure_reason: str,
    closed_on: date | None = None,
    note: str = "",
    now: datetime | None = None,
    closure_request: ClosureRequest | None = None,
) -> Supervision:
    """Close a case with its reason and date. Its scheduled check-ins are excused (the window already open
    included); the case stays, read-only, in the person's history. Early termination and transfer out
    (``FOUR_EYES_CLOSURES``) close a case only through an approved ``closure_request``
    (``supervision.services.closures``: the officer asks, another person, a supervisor of the unit, approves)."""
    now = now or timezone.now()
    supervision = supervision_lock(supervision.pk)
    case_change_require(actor, supervision, "record a closure")
    if supervision.status == SupervisionStatus.CLOSED:
        raise ApplicationError(
            f"{supervision} was already closed on {supervision.closed_on} "
            f"({supervision.get_closure_reason_display().lower()}).",
            status_code=409,
        )
    if closure_reason not in ClosureReason.values:
        raise ValidationError({"closure_reason": f"Choose one of: {', '.join(ClosureReason.values)}."})
    if closure_reason in FOUR_EYES_CLOSURES and not (
        closure_request is not None
        and closure_request.status == ClosureRequestStatus.APPROVED
        and closure_request.supervision_id == supervision.pk
        and closure_request.closure_reason == closure_reason
    ):
        raise ValidationError(
            {
                "closure_reason": f"{ClosureReason(closure_reason).label} needs a supervisor's approval: ask for it "
                "with a closure request."
            }
        )
    closed = effective_day(closed_on, supervision, field="closed_on", today=timezone.localdate(now))
    note = " ".join((note or "").split())
    supervision_close_as(actor=actor, supervision=supervision, closure_reason=closure_reason, closed_on=closed, now=now)
    if note:
        case_note_add(actor=actor, supervision=supervision, body=f"Case closed ({closure_reason}): {note}")
    return supervision


def supervision_close_as(
    *,
    actor: User,
    supervision: Supervision,
    closure_reason: str,
    closed_on: date,
    now: datetime,
    data: dict[str, object] | None = None,
) -> None:
    """Close a locked, open case (the rules checked by the caller: ``supervision_close``, or a revocation by
    the authority): the fields, the schedule stood down, the audit row and the ``supervision.closed`` event."""
    supervision.status = SupervisionStatus.CLOSED
    supervision.closure_reason = closure_reason
    supervision.closed_on = closed_on
    _save(
        supervision,
        actor,
        f"Closed: {ClosureReason(closure_reason).label.lower()}",
        ["status", "closure_reason", "closed_on"],
    )
    excused = check_ins_excuse_future(
        check_ins=CheckIn.objects.filter(supervision=supervision, due_at__gt=now),
        reason="Stood down: case closed",
        now=now,
    )
    _cancel_pending_closures(actor, supervision, closure_reason, now)
    audit_record(
        actor=actor,
        action="supervision.closed",
        obj=supervision,
        detail={"reason": closure_reason, "closed_on": closed_on.isoformat(), "excused": len(excused)},
    )
    webhook_event_emit(
        event="supervision.closed",
        obj_type="supervision",
        obj_id=supervision.pk,
        data={"supervision_id": supervision.pk, **(data or {})},
    )


def _cancel_pending_closures(actor: User, supervision: Supervision, closure_reason: str, now: datetime) -> None:
    """A closure request still waiting when the case is closed otherwise (another reason, a revocation) is
    cancelled: there is nothing left to approve."""
    for pending in ClosureRequest.objects.select_for_update().filter(
        supervision=supervision, status=ClosureRequestStatus.PENDING
    ):
        pending.status, pending.decided_by, pending.decided_at = ClosureRequestStatus.CANCELLED, actor, now
        pending.decision_reason = f"Closed otherwise ({ClosureReason(closure_reason).label.lower()})"
        history_attribute(pending, actor=actor, reason=pending.decision_reason)
        pending.full_clean()
        pending.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit_record(
            actor=actor,
            action="closure_request.cancelled",
            obj=pending,
            offender_id=supervision.offender_id,
            detail={"supervision_id": supervision.pk, "closed_for": closure_reason},
        )
