"""Date-time form fields that read a local time the way the agency's clocks showed it, on every night of
the year.

Django's forms refuse a local time that the clocks show twice (the night daylight-saving time ends) or
never (the hour skipped when it begins): "… couldn't be interpreted in time zone …; it may be ambiguous or
it may not exist." An officer who records a contact at 01:50 on the first Sunday of November must not be
told to come back an hour later. These fields resolve such a time instead, as iCalendar does (RFC 5545,
3.3.5):

- a time the clocks show twice is its first occurrence (still daylight-saving time: ``fold=0``);
- a time the clocks never show is moved forward by the length of the jump (02:30 becomes 03:30), that is,
  read with the offset in force before it.

Every date-time field of the web forms (the case page, the inbox, the admin) uses them. The API does
not guess: a client can send the UTC offset, so a naive time the clocks show twice or never is refused
there with a message that says so (``LocalDateTimeInputField`` in supervision/api/serializers.py).
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

# The code of the error django.forms.utils.from_current_timezone raises for such a time.
AMBIGUOUS_OR_MISSING = "ambiguous_timezone"


def local_datetime_jump(value: datetime.datetime, zone: datetime.tzinfo) -> datetime.timedelta:
    """How far the clocks of ``zone`` jump at the naive local ``value``: forward (positive) when they jump
    over it, so that it never shows; back (negative) when they go back over it, so that it shows twice;
    zero at every ordinary time. (In a gap, ``fold=0`` has the offset before the jump, ``fold=1`` the one
    after; in a repeated hour, the other way round.)"""
    no_offset = datetime.timedelta(0)  # a tzinfo may answer None (no offset): it has no jumps either
    after = value.replace(tzinfo=zone, fold=1).utcoffset() or no_offset
    before = value.replace(tzinfo=zone, fold=0).utcoffset() or no_offset
    return after - before


def local_datetime_resolve(value: datetime.datetime, zone: datetime.tzinfo | None = None) -> datetime.datetime:
    """The aware date-time of a naive local ``value`` in ``zone`` (default: the current time zone): its
    first occurrence when the clocks show it twice (in UTC), moved forward past the jump when they never
    show it."""
    zone = zone or timezone.get_current_timezone()
    jump = local_datetime_jump(value, zone)
    if jump > datetime.timedelta(0):
        return (value + jump).replace(tzinfo=zone)
    if jump < datetime.timedelta(0):
        # As UTC: a time in the repeated hour is never equal to a time of another zone (PEP 495), not
        # even to the same instant, which would surprise any code that compares it.
        return value.replace(tzinfo=zone, fold=0).astimezone(datetime.UTC)
    return value.replace(tzinfo=zone)


def _resolved(error: ValidationError) -> datetime.datetime | None:
    """The time Django refused as ambiguous or missing, resolved; None for any other error."""
    if getattr(error, "code", None) != AMBIGUOUS_OR_MISSING or error.params is None:
        return None
    return local_datetime_resolve(error.params["datetime"], error.params["current_timezone"])


class LocalDateTimeField(forms.DateTimeField):
    """A ``forms.DateTimeField`` that takes a local time shown twice or never (see the module doc)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if (resolved := _resolved(error)) is None:
                raise
            return resolved


class LocalSplitDateTimeField(forms.SplitDateTimeField):
    """The admin's date and time boxes, resolved the same way."""

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except ValidationError as error:
            if (resolved := _resolved(error)) is None:
                raise
            return resolved
