"""The intake forms: find the person, register a new one, open their supervision. They parse input only; the
rules (duplicates, authority, officer override, conditions) are in ``offenders.selectors``,
``offenders.services`` and ``supervision.services.intake``."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from agency.models import Court, ParoleBoard, User
from offenders.models import Offender
from offenders.selectors import Identity
from supervision.choices import ConditionAppliesTo, ConditionCategory, SupervisionLevel, SupervisionType
from supervision.forms import DateInput, choices_set, max_length
from supervision.models import Condition, ConditionType, Supervision
from supervision.services.history import HISTORY_REASON_MAX_LENGTH
from supervision.services.intake import OrderedCondition
from supervision.weighting import OfficerCaseload

SPECIAL_ROWS = 3


def _today() -> date:
    return timezone.localdate()


class PersonSearchForm(forms.Form):
    """Any of the fields; the more given, the sharper the matches."""

    last_name = forms.CharField(max_length=max_length(Offender, "last_name"), required=False)
    first_name = forms.CharField(max_length=max_length(Offender, "first_name"), required=False)
    date_of_birth = forms.DateField(label="Date of birth", widget=DateInput(), required=False)
    state_id = forms.CharField(label="SID", max_length=max_length(Offender, "state_id"), required=False)
    fbi_number = forms.CharField(label="FBI number", max_length=max_length(Offender, "fbi_number"), required=False)

    def identity(self) -> Identity:
        data = self.cleaned_data if self.is_valid() else {}
        texts = {name: data.get(name) or "" for name in ("first_name", "last_name", "state_id", "fbi_number")}
        return Identity.of(**texts, date_of_birth=data.get("date_of_birth"))


class PersonRegisterForm(forms.Form):
    first_name = forms.CharField(max_length=max_length(Offender, "first_name"))
    middle_name = forms.CharField(max_length=max_length(Offender, "middle_name"), required=False)
    last_name = forms.CharField(max_length=max_length(Offender, "last_name"))
    date_of_birth = forms.DateField(label="Date of birth", widget=DateInput())
    state_id = forms.CharField(
        label="SID",
        max_length=max_length(Offender, "state_id"),
        required=False,
        help_text="The state identification number, if the person has one.",
    )
    fbi_number = forms.CharField(label="FBI number", max_length=max_length(Offender, "fbi_number"), required=False)
    phone = forms.CharField(max_length=max_length(Offender, "phone"), required=False)
    email = forms.EmailField(max_length=max_length(Offender, "email"), required=False)
    primary_language = forms.CharField(max_length=max_length(Offender, "primary_language"), initial="English")
    different_person = forms.BooleanField(
        label="I have checked the possible matches: this is a different person",
        required=False,
        help_text="Asked only when possible matches are shown.",
    )

    def identity(self) -> Identity:
        data = self.cleaned_data
        return Identity.of(
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            date_of_birth=data.get("date_of_birth"),
            state_id=data.get("state_id", ""),
            fbi_number=data.get("fbi_number", ""),
        )

    def person(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "different_person"}


class ConditionTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ConditionType) -> str:
        scope = "" if obj.applies_to == ConditionAppliesTo.BOTH else f" ({obj.get_applies_to_display().lower()})"
        return f"{obj.name}{scope}"


class StandardConditionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ConditionType) -> str:
        scope = "" if obj.applies_to == ConditionAppliesTo.BOTH else f" ({obj.get_applies_to_display().lower()})"
        return f"{obj.name}{scope}"


class OfficerField(forms.ModelChoiceField):
    loads: dict[int, OfficerCaseload] = {}
    suggested_id: int | None = None

    def label_from_instance(self, obj: User) -> str:
        load = self.loads.get(obj.pk)
        figures = f" — {load.cases} cases, {load.load_pct:g}% of a full caseload" if load else ""
        return f"{obj.get_full_name() or obj.username}{figures}{' (suggested)' if obj.pk == self.suggested_id else ''}"


def standard_condition_types(supervision_type: str) -> QuerySet[ConditionType]:
    """The standard set a type starts with: active standard conditions for both types or for this one."""
    return ConditionType.objects.filter(
        is_active=True,
        category=ConditionCategory.STANDARD,
        applies_to__in=(ConditionAppliesTo.BOTH, supervision_type),
    )


class IntakeForm(forms.Form):
    # Chosen by the page's "Probation | Parole" links, which tick that type's standard conditions.
    supervision_type = forms.ChoiceField(label="Type", choices=SupervisionType.choices, widget=forms.HiddenInput)
    court = forms.ModelChoiceField(
        label="Sentencing court",
        queryset=Court.objects.filter(is_active=True),
        required=False,
        help_text="Probation only: the court that sentenced the person receives the violation reports.",
    )
    parole_board = forms.ModelChoiceField(
        label="Parole board",
        queryset=ParoleBoard.objects.filter(is_active=True),
        required=False,
        help_text="Parole only: the board that released the person receives the violation reports.",
    )
    docket_number = forms.CharField(
        label="Docket or parole number",
        max_length=max_length(Supervision, "docket_number"),
        help_text="The court's docket number (probation) or the parole number (parole).",
    )
    offense = forms.CharField(label="Offence", max_length=max_length(Supervision, "offense"))
    start_date = forms.DateField(label="Supervision begins", widget=DateInput(), initial=_today)
    end_date = forms.DateField(label="Expected end", widget=DateInput())
    level = forms.ChoiceField(
        label="Supervision level", choices=SupervisionLevel.choices, initial=SupervisionLevel.MEDIUM
    )
    order_date = forms.DateField(
        label="Order date", widget=DateInput(), initial=_today, help_text="The sentencing or release order's date."
    )
    order_reference = forms.CharField(
        label="Order reference",
        max_length=max_length(Condition, "order_reference"),
        help_text="The sentence's docket entry or the release order's number: the conditions stand on it.",
    )
    standard_conditions = StandardConditionsField(
        label="Standard conditions",
        queryset=ConditionType.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The standard set for the type is ticked; untick what the order leaves out.",
    )
    officer = OfficerField(
        queryset=User.objects.none(),
        empty_label=None,
        help_text="Suggested: the unit's officer with the lightest weighted caseload.",
    )
    officer_reason = forms.CharField(
        label="Why another officer",
        max_length=HISTORY_REASON_MAX_LENGTH,
        required=False,
        help_text="Required when the case goes to another officer than the suggested one.",
    )

    def __init__(
        self,
        *args: Any,
        supervision_type: str,
        loads: list[OfficerCaseload],
        suggested: User | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervision_type"].initial = supervision_type
        choices_set(
            self,
            "standard_conditions",
            ConditionType.objects.filter(is_active=True, category=ConditionCategory.STANDARD),
        )
        self.fields["standard_conditions"].initial = [c.pk for c in standard_condition_types(supervision_type)]
        officer = self.fields["officer"]
        assert isinstance(officer, OfficerField)
        choices_set(self, "officer", User.objects.filter(pk__in=[load.officer.pk for load in loads]).order_by("pk"))
        officer.loads = {load.officer.pk: load for load in loads}
        officer.suggested_id = suggested.pk if suggested else None
        officer.initial = suggested.pk if suggested else None
        specials = ConditionType.objects.filter(is_active=True, category=ConditionCategory.SPECIAL)
        for row in range(1, SPECIAL_ROWS + 1):
            self.fields[f"special_type_{row}"] = ConditionTypeField(
                label=f"Special condition {row}", queryset=specials, required=False, empty_label="None"
            )
            self.fields[f"special_details_{row}"] = forms.CharField(
                label=f"Special condition {row}: the order's wording",
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=max_length(Condition, "details"),
                required=False,
            )
            self.fields[f"special_hours_{row}"] = forms.DecimalField(
                label=f"Special condition {row}: hours ordered",
                max_digits=6,
                decimal_places=2,
                min_value=Decimal("0"),
                required=False,
                help_text="Community service only.",
            )

    def special_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"special_type_{row}"], self[f"special_details_{row}"], self[f"special_hours_{row}"]]
            for row in range(1, SPECIAL_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for row in range(1, SPECIAL_ROWS + 1):
            if not cleaned.get(f"special_type_{row}") and (
                cleaned.get(f"special_details_{row}") or cleaned.get(f"special_hours_{row}") is not None
            ):
                self.add_error(f"special_type_{row}", "Pick the special condition this wording belongs to.")
        return cleaned

    def conditions(self) -> list[OrderedCondition]:
        data = self.cleaned_data
        ordered = [OrderedCondition(condition_type) for condition_type in data.get("standard_conditions") or []]
        for row in range(1, SPECIAL_ROWS + 1):
            if data.get(f"special_type_{row}"):
                ordered.append(
                    OrderedCondition(
                        data[f"special_type_{row}"],
                        details=data.get(f"special_details_{row}") or "",
                        hours_required=data.get(f"special_hours_{row}"),
                    )
                )
        return ordered

    def intake(self) -> dict[str, Any]:
        """The service's keywords."""
        data = self.cleaned_data
        names = ("supervision_type", "court", "parole_board", "docket_number", "offense", "start_date", "end_date")
        return {
            **{name: data[name] for name in names},
            "level": data["level"],
            "order_date": data["order_date"],
            "order_reference": data["order_reference"],
            "officer": data["officer"],
            "officer_reason": data.get("officer_reason") or "",
            "conditions": self.conditions(),
        }
