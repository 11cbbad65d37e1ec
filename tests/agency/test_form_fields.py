"""The date-time fields of the web forms on the nights the clocks change (America/New_York, 2027): a time
shown twice is its first occurrence, a time never shown is moved forward past the jump. No database, no
clock: every date-time here is written out."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import timezone

from agency.form_fields import LocalDateTimeField, LocalSplitDateTimeField, local_datetime_resolve

NEW_YORK = ZoneInfo("America/New_York")
UTC = datetime.UTC

# (typed local time, the instant meant)
LOCAL_TIMES = [
    # 7 November 2027: 02:00 EDT becomes 01:00 EST, so 01:00-01:59 happen twice; the first is meant
    pytest.param("2027-11-07T00:59", datetime.datetime(2027, 11, 7, 4, 59, tzinfo=UTC), id="fall-before"),
    pytest.param("2027-11-07T01:00", datetime.datetime(2027, 11, 7, 5, 0, tzinfo=UTC), id="fall-twice-first"),
    pytest.param("2027-11-07T01:30", datetime.datetime(2027, 11, 7, 5, 30, tzinfo=UTC), id="fall-twice-middle"),
    pytest.param("2027-11-07T01:59", datetime.datetime(2027, 11, 7, 5, 59, tzinfo=UTC), id="fall-twice-last"),
    pytest.param("2027-11-07T02:00", datetime.datetime(2027, 11, 7, 7, 0, tzinfo=UTC), id="fall-after"),
    # 14 March 2027: 02:00 EST becomes 03:00 EDT, so 02:00-02:59 never happen; moved forward by the hour
    pytest.param("2027-03-14T01:59", datetime.datetime(2027, 3, 14, 6, 59, tzinfo=UTC), id="spring-before"),
    pytest.param("2027-03-14T02:00", datetime.datetime(2027, 3, 14, 7, 0, tzinfo=UTC), id="spring-never-first"),
    pytest.param("2027-03-14T02:30", datetime.datetime(2027, 3, 14, 7, 30, tzinfo=UTC), id="spring-never-middle"),
    pytest.param("2027-03-14T02:59", datetime.datetime(2027, 3, 14, 7, 59, tzinfo=UTC), id="spring-never-last"),
    pytest.param("2027-03-14T03:00", datetime.datetime(2027, 3, 14, 7, 0, tzinfo=UTC), id="spring-after"),
    # any other day
    pytest.param("2027-07-01T12:00", datetime.datetime(2027, 7, 1, 16, 0, tzinfo=UTC), id="summer"),
    pytest.param("2027-01-15T12:00", datetime.datetime(2027, 1, 15, 17, 0, tzinfo=UTC), id="winter"),
]


@pytest.fixture(autouse=True)
def in_new_york():
    with timezone.override(NEW_YORK):
        yield


@pytest.mark.parametrize(("typed", "instant"), LOCAL_TIMES)
def test_the_form_field_reads_a_local_time_as_the_instant_meant(typed, instant):
    # given
    field = LocalDateTimeField()

    # when
    value = field.clean(typed)

    # then
    assert value == instant


@pytest.mark.parametrize(("typed", "instant"), LOCAL_TIMES)
def test_the_admin_date_and_time_boxes_read_a_local_time_as_the_instant_meant(typed, instant):
    # given
    field = LocalSplitDateTimeField()
    day, time = typed.split("T")

    # when
    value = field.clean([day, f"{time}:00"])

    # then
    assert value == instant


def test_a_time_never_shown_reads_as_the_wall_clock_time_past_the_jump():
    # when
    value = local_datetime_resolve(datetime.datetime(2027, 3, 14, 2, 30), NEW_YORK)

    # then: 03:30 EDT, not 02:30 with an offset the clocks never showed at that time
    assert (value.tzinfo, value.replace(tzinfo=None), value.utcoffset()) == (
        NEW_YORK,
        datetime.datetime(2027, 3, 14, 3, 30),
        datetime.timedelta(hours=-4),
    )


def test_a_time_sent_with_its_offset_is_taken_as_sent():
    # when: the second 01:30 of the night the clocks go back, said explicitly
    value = LocalDateTimeField().clean("2027-11-07T01:30-05:00")

    # then
    assert value == datetime.datetime(2027, 11, 7, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        (LocalDateTimeField(), "not a date", "Enter a valid date/time."),
        (LocalDateTimeField(), "2027-02-30T10:00", "Enter a valid date/time."),
        (LocalDateTimeField(), "", "This field is required."),
        (LocalSplitDateTimeField(), ["2027-11-07", "25:00:00"], "Enter a valid time."),
        (LocalSplitDateTimeField(), ["2027-02-30", "01:30:00"], "Enter a valid date."),
        (LocalSplitDateTimeField(), ["2027-11-07", ""], "This field is required."),
    ],
)
def test_other_bad_input_is_still_refused(field, typed, message):
    # when
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)

    # then
    assert refused.value.messages == [message]
