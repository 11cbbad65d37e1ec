"""Issuing and revoking integrator tokens: the admin and ``manage.py create_api_token`` call these."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from agency.audit import audit_record
from agency.choices import Role
from agency.models import ApiScope, ApiTokenScope, Unit, User

ROLES_WITHOUT_UNIT_DATA = (Role.COURT_CLERK, Role.PAROLE_BOARD_STAFF)


def api_token_check(*, user: User, scope: str, unit: Unit | None, expires_days: int | None) -> None:
    """Raise ValidationError (per field) when such a token could not be issued or would see nothing."""
    if scope not in ApiScope.values:
        raise ValidationError({"scope": f"Choose “read” or “write”, not {scope!r}."})
    if not user.is_active:
        raise ValidationError({"user": f"{user.username} is deactivated: a token for them would not work."})
    cannot_see_unit = user.role in ROLES_WITHOUT_UNIT_DATA or (
        user.role != Role.ADMINISTRATOR and user.unit_id not in (None, getattr(unit, "pk", None))
    )
    if unit is not None and cannot_see_unit:
        raise ValidationError(
            {"unit": f"{user.username} cannot see unit {unit.code}: a token limited to it would see nothing."}
        )
    if expires_days is not None and expires_days < 1:
        raise ValidationError({"expires_days": "A token must stay valid for at least one day."})


@transaction.atomic
def api_token_issue(
    *,
    actor: User | None,
    user: User,
    scope: str,
    label: str = "",
    unit: Unit | None = None,
    expires_days: int | None = None,
    system: str = "",
) -> tuple[ApiTokenScope, str]:
    """Create a hashed knox token for ``user`` with a scope. Returns the record and the token itself,
    which is shown once and never stored in clear."""
    api_token_check(user=user, scope=scope, unit=unit, expires_days=expires_days)
    if expires_days is not None:
        token, plain = AuthToken.objects.create(user=user, expiry=timedelta(days=expires_days))
    else:
        token, plain = AuthToken.objects.create(user=user)
    record = ApiTokenScope(
        token=token,
        user=user,
        label=label.strip() or f"Token for {user.username}",
        scope=scope,
        unit=unit,
        token_key=token.token_key,
        expires_at=token.expiry,
        created_by=actor,
    )
    record.full_clean(exclude=["token"])
    record.save()
    audit_record(
        actor=actor,
        system=system,
        action="api_token.issued",
        obj=record,
        detail={"user": user.username, "scope": scope, "unit": unit.code if unit else None},
    )
    return record, plain


@transaction.atomic
def api_token_revoke(*, actor: User | None, record: ApiTokenScope, system: str = "") -> ApiTokenScope:
    """Revoke a token at once: the knox token is deleted (it no longer authenticates), the record stays.
    ``system`` names the process when no user acts (e.g. ``manage.py shell``)."""
    record = ApiTokenScope.objects.select_for_update().get(pk=record.pk)
    if record.revoked_at is not None:
        return record
    token_id = record.token_id
    record.revoked_at = timezone.now()
    record.token = None
    record.save(update_fields=["revoked_at", "token"])
    if token_id is not None:
        AuthToken.objects.filter(pk=token_id).delete()
    audit_record(
        actor=actor, system=system, action="api_token.revoked", obj=record, detail={"user": record.user.username}
    )
    return record
