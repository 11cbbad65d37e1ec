from typing import Any

from django.db import models
from rest_framework import serializers

from agency.api.serializers import StrictSerializer
from offenders.models import Offender

OFFENDER_FIELDS = [
    "id",
    "agency_number",
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "state_id",
    "fbi_number",
    "phone",
    "email",
    "primary_language",
    "created_at",
    "updated_at",
]


class OffenderSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="An email address, or empty.")

    class Meta:
        model = Offender
        fields = OFFENDER_FIELDS
        read_only_fields = OFFENDER_FIELDS


def _text(field: str, **kwargs: Any) -> serializers.CharField:
    """A text input with the maximum length the model declares."""
    model_field = Offender._meta.get_field(field)
    if not isinstance(model_field, models.CharField):
        raise TypeError(f"Offender.{field} is not a text field")
    return serializers.CharField(max_length=model_field.max_length, **kwargs)


class OffenderCreateSerializer(StrictSerializer):
    first_name = _text("first_name")
    middle_name = _text("middle_name", required=False, allow_blank=True, default="")
    last_name = _text("last_name")
    date_of_birth = serializers.DateField(help_text="The person is 14 to 110 years old.")
    state_id = _text("state_id", required=False, allow_blank=True, default="")
    fbi_number = _text("fbi_number", required=False, allow_blank=True, default="")
    phone = _text("phone", required=False, allow_blank=True, default="")
    email = serializers.EmailField(
        max_length=Offender._meta.get_field("email").max_length, required=False, allow_blank=True, default=""
    )
    primary_language = _text("primary_language", required=False, default="English")

    # Unique when given (database constraints): say so in words, not with the constraint's name.
    def validate_state_id(self, value):
        return self._unique(value, "state_id", "state identification number")

    def validate_fbi_number(self, value):
        return self._unique(value, "fbi_number", "FBI number")

    @staticmethod
    def _unique(value: str, field: str, label: str) -> str:
        value = value.strip()
        if value and Offender.objects.filter(**{field: value}).exists():
            raise serializers.ValidationError(
                f"A person with this {label} is already registered: ask the agency to find their record."
            )
        return value


class DuplicatesQuerySerializer(StrictSerializer):
    """The identity to look for: any of the fields, at least a last name, a date of birth, a SID or an FBI number."""

    first_name = _text("first_name", required=False, allow_blank=True, default="")
    last_name = _text("last_name", required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    state_id = _text("state_id", required=False, allow_blank=True, default="")
    fbi_number = _text("fbi_number", required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not any(attrs.get(name) for name in ("last_name", "date_of_birth", "state_id", "fbi_number")):
            raise serializers.ValidationError(
                {"last_name": ["Give a last name, a date of birth, a SID or an FBI number to look for."]}
            )
        return attrs


class AliasNameSerializer(serializers.Serializer):
    kind = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class DuplicateMatchSerializer(serializers.Serializer):
    """A possible match: the identity fields that decide it (never the record), and why it matches."""

    offender = serializers.IntegerField(source="offender.pk", help_text="The person's id.")
    agency_number = serializers.CharField(source="offender.agency_number")
    first_name = serializers.CharField(source="offender.first_name")
    middle_name = serializers.CharField(source="offender.middle_name")
    last_name = serializers.CharField(source="offender.last_name")
    date_of_birth = serializers.DateField(source="offender.date_of_birth")
    state_id = serializers.CharField(source="offender.state_id")
    fbi_number = serializers.CharField(source="offender.fbi_number")
    aliases = AliasNameSerializer(source="offender.aliases.all", many=True)
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why this person may be the same.")


class DuplicatesSerializer(serializers.Serializer):
    matches = DuplicateMatchSerializer(many=True)
    elsewhere = serializers.IntegerField(
        help_text="Possible matches among people whose cases the caller may not see: counted, never shown."
    )
