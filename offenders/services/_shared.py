"""What the services that change a person's record share: who may change it (the role; the person's scope
comes from their cases, which the caller resolves through ``supervision.access``), the record locked for the
change, the reason and actor on the history row, and validation with the database's constraints."""

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model

from agency.access import require_role
from agency.choices import Role
from agency.errors import ApplicationError
from agency.models import User
from offenders.models import Offender

HISTORY_REASON_MAX_LENGTH = 100  # simple_history's history_change_reason column
RECORD_EDITORS = (Role.OFFICER, Role.SUPERVISOR)
# Why a person's record is read-only to someone who sees them only through closed cases: the pages and the API
# say it in the same words (supervision/workspace/person_record_views.py, offenders/api/record.py).
RECORD_READ_ONLY = (
    "All of this person's cases you work on are closed: the record stays in their history, read-only. "
    "It changes again when a case is opened."
)

_Record = TypeVar("_Record", bound=Model)


def record_change_require(actor: User, doing: str) -> None:
    """A service's role gate: officers and supervisors change a person's record. Which people: those of the
    cases they may change (the workspace resolves the person through ``supervision.access`` before calling)."""
    require_role(actor, RECORD_EDITORS, doing)


def offender_lock(offender_id: int) -> Offender:
    """The person, locked until the end of the transaction: two changes of one record wait for each other
    (a new address and the current one's end, the primary number and its copy on the person)."""
    return Offender.objects.select_for_update().get(pk=offender_id)


def record_lock(model: type[_Record], record: _Record, offender: Offender) -> _Record:
    """``record`` as stored, locked; it must belong to ``offender`` (a 404-worthy mix-up is a field error)."""
    locked = model._default_manager.select_for_update().get(pk=record.pk)
    if getattr(locked, "offender_id", None) != offender.pk:
        raise ValidationError("This record belongs to another person.")
    return locked


def record_state_conflict(message: str) -> ApplicationError:
    """A change the record's state refuses (ending what is already ended, a number already primary): a 409 over
    the API, a message at the top of a form. Bad input stays a ValidationError (400, next to its field)."""
    return ApplicationError(message, status_code=409)


def history_reason(reason: str, *, ask: str, field: str = "reason") -> str:
    """A reason that goes on the history row: required, on one line, at most 100 characters."""
    cleaned = " ".join((reason or "").split())
    if not cleaned:
        raise ValidationError({field: ask})
    if len(cleaned) > HISTORY_REASON_MAX_LENGTH:
        raise ValidationError({field: f"Keep the reason under {HISTORY_REASON_MAX_LENGTH} characters."})
    return cleaned


def record_save(record: Any, *, actor: User | None, reason: str, fields: list[str] | None = None) -> None:
    """Validate (fields, model rules and the database's constraints) and save ``record``, with the actor and
    the reason on its history row (simple-history's documented attributes)."""
    record.full_clean()
    record._change_reason = reason[:HISTORY_REASON_MAX_LENGTH]
    record._history_user = actor
    record.save(update_fields=fields) if fields else record.save()
