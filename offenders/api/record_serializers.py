"""The parts of a person's record over the API (addresses, jobs, phone numbers, emergency contacts, aliases):
what is answered, what each write takes (the keyword arguments of ``offenders.services``), and the examples
of the OpenAPI schema. The viewsets are in ``offenders/api/record.py``."""

from typing import Any

from django.db import models
from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from agency.api.serializers import ScopedPrimaryKeyRelatedField, StrictSerializer
from offenders.bounds import PHONE_MAX_LENGTH
from offenders.choices import AddressKind, AddressVerification, AliasKind, PhoneKind
from offenders.models import Address, Alias, EmergencyContact, Employment, Offender, Phone
from offenders.services._shared import HISTORY_REASON_MAX_LENGTH
from supervision.api.scoping import api_offenders

# --- What is answered ---------------------------------------------------------------------------------------

ADDRESS_FIELDS = [
    "id",
    "offender",
    "kind",
    "line1",
    "line2",
    "city",
    "state",
    "postal_code",
    "start_date",
    "end_date",
    "verified_on",
    "verified_how",
]
EMPLOYMENT_FIELDS = [
    "id",
    "offender",
    "employer_name",
    "position",
    "employer_contact_name",
    "employer_phone",
    "employer_address",
    "start_date",
    "end_date",
    "last_verified_on",
]
PHONE_FIELDS = ["id", "offender", "kind", "number", "is_primary", "added_on", "ended_on"]
EMERGENCY_CONTACT_FIELDS = ["id", "offender", "name", "relationship", "phone", "ended_on"]
ALIAS_FIELDS = ["id", "offender", "kind", "first_name", "last_name", "ended_on"]


class AddressSerializer(serializers.ModelSerializer):
    # Declared: DRF drops allow_blank from a read-only field it builds, and the schema would then refuse the
    # empty value an address not yet verified answers.
    verified_how = serializers.ChoiceField(
        choices=AddressVerification.choices,
        allow_blank=True,
        read_only=True,
        help_text="How the address was verified (empty until it is).",
    )

    class Meta:
        model = Address
        fields = ADDRESS_FIELDS
        read_only_fields = ADDRESS_FIELDS


class EmploymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employment
        fields = EMPLOYMENT_FIELDS
        read_only_fields = EMPLOYMENT_FIELDS


class PhoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phone
        fields = PHONE_FIELDS
        read_only_fields = PHONE_FIELDS


class EmergencyContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmergencyContact
        fields = EMERGENCY_CONTACT_FIELDS
        read_only_fields = EMERGENCY_CONTACT_FIELDS


class AliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alias
        fields = ALIAS_FIELDS
        read_only_fields = ALIAS_FIELDS


# --- What the writes take -------------------------------------------------------------------------------------


def _text(model_class: type[models.Model], field: str, **kwargs: Any) -> serializers.CharField:
    """A text input with the maximum length the model declares."""
    model_field = model_class._meta.get_field(field)
    assert isinstance(model_field, models.CharField), f"{model_class.__name__}.{field} is not a text field"
    return serializers.CharField(max_length=model_field.max_length, **kwargs)


def _optional(model_class: type[models.Model], field: str, **kwargs: Any) -> serializers.CharField:
    return _text(model_class, field, required=False, allow_blank=True, default="", **kwargs)


def _person() -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(
        model=Offender, scope=api_offenders, help_text="The person's id (one the caller may see)."
    )


def _reason(help_text: str) -> serializers.CharField:
    return serializers.CharField(
        max_length=HISTORY_REASON_MAX_LENGTH, help_text=f"{help_text} One line; kept in the record's history."
    )


class AddressAddSerializer(StrictSerializer):
    offender = _person()
    kind = serializers.ChoiceField(choices=AddressKind.choices, default=AddressKind.RESIDENCE)
    line1 = _text(Address, "line1")
    line2 = _optional(Address, "line2")
    city = _text(Address, "city")
    state = _text(Address, "state")
    postal_code = _text(Address, "postal_code")
    start_date = serializers.DateField(
        help_text="The person lives there from this day; the current address of the same kind ends the day before."
    )


class AddressCorrectSerializer(StrictSerializer):
    """Only the fields sent are corrected."""

    kind = serializers.ChoiceField(choices=AddressKind.choices, required=False)
    line1 = _text(Address, "line1", required=False)
    line2 = _text(Address, "line2", required=False, allow_blank=True)
    city = _text(Address, "city", required=False)
    state = _text(Address, "state", required=False)
    postal_code = _text(Address, "postal_code", required=False)
    start_date = serializers.DateField(required=False)
    reason = _reason("What was wrong, e.g. a typo in the street name.")


