"""Output serializers (explicit, read-only fields: the contract integrators rely on) and input
serializers (strict: unknown fields are refused) for the services that write."""

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agency.api.scoping import api_officers
from agency.api.serializers import ScopedPrimaryKeyRelatedField, StrictSerializer
from agency.form_fields import local_datetime_jump
from agency.models import Court, ParoleBoard, User
from offenders.models import Offender
from supervision.api.scoping import api_case_records, api_offenders, api_supervisions, api_violation_reports
from supervision.authority import report_authority
from supervision.choices import (
    AuthorityType,
    CheckInKind,
    ClosureReason,
    Disposition,
    DrugTestReason,
    DrugTestResult,
    LabConfirmation,
    ReportRecommendation,
    Specimen,
    Substance,
    SubstanceResult,
    SupervisionLevel,
    SupervisionType,
    ViolationKind,
    ViolationSeverity,
)
from supervision.models import (
    CaseNote,
    CheckIn,
    Condition,
    DrugTest,
    DrugTestSubstanceResult,
    Supervision,
    Violation,
    ViolationReport,
)


def text_field(model, field: str, **kwargs) -> serializers.CharField:
    """A text input with the maximum length its model declares (supervision.bounds)."""
    return serializers.CharField(max_length=model._meta.get_field(field).max_length, **kwargs)


def _scoped(model, scope, **kwargs):
    return ScopedPrimaryKeyRelatedField(model=model, scope=scope, **kwargs)


def supervision_field(**kwargs):
    return _scoped(Supervision, api_supervisions, help_text="The supervision (case) id.", **kwargs)


def violation_report_field(**kwargs):
    return _scoped(ViolationReport, api_violation_reports, **kwargs)


def _case_record_field(model, **kwargs):
    return _scoped(model, lambda request: api_case_records(request, model.objects.all()), **kwargs)


class LocalDateTimeInputField(serializers.DateTimeField):
    """A date-time sent to the API. With its UTC offset it is taken as sent; without one it is read in the
    agency's time zone, as DRF does, except a time the clocks show twice or never: that is refused, with a
    message, rather than guessed (DRF means to refuse both but its check lets them through with zoneinfo;
    the web forms resolve them, see agency.form_fields). A time beyond the calendar's ends is refused too,
    never a server error."""

    default_error_messages = {
        "skipped": "{value} does not exist in {timezone}: the clocks jump over it. Send the time with its UTC offset.",
        "repeated": "{value} happens twice in {timezone}: the clocks go back over it. "
        "Send the time with its UTC offset.",
    }

    def enforce_timezone(self, value):
        zone = self.timezone if hasattr(self, "timezone") else self.default_timezone()
        if settings.USE_TZ and zone is not None and timezone.is_naive(value):
            jump = local_datetime_jump(value, zone)
            if jump:
                self.fail(
                    "skipped" if jump.total_seconds() > 0 else "repeated",
                    value=f"{value:%Y-%m-%d %H:%M}",
                    timezone=zone,
                )
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


# --- Supervisions ---------------------------------------------------------------------------------

SUPERVISION_FIELDS = [
    "id",
    "offender",
    "supervision_type",
    "status",
    "level",
    "officer",
    "court",
    "parole_board",
    "start_date",
    "end_date",
    "unit",
    "docket_number",
    "offense",
    "closed_on",
    "closure_reason",
    "created_at",
    "updated_at",
]


class SupervisionSerializer(serializers.ModelSerializer):
    closure_reason = serializers.ChoiceField(
        choices=ClosureReason.choices, allow_blank=True, read_only=True, help_text="Empty while the case is open."
    )

    class Meta:
        model = Supervision
        fields = SUPERVISION_FIELDS
        read_only_fields = SUPERVISION_FIELDS


class SupervisionCreateSerializer(StrictSerializer):
    offender = _scoped(Offender, api_offenders, help_text="The person's id.")
    supervision_type = serializers.ChoiceField(choices=SupervisionType.choices)
    court = _scoped(
        Court,
        lambda request: Court.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="Probation: the sentencing court.",
    )
    parole_board = _scoped(
        ParoleBoard,
        lambda request: ParoleBoard.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="Parole: the releasing parole board.",
    )
    docket_number = text_field(Supervision, "docket_number")
    offense = text_field(Supervision, "offense")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    level = serializers.ChoiceField(choices=SupervisionLevel.choices, default=SupervisionLevel.MEDIUM)
    officer = _scoped(User, api_officers, help_text="The supervising officer's id (an officer in your scope).")


# --- Check-ins ------------------------------------------------------------------------------------

CHECK_IN_FIELDS = [
    "id",
    "supervision",
    "kind",
    "window_start",
    "due_at",
    "status",
    "origin",
    "completed_at",
    "location",
    "notes",
    "excuse_reason",
    "recorded_by",
    "created_at",
    "updated_at",
]


class CheckInSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckIn
        fields = CHECK_IN_FIELDS
        read_only_fields = CHECK_IN_FIELDS


class ContactCreateSerializer(StrictSerializer):
    """An unscheduled contact that took place (it is recorded as completed)."""

    supervision = supervision_field()
    kind = serializers.ChoiceField(choices=CheckInKind.choices)
    occurred_at = LocalDateTimeInputField()
    location = text_field(CheckIn, "location", required=False, allow_blank=True, default="")
    notes = text_field(CheckIn, "notes", required=False, allow_blank=True, default="")


class CheckInCompleteSerializer(StrictSerializer):
    completed_at = LocalDateTimeInputField(required=False, help_text="When it took place; default: now.")
    kind = serializers.ChoiceField(choices=CheckInKind.choices, required=False, help_text="If it differed.")
    location = text_field(CheckIn, "location", required=False, allow_blank=True, default="")
    notes = text_field(CheckIn, "notes", required=False, allow_blank=True, default="")

    def validate(self, attrs):
        attrs.setdefault("completed_at", timezone.now())
        return attrs


class CheckInExcuseSerializer(StrictSerializer):
    reason = text_field(CheckIn, "excuse_reason")


# --- Drug tests -----------------------------------------------------------------------------------


class SubstanceResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = DrugTestSubstanceResult
        fields = ["substance", "result", "level_ng_ml"]
        read_only_fields = fields


DRUG_TEST_FIELDS = [
    "id",
    "supervision",
    "reason",
    "specimen",
    "panel",
    "collected_at",
    "result",
    "substance_results",
    "lab_confirmation",
    "lab_name",
    "notes",
    "recorded_by",
    "created_at",
    "updated_at",
]


class DrugTestSerializer(serializers.ModelSerializer):
    substance_results = SubstanceResultSerializer(many=True, read_only=True)

    class Meta:
        model = DrugTest
        fields = DRUG_TEST_FIELDS
        read_only_fields = DRUG_TEST_FIELDS


class SubstanceResultInputSerializer(StrictSerializer):
    substance = serializers.ChoiceField(choices=Substance.choices)
    result = serializers.ChoiceField(choices=SubstanceResult.choices)


class DrugTestCreateSerializer(StrictSerializer):
    supervision = supervision_field()
    collected_at = LocalDateTimeInputField()
    result = serializers.ChoiceField(choices=DrugTestResult.choices)
    substance_results = SubstanceResultInputSerializer(many=True, required=False, default=list)
    reason = serializers.ChoiceField(choices=DrugTestReason.choices, default=DrugTestReason.RANDOM)
    specimen = serializers.ChoiceField(choices=Specimen.choices, default=Specimen.URINE)
    panel = text_field(DrugTest, "panel", default="10-panel")
    lab_confirmation = serializers.ChoiceField(choices=LabConfirmation.choices, default=LabConfirmation.NOT_REQUESTED)
    lab_name = text_field(DrugTest, "lab_name", required=False, allow_blank=True, default="")
    notes = text_field(DrugTest, "notes", required=False, allow_blank=True, default="")

    def validate_substance_results(self, value):
        substances = [row["substance"] for row in value]
        duplicates = sorted({s for s in substances if substances.count(s) > 1})
        if duplicates:
            raise serializers.ValidationError(f"Each substance once only: {', '.join(duplicates)} repeated.")
        return {row["substance"]: row["result"] for row in value}


# --- Case notes -----------------------------------------------------------------------------------

CASE_NOTE_FIELDS = ["id", "supervision", "author", "body", "is_voided", "created_at", "updated_at"]


class CaseNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseNote
        fields = CASE_NOTE_FIELDS
        read_only_fields = CASE_NOTE_FIELDS


class CaseNoteCreateSerializer(StrictSerializer):
    supervision = supervision_field()
    body = text_field(CaseNote, "body")


# --- Violations -----------------------------------------------------------------------------------

VIOLATION_FIELDS = [
    "id",
    "supervision",
    "kind",
    "check_in",
    "drug_test",
    "status",
    "severity",
    "occurred_on",
    "description",
    "condition",
    "response",
    "correction_reason",
    "merged_into",
    "recorded_by",
    "created_at",
    "updated_at",
]


class ViolationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Violation
        fields = VIOLATION_FIELDS
        read_only_fields = VIOLATION_FIELDS


class ViolationCorrectionSerializer(StrictSerializer):
    reason = text_field(
        Violation, "correction_reason", help_text="Why: recorded in error (withdraw), not sustained (dismiss)."
    )


class ViolationMergeSerializer(StrictSerializer):
    into = _case_record_field(
        Violation, help_text="The violation kept: the one recorded for the missed check-in or failed test, same case."
    )
    reason = text_field(
        Violation,
        "correction_reason",
        required=False,
        default="",
        help_text="Why (by default: recorded twice, the same event as the violation kept).",
    )


