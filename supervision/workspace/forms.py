"""The short forms of the case page. They only parse and validate input; services do the writing.

Field names are the services' keyword names, so a ValidationError raised by a service lands next to
the field it is about (see ``supervision.forms.form_add_service_error``). The rules live in the services
and the models (``supervision.bounds``): a text's maximum length is the model's; a date before the case
began is caught here too, with the same words, only to put it next to its field before the service is asked."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from agency.form_fields import LocalDateTimeField
from supervision import bounds
from supervision.choices import (
    CheckInKind,
    ClosureReason,
    DrugTestReason,
    DrugTestResult,
    LabConfirmation,
    ReferralKind,
    ReferralStatus,
    ReportRecommendation,
    Specimen,
    Substance,
    SubstanceResult,
    SupervisionLevel,
    SupervisionStatus,
    SupervisionType,
    ViolationKind,
    ViolationSeverity,
)
from supervision.forms import UNSAVED_WARNING, DateInput, DateTimeLocalInput, choices_set, max_length
from supervision.models import (
    CaseNote,
    CheckIn,
    CommunityServiceEntry,
    Condition,
    DrugTest,
    Referral,
    Supervision,
    Violation,
    ViolationReport,
)
from supervision.services.case_changes import CHANGEABLE_STATUSES
from supervision.services.history import HISTORY_REASON_MAX_LENGTH


def _now_local() -> datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def _hours(value: Decimal | int | None) -> str:
    return f"{Decimal(value or 0).normalize():f}"


def _today() -> date:
    return timezone.localdate()


class CaseForm(forms.Form):
    """A form that records something on one case: its dates cannot fall before the supervision began
    (a typo such as 0026 for 2026 is caught here, next to the field)."""

    dated_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, case_start: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case_start = case_start

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.case_start is None:
            return cleaned
        for name in self.dated_fields:
            value = cleaned.get(name)
            if value is None:
                continue
            # Compared as moments, never converted: a time at the calendar's end, whatever its offset, is
            # out of range, not an OverflowError.
            first = bounds.day_start(self.case_start) if isinstance(value, datetime) else self.case_start
            if value < first:
                self.add_error(name, bounds.before_case(self.case_start))
        return cleaned


class CheckInCompleteForm(CaseForm):
    dated_fields = ("completed_at",)
    kind = forms.ChoiceField(label="How the contact took place", choices=CheckInKind.choices)
    completed_at = LocalDateTimeField(label="When", widget=DateTimeLocalInput(), initial=_now_local)
    location = forms.CharField(label="Where", max_length=max_length(CheckIn, "location"), required=False)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=max_length(CheckIn, "notes")
    )


class CheckInExcuseForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=max_length(CheckIn, "excuse_reason"),
        help_text="For example: hospitalised (discharge papers seen), approved travel, court appearance.",
    )


class ContactForm(CaseForm):
    dated_fields = ("occurred_at",)
    kind = forms.ChoiceField(label="Kind of contact", choices=CheckInKind.choices, initial=CheckInKind.HOME_VISIT)
    occurred_at = LocalDateTimeField(label="When", widget=DateTimeLocalInput(), initial=_now_local)
    location = forms.CharField(label="Where", max_length=max_length(CheckIn, "location"), required=False)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=max_length(CheckIn, "notes")
    )


SUBSTANCE_CHOICES = [("", "Not tested"), *SubstanceResult.choices]


class DrugTestForm(CaseForm):
    dated_fields = ("collected_at",)
    collected_at = LocalDateTimeField(label="Collected", widget=DateTimeLocalInput(), initial=_now_local)
    reason = forms.ChoiceField(choices=DrugTestReason.choices, initial=DrugTestReason.RANDOM)
    specimen = forms.ChoiceField(choices=Specimen.choices, initial=Specimen.URINE)
    panel = forms.CharField(max_length=max_length(DrugTest, "panel"), initial="10-panel")
    result = forms.ChoiceField(label="Overall result", choices=DrugTestResult.choices)
    lab_confirmation = forms.ChoiceField(choices=LabConfirmation.choices, initial=LabConfirmation.NOT_REQUESTED)
    lab_name = forms.CharField(max_length=max_length(DrugTest, "lab_name"), required=False)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=max_length(DrugTest, "notes")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for substance in Substance:
            self.fields[f"substance_{substance.value}"] = forms.ChoiceField(
                label=substance.label, choices=SUBSTANCE_CHOICES, required=False
            )

    def substance_fields(self) -> list[forms.BoundField]:
        return [self[f"substance_{substance.value}"] for substance in Substance]

    @property
    def substance_results(self) -> dict[str, str]:
        return {
            substance.value: self.cleaned_data[f"substance_{substance.value}"]
            for substance in Substance
            if self.cleaned_data.get(f"substance_{substance.value}")
        }


class CaseNoteForm(forms.Form):
    body = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 8, **UNSAVED_WARNING}),
        max_length=max_length(CaseNote, "body"),
    )


class ReferralForm(CaseForm):
    dated_fields = ("referred_on",)
    kind = forms.ChoiceField(label="Programme", choices=ReferralKind.choices)
    provider = forms.CharField(
        max_length=max_length(Referral, "provider"), help_text="The organisation the person is referred to."
    )
    referred_on = forms.DateField(label="Referred on", widget=DateInput(), initial=_today)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=max_length(Referral, "notes")
    )


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ReferralStatus.choices)
    changed_on = forms.DateField(label="Since", widget=DateInput(), initial=_today)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=max_length(Referral, "notes")
    )


class HoursConditionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Condition) -> str:
        return f"{obj.condition_type.name}: {_hours(obj.hours_completed)} of {_hours(obj.hours_required)} h done"


class CommunityServiceForm(CaseForm):
    dated_fields = ("performed_on",)
    condition = HoursConditionChoiceField(queryset=Condition.objects.none(), empty_label=None)
    performed_on = forms.DateField(label="Worked on", widget=DateInput(), initial=_today)
    # The model holds the same range (a quarter of an hour to a day); the form says it before the service.
    hours = forms.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0.25"), max_value=Decimal("24"))
    organisation = forms.CharField(max_length=max_length(CommunityServiceEntry, "organisation"))

    def __init__(self, *args: Any, conditions: QuerySet[Condition], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_set(self, "condition", conditions)


class ConditionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Condition) -> str:
        return obj.condition_type.name


class ViolationForm(CaseForm):
    dated_fields = ("occurred_on",)
    kind = forms.ChoiceField(choices=ViolationKind.choices)
    severity = forms.ChoiceField(choices=ViolationSeverity.choices, initial=ViolationSeverity.MEDIUM)
    occurred_on = forms.DateField(label="Occurred on", widget=DateInput(), initial=_today)
    condition = ConditionChoiceField(
        queryset=Condition.objects.none(), required=False, empty_label="— none —", help_text="The condition broken."
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=max_length(Violation, "description")
    )

    def __init__(self, *args: Any, conditions: QuerySet[Condition], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_set(self, "condition", conditions)


class ViolationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Violation) -> str:
        return f"{obj.occurred_on:%b %d, %Y} · {obj.get_kind_display()} · {obj.description}"


class ViolationReportForm(forms.Form):
    violations = ViolationChoiceField(
        queryset=Violation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The violations this report is about.",
        error_messages={"required": "Select at least one violation for the report."},
    )
    narrative = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10, **UNSAVED_WARNING}),
        max_length=max_length(ViolationReport, "narrative"),
        help_text="What happened, what was done about it, and what you recommend and why.",
    )
    recommendation = forms.ChoiceField(choices=ReportRecommendation.choices)

    def __init__(self, *args: Any, violations: QuerySet[Violation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_set(self, "violations", violations)


# --- The case itself: its level, its status, its closure (supervision.services.case_changes) ---------------

REASON_HELP = "Kept in the case's history and the audit trail (at most 100 characters)."


def _offer(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), f"{name} is not a choice field"
    field.choices = choices


class CaseLevelForm(forms.Form):
    level = forms.ChoiceField(label="New level", choices=SupervisionLevel.choices)
    reason = forms.CharField(
        max_length=HISTORY_REASON_MAX_LENGTH,
        help_text="For example: reassessed (score 31), new arrest, supervisor override. " + REASON_HELP,
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "level", [(value, label) for value, label in SupervisionLevel.choices if value != current])


class CaseStatusForm(forms.Form):
    status = forms.ChoiceField(label="New status", choices=[(s.value, s.label) for s in CHANGEABLE_STATUSES])
    reason = forms.CharField(max_length=HISTORY_REASON_MAX_LENGTH, help_text=REASON_HELP)
    effective_on = forms.DateField(
        label="Since", widget=DateInput(), initial=_today, help_text="The day it took effect (today or before)."
    )

    def __init__(self, *args: Any, supervision: Supervision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = [
            (status.value, status.label)
            for status in CHANGEABLE_STATUSES
            if status != supervision.status
            and not (status == SupervisionStatus.INACTIVE and supervision.supervision_type == SupervisionType.PAROLE)
        ]
        _offer(self, "status", allowed)


class CaseCloseForm(forms.Form):
    closure_reason = forms.ChoiceField(
        label="Reason",
        choices=ClosureReason.choices,
        help_text="Early termination and transfer out wait for a supervisor's approval (four eyes).",
    )
    closed_on = forms.DateField(label="Closed on", widget=DateInput(), initial=_today)
    note = forms.CharField(
        label="Note for the case file",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=max_length(CaseNote, "body") - 40,  # the note is written as "Case closed (<reason>): <note>"
    )


class MergeTargetField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Violation) -> str:
        return f"#{obj.pk} · {obj.occurred_on:%b %d, %Y} · {obj.get_kind_display()} · {obj.description[:80]}"


_CORRECTIONS = [
    ("withdraw", "Withdraw: it was recorded in error"),
    ("dismiss", "Dismiss: it is not sustained"),
]
_MERGE = ("merge", "Merge: the same event as a violation recorded for it")


class ViolationCorrectionForm(forms.Form):
    """Withdraw (recorded in error), dismiss (not sustained) or merge (a manual violation about the event that
    already has its automatic one, among ``merge_into``) a violation: nothing is deleted."""

    correction = forms.ChoiceField(
        label="Correction",
        choices=_CORRECTIONS,
        widget=forms.RadioSelect,
    )
    into = MergeTargetField(
        label="Merge into",
        queryset=Violation.objects.none(),
        required=False,
        empty_label="— choose the violation kept —",
        help_text="The violation recorded for the missed check-in or failed test: it is kept, this one withdrawn.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=max_length(Violation, "correction_reason"),
        help_text="Kept with the violation and in the audit trail.",
    )

    def __init__(self, *args: Any, merge_into: QuerySet[Violation] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if merge_into is None or not merge_into.exists():
            del self.fields["into"]
            return
        correction = self.fields["correction"]
        assert isinstance(correction, forms.ChoiceField)
        correction.choices = [*_CORRECTIONS, _MERGE]
        choices_set(self, "into", merge_into)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("correction") == "merge" and not data.get("into"):
            self.add_error("into", "Choose the violation this one is merged into.")
        return data
