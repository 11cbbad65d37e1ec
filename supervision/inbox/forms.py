"""The inbox's forms: the list's filters and the three short forms of the report page. They parse and
validate input; the services in ``supervision.services.authority_actions`` decide and write. Field
names are the services' keyword names, so a service's ValidationError lands next to its field. The
rules (a hearing in the future and at most three years ahead, an order dated today or earlier and not
before the case began) are the services' and the models' (``supervision.bounds``); the text limits are
the model's."""

from django import forms
from django.utils import timezone

from agency.form_fields import LocalDateTimeField
from supervision.bounds import SCHEDULE_HORIZON_YEARS
from supervision.choices import Disposition, ReportStatus
from supervision.forms import UNSAVED_WARNING, DateInput, DateTimeLocalInput, max_length
from supervision.lifecycle import authority_status_label
from supervision.models import ViolationReport

# The inbox's filters, by the word a clerk uses for them.
INBOX_FILTERS = {
    word: (status, authority_status_label(status))
    for word, status in (
        ("unread", ReportStatus.ROUTED),
        ("acknowledged", ReportStatus.RECEIVED),
        ("hearing", ReportStatus.HEARING_SCHEDULED),
        ("disposed", ReportStatus.DISPOSED),
    )
}


class InboxFilterForm(forms.Form):
    q = forms.CharField(
        label="Docket number or name",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "Docket number or name", "type": "search"}),
    )
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "All reports"), *((key, label) for key, (_status, label) in INBOX_FILTERS.items())],
    )

    def filters(self) -> dict[str, str]:
        """The valid filters; anything unreadable in the query string is ignored, never an error page."""
        if not self.is_valid():
            return {name: self.cleaned_data.get(name, "") for name in ("q", "show") if name in self.cleaned_data}
        return {"q": self.cleaned_data["q"].strip(), "show": self.cleaned_data["show"]}


class HearingForm(forms.Form):
    hearing_at = LocalDateTimeField(
        label="Date and time",
        widget=DateTimeLocalInput(),
        help_text=f"Local time. The hearing must be in the future, at most {SCHEDULE_HORIZON_YEARS} years ahead.",
    )
    location = forms.CharField(
        label="Place or courtroom",
        max_length=max_length(ViolationReport, "hearing_location"),
        widget=forms.TextInput(attrs={"placeholder": "e.g. Courtroom 4B, 375 South High Street"}),
    )


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(label="Decision", choices=[("", "Choose…"), *Disposition.choices])
    disposed_on = forms.DateField(
        label="Date of the order", widget=DateInput(), initial=timezone.localdate, help_text="Today or earlier."
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=max_length(ViolationReport, "disposition_note"),
        widget=forms.Textarea(attrs={"rows": 4, **UNSAVED_WARNING}),
        help_text="For modified conditions, say which conditions the order adds, changes or removes.",
    )
