"""Moments as people at the agency read them: in the agency's time zone (settings.TIME_ZONE), with the zone
named ("EST", "EDT") where a reader elsewhere, or a reader on the night the clocks change, could take the
time for another.

Django's ``T`` date format leaves the zone's name out for the hour the clocks repeat (1 AM to 2 AM on the
first Sunday of November in New York), just when it tells the two 1:30 AMs apart; ``zone_name`` always
gives it, from the moment's own offset."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format

DATETIME_FORMAT = "M j, Y g:i A"  # "Nov 29, 2026 5:00 PM"


def zone_name(moment: datetime) -> str:
    """The agency zone's abbreviation at ``moment``: "EST" or "EDT"."""
    return timezone.localtime(moment).tzname() or ""


def local_text(moment: datetime, fmt: str = DATETIME_FORMAT) -> str:
    """``moment`` in the agency's zone, formatted with ``fmt`` (Django date format characters) and followed
    by the zone's name: "Nov 29, 2026 5:00 PM EST"."""
    local = timezone.localtime(moment)
    return f"{date_format(local, fmt)} {zone_name(local)}".strip()
