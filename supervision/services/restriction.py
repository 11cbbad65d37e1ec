"""Restricted cases: a supervisor of the case's unit marks a case restricted (a staff member's relative, a
high-profile case) with the reason, lifts the restriction, and names the other staff who may see it (a grant,
with the reason and who granted it) or takes that back (revoked, never deleted). Who then sees the case is
decided in one place, ``supervision.access``. Each change keeps its reason on the history row and writes its
audit action in the same transaction: ``supervision.restricted``, ``supervision.unrestricted``,
``case_access.granted``, ``case_access.revoked``."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agency.access import CASE_ROLES, is_active_user, require_role
from agency.audit import audit_record
from agency.choices import Role
from agency.errors import ApplicationError
from agency.models import User
from supervision.models import CaseAccessGrant, Supervision
from supervision.services.history import history_attribute, supervision_lock

RESTRICTION_REASON_MAX_LENGTH = 300


def _require_unit_supervisor(actor: User, supervision: Supervision, doing: str) -> None:
    require_role(actor, (Role.SUPERVISOR,), doing)
    if not (is_active_user(actor) and actor.unit_id is not None and actor.unit_id == supervision.unit_id):
        raise ApplicationError(f"Only a supervisor of the case's unit may {doing}.", status_code=403)


def _reason(reason: str, ask: str) -> str:
    cleaned = " ".join((reason or "").split())
    if not cleaned:
        raise ValidationError({"reason": ask})
    if len(cleaned) > RESTRICTION_REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"Keep the reason under {RESTRICTION_REASON_MAX_LENGTH} characters."})
    return cleaned


@transaction.atomic
def supervision_restrict(*, actor: User, supervision: Supervision, reason: str) -> Supervision:
    """Mark a case restricted: from now on only its officer, its unit's supervisors and the staff it names see it."""
    _require_unit_supervisor(actor, supervision, "restrict access to a case")
    supervision = supervision_lock(supervision.pk)
    if supervision.is_restricted:
        raise ApplicationError(f"The case {supervision} is already restricted.", status_code=409)
    reason = _reason(reason, "Say why access to the case is restricted.")
    supervision.is_restricted, supervision.restriction_reason = True, reason
    supervision.full_clean()
    history_attribute(supervision, actor=actor, reason=f"Restricted: {reason}"[:100])
    supervision.save(update_fields=["is_restricted", "restriction_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="supervision.restricted",
        obj=supervision,
        offender_id=supervision.offender_id,
        detail={"reason": reason},
    )
    return supervision


@transaction.atomic
def supervision_unrestrict(*, actor: User, supervision: Supervision, reason: str) -> Supervision:
    """Lift the restriction: the case is seen again as any other; its grants stay on record (they open nothing)."""
    _require_unit_supervisor(actor, supervision, "lift a case's restriction")
    supervision = supervision_lock(supervision.pk)
    if not supervision.is_restricted:
        raise ApplicationError(f"The case {supervision} is not restricted.", status_code=409)
    reason = _reason(reason, "Say why the restriction is lifted.")
    previous = supervision.restriction_reason
    supervision.is_restricted, supervision.restriction_reason = False, ""
    supervision.full_clean()
    history_attribute(supervision, actor=actor, reason=f"Restriction lifted: {reason}"[:100])
    supervision.save(update_fields=["is_restricted", "restriction_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="supervision.unrestricted",
        obj=supervision,
        offender_id=supervision.offender_id,
        detail={"reason": reason, "was": previous},
    )
    return supervision


@transaction.atomic
def case_access_grant(*, actor: User, supervision: Supervision, user: User, reason: str) -> CaseAccessGrant:
    """Name one more member of staff who may see a restricted case, with the reason."""
    _require_unit_supervisor(actor, supervision, "grant access to a case")
    supervision = supervision_lock(supervision.pk)
    if not supervision.is_restricted:
        raise ApplicationError(
            f"The case {supervision} is not restricted: everyone in scope sees it already.", status_code=409
        )
    if not is_active_user(user) or user.role not in CASE_ROLES:
        raise ValidationError({"user": "Access is granted to an active member of the agency's staff."})
    if user.pk == supervision.officer_id or (user.role == Role.SUPERVISOR and user.unit_id == supervision.unit_id):
        raise ValidationError({"user": f"{user.get_full_name() or user} sees this case already (its officer or unit)."})
    reason = _reason(reason, "Say why this person needs to see the case.")
    grant = CaseAccessGrant(
        supervision=supervision, user=user, reason=reason, granted_by=actor, granted_at=timezone.now()
    )
    grant.full_clean()  # one live grant per person (case_access_grant_one_live_per_user)
    history_attribute(grant, actor=actor, reason=reason[:100])
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError:  # granted at the same moment by another supervisor
        raise ValidationError({"user": "This person already has access to the case."}) from None
    audit_record(
        actor=actor,
        action="case_access.granted",
        obj=supervision,
        offender_id=supervision.offender_id,
        detail={"grant": grant.pk, "user": user.pk, "reason": reason},
    )
    return grant


@transaction.atomic
def case_access_revoke(*, actor: User, grant: CaseAccessGrant, reason: str) -> CaseAccessGrant:
    """Take a grant back: it stays on record, revoked, with who, when and why."""
    _require_unit_supervisor(actor, grant.supervision, "revoke access to a case")
    supervision = supervision_lock(grant.supervision_id)
    grant = CaseAccessGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise ApplicationError("This access was revoked already.", status_code=409)
    reason = _reason(reason, "Say why the access is revoked.")
    grant.revoked_at, grant.revoked_by, grant.revoke_reason = timezone.now(), actor, reason
    grant.full_clean()
    history_attribute(grant, actor=actor, reason=reason[:100])
    grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        action="case_access.revoked",
        obj=supervision,
        offender_id=supervision.offender_id,
        detail={"grant": grant.pk, "user": grant.user_id, "reason": reason},
    )
    return grant
