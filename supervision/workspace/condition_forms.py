"""The conditions' forms: impose, modify and end a condition, each with the order it comes from. They parse and
shape input; the rules (the catalogue's conditions for the case's type, hours only for community service, an
order not in the future, a condition not ending before it was imposed …) are the services' and the model's
(supervision.services.conditions, supervision.bounds). Field names are the services' keyword names, so a
service's error lands next to its field."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q

from supervision.bounds import ORDER_REFERENCE_MAX_LENGTH
from supervision.choices import ConditionAppliesTo
from supervision.forms import DateInput, choices_set, max_length
from supervision.models import Condition, ConditionType, Supervision
from supervision.workspace.forms import CaseForm


def _order_fields(form: forms.Form) -> None:
    form.fields["order_date"] = forms.DateField(
        label="Date of the order",
        widget=DateInput(),
        help_text="The day the court or board made the order (today or before).",
    )
    form.fields["order_reference"] = forms.CharField(
        label="Order reference",
        max_length=ORDER_REFERENCE_MAX_LENGTH,
        help_text="The order's docket entry or number, e.g. CR-2025-00417, entry 31.",
    )


def _hours_field(**kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label="Hours ordered",
        required=False,
        min_value=Decimal("0"),
        max_digits=6,
        decimal_places=2,
        **kwargs,
    )


class ConditionTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ConditionType) -> str:
        return f"{obj.name} ({obj.get_category_display().lower()})"


class ConditionImposeForm(CaseForm):
    """A condition the case's authority imposed: from the active catalogue, for the case's type."""

    dated_fields = ("imposed_on",)
    condition_type = ConditionTypeChoiceField(queryset=ConditionType.objects.none(), label="Condition")
    details = forms.CharField(
        label="Wording of the order",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=max_length(Condition, "details"),
        help_text="As the order words it, e.g. the curfew's hours or the programme to complete.",
    )
    hours_required = _hours_field(help_text="Community service conditions only: the hours the order sets.")
    imposed_on = forms.DateField(
        label="In effect from", widget=DateInput(), help_text="Not before the order, nor before the case began."
    )

    def __init__(self, *args: Any, supervision: Supervision, **kwargs: Any) -> None:
        super().__init__(*args, case_start=supervision.start_date, **kwargs)
        catalogue = ConditionType.objects.filter(
            Q(applies_to=ConditionAppliesTo.BOTH) | Q(applies_to=supervision.supervision_type), is_active=True
        )
        choices_set(self, "condition_type", catalogue)
        kind = supervision.get_supervision_type_display().lower()
        self.fields["condition_type"].error_messages["invalid_choice"] = (
            f"Choose a condition of the catalogue that applies to {kind} cases."
        )
        self.fields["condition_type"].help_text = f"The catalogue's conditions for {kind} cases."
        _order_fields(self)


class ConditionModifyForm(forms.Form):
    """An order that changes a condition's wording (and, for community service, the hours ordered)."""

    details = forms.CharField(
        label="New wording",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=max_length(Condition, "details"),
        help_text="The wording the order gives the condition. The earlier wording stays in its history.",
    )

    def __init__(self, *args: Any, condition: Condition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("details", condition.details)
        if condition.condition_type.tracks_hours:
            self.fields["hours_required"] = _hours_field(help_text="The hours the order now sets.")
            self.initial.setdefault("hours_required", condition.hours_required)
        _order_fields(self)


class ConditionEndForm(CaseForm):
    """An order that ends a condition."""

    dated_fields = ("ended_on",)
    ended_on = forms.DateField(
        label="Ended on", widget=DateInput(), help_text="The last day the condition applies (not before it began)."
    )

    def __init__(self, *args: Any, supervision: Supervision, **kwargs: Any) -> None:
        super().__init__(*args, case_start=supervision.start_date, **kwargs)
        _order_fields(self)
