"""The inbox's forms: the list's filters and the three short forms of the report page. They parse and
validate input; the services in ``supervision.services.authority_actions`` decide and write. Field
names are the services' keyword names, so a service's ValidationError lands next to its field."""

from django import forms
from django.utils import timezone

from agency.form_fields import LocalDateTimeField
from supervision.choices import Disposition, ReportStatus
from supervision.forms import DateInput, DateTimeLocalInput

# The inbox's filters, by the word a clerk uses for them.
INBOX_FILTERS = {
    "unread": (ReportStatus.ROUTED, "Unread"),
    "acknowledged": (ReportStatus.RECEIVED, "Acknowledged"),
    "hearing": (ReportStatus.HEARING_SCHEDULED, "Hearing scheduled"),
    "disposed": (ReportStatus.DISPOSED, "Disposed"),
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
        label="Date and time", widget=DateTimeLocalInput(), help_text="Local time. The hearing must be in the future."
    )
    location = forms.CharField(
        label="Place or courtroom",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Courtroom 4B, 375 South High Street"}),
    )

    def clean_hearing_at(self):
        hearing_at = self.cleaned_data["hearing_at"]
        if hearing_at <= timezone.now():
            raise forms.ValidationError("A hearing is scheduled for a date and time in the future.")
        return hearing_at


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(label="Decision", choices=[("", "Choose…"), *Disposition.choices])
    disposed_on = forms.DateField(
        label="Date of the order", widget=DateInput(), initial=timezone.localdate, help_text="Today or earlier."
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For modified conditions, say which conditions the order adds, changes or removes.",
    )

    def clean_disposed_on(self):
        disposed_on = self.cleaned_data["disposed_on"]
        if disposed_on > timezone.localdate():
            raise forms.ValidationError("A disposition cannot be recorded for a future date.")
        return disposed_on
