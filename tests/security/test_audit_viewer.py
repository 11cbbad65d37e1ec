"""The audit viewer in words: local time with the zone named, people by name, actions and objects in words
(agency.audit_labels), in the same number of queries for a few rows and for a full page."""

import datetime
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agency.audit import audit_record
from agency.audit_labels import ACTION_LABELS, action_label, object_label
from tests.agency.factories import AdministratorFactory, OfficerFactory
from tests.supervision.factories import SupervisionFactory, ViolationReportFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("agency_in_new_york"),
]

WINTER = datetime.datetime(2026, 11, 30, 3, 5, 9, tzinfo=datetime.UTC)  # 10:05:09 PM EST on Sunday Nov 29
SUMMER = datetime.datetime(2026, 7, 4, 16, 0, 0, tzinfo=datetime.UTC)  # 12:00:00 PM EDT on Saturday Jul 4


@pytest.fixture
def agency_in_new_york():
    with override_settings(TIME_ZONE="America/New_York"):
        yield


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.time_machine(WINTER, tick=False)
def test_the_viewer_shows_local_time_with_the_zone_and_names_who_did_what_to_which_object(client):
    # given an officer who read a violation report and listed cases
    officer = OfficerFactory(username="oofficer", first_name="Olivia", last_name="Officer")
    report = ViolationReportFactory()
    audit_record(actor=officer, action="violation_report.viewed", obj=report)
    audit_record(actor=officer, action="supervision.listed")
    client.force_login(AdministratorFactory())
    # when
    page = _text(client.get(reverse("audit:events"), {"user": "oofficer"}))
    # then
    assert "Nov 29, 2026 10:05:09 PM EST" in page
    assert 'Olivia Officer <span class="text-body-secondary">(oofficer)</span>' in page
    assert "Viewed a violation report" in page
    assert "Listed cases" in page
    assert f"Violation report #{report.pk}" in page
    assert "supervision.violationreport" not in page
    assert "America/New_York" in page and "(UTC)" not in page


@pytest.mark.time_machine(SUMMER, tick=False)
def test_a_summer_time_is_shown_as_daylight_time(client):
    # given
    audit_record(actor=OfficerFactory(), action="supervision.viewed", obj=SupervisionFactory())
    client.force_login(AdministratorFactory())
    # when
    page = _text(client.get(reverse("audit:events"), {"action": "supervision.viewed"}))
    # then
    assert "Jul 4, 2026 12:00:00 PM EDT" in page
    assert "Viewed a case" in page


@pytest.mark.time_machine(WINTER, tick=False)
def test_the_date_filters_take_the_agencys_days(client):
    # given a row at 10:05 PM on Sunday Nov 29 in New York (already Monday Nov 30 in UTC)
    row = audit_record(actor=OfficerFactory(), action="supervision.listed")
    client.force_login(AdministratorFactory())
    # when
    sunday = client.get(reverse("audit:events"), {"date_from": "2026-11-29", "date_to": "2026-11-29"})
    monday = client.get(reverse("audit:events"), {"date_from": "2026-11-30", "date_to": "2026-11-30"})
    # then
    assert [event.pk for event in sunday.context["page_obj"]] == [row.pk]
    assert list(monday.context["page_obj"]) == []


@pytest.mark.time_machine(WINTER, tick=False)
def test_the_viewer_runs_the_same_queries_for_a_few_rows_and_a_full_page(client, django_assert_num_queries):
    # given
    admin = AdministratorFactory()
    client.force_login(admin)

    def write(rows: int) -> None:
        for _ in range(rows):
            audit_record(actor=OfficerFactory(), action="violation_report.viewed", obj=ViolationReportFactory())

    write(2)
    client.get(reverse("audit:events"))  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("audit:events"))
    # when the page fills up with rows by 50 different officers
    write(60)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("audit:events"))
    # then
    assert len(response.context["page_obj"].object_list) == 50


def test_every_label_reads_as_words_and_an_unknown_code_is_humanised():
    assert action_label("supervision.listed") == "Listed cases"
    assert action_label("violation_report.something_new") == "Violation report: something new"
    assert action_label("condition.admin_saved") == "Saved condition in the admin"
    assert all(label[0].isupper() and "_" not in label for label in ACTION_LABELS.values())


def test_objects_are_named_by_their_kind():
    assert object_label("supervision.violationreport", "57") == "Violation report #57"
    assert object_label("supervision.supervision", "3") == "Case #3"
    assert object_label("offenders.offender", "9") == "Person #9"
    assert object_label("supervision.drugtest", "4") == "Drug test #4"
    assert object_label("nothing.known", "1") == "nothing.known #1"
    assert object_label("", "") == ""
