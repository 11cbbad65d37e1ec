"""Closing a case for early termination or transfer out takes four eyes: the case's officer (or a supervisor)
asks with a closure request (the reason, the date, a note); a supervisor of the unit other than the one who
asked approves it, which closes the case with the requested reason and date in the same transaction
(``supervision_close``), or declines it with a reason. One request waits per case at most; a request decided
(or cancelled because the case was closed otherwise) is decided for good. Other closure reasons close a case
at once (``supervision_close``)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agency.access import is_active_user, require_role
from agency.audit import audit_record
from agency.choices import Role
from agency.errors import ApplicationError
from agency.models import User
from supervision.access import case_change_require
from supervision.choices import FOUR_EYES_CLOSURES, ClosureRequestStatus, SupervisionStatus
from supervision.models import ClosureRequest, Supervision
from supervision.services.case_changes import effective_day, supervision_close
from supervision.services.history import history_attribute, history_reason, supervision_lock


def _require_deciding_supervisor(actor: User, closure_request: ClosureRequest, doing: str) -> None:
    require_role(actor, (Role.SUPERVISOR,), doing)
    if not (is_active_user(actor) and actor.unit_id and actor.unit_id == closure_request.supervision.unit_id):
        raise ApplicationError(f"Only a supervisor of the case's unit may {doing}.", status_code=403)
    if closure_request.requested_by_id == actor.pk:
        raise ApplicationError(
            "You asked for this closure: another supervisor of the unit approves or declines it (four eyes).",
            status_code=403,
        )


def _require_pending(closure_request: ClosureRequest) -> None:
    if closure_request.status != ClosureRequestStatus.PENDING:
        decided = (
            f" on {timezone.localdate(closure_request.decided_at):%b %-d, %Y}" if closure_request.decided_at else ""
        )
        raise ApplicationError(
            f"Closure request #{closure_request.pk} was already {closure_request.status}{decided}: it cannot be "
            "decided again.",
            status_code=409,
        )


def _lock(closure_request: ClosureRequest) -> ClosureRequest:
    """The request as stored, and its case, locked for the decision (the case first, as every change locks it)."""
    supervision_lock(closure_request.supervision_id)
    return (
        ClosureRequest.objects.select_for_update(of=("self",))
        .select_related("supervision__offender", "requested_by")
        .get(pk=closure_request.pk)
    )


@transaction.atomic
def closure_request_submit(
    *,
    actor: User,
    supervision: Supervision,
    closure_reason: str,
    closed_on: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> ClosureRequest:
    """Ask for a case to be closed for early termination or transfer out: the request waits for a supervisor of
    the unit (not the one who asked). The case stays open meanwhile."""
    now = now or timezone.now()
    supervision = supervision_lock(supervision.pk)
    case_change_require(actor, supervision, "ask for a closure")
    if supervision.status == SupervisionStatus.CLOSED:
        raise ApplicationError(
            f"{supervision} was already closed on {supervision.closed_on} "
            f"({supervision.get_closure_reason_display().lower()}).",
            status_code=409,
        )
    if closure_reason not in FOUR_EYES_CLOSURES:
        raise ValidationError(
            {"closure_reason": "Only early termination and transfer out wait for approval: close the case at once."}
        )
    waiting = ClosureRequest.objects.filter(supervision=supervision, status=ClosureRequestStatus.PENDING).first()
    if waiting is not None:
        raise ApplicationError(
            f"A closure of {supervision} ({waiting.get_closure_reason_display().lower()}) has waited for approval "
            f"since {timezone.localdate(waiting.requested_at):%b %-d, %Y} (request #{waiting.pk}).",
            status_code=409,
        )
    closed = effective_day(closed_on, supervision, field="closed_on", today=timezone.localdate(now))
    closure_request = ClosureRequest(
        supervision=supervision,
        closure_reason=closure_reason,
        closed_on=closed,
        note=" ".join((note or "").split()),
        requested_by=actor,
        requested_at=now,
    )
    history_attribute(closure_request, actor=actor, reason="Closure asked for")
    closure_request.full_clean()
    closure_request.save()
    audit_record(
        actor=actor,
        action="closure_request.submitted",
        obj=closure_request,
        detail={"supervision_id": supervision.pk, "reason": closure_reason, "closed_on": closed.isoformat()},
    )
    return closure_request


@transaction.atomic
def closure_request_approve(
    *, actor: User, closure_request: ClosureRequest, now: datetime | None = None
) -> ClosureRequest:
    """A supervisor of the unit (not the one who asked) approves: the case is closed with the requested reason,
    date and note, in this transaction; a closure the case can no longer take (closed meanwhile, the date
    before its start) refuses the approval and nothing is saved."""
    now = now or timezone.now()
    closure_request = _lock(closure_request)
    _require_deciding_supervisor(actor, closure_request, "approve a closure")
    _require_pending(closure_request)
    closure_request.status = ClosureRequestStatus.APPROVED
    closure_request.decided_by, closure_request.decided_at = actor, now
    history_attribute(closure_request, actor=actor, reason="Closure approved")
    closure_request.full_clean()
    closure_request.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="closure_request.approved",
        obj=closure_request,
        detail={"supervision_id": closure_request.supervision_id, "requested_by": closure_request.requested_by_id},
    )
    supervision_close(
        actor=actor,
        supervision=closure_request.supervision,
        closure_reason=closure_request.closure_reason,
        closed_on=closure_request.closed_on,
        note=closure_request.note,
        now=now,
        closure_request=closure_request,
    )
    return closure_request


@transaction.atomic
def closure_request_decline(
    *, actor: User, closure_request: ClosureRequest, reason: str, now: datetime | None = None
) -> ClosureRequest:
    """A supervisor of the unit (not the one who asked) declines, saying why: the case stays open."""
    now = now or timezone.now()
    closure_request = _lock(closure_request)
    _require_deciding_supervisor(actor, closure_request, "decline a closure")
    _require_pending(closure_request)
    reason = history_reason(reason, ask="Say why the closure is declined.")
    closure_request.status = ClosureRequestStatus.DECLINED
    closure_request.decided_by, closure_request.decided_at = actor, now
    closure_request.decision_reason = reason
    history_attribute(closure_request, actor=actor, reason=f"Declined: {reason}")
    closure_request.full_clean()
    closure_request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_record(
        actor=actor,
        action="closure_request.declined",
        obj=closure_request,
        detail={"supervision_id": closure_request.supervision_id, "reason": reason},
    )
    return closure_request
