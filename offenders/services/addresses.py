"""A person's addresses and jobs. Nothing is deleted: a move ends the current address the day before the new
one starts, a job ends on a day, a mistake is corrected with a reason on the history row (simple-history)."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agency.audit import audit_record
from agency.models import User
from offenders.choices import AddressKind, AddressVerification
from offenders.models import Address, Employment, Offender
from offenders.services._shared import (
    history_reason,
    offender_lock,
    record_change_require,
    record_lock,
    record_save,
    record_state_conflict,
)

# What a correction may change (the dates of the history and the verification have their own services).
ADDRESS_CORRECTABLE = ("kind", "line1", "line2", "city", "state", "postal_code", "start_date")


@transaction.atomic
def address_add(
    *,
    actor: User,
    offender: Offender,
    line1: str,
    city: str,
    state: str,
    postal_code: str,
    start_date: date,
    kind: str = AddressKind.RESIDENCE,
    line2: str = "",
) -> Address:
    """A new address from ``start_date``. The current address of the same kind ends the day before (kept,
    with its history); a new address cannot start on or before the day the current one started."""
    record_change_require(actor, "change a person's addresses")
    offender = offender_lock(offender.pk)
    current = Address.objects.select_for_update().filter(offender=offender, kind=kind, end_date__isnull=True).first()
    if current is not None and start_date is not None:
        if start_date <= current.start_date:
            raise ValidationError(
                {
                    "start_date": f"The current {current.get_kind_display().lower()} address began on "
                    f"{current.start_date:%b %-d, %Y}: a new one starts after that day (to fix the current one, "
                    "correct it instead)."
                }
            )
        current.end_date = start_date - timedelta(days=1)
        record_save(current, actor=actor, reason="Moved: a new address begins", fields=["end_date"])
    address = Address(
        offender=offender,
        kind=kind,
        line1=line1,
        line2=line2,
        city=city,
        state=state,
        postal_code=postal_code,
        start_date=start_date,
    )
    record_save(address, actor=actor, reason="Address added")
    audit_record(
        actor=actor,
        action="address.added",
        obj=address,
        detail={"ended_address": current.pk if current else None, "start_date": str(start_date)},
    )
    return address


@transaction.atomic
def address_correct(*, actor: User, address: Address, reason: str, **changes: object) -> Address:
    """Correct a mistaken address (a typo, a wrong start day): the history row keeps what it said and why it
    changed."""
    record_change_require(actor, "change a person's addresses")
    offender = offender_lock(address.offender_id)
    address = record_lock(Address, address, offender)
    reason = history_reason(reason, ask="Say what was wrong (e.g. a typo in the street name).")
    unknown = set(changes) - set(ADDRESS_CORRECTABLE)
    if unknown:
        raise ValidationError(f"These cannot be corrected here: {', '.join(sorted(unknown))}.")
    changed = {name: value for name, value in changes.items() if getattr(address, name) != value}
    if not changed:
        raise ValidationError("Nothing changed: correct at least one field.")
    if "start_date" in changed and address.end_date is not None and changed["start_date"] > address.end_date:  # type: ignore[operator]
        raise ValidationError({"start_date": "An address cannot start after it ended."})
    before = {name: str(getattr(address, name)) for name in changed}
    for name, value in changed.items():
        setattr(address, name, value)
    record_save(address, actor=actor, reason=reason, fields=list(changed))
    audit_record(
        actor=actor,
        action="address.corrected",
        obj=address,
        detail={"reason": reason, "before": before, "after": {name: str(value) for name, value in changed.items()}},
    )
    return address


@transaction.atomic
def address_verify(*, actor: User, address: Address, verified_on: date, how: str) -> Address:
    """Record that the person was confirmed to live at ``address`` on ``verified_on`` and how (a home visit,
    a document, a phone call). A day earlier than the one on file is audited but changes nothing."""
    record_change_require(actor, "verify a person's address")
    return _verify(actor=actor, address=address, verified_on=verified_on, how=how, check_in_id=None)


@transaction.atomic
def address_verify_at_home_visit(
    *, actor: User | None, offender_id: int, visited_on: date, check_in_id: int
) -> Address | None:
    """A completed home visit verifies the person's current residence that day. The check-in services call it
    inside their own transaction, having checked who may record the visit; no current residence (or one that
    began after the visit): nothing to verify, None."""
    address = Address.objects.filter(
        offender_id=offender_id, kind=AddressKind.RESIDENCE, end_date__isnull=True, start_date__lte=visited_on
    ).first()
    if address is None or visited_on > timezone.localdate():
        return None
    return _verify(
        actor=actor,
        address=address,
        verified_on=visited_on,
        how=AddressVerification.HOME_VISIT,
        check_in_id=check_in_id,
    )


def _verify(*, actor: User | None, address: Address, verified_on: date, how: str, check_in_id: int | None) -> Address:
    offender = offender_lock(address.offender_id)
    address = record_lock(Address, address, offender)
    if how not in AddressVerification.values:
        raise ValidationError({"how": f"Choose one of: {', '.join(AddressVerification.labels)}."})
    if verified_on is None:
        raise ValidationError({"verified_on": "Say on which day it was verified."})
    if address.end_date is not None and verified_on > address.end_date:
        raise ValidationError({"verified_on": f"The person left this address on {address.end_date:%b %-d, %Y}."})
    if address.verified_on is None or verified_on >= address.verified_on:
        address.verified_on = verified_on
        address.verified_how = how
        record_save(
            address,
            actor=actor,
            reason=f"Verified ({AddressVerification(how).label.lower()})",
            fields=["verified_on", "verified_how"],
        )
    audit_record(
        actor=actor,
        system="" if actor else "home_visit",
        action="address.verified",
        obj=address,
        detail={"verified_on": str(verified_on), "how": how, "check_in": check_in_id},
    )
    return address


# --- Employment --------------------------------------------------------------------------------------------


@transaction.atomic
def employment_add(
    *,
    actor: User,
    offender: Offender,
    employer_name: str,
    start_date: date,
    position: str = "",
    employer_contact_name: str = "",
    employer_phone: str = "",
    employer_address: str = "",
) -> Employment:
    record_change_require(actor, "change a person's employment")
    offender = offender_lock(offender.pk)
    job = Employment(
        offender=offender,
        employer_name=employer_name,
        position=position,
        employer_contact_name=employer_contact_name,
        employer_phone=employer_phone,
        employer_address=employer_address,
        start_date=start_date,
    )
    record_save(job, actor=actor, reason="Job added")
    audit_record(actor=actor, action="employment.added", obj=job)
    return job


@transaction.atomic
def employment_end(*, actor: User, employment: Employment, end_date: date, reason: str) -> Employment:
    """The job ended on ``end_date`` (not before it began, not in the future) for ``reason``."""
    record_change_require(actor, "change a person's employment")
    offender = offender_lock(employment.offender_id)
    employment = record_lock(Employment, employment, offender)
    reason = history_reason(reason, ask="Say why the job ended (e.g. laid off, quit, contract over).")
    if employment.end_date is not None:
        raise record_state_conflict(f"This job already ended on {employment.end_date:%b %-d, %Y}.")
    if end_date is None:
        raise ValidationError({"end_date": "Say on which day the job ended."})
    if end_date < employment.start_date:
        raise ValidationError(
            {"end_date": f"The job began on {employment.start_date:%b %-d, %Y}: it cannot end before that day."}
        )
    employment.end_date = end_date
    record_save(employment, actor=actor, reason=reason, fields=["end_date"])
    audit_record(
        actor=actor, action="employment.ended", obj=employment, detail={"end_date": str(end_date), "reason": reason}
    )
    return employment


@transaction.atomic
def employment_verify(*, actor: User, employment: Employment, verified_on: date) -> Employment:
    """The employer confirmed on ``verified_on`` that the person works there."""
    record_change_require(actor, "verify a person's employment")
    offender = offender_lock(employment.offender_id)
    employment = record_lock(Employment, employment, offender)
    if verified_on is None:
        raise ValidationError({"verified_on": "Say on which day the employer confirmed it."})
    if verified_on < employment.start_date or (employment.end_date and verified_on > employment.end_date):
        raise ValidationError({"verified_on": "The day must fall while the person held the job."})
    employment.last_verified_on = verified_on
    # The form and the API name it ``verified_on``; the model ``last_verified_on``.
    try:
        record_save(employment, actor=actor, reason="Employment verified", fields=["last_verified_on"])
    except ValidationError as error:
        raise ValidationError(
            {
                ("verified_on" if name == "last_verified_on" else name): messages
                for name, messages in error.message_dict.items()
            }
        ) from None
    audit_record(actor=actor, action="employment.verified", obj=employment, detail={"verified_on": str(verified_on)})
    return employment
