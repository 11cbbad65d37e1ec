"""What the services that change a case share: the case locked for the change, the rule that a closed case
no longer changes, and the reason and the actor written on the history row (django-simple-history)."""

from typing import Any

from django.core.exceptions import ValidationError

from agency.errors import ApplicationError
from agency.models import User
from supervision.choices import SupervisionStatus
from supervision.models import Supervision

HISTORY_REASON_MAX_LENGTH = 100  # simple_history's history_change_reason column


def supervision_lock(supervision_id: int) -> Supervision:
    """The case as stored, locked until the end of the transaction (a change at the same moment waits)."""
    return (
        Supervision.objects.select_for_update(of=("self",))
        .select_related("offender", "court", "parole_board")
        .get(pk=supervision_id)
    )


def supervision_require_open(supervision: Supervision, what: str) -> None:
    """409 on a closed case: it stays, read-only, in the person's history. ``what``: "its conditions no longer
    change" …"""
    if supervision.status == SupervisionStatus.CLOSED:
        raise ApplicationError(f"The case {supervision} is closed: {what}.", status_code=409)


def history_reason(reason: str, *, ask: str, field: str = "reason") -> str:
    """A reason that goes on the history row: required, on one line, at most 100 characters."""
    cleaned = " ".join((reason or "").split())
    if not cleaned:
        raise ValidationError({field: ask})
    if len(cleaned) > HISTORY_REASON_MAX_LENGTH:
        raise ValidationError({field: f"Keep the reason under {HISTORY_REASON_MAX_LENGTH} characters."})
    return cleaned


def history_attribute(obj: Any, *, actor: User | None, reason: str) -> None:
    """Name the actor and the reason on the history row the next save writes (simple-history's documented
    attributes; it has no type stubs). A longer reason is kept whole where the caller stores it."""
    obj._change_reason = reason[:HISTORY_REASON_MAX_LENGTH]
    obj._history_user = actor
