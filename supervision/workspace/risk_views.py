"""Recording a risk assessment from the case page: the instrument's items, each answered from its answers; the
score, the suggested level and the level change (or the override asked of the supervisor) are the service's
(``supervision.services.risk``)."""

from typing import Any

from django import forms
from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from agency.http import AuthenticatedRequest
from offenders.bounds import NOTE_MAX_LENGTH
from offenders.risk import AssessmentInstrument
from supervision.choices import SupervisionLevel, SupervisionStatus
from supervision.forms import DateInput
from supervision.selectors import case_for_action
from supervision.services.history import HISTORY_REASON_MAX_LENGTH
from supervision.services.risk import risk_assessment_record
from supervision.workspace.pages import form_data, record_page, workspace_view

ITEM_PREFIX = "item_"


class RiskAssessmentForm(forms.Form):
    """The assessment's fields, then one choice per item of ``instrument`` (``item_<id>``)."""

    instrument = forms.ModelChoiceField(queryset=AssessmentInstrument.objects.none(), widget=forms.HiddenInput)
    assessed_on = forms.DateField(label="Assessed on", widget=DateInput(), help_text="Today or before.")

    def __init__(self, *args: Any, instrument: AssessmentInstrument | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chosen_instrument = instrument
        instrument_field = self.fields["instrument"]
        assert isinstance(instrument_field, forms.ModelChoiceField)
        instrument_field.queryset = AssessmentInstrument.objects.filter(is_active=True)
        self.initial.setdefault("instrument", instrument.pk if instrument else None)
        if instrument is not None:
            for item in instrument.items.prefetch_related("answers"):
                self.fields[f"{ITEM_PREFIX}{item.pk}"] = forms.TypedChoiceField(
                    label=f"{item.order}. {item.text}",
                    coerce=int,
                    choices=[("", "Choose an answer"), *((a.pk, f"{a.label} ({a.score})") for a in item.answers.all())],
                )
        self.fields["notes"] = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE_MAX_LENGTH
        )
        self.fields["override_level"] = forms.ChoiceField(
            label="Override the suggested level",
            required=False,
            choices=[("", "No override: follow the assessment"), *SupervisionLevel.choices],
            help_text="An override waits for your supervisor's approval; until then the level stays as it is.",
        )
        self.fields["override_reason"] = forms.CharField(
            label="Why override",
            required=False,
            max_length=HISTORY_REASON_MAX_LENGTH,
            help_text="Required with an override (at most 100 characters).",
        )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "instrument": data["instrument"],
            "answers": [
                (name.removeprefix(ITEM_PREFIX), value) for name, value in data.items() if name.startswith(ITEM_PREFIX)
            ],
            "assessed_on": data["assessed_on"],
            "notes": data["notes"],
            "override_level": data["override_level"] or None,
            "override_reason": data["override_reason"],
        }


def _instrument(request: AuthenticatedRequest) -> AssessmentInstrument | None:
    """The instrument asked for (``?instrument=`` or the posted one), else the first active one."""
    active = AssessmentInstrument.objects.filter(is_active=True).order_by("name")
    wanted = request.POST.get("instrument") if request.method == "POST" else request.GET.get("instrument")
    if wanted and str(wanted).isdigit() and (chosen := active.filter(pk=int(wanted)).first()):
        return chosen
    return active.first()


@require_http_methods(["GET", "POST"])
@workspace_view
def risk_assessment_new(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    instrument = _instrument(request)
    form = RiskAssessmentForm(form_data(request), instrument=instrument)
    extra: dict[str, Any] = {
        "instrument": instrument,
        "instruments": list(AssessmentInstrument.objects.filter(is_active=True).order_by("name")),
    }
    if supervision.status == SupervisionStatus.CLOSED:
        extra["empty"] = "This case is closed: it takes no new assessment."
    elif instrument is None:
        extra["empty"] = "No risk instrument is configured yet: ask an administrator to add one."
    return record_page(
        request,
        supervision=supervision,
        form=form,
        call=lambda _data: risk_assessment_record(
            actor=request.user, supervision=supervision, **form.service_arguments()
        ),
        success=lambda assessment: (
            f"Assessment recorded: score {assessment.score}, {assessment.get_level_display().lower()} risk. "
            + (
                "The override waits for your supervisor."
                if hasattr(assessment, "level_override")
                else f"The case follows the {assessment.suggested_level} level."
            )
        ),
        title="Record a risk assessment",
        template="supervision/risk_assessment_form.html",
        field_map={"answers": "__all__"},
        extra=extra,
    )
