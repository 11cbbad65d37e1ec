"""The one way to write an audit row. Call it inside the transaction of the change it records."""

from typing import Any

from django.db import models

from agency.choices import AuditOutcome
from agency.middleware import current_request
from agency.models import AuditEvent, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    offender_id: int | None = None,
    outcome: str = AuditOutcome.ALLOWED,
    detail: dict[str, Any] | None = None,
    system: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Record that ``actor`` (or the background job ``system``) did ``action`` to ``obj``.

    ``offender_id`` ties the row to a person so that everything done to one person's record can
    be listed; when omitted it is read from ``obj`` (an Offender, or anything with ``offender_id``
    or a ``supervision``). ``actor_label`` names an actor that is not (yet) a user, e.g.
    ``anonymous`` for a failed sign-in.

    Fail closed: nothing here catches a database error. Called inside the transaction of the change,
    a row that cannot be written rolls the change back and the request fails with it. The time is
    ``timezone.now()`` (UTC, stored as ``timestamptz``); the source address and request id come from
    ``agency.middleware.RequestContextMiddleware`` (empty only outside a request: jobs, commands).
    """
    if actor is None and not system and not actor_label:
        raise ValueError("An audit row needs an actor or the name of the system job.")
    if outcome not in AuditOutcome.values:
        raise ValueError(f"Unknown audit outcome {outcome!r}.")
    context = current_request.get()
    if offender_id is None and obj is not None:
        offender_id = _offender_id_of(obj)
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor.username if actor is not None else (f"system:{system}" if system else actor_label[:150]),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        offender_id=offender_id,
        outcome=outcome,
        source_ip=context.source_ip if context else None,
        request_id=context.request_id if context else "",
        detail=_without_nul(detail or {}),
    )


def _without_nul(value: Any) -> Any:
    """PostgreSQL text and jsonb cannot hold U+0000: drop it from what a client typed (a search, a path)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(item) for item in value]
    return value


def _offender_id_of(obj: models.Model) -> int | None:
    if obj._meta.label_lower == "offenders.offender":
        return obj.pk
    if getattr(obj, "offender_id", None):
        return obj.offender_id
    supervision = getattr(obj, "supervision", None)
    if supervision is not None:
        return supervision.offender_id
    return None
