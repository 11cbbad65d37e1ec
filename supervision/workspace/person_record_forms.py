"""The forms of a person's record pages. They only parse input: field names are the services' keyword names
(``offenders.services``), whose rules (a move after the current address began, a number one can dial, a
photo that is a real JPEG or PNG) answer next to the fields."""

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from offenders.bounds import PHONE_MAX_LENGTH
from offenders.choices import AddressKind, AddressVerification, AliasKind, PhoneKind
from offenders.models import Address, Alias, EmergencyContact, Employment
from offenders.services._shared import HISTORY_REASON_MAX_LENGTH
from supervision.forms import DateInput, max_length

REASON_HELP = "One line; it is kept in the record's history."


def _today() -> date:
    return timezone.localdate()


def _reason(help_text: str) -> forms.CharField:
    return forms.CharField(max_length=HISTORY_REASON_MAX_LENGTH, help_text=f"{help_text} {REASON_HELP}")


def _day(label: str, help_text: str = "", initial: Any = None) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), help_text=help_text, initial=initial)


class AddressForm(forms.Form):
    kind = forms.ChoiceField(choices=AddressKind.choices, initial=AddressKind.RESIDENCE)
    line1 = forms.CharField(label="Address line 1", max_length=max_length(Address, "line1"))
    line2 = forms.CharField(label="Address line 2", max_length=max_length(Address, "line2"), required=False)
    city = forms.CharField(max_length=max_length(Address, "city"))
    state = forms.CharField(max_length=max_length(Address, "state"))
    postal_code = forms.CharField(label="Postal code", max_length=max_length(Address, "postal_code"))
    start_date = _day("Lives there from", "The current address of the same kind ends the day before.")


class AddressCorrectForm(AddressForm):
    start_date = _day("Lives there from")
    reason = _reason("What was wrong, e.g. a typo in the street name.")


class AddressVerifyForm(forms.Form):
    verified_on = _day("Verified on", initial=_today)
    how = forms.ChoiceField(label="How it was verified", choices=AddressVerification.choices)


class EmploymentForm(forms.Form):
    employer_name = forms.CharField(label="Employer", max_length=max_length(Employment, "employer_name"))
    position = forms.CharField(max_length=max_length(Employment, "position"), required=False)
    employer_contact_name = forms.CharField(
        label="Contact at the employer", max_length=max_length(Employment, "employer_contact_name"), required=False
    )
    employer_phone = forms.CharField(
        label="Employer's phone", max_length=max_length(Employment, "employer_phone"), required=False
    )
    employer_address = forms.CharField(
        label="Employer's address", max_length=max_length(Employment, "employer_address"), required=False
    )
    start_date = _day("Started on")


class EmploymentEndForm(forms.Form):
    end_date = _day("Ended on", initial=_today)
    reason = _reason("For example: laid off, quit, contract over.")


class EmploymentVerifyForm(forms.Form):
    verified_on = _day("Confirmed by the employer on", initial=_today)


class PhoneForm(forms.Form):
    kind = forms.ChoiceField(choices=PhoneKind.choices, initial=PhoneKind.MOBILE)
    number = forms.CharField(
        max_length=PHONE_MAX_LENGTH,
        help_text="Digits with spaces, dashes or brackets, e.g. (614) 555-0134; an extension after “ext”.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    is_primary = forms.BooleanField(
        label="Make it the primary number",
        required=False,
        help_text="Reminders go to the primary number. A person's first number is always primary.",
    )


class ConfirmForm(forms.Form):
    """A change with nothing to ask (make a number primary): the button is the answer."""


class EndForm(forms.Form):
    ended_on = _day("No longer in use from", initial=_today)
    reason = _reason("For example: disconnected, recorded in error.")


class EmergencyContactForm(forms.Form):
    name = forms.CharField(max_length=max_length(EmergencyContact, "name"))
    relationship = forms.CharField(
        max_length=max_length(EmergencyContact, "relationship"), help_text="For example: mother, partner, pastor."
    )
    phone = forms.CharField(
        max_length=PHONE_MAX_LENGTH,
        help_text="Digits with spaces, dashes or brackets, e.g. (614) 555-0134.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


class EmergencyContactEditForm(EmergencyContactForm):
    reason = _reason("What changed, e.g. new number.")


class AliasForm(forms.Form):
    kind = forms.ChoiceField(choices=AliasKind.choices, initial=AliasKind.ALIAS)
    first_name = forms.CharField(label="First name", max_length=max_length(Alias, "first_name"), required=False)
    last_name = forms.CharField(label="Last name", max_length=max_length(Alias, "last_name"))


class PhotoForm(forms.Form):
    photo = forms.FileField(
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=f"A JPEG or PNG of at most {settings.PHOTO_MAX_BYTES // (1024 * 1024)} MB. It replaces the current "
        "photo; the old one is kept in the record.",
    )