class AddressVerifySerializer(StrictSerializer):
    verified_on = serializers.DateField(help_text="The day the person was confirmed to live there.")
    how = serializers.ChoiceField(choices=AddressVerification.choices, help_text="How it was verified.")


class EmploymentAddSerializer(StrictSerializer):
    offender = _person()
    employer_name = _text(Employment, "employer_name")
    position = _optional(Employment, "position")
    employer_contact_name = _optional(Employment, "employer_contact_name")
    employer_phone = _optional(Employment, "employer_phone")
    employer_address = _optional(Employment, "employer_address")
    start_date = serializers.DateField()


class EmploymentEndSerializer(StrictSerializer):
    end_date = serializers.DateField(help_text="The last day of the job (not before it began).")
    reason = _reason("For example: laid off, quit, contract over.")


class EmploymentVerifySerializer(StrictSerializer):
    verified_on = serializers.DateField(help_text="The day the employer confirmed it (while the job lasted).")


class PhoneAddSerializer(StrictSerializer):
    offender = _person()
    kind = serializers.ChoiceField(choices=PhoneKind.choices, default=PhoneKind.MOBILE)
    number = serializers.CharField(
        max_length=PHONE_MAX_LENGTH,
        help_text="Digits with spaces, dashes or brackets, e.g. (614) 555-0134; an extension after “ext”.",
    )
    is_primary = serializers.BooleanField(
        default=False, help_text="Make it the primary number (a person's first current number always is)."
    )


class RecordEndSerializer(StrictSerializer):
    ended_on = serializers.DateField(help_text="No longer in use from this day.")
    reason = _reason("For example: disconnected, recorded in error.")


class EmergencyContactAddSerializer(StrictSerializer):
    offender = _person()
    name = _text(EmergencyContact, "name")
    relationship = _text(EmergencyContact, "relationship", help_text="For example: mother, partner, pastor.")
    phone = serializers.CharField(max_length=PHONE_MAX_LENGTH, help_text="A number one can dial.")


class EmergencyContactUpdateSerializer(StrictSerializer):
    """The fields left out stay as they are."""

    name = _text(EmergencyContact, "name", required=False)
    relationship = _text(EmergencyContact, "relationship", required=False)
    phone = serializers.CharField(max_length=PHONE_MAX_LENGTH, required=False)
    reason = _reason("What changed, e.g. new number.")


class AliasAddSerializer(StrictSerializer):
    offender = _person()
    kind = serializers.ChoiceField(choices=AliasKind.choices, default=AliasKind.ALIAS)
    first_name = _optional(Alias, "first_name")
    last_name = _text(Alias, "last_name")


# --- Examples -------------------------------------------------------------------------------------------------

EXAMPLES: dict[str, dict[str, Any]] = {
    "address": {
        "id": 31,
        "offender": 12,
        "kind": "residence",
        "line1": "42 Elm Street",
        "line2": "Apt 3",
        "city": "Columbus",
        "state": "OH",
        "postal_code": "43215",
        "start_date": "2026-06-01",
        "end_date": None,
        "verified_on": "2026-11-19",
        "verified_how": "home_visit",
    },
    "job": {
        "id": 8,
        "offender": 12,
        "employer_name": "Main Street Bakery",
        "position": "Baker",
        "employer_contact_name": "Lee Park",
        "employer_phone": "614-555-0177",
        "employer_address": "10 Main Street, Columbus",
        "start_date": "2026-04-06",
        "end_date": None,
        "last_verified_on": "2026-11-02",
    },
    "phone number": {
        "id": 20,
        "offender": 12,
        "kind": "mobile",
        "number": "614-555-0142",
        "is_primary": True,
        "added_on": "2026-03-02",
        "ended_on": None,
    },
    "emergency contact": {
        "id": 5,
        "offender": 12,
        "name": "Ann Reyes",
        "relationship": "Sister",
        "phone": "614-555-0101",
        "ended_on": None,
    },
    "alias": {
        "id": 4,
        "offender": 12,
        "kind": "maiden",
        "first_name": "Dana",
        "last_name": "Kessler",
        "ended_on": None,
    },
}


def answer(noun: str, **changes: Any) -> OpenApiExample:
    """The response example of a part of the record (``changes``: after an action)."""
    return OpenApiExample(noun.capitalize(), value={**EXAMPLES[noun], **changes}, response_only=True)


def body(title: str, **value: Any) -> OpenApiExample:
    return OpenApiExample(title, value=value, request_only=True)