class ViolationCreateSerializer(StrictSerializer):
    supervision = supervision_field()
    kind = serializers.ChoiceField(choices=ViolationKind.choices)
    severity = serializers.ChoiceField(choices=ViolationSeverity.choices, default=ViolationSeverity.MEDIUM)
    occurred_on = serializers.DateField()
    description = text_field(Violation, "description")
    check_in = _case_record_field(CheckIn, required=False, allow_null=True, default=None)
    drug_test = _case_record_field(DrugTest, required=False, allow_null=True, default=None)
    condition = _case_record_field(Condition, required=False, allow_null=True, default=None)

    # One violation per missed check-in and per failed test (a database constraint): say so plainly.
    def validate_check_in(self, check_in):
        return self._not_yet_a_violation(check_in, "check-in")

    def validate_drug_test(self, drug_test):
        return self._not_yet_a_violation(drug_test, "drug test")

    @staticmethod
    def _not_yet_a_violation(source, noun: str):
        if source is not None:
            existing = source.violations.values_list("pk", flat=True).first()
            if existing is not None:
                raise serializers.ValidationError(f"This {noun} is already violation #{existing}.")
        return source


# --- Violation reports ----------------------------------------------------------------------------


class AuthoritySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=AuthorityType.choices)
    id = serializers.IntegerField()


REPORT_FIELDS = [
    "id",
    "supervision",
    "violations",
    "narrative",
    "recommendation",
    "status",
    "authority",
    "disposition",
    "disposition_on",
    "disposition_note",
    "conditions_applied_at",
    "author",
    "editors",
    "submitted_at",
    "reviewed_by",
    "reviewed_at",
    "review_comment",
    "received_at",
    "hearing_at",
    "hearing_location",
    "created_at",
    "updated_at",
]


class ReportEditorSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The user's id.")
    name = serializers.CharField(help_text="Their full name (or username).")


class ViolationReportSerializer(serializers.ModelSerializer):
    violations: "serializers.PrimaryKeyRelatedField[Violation]" = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    editors = serializers.SerializerMethodField(
        help_text="Everyone who wrote any of the report's content: its author first, then anyone else who edited "
        "it (none of them may approve it)."
    )
    disposition = serializers.ChoiceField(
        choices=Disposition.choices, allow_blank=True, read_only=True, help_text="Empty until the report is disposed."
    )
    authority = serializers.SerializerMethodField(
        help_text="Where the report goes: the sentencing court (probation) or the parole board (parole)."
    )

    class Meta:
        model = ViolationReport
        fields = REPORT_FIELDS
        read_only_fields = REPORT_FIELDS

    @extend_schema_field(ReportEditorSerializer(many=True))
    def get_editors(self, report: ViolationReport) -> list[dict]:
        people = [report.author, *report.editors_besides_author()]
        return [{"id": user.pk, "name": user.get_full_name() or user.username} for user in people]

    @extend_schema_field(AuthoritySerializer)
    def get_authority(self, report: ViolationReport) -> dict:
        return report_authority(report).as_dict()


def _violations_field(**kwargs):
    return _case_record_field(Violation, many=True, help_text="Ids of the violations the report covers.", **kwargs)


class ViolationReportCreateSerializer(StrictSerializer):
    supervision = supervision_field()
    violations = _violations_field()
    narrative = text_field(ViolationReport, "narrative")
    recommendation = serializers.ChoiceField(choices=ReportRecommendation.choices)


class ViolationReportUpdateSerializer(StrictSerializer):
    violations = _violations_field(required=False)
    narrative = text_field(ViolationReport, "narrative", required=False)
    recommendation = serializers.ChoiceField(choices=ReportRecommendation.choices, required=False)


class ViolationReportSubmitSerializer(StrictSerializer):
    """What is on the author's screen, saved and submitted in one step; a field left out keeps its saved value."""

    violations = _violations_field(required=False)
    narrative = text_field(ViolationReport, "narrative", required=False)
    recommendation = serializers.ChoiceField(choices=ReportRecommendation.choices, required=False)


class NoBodySerializer(StrictSerializer):
    """No fields: the action needs none."""


class ReportReturnSerializer(StrictSerializer):
    comment = text_field(ViolationReport, "review_comment", help_text="What the officer should change.")


class ReportHearingSerializer(StrictSerializer):
    hearing_at = LocalDateTimeInputField()
    location = text_field(ViolationReport, "hearing_location", required=False, allow_blank=True, default="")


class ReportDispositionSerializer(StrictSerializer):
    disposition = serializers.ChoiceField(choices=Disposition.choices)
    disposed_on = serializers.DateField(required=False, help_text="Default: today.")
    note = text_field(ViolationReport, "disposition_note", required=False, allow_blank=True, default="")
