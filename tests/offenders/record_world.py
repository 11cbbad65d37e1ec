"""A person's record in the route matrix's world (tests/security/test_route_matrix.py): the URL arguments of
the record pages for a case's person, each record made on first use and kept in ``world.records``."""

import datetime
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from offenders.models import Alias, EmergencyContact, Phone
from offenders.services.photos import photo_upload
from tests.offenders.factories import AddressFactory, EmploymentFactory
from tests.offenders.record_helpers import image_bytes

_MAKERS: dict[str, Callable] = {
    "addresses": lambda person: AddressFactory(offender=person, kind="mailing", start_date=datetime.date(2020, 1, 1)),
    "employment": lambda person: EmploymentFactory(offender=person, start_date=datetime.date(2020, 1, 1)),
    # not primary: making it primary is what the matrix's POST does
    "phones": lambda person: Phone.objects.create(offender=person, number="614 555 0100", is_primary=False),
    "contacts": lambda person: EmergencyContact.objects.create(
        offender=person, name="Ann Lee", relationship="Sister", phone="614 555 0101"
    ),
    "aliases": lambda person: Alias.objects.create(offender=person, last_name="Smith"),
}


def person_kwargs(world, case: str) -> dict[str, int]:
    return {"person_id": world.cases[case].offender_id}


def person_record_kwargs(kind: str) -> Callable[[object, str], dict[str, int]]:
    def build(world, case: str) -> dict[str, int]:
        key = (f"person-{kind}", case)
        if key not in world.records:
            world.records[key] = _MAKERS[kind](world.cases[case].offender)
        return {**person_kwargs(world, case), "record_id": world.records[key].pk}

    return build


def person_record_pk(kind: str) -> Callable[[object, str], dict[str, int]]:
    """The API's URL arguments (``pk``) of the case's person's record of ``kind``, made on first use."""

    def build(world, case: str) -> dict[str, int]:
        return {"pk": person_record_kwargs(kind)(world, case)["record_id"]}

    return build


def person_photo_kwargs(world, case: str) -> dict[str, int]:
    """The person of the case has a photo (uploaded by the case's officer) before the page is asked for it."""
    key = ("person-photo", case)
    if key not in world.records:
        supervision = world.cases[case]
        upload = SimpleUploadedFile("p.png", image_bytes("PNG"), content_type="image/png")
        world.records[key] = photo_upload(actor=supervision.officer, offender=supervision.offender, photo=upload)
    return person_kwargs(world, case)


# route -> (method, URL arguments): the matrix's CALLS for the record pages.
PERSON_RECORD_CALLS = {
    "supervision:person_record": ("GET", person_kwargs),
    "supervision:person_photo": ("GET", person_photo_kwargs),
    "supervision:photo_upload": ("POST", person_kwargs),
    "supervision:address_new": ("POST", person_kwargs),
    "supervision:address_correct": ("POST", person_record_kwargs("addresses")),
    "supervision:address_verify": ("POST", person_record_kwargs("addresses")),
    "supervision:employment_new": ("POST", person_kwargs),
    "supervision:employment_end": ("POST", person_record_kwargs("employment")),
    "supervision:employment_verify": ("POST", person_record_kwargs("employment")),
    "supervision:phone_new": ("POST", person_kwargs),
    "supervision:phone_primary": ("POST", person_record_kwargs("phones")),
    "supervision:phone_end": ("POST", person_record_kwargs("phones")),
    "supervision:emergency_contact_new": ("POST", person_kwargs),
    "supervision:emergency_contact_edit": ("POST", person_record_kwargs("contacts")),
    "supervision:emergency_contact_end": ("POST", person_record_kwargs("contacts")),
    "supervision:alias_new": ("POST", person_kwargs),
    "supervision:alias_end": ("POST", person_record_kwargs("aliases")),
}


_API = {
    "address": "addresses",
    "employment": "employment",
    "phone": "phones",
    "emergency-contact": "contacts",
    "alias": "aliases",
}
# route -> (method, URL arguments): the matrix's CALLS for the record over the API (offenders/api/record.py).
PERSON_RECORD_API_CALLS = {
    **{f"api:{name}-list": ("GET", None) for name in _API},
    **{f"api:{name}-detail": ("GET", person_record_pk(kind)) for name, kind in _API.items()},
    "api:address-correct": ("POST", person_record_pk("addresses")),
    "api:address-verify": ("POST", person_record_pk("addresses")),
    "api:employment-end": ("POST", person_record_pk("employment")),
    "api:employment-verify": ("POST", person_record_pk("employment")),
    "api:phone-make-primary": ("POST", person_record_pk("phones")),
    "api:phone-end": ("POST", person_record_pk("phones")),
    "api:emergency-contact-update": ("POST", person_record_pk("contacts")),
    "api:emergency-contact-end": ("POST", person_record_pk("contacts")),
    "api:alias-end": ("POST", person_record_pk("aliases")),
}


def person_record_api_bodies(today: str) -> dict[str, dict[str, str]]:
    """Valid bodies of the record's API actions (so that the role decides, not validation)."""
    ended = {"ended_on": today, "reason": "Recorded in error"}
    return {
        "api:address-correct": {"line1": "1 Fixed Street", "reason": "Typo in the street"},
        "api:address-verify": {"verified_on": today, "how": "document"},
        "api:employment-end": {"end_date": today, "reason": "Quit"},
        "api:employment-verify": {"verified_on": today},
        "api:phone-end": ended,
        "api:emergency-contact-update": {"phone": "614 555 0199", "reason": "New number"},
        "api:emergency-contact-end": ended,
        "api:alias-end": ended,
    }


def record_of(records: dict, person, kind: str):
    """The person's record of ``kind`` (see ``_MAKERS``), made on first use and kept in ``records``."""
    key = (f"person-{kind}", person.pk)
    if key not in records:
        records[key] = _MAKERS[kind](person)
    return records[key]
