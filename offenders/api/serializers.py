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


class OffenderCreateSerializer(StrictSerializer):
    first_name = serializers.CharField(max_length=100)
    middle_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField()
    state_id = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    fbi_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    primary_language = serializers.CharField(max_length=40, required=False, default="English")

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
