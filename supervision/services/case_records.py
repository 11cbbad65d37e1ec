"""Case notes, referrals and community service hours."""

import logging
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from agency.audit import audit_record
from agency.errors import ApplicationError
from agency.models import User
from supervision import bounds
from supervision.choices import (
    ReferralStatus,
)
from supervision.models import (
    CaseNote,
    CommunityServiceEntry,
    Condition,
    Referral,
    Supervision,
)

logger = logging.getLogger(__name__)


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
def referral_status_update(
    *, actor: User, referral: Referral, status: str, changed_on: date, notes: str = ""
) -> Referral:
    if status not in ReferralStatus.values:
        raise ValidationError({"status": f"Unknown referral status {status!r}."})
    referral.status = status
    referral.status_changed_on = changed_on
    if notes:
        referral.notes = f"{referral.notes}\n{notes}".strip()
    # Not before the referral, not in the future; the notes, added to, within their maximum.
    bounds.full_clean(referral, rename={"status_changed_on": "changed_on"})
    referral.save(update_fields=["status", "status_changed_on", "notes", "updated_at"])
    audit_record(actor=actor, action="referral.status_changed", obj=referral, detail={"status": status})
    return referral


@transaction.atomic
def community_service_log(
    *, actor: User, condition: Condition, performed_on: date, hours: Decimal | str, organisation: str
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
    audit_record(
        actor=actor, action="community_service.logged", obj=entry, offender_id=condition.supervision.offender_id
    )
    return entry
