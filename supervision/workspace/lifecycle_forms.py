"""The forms of a case's custody (taken in, released) and of the closure decline. They only parse input; the
rules are in supervision.services.custody and supervision.services.closures (field names are the services'
keyword names, so a service's error lands next to its field)."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from supervision.choices import SupervisionStatus, SupervisionType
from supervision.forms import DateInput, max_length
from supervision.models import CustodyEpisode, Supervision
from supervision.services.history import HISTORY_REASON_MAX_LENGTH


def _today() -> date:
    return timezone.localdate()


class CustodyStartForm(forms.Form):
    started_on = forms.DateField(
        label="In custody since", widget=DateInput(), initial=_today, help_text="Today or before."
    )
    facility = forms.CharField(
        max_length=max_length(CustodyEpisode, "facility"), help_text="The jail or prison holding the person."
    )
    reason = forms.CharField(
        label="Reason or charge",
        max_length=max_length(CustodyEpisode, "reason"),
        help_text="For example: new charge (burglary), a sanction, a hold for the court or the board.",
    )


ACTIVE = (SupervisionStatus.ACTIVE.value, "Active: check-ins are planned again from today")
INACTIVE = (SupervisionStatus.INACTIVE.value, "Inactive (non-reporting)")


class CustodyReleaseForm(forms.Form):
    released_on = forms.DateField(
        label="Released on", widget=DateInput(), initial=_today, help_text="Not before the custody began."
    )
    release_reason = forms.CharField(
        label="Reason for the release",
        max_length=HISTORY_REASON_MAX_LENGTH,
        help_text="For example: sentence served, bailed, charge dropped. Kept in the case's history (at most "
        "100 characters).",
    )
    status = forms.ChoiceField(label="The case is then", choices=[ACTIVE], help_text="Parole is always active.")

    def __init__(self, *args: Any, supervision: Supervision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if supervision.supervision_type == SupervisionType.PROBATION:
            field = self.fields["status"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [ACTIVE, INACTIVE]
            field.help_text = "Probation may go on as inactive (non-reporting); parole is always active."
