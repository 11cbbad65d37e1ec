"""A person's record on each case of the API tests' world (tests/api/conftest.py), and the record's API routes
with a valid body each, for tests/api/test_person_record_*.py."""

import datetime

from django.utils import timezone

from agency.models import AuditEvent
from offenders.models import Address, Alias, EmergencyContact, Employment, Phone

CASES = ("mine", "peer", "south")
RESOURCES = ("addresses", "employments", "phones", "emergency-contacts", "aliases")


def today() -> datetime.date:
    return timezone.localdate()


def person_records(person) -> dict:
    """One of each part of the record for ``person``: ``{resource: record}``."""
    return {
        "addresses": Address.objects.create(
            offender=person,
            kind="residence",
            line1="7 Oak Road",
            city="Columbus",
            state="OH",
            postal_code="43004",
            start_date=datetime.date(2020, 1, 1),
        ),
        "employments": Employment.objects.create(
            offender=person, employer_name="Main Street Bakery", start_date=datetime.date(2020, 1, 1)
        ),
        "phones": Phone.objects.create(
            offender=person, number="614 555 0100", is_primary=False, added_on=datetime.date(2020, 1, 1)
        ),
        "emergency-contacts": EmergencyContact.objects.create(
            offender=person, name="Ann Lee", relationship="Sister", phone="614 555 0101"
        ),
        "aliases": Alias.objects.create(offender=person, last_name="Smith"),
    }


def make_records(world) -> dict:
    """One of each part of the record for the person of each case: ``records[(resource, case)]``."""
    records = {}
    for case in CASES:
        for resource, record in person_records(world.cases[case].offender).items():
            records[(resource, case)] = record
    return records


# route -> (URL template: {pk} the case's record of the resource, the resource); every route is a POST
ROUTES = {
    "address-add": ("/api/v1/addresses/", "addresses"),
    "address-correct": ("/api/v1/addresses/{pk}/correct/", "addresses"),
    "address-verify": ("/api/v1/addresses/{pk}/verify/", "addresses"),
    "employment-add": ("/api/v1/employments/", "employments"),
    "employment-end": ("/api/v1/employments/{pk}/end/", "employments"),
    "employment-verify": ("/api/v1/employments/{pk}/verify/", "employments"),
    "phone-add": ("/api/v1/phones/", "phones"),
    "phone-make-primary": ("/api/v1/phones/{pk}/make-primary/", "phones"),
    "phone-end": ("/api/v1/phones/{pk}/end/", "phones"),
    "emergency-contact-add": ("/api/v1/emergency-contacts/", "emergency-contacts"),
    "emergency-contact-update": ("/api/v1/emergency-contacts/{pk}/update/", "emergency-contacts"),
    "emergency-contact-end": ("/api/v1/emergency-contacts/{pk}/end/", "emergency-contacts"),
    "alias-add": ("/api/v1/aliases/", "aliases"),
    "alias-end": ("/api/v1/aliases/{pk}/end/", "aliases"),
}


def request_for(world, records: dict, route: str, case: str) -> tuple[str, dict]:
    """The URL and a valid body of ``route`` on the record of ``case``'s person."""
    template, resource = ROUTES[route]
    url = template.replace("{pk}", str(records[(resource, case)].pk))
    person = world.cases[case].offender_id
    day = today().isoformat()
    ended = {"ended_on": day, "reason": "Recorded in error"}
    payload = {
        "address-add": {
            "offender": person,
            "kind": "residence",
            "line1": "42 Elm Street",
            "city": "Columbus",
            "state": "OH",
            "postal_code": "43215",
            "start_date": day,
        },
        "address-correct": {"line1": "1 Fixed Street", "reason": "Typo in the street"},
        "address-verify": {"verified_on": day, "how": "document"},
        "employment-add": {"offender": person, "employer_name": "Work Ready", "start_date": day},
        "employment-end": {"end_date": day, "reason": "Quit"},
        "employment-verify": {"verified_on": day},
        "phone-add": {"offender": person, "number": "(614) 555-0177", "kind": "work"},
        "phone-make-primary": {},
        "phone-end": ended,
        "emergency-contact-add": {
            "offender": person,
            "name": "Bo Lee",
            "relationship": "Brother",
            "phone": "614 555 0102",
        },
        "emergency-contact-update": {"phone": "614 555 0199", "reason": "New number"},
        "emergency-contact-end": ended,
        "alias-add": {"offender": person, "kind": "nickname", "first_name": "", "last_name": "Jay"},
        "alias-end": ended,
    }[route]
    return url, payload


def record_state() -> tuple:
    """Everything a write to a person's record could change, with its audit rows."""
    return (
        list(Address.objects.order_by("pk").values_list("pk", "line1", "end_date", "verified_on", "verified_how")),
        list(Employment.objects.order_by("pk").values_list("pk", "end_date", "last_verified_on")),
        list(Phone.objects.order_by("pk").values_list("pk", "number", "is_primary", "ended_on")),
        list(EmergencyContact.objects.order_by("pk").values_list("pk", "phone", "ended_on")),
        list(Alias.objects.order_by("pk").values_list("pk", "last_name", "ended_on")),
        AuditEvent.objects.filter(
            action__regex=r"^(address|employment|phone|emergency_contact|alias)\.(added|corrected|verified|ended|"
            r"made_primary|updated)$"
        ).count(),
    )
