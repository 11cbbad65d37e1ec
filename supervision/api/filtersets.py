"""Query-parameter filters. Related objects are filtered by id (agency.api.filtersets.IdFilter), so a
filter never reveals whether an object out of scope exists."""

import django_filters

from agency.api.filtersets import IdFilter, IsoDateTimeFromToRangeFilter, UpdatedSinceFilterSet
from supervision.choices import (
    CheckInKind,
    CheckInOrigin,
    CheckInStatus,
    ComplianceStatus,
    Disposition,
    DrugTestReason,
    DrugTestResult,
    ReportRecommendation,
    ReportStatus,
    SupervisionLevel,
    SupervisionStatus,
    SupervisionType,
    ViolationKind,
    ViolationSeverity,
    ViolationStatus,
)
from supervision.models import CaseNote, CheckIn, Condition, DrugTest, Supervision, Violation, ViolationReport


def _ids(field_name: str, help_text: str) -> IdFilter:
    return IdFilter(field_name=field_name, help_text=help_text)


class CaseRecordFilterSet(UpdatedSinceFilterSet):
    supervision = _ids("supervision_id", "Only this supervision's records.")
    officer = _ids("supervision__officer_id", "Only the caseload of this officer.")
    unit = _ids("supervision__unit_id", "Only this unit's cases.")


class SupervisionFilterSet(UpdatedSinceFilterSet):
    type = django_filters.ChoiceFilter(field_name="supervision_type", choices=SupervisionType.choices)
    supervision_type = django_filters.ChoiceFilter(choices=SupervisionType.choices)
    status = django_filters.MultipleChoiceFilter(choices=SupervisionStatus.choices)
    level = django_filters.MultipleChoiceFilter(choices=SupervisionLevel.choices)
    officer = _ids("officer_id", "Only this officer's caseload.")
    unit = _ids("unit_id", "Only this unit's cases.")
    offender = _ids("offender_id", "Only this person's supervisions.")
    court = _ids("court_id", "Only cases of this court.")
    parole_board = _ids("parole_board_id", "Only cases of this parole board.")
    start_date = django_filters.DateFromToRangeFilter(help_text="start_date_after / start_date_before")
    end_date = django_filters.DateFromToRangeFilter(help_text="end_date_after / end_date_before")

    class Meta:
        model = Supervision
        fields = [
            "type",
            "supervision_type",
            "status",
            "level",
            "officer",
            "unit",
            "offender",
            "court",
            "parole_board",
            "start_date",
            "end_date",
            "updated_since",
        ]


class ConditionFilterSet(CaseRecordFilterSet):
    compliance_status = django_filters.MultipleChoiceFilter(
        field_name="derived_compliance",  # the derived state the conditions are answered with (supervision.compliance)
        choices=ComplianceStatus.choices,
    )
    condition_code = django_filters.CharFilter(field_name="condition_type__code")
    imposed_on = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Condition
        fields = [
            "supervision",
            "officer",
            "unit",
            "compliance_status",
            "condition_code",
            "imposed_on",
            "updated_since",
        ]


class CheckInFilterSet(CaseRecordFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=CheckInStatus.choices)
    kind = django_filters.MultipleChoiceFilter(choices=CheckInKind.choices)
    origin = django_filters.ChoiceFilter(choices=CheckInOrigin.choices)
    due_at = IsoDateTimeFromToRangeFilter(help_text="due_at_after / due_at_before (ISO 8601)")
    window_start = IsoDateTimeFromToRangeFilter()

    class Meta:
        model = CheckIn
        fields = [
            "supervision",
            "officer",
            "unit",
            "status",
            "kind",
            "origin",
            "due_at",
            "window_start",
            "updated_since",
        ]


class DrugTestFilterSet(CaseRecordFilterSet):
    result = django_filters.MultipleChoiceFilter(choices=DrugTestResult.choices)
    reason = django_filters.ChoiceFilter(choices=DrugTestReason.choices)
    collected_at = IsoDateTimeFromToRangeFilter()

    class Meta:
        model = DrugTest
        fields = ["supervision", "officer", "unit", "result", "reason", "collected_at", "updated_since"]


class CaseNoteFilterSet(CaseRecordFilterSet):
    created_at = IsoDateTimeFromToRangeFilter()
    is_voided = django_filters.BooleanFilter()

    class Meta:
        model = CaseNote
        fields = ["supervision", "officer", "unit", "created_at", "is_voided", "updated_since"]


class ViolationFilterSet(CaseRecordFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=ViolationKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=ViolationStatus.choices)
    severity = django_filters.MultipleChoiceFilter(choices=ViolationSeverity.choices)
    occurred_on = django_filters.DateFromToRangeFilter()

    class Meta:
        model = Violation
        fields = ["supervision", "officer", "unit", "kind", "status", "severity", "occurred_on", "updated_since"]


class ViolationReportFilterSet(CaseRecordFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ReportStatus.choices)
    recommendation = django_filters.ChoiceFilter(choices=ReportRecommendation.choices)
    disposition = django_filters.ChoiceFilter(choices=Disposition.choices)
    court = _ids("court_id", "Only reports routed to this court.")
    parole_board = _ids("parole_board_id", "Only reports routed to this parole board.")
    created_at = IsoDateTimeFromToRangeFilter()

    class Meta:
        model = ViolationReport
        fields = [
            "supervision",
            "officer",
            "unit",
            "status",
            "recommendation",
            "disposition",
            "court",
            "parole_board",
            "created_at",
            "updated_since",
        ]
