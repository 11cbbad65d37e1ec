"""Forms of the supervisor's dashboard: the filters, returning a report, reassigning cases."""

from typing import Any

from django import forms

from agency.models import User
from supervision.choices import SupervisionLevel, SupervisionType
from supervision.dashboard.selectors import FIGURES, DashboardFilters, dashboard_cases, unit_officers
from supervision.forms import UNSAVED_WARNING, choices_set, max_length
from supervision.models import Supervision, ViolationReport
from supervision.services.history import HISTORY_REASON_MAX_LENGTH
from supervision.weighting import OPEN_STATUSES


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class DashboardFilterForm(forms.Form):
    """Officer, type and level. A value that is not valid is reported and left out of the filters."""

    officer = OfficerChoiceField(queryset=User.objects.none(), required=False, empty_label="All officers")
    supervision_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Parole and probation"), *SupervisionType.choices]
    )
    level = forms.ChoiceField(required=False, choices=[("", "Every level"), *SupervisionLevel.choices])

    def __init__(self, *args: Any, actor: User, with_officer: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_officer:
            choices_set(self, "officer", unit_officers(actor=actor))
        else:
            del self.fields["officer"]

    def filters(self, *, officer: User | None = None) -> DashboardFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return DashboardFilters(
            officer=officer or data.get("officer"),
            supervision_type=data.get("supervision_type", "") if "supervision_type" not in self.errors else "",
            level=data.get("level", "") if "level" not in self.errors else "",
        )


class CaseListForm(DashboardFilterForm):
    figure = forms.ChoiceField(label="Show", required=False, choices=list(FIGURES.items()))

    def figure_value(self) -> str:
        self.is_valid()
        if "figure" in self.errors:
            return "open"
        return getattr(self, "cleaned_data", {}).get("figure") or "open"


class ReportReturnForm(forms.Form):
    comment = forms.CharField(
        label="Comments for the officer",
        widget=forms.Textarea(attrs={"rows": 4, **UNSAVED_WARNING}),
        max_length=max_length(ViolationReport, "review_comment"),
        error_messages={"required": "Tell the officer what to change."},
        help_text="Required: what the officer should change before resubmitting.",
    )


class ReassignForm(forms.Form):
    cases: "forms.ModelMultipleChoiceField[Supervision]" = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": "Select at least one case.",
            "invalid_choice": "One of the selected cases is not an open case of your unit.",
            "invalid_pk_value": "One of the selected cases is not an open case of your unit.",
        },
    )
    officer = OfficerChoiceField(
        queryset=None,
        label="New officer",
        empty_label="Choose an officer",
        error_messages={
            "required": "Choose the officer who takes the cases.",
            "invalid_choice": "Choose an officer of your unit.",
        },
    )
    reason = forms.CharField(
        max_length=HISTORY_REASON_MAX_LENGTH,
        help_text="Kept with each case's assignment history.",
        error_messages={"required": "Say why the cases are reassigned."},
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_set(
            self, "cases", dashboard_cases(actor=actor, filters=DashboardFilters()).filter(status__in=OPEN_STATUSES)
        )
        choices_set(self, "officer", unit_officers(actor=actor).filter(is_active=True))
