"""The list's filters and the delivery preferences: they parse input; the service decides and writes."""

from typing import TypedDict

from django import forms

from supervision.models import NotificationChannel, NotificationKind


class NotificationFilters(TypedDict):
    unread_only: bool
    kind: str


NO_FILTERS: NotificationFilters = {"unread_only": False, "kind": ""}


class NotificationFilterForm(forms.Form):
    unread = forms.BooleanField(label="Unread only", required=False)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "All kinds"), *NotificationKind.choices])

    def filters(self) -> NotificationFilters:
        """The valid filters (an invalid value is ignored: the list shows everything for it)."""
        if not self.is_valid():
            return NO_FILTERS
        return {"unread_only": self.cleaned_data["unread"], "kind": self.cleaned_data["kind"]}


class NotificationPreferencesForm(forms.Form):
    """One choice of channel per kind of notification; the field's name is the kind."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=NotificationChannel.choices, widget=forms.RadioSelect
            )
