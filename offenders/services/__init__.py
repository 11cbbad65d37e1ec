"""Writes to a person's record. Each saves, validates and audits in one transaction.

The record's parts have their own modules: ``addresses`` (addresses and jobs), ``contacts`` (phones,
emergency contacts, aliases), ``photos``."""

from datetime import date

from django.db import transaction

from agency.audit import audit_record
from agency.models import User
from offenders.models import Offender, Phone


@transaction.atomic
def offender_create(
    *,
    actor: User,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    middle_name: str = "",
    state_id: str = "",
    fbi_number: str = "",
    phone: str = "",
    email: str = "",
    primary_language: str = "English",
) -> Offender:
    offender = Offender(
        first_name=first_name,
        middle_name=middle_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        state_id=state_id,
        fbi_number=fbi_number,
        phone=phone,
        email=email,
        primary_language=primary_language,
    )
    offender.full_clean()
    offender.save()
    if offender.phone:  # the number given at registration is the first of the person's numbers, the primary one
        Phone.objects.create(offender=offender, number=offender.phone, is_primary=True)
    audit_record(actor=actor, action="offender.created", obj=offender)
    return offender
