"""Dates as people read them on the officer's pages: a window shows its last day ("due by Sun Nov 29"), not
the midnight that ends it, and "due today" is computed on that day (supervision.windows)."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.supervision.factories import CheckInFactory

NEW_YORK = ZoneInfo("America/New_York")
SUNDAY_MORNING = datetime.datetime(2026, 11, 29, 10, 0, tzinfo=NEW_YORK)
END_OF_SUNDAY = datetime.datetime(2026, 11, 30, 0, 0, tzinfo=NEW_YORK)  # the midnight that ends Sunday Nov 29

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(SUNDAY_MORNING, tick=False),
    pytest.mark.usefixtures("agency_in_new_york"),
]


@pytest.fixture
def agency_in_new_york():
    with override_settings(TIME_ZONE="America/New_York"):
        yield


@pytest.fixture
def due_sunday(case):
    return CheckInFactory(
        supervision=case, window_start=datetime.datetime(2026, 11, 23, 0, 0, tzinfo=NEW_YORK), due_at=END_OF_SUNDAY
    )


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_caseload_shows_a_window_ending_at_midnight_as_due_today_by_its_last_day(client, officer, due_sunday):
    # given
    client.force_login(officer)
    # when
    response = client.get(reverse("supervision:caseload"))
    # then
    page = _text(response)
    assert response.status_code == 200
    assert "due by Sun Nov 29" in page
    assert "Due today</span>" in page
    assert "Nov 30" not in page and "12:00 AM" not in page
    assert response.context["summary"].due_today == 1


def test_the_case_page_shows_the_last_day_in_the_window_and_to_screen_readers(client, officer, due_sunday):
    # given
    client.force_login(officer)
    # when
    response = client.get(reverse("supervision:case_detail", args=[due_sunday.supervision_id]))
    # then
    page = _text(response)
    assert "Window Mon Nov 23 · due by Sun Nov 29" in page
    assert '<span class="badge text-bg-warning ms-1">Due today</span>' in page
    assert '<span class="visually-hidden"> Office visit due by Sun Nov 29</span>' in page
    assert "Nov 30, 12:00 AM" not in page


@pytest.mark.time_machine(datetime.datetime(2026, 11, 30, 9, 0, tzinfo=NEW_YORK), tick=False)
def test_on_the_day_after_its_last_day_the_window_is_overdue_on_both_pages(client, officer, due_sunday):
    # given Monday morning: the window closed at the midnight that ended Sunday
    client.force_login(officer)
    # when
    caseload = _text(client.get(reverse("supervision:caseload")))
    case_page = _text(client.get(reverse("supervision:case_detail", args=[due_sunday.supervision_id])))
    # then
    for page in (caseload, case_page):
        assert "Overdue</span>" in page
        assert "Due today</span>" not in page
        assert "due by Sun Nov 29" in page


def test_a_window_ending_in_the_afternoon_shows_its_time_and_zone(client, officer, case):
    # given
    CheckInFactory(
        supervision=case,
        window_start=datetime.datetime(2026, 11, 28, 9, 0, tzinfo=NEW_YORK),
        due_at=datetime.datetime(2026, 12, 1, 17, 0, tzinfo=NEW_YORK),
    )
    client.force_login(officer)
    # when
    caseload = _text(client.get(reverse("supervision:caseload")))
    case_page = _text(client.get(reverse("supervision:case_detail", args=[case.pk])))
    # then
    assert "due by Tue Dec 1, 5:00 PM EST" in caseload
    assert "due by Tue Dec 1, 5:00 PM EST" in case_page
    assert "Window open</span>" in case_page


def test_the_check_in_form_shows_the_last_day(client, officer, due_sunday):
    # given
    client.force_login(officer)
    # when
    response = client.get(reverse("supervision:check_in_complete", args=[due_sunday.supervision_id, due_sunday.pk]))
    # then
    assert "Window Mon Nov 23 · due by Sun Nov 29" in _text(response)
