"""A check-in window as people read it, in one place.

A window is stored as two moments: it opens at ``window_start`` and closes at ``due_at`` (after that, the
scheduled check-in is missed). The scheduler closes most windows at local midnight, the end of their last
day: a window "due by Sun Nov 29" is stored with ``due_at`` = Mon Nov 30, 00:00 in the agency's zone. Shown
as it is stored, it reads a day late ("Mon Nov 30, 12:00 AM").

The rule: **the last day of a window is the local date of the last moment in it**, that is of
``due_at`` minus one microsecond, taken in the agency's time zone (settings.TIME_ZONE). A window closing
at local midnight has the day before as its last day; one closing at 5 PM has that day. The microsecond is
taken off the instant (in UTC), not the wall clock, so the rule holds on a day whose midnight the clocks
skip or repeat.

Every page that shows when a window is due (the caseload, the case page and its screen-reader text, the
check-in form, the court's report view, the reminder) goes through ``window_last_day`` and
``window_due_text``, and "due today" / "overdue" are computed on that last day by ``window_attention``,
which answers as the caseload's SQL does (``supervision.workspace.selectors._caseload_base``: overdue
when ``due_at < now``; due today when ``due_at <= the end of today``, i.e. when the last day is today).
"""

from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone
from django.utils.formats import date_format

from agency.dates import local_text
from supervision.choices import Attention

_ONE_MICROSECOND = timedelta(microseconds=1)

DAY_FORMAT = "D M j"  # "Sun Nov 29"
TIME_FORMAT = "g:i A"  # "5:00 PM", followed by the zone's name


def window_last_day(due_at: datetime) -> date:
    """The last day on which a check-in closing at ``due_at`` can be made, in the agency's zone."""
    return timezone.localdate(due_at.astimezone(UTC) - _ONE_MICROSECOND)


def window_closes_at_midnight(due_at: datetime) -> bool:
    """Whether the window closes at the end of a local day (so that only its last day is worth showing)."""
    return timezone.localtime(due_at).time() == time.min


def window_attention(*, window_start: datetime, due_at: datetime, now: datetime) -> Attention:
    """How urgent an open check-in is at ``now``: overdue once its window has closed, due today when its
    last day is today, window open when it has opened, else nothing due."""
    if due_at < now:
        return Attention.OVERDUE
    if window_last_day(due_at) <= timezone.localdate(now):
        return Attention.DUE_TODAY
    if window_start <= now:
        return Attention.WINDOW_OPEN
    return Attention.NONE


def window_due_text(due_at: datetime, *, day_format: str = DAY_FORMAT) -> str:
    """When the window is due, as people read it: "Sun Nov 29" for one closing at the end of that day,
    "Sun Nov 29, 5:00 PM EST" for one closing at another time."""
    day = date_format(window_last_day(due_at), day_format)
    if window_closes_at_midnight(due_at):
        return day
    return f"{day}, {local_text(due_at, TIME_FORMAT)}"
