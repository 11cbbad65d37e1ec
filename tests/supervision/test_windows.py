"""The last day of a check-in window (supervision.windows): the rule every page shows a window's due day by."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from supervision.choices import Attention
from supervision.windows import (
    window_attention,
    window_closes_at_midnight,
    window_due_text,
    window_last_day,
)

NEW_YORK = ZoneInfo("America/New_York")
UTC = datetime.UTC


def _local(*args, fold=0) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=NEW_YORK, fold=fold)


@override_settings(TIME_ZONE="America/New_York")
def test_a_window_ending_at_local_midnight_is_due_by_the_day_before():
    # given the midnight at the end of Sunday Nov 29, as the database hands it back (in UTC)
    end = _local(2026, 11, 30, 0, 0).astimezone(UTC)
    # then
    assert window_last_day(end) == datetime.date(2026, 11, 29)
    assert window_closes_at_midnight(end) is True
    assert window_due_text(end) == "Sun Nov 29"


@override_settings(TIME_ZONE="America/New_York")
def test_a_window_ending_at_another_time_is_due_that_day_with_the_time_and_zone():
    # given 5 PM on Sunday Nov 29, and one microsecond after midnight on Monday
    five_pm = _local(2026, 11, 29, 17, 0)
    just_after_midnight = _local(2026, 11, 30, 0, 0, 0, 1)
    # then
    assert window_last_day(five_pm) == datetime.date(2026, 11, 29)
    assert window_closes_at_midnight(five_pm) is False
    assert window_due_text(five_pm) == "Sun Nov 29, 5:00 PM EST"
    assert window_last_day(just_after_midnight) == datetime.date(2026, 11, 30)


@override_settings(TIME_ZONE="America/New_York")
def test_midnight_in_utc_is_not_midnight_in_the_agencys_zone():
    # given Nov 30 00:00 UTC, which is 7 PM on Sunday Nov 29 in New York
    end = datetime.datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    # then
    assert window_last_day(end) == datetime.date(2026, 11, 29)
    assert window_due_text(end) == "Sun Nov 29, 7:00 PM EST"


@pytest.mark.parametrize(
    ("end", "last_day", "text"),
    [
        # the clocks go forward at 2 AM on Sunday Mar 8, 2026: the day has 23 hours
        (_local(2026, 3, 9, 0, 0), datetime.date(2026, 3, 8), "Sun Mar 8"),
        (_local(2026, 3, 8, 0, 0), datetime.date(2026, 3, 7), "Sat Mar 7"),
        (_local(2026, 3, 8, 12, 0), datetime.date(2026, 3, 8), "Sun Mar 8, 12:00 PM EDT"),
        # the clocks go back at 2 AM on Sunday Nov 1, 2026: the day has 25 hours
        (_local(2026, 11, 2, 0, 0), datetime.date(2026, 11, 1), "Sun Nov 1"),
        (_local(2026, 11, 1, 0, 0), datetime.date(2026, 10, 31), "Sat Oct 31"),
        (_local(2026, 11, 1, 1, 30, fold=1), datetime.date(2026, 11, 1), "Sun Nov 1, 1:30 AM EST"),
    ],
)
@override_settings(TIME_ZONE="America/New_York")
def test_the_last_day_on_the_days_the_clocks_change(end, last_day, text):
    assert window_last_day(end.astimezone(UTC)) == last_day
    assert window_due_text(end.astimezone(UTC)) == text


@override_settings(TIME_ZONE="America/Santiago")
def test_a_window_ending_at_a_midnight_the_clocks_skip_is_due_by_the_day_before():
    # given Santiago, where the clocks go from 24:00 on Saturday Sep 5, 2026 straight to 01:00 on Sunday:
    # the scheduler's "start of Sunday" is that instant (04:00 UTC), which reads 1:00 AM on Sunday
    end = datetime.datetime(2026, 9, 6, 4, 0, tzinfo=UTC)
    # then its last day is Saturday: the microsecond is taken off the instant, not the wall clock
    assert window_last_day(end) == datetime.date(2026, 9, 5)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (_local(2026, 11, 22, 12, 0), Attention.NONE),  # before the window opens
        (_local(2026, 11, 27, 12, 0), Attention.WINDOW_OPEN),  # open, last day Sunday
        (_local(2026, 11, 29, 0, 0), Attention.DUE_TODAY),  # Sunday, the first moment
        (_local(2026, 11, 29, 23, 59), Attention.DUE_TODAY),  # Sunday, the last minute
        (_local(2026, 11, 30, 0, 0), Attention.DUE_TODAY),  # the closing instant itself (not yet missed)
        (_local(2026, 11, 30, 0, 1), Attention.OVERDUE),  # Monday: overdue, no longer due today
    ],
)
@override_settings(TIME_ZONE="America/New_York")
def test_due_today_and_overdue_are_computed_on_the_last_day(now, expected):
    # given a window from Monday Nov 23 to the end of Sunday Nov 29
    start, end = _local(2026, 11, 23, 0, 0), _local(2026, 11, 30, 0, 0)
    # then
    assert window_attention(window_start=start, due_at=end, now=now) == expected


@override_settings(TIME_ZONE="America/New_York")
def test_a_window_closing_in_the_afternoon_is_overdue_that_evening():
    start, end = _local(2026, 11, 28, 9, 0), _local(2026, 11, 29, 17, 0)
    assert window_attention(window_start=start, due_at=end, now=_local(2026, 11, 29, 16, 59)) == Attention.DUE_TODAY
    assert window_attention(window_start=start, due_at=end, now=_local(2026, 11, 29, 17, 1)) == Attention.OVERDUE


@pytest.mark.django_db
@override_settings(TIME_ZONE="America/New_York")
def test_the_reminder_names_the_last_day_and_the_check_in_the_day_it_is_due_by():
    from supervision.services.reminders import reminder_text
    from tests.supervision.factories import CheckInFactory

    # given a window from Monday Nov 23 to the midnight that ends Sunday Nov 29
    check_in = CheckInFactory(window_start=_local(2026, 11, 23, 0, 0), due_at=_local(2026, 11, 30, 0, 0))
    # when
    _subject, body = reminder_text(check_in)
    # then
    assert "opens on Monday 23 November and must be completed no later than Sunday 29 November.\n" in body
    assert str(check_in) == "Office visit due by 2026-11-29 (Scheduled)"
