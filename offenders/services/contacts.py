"""How to reach a person and whom to call: phone numbers (one primary, copied to ``Offender.phone``, which the
reminders and the API read), emergency contacts and aliases. Nothing is deleted: a number, a contact or an
alias is ended on a day and stays in the record with its history."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agency.audit import audit_record
from agency.models import User
from offenders.choices import AliasKind, PhoneKind
from offenders.models import Alias, EmergencyContact, Offender, Phone
from offenders.services._shared import (
    history_reason,
    offender_lock,
    record_change_require,
    record_lock,
    record_save,
    record_state_conflict,
)

# --- Phones ------------------------------------------------------------------------------------------------


def _primary_sync(offender: Offender, actor: User | None, reason: str) -> None:
    """Copy the primary number to ``Offender.phone`` (empty when none is current)."""
    primary = Phone.objects.filter(offender=offender, is_primary=True).values_list("number", flat=True).first() or ""
    if offender.phone != primary:
        offender.phone = primary
        record_save(offender, actor=actor, reason=reason, fields=["phone", "updated_at"])


def _demote_primary(offender: Offender, actor: User, reason: str) -> None:
    for phone in Phone.objects.select_for_update().filter(offender=offender, is_primary=True):
        phone.is_primary = False
        record_save(phone, actor=actor, reason=reason, fields=["is_primary"])


@transaction.atomic
def phone_add(
    *, actor: User, offender: Offender, number: str, kind: str = PhoneKind.MOBILE, is_primary: bool = False
) -> Phone:
    """A new number. The person's first current number is primary whatever was asked; a new primary number
    takes over from the old primary one (which stays current)."""
    record_change_require(actor, "change a person's phone numbers")
    offender = offender_lock(offender.pk)
    number = " ".join((number or "").split())
    if Phone.objects.filter(offender=offender, number=number, ended_on__isnull=True).exists():
        raise ValidationError({"number": "This number is already on the person's record."})
    is_primary = is_primary or not Phone.objects.filter(offender=offender, ended_on__isnull=True).exists()
    phone = Phone(offender=offender, kind=kind, number=number, is_primary=is_primary, added_on=timezone.localdate())
    phone.full_clean(exclude=["is_primary"])  # the field errors first, before the old primary number changes
    if is_primary:
        _demote_primary(offender, actor, "Another number became the primary one")
    record_save(phone, actor=actor, reason="Number added")
    _primary_sync(offender, actor, "Primary number changed")
    audit_record(actor=actor, action="phone.added", obj=phone, detail={"kind": kind, "is_primary": is_primary})
    return phone


@transaction.atomic
def phone_make_primary(*, actor: User, phone: Phone) -> Phone:
    record_change_require(actor, "change a person's phone numbers")
    offender = offender_lock(phone.offender_id)
    phone = record_lock(Phone, phone, offender)
    if phone.ended_on is not None:
        raise record_state_conflict(f"This number was ended on {phone.ended_on:%b %-d, %Y}: add it again to use it.")
    if phone.is_primary:
        raise record_state_conflict("This is already the primary number.")
    _demote_primary(offender, actor, "Another number became the primary one")
    phone.is_primary = True
    record_save(phone, actor=actor, reason="Made the primary number", fields=["is_primary"])
    _primary_sync(offender, actor, "Primary number changed")
    audit_record(actor=actor, action="phone.made_primary", obj=phone)
    return phone


@transaction.atomic
def phone_end(*, actor: User, phone: Phone, ended_on: date, reason: str) -> Phone:
    """The number is no longer in use from ``ended_on``. When it was the primary one, the most recently added
    current number takes over (or the person has no primary number)."""
    record_change_require(actor, "change a person's phone numbers")
    offender = offender_lock(phone.offender_id)
    phone = record_lock(Phone, phone, offender)
    reason = history_reason(reason, ask="Say why (e.g. disconnected, changed number).")
    if phone.ended_on is not None:
        raise record_state_conflict(f"This number was already ended on {phone.ended_on:%b %-d, %Y}.")
    if ended_on is None:
        raise ValidationError({"ended_on": "Say from which day the number is no longer in use."})
    if ended_on < phone.added_on:
        raise ValidationError(
            {"ended_on": f"The number was added on {phone.added_on:%b %-d, %Y}: it cannot end before that day."}
        )
    was_primary = phone.is_primary
    phone.ended_on = ended_on
    phone.is_primary = False
    record_save(phone, actor=actor, reason=reason, fields=["ended_on", "is_primary"])
    successor = None
    if was_primary:
        successor = (
            Phone.objects.select_for_update()
            .filter(offender=offender, ended_on__isnull=True)
            .order_by("-added_on", "-id")
            .first()
        )
        if successor is not None:
            successor.is_primary = True
            record_save(successor, actor=actor, reason="The primary number was ended", fields=["is_primary"])
    _primary_sync(offender, actor, "Primary number changed")
    audit_record(
        actor=actor,
        action="phone.ended",
        obj=phone,
        detail={"ended_on": str(ended_on), "reason": reason, "new_primary": successor.pk if successor else None},
    )
    return phone


# --- Emergency contacts ------------------------------------------------------------------------------------


@transaction.atomic
def emergency_contact_add(
    *, actor: User, offender: Offender, name: str, relationship: str, phone: str
) -> EmergencyContact:
    record_change_require(actor, "change a person's emergency contacts")
    offender = offender_lock(offender.pk)
    contact = EmergencyContact(offender=offender, name=name, relationship=relationship, phone=phone)
    record_save(contact, actor=actor, reason="Contact added")
    audit_record(actor=actor, action="emergency_contact.added", obj=contact)
    return contact


@transaction.atomic
def emergency_contact_update(
    *, actor: User, contact: EmergencyContact, name: str, relationship: str, phone: str, reason: str
) -> EmergencyContact:
    """Correct or update a contact (a new number, a name misspelt); the history row keeps the old values."""
    record_change_require(actor, "change a person's emergency contacts")
    offender = offender_lock(contact.offender_id)
    contact = record_lock(EmergencyContact, contact, offender)
    reason = history_reason(reason, ask="Say what changed (e.g. new number).")
    if contact.ended_on is not None:
        raise record_state_conflict(f"This contact was ended on {contact.ended_on:%b %-d, %Y}: add a new one instead.")
    changed = {
        key: value
        for key, value in {"name": name, "relationship": relationship, "phone": phone}.items()
        if getattr(contact, key) != value
    }
    if not changed:
        raise ValidationError("Nothing changed: update at least one field.")
    before = {key: getattr(contact, key) for key in changed}
    for key, value in changed.items():
        setattr(contact, key, value)
    record_save(contact, actor=actor, reason=reason, fields=list(changed))
    audit_record(
        actor=actor, action="emergency_contact.updated", obj=contact, detail={"reason": reason, "before": before}
    )
    return contact


@transaction.atomic
def emergency_contact_end(*, actor: User, contact: EmergencyContact, ended_on: date, reason: str) -> EmergencyContact:
    record_change_require(actor, "change a person's emergency contacts")
    offender = offender_lock(contact.offender_id)
    contact = record_lock(EmergencyContact, contact, offender)
    reason = history_reason(reason, ask="Say why (e.g. no longer willing, relationship ended).")
    if contact.ended_on is not None:
        raise record_state_conflict(f"This contact was already ended on {contact.ended_on:%b %-d, %Y}.")
    if ended_on is None:
        raise ValidationError({"ended_on": "Say from which day."})
    contact.ended_on = ended_on
    record_save(contact, actor=actor, reason=reason, fields=["ended_on"])
    audit_record(actor=actor, action="emergency_contact.ended", obj=contact, detail={"reason": reason})
    return contact


# --- Aliases -----------------------------------------------------------------------------------------------


@transaction.atomic
def alias_add(
    *, actor: User, offender: Offender, last_name: str, first_name: str = "", kind: str = AliasKind.ALIAS
) -> Alias:
    record_change_require(actor, "change a person's aliases")
    offender = offender_lock(offender.pk)
    alias = Alias(offender=offender, kind=kind, first_name=first_name.strip(), last_name=last_name.strip())
    if Alias.objects.filter(
        offender=offender,
        kind=alias.kind,
        first_name__iexact=alias.first_name,
        last_name__iexact=alias.last_name,
        ended_on__isnull=True,
    ).exists():
        raise ValidationError({"last_name": "This name is already on the person's record."})
    record_save(alias, actor=actor, reason="Alias added")
    audit_record(actor=actor, action="alias.added", obj=alias)
    return alias


@transaction.atomic
def alias_end(*, actor: User, alias: Alias, ended_on: date, reason: str) -> Alias:
    record_change_require(actor, "change a person's aliases")
    offender = offender_lock(alias.offender_id)
    alias = record_lock(Alias, alias, offender)
    reason = history_reason(reason, ask="Say why (e.g. recorded in error, no longer used).")
    if alias.ended_on is not None:
        raise record_state_conflict(f"This name was already ended on {alias.ended_on:%b %-d, %Y}.")
    if ended_on is None:
        raise ValidationError({"ended_on": "Say from which day."})
    alias.ended_on = ended_on
    record_save(alias, actor=actor, reason=reason, fields=["ended_on"])
    audit_record(actor=actor, action="alias.ended", obj=alias, detail={"reason": reason})
    return alias
