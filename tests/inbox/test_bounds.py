"""The inbox's forms against the domain bounds (issue 12, finding 1): a hearing set for 9999-12-31 23:00 was
stored as 10000-01-01 04:00 UTC, and from then on the inbox, the report page and the API's reports list
answered 500 for everyone. Now it is a message next to the field, nothing is stored, and every page that
shows the report still answers."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision import bounds
from supervision.choices import ReportStatus
from tests.inbox.conftest import snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("9999-12-31T23:00", "This is more than 3 years ahead: check the year."),
        ("2999-06-01T09:30", "This is more than 3 years ahead: check the year."),
        ("0001-01-01T00:00", "A hearing is scheduled for a date and time in the future."),
    ],
    ids=["end_of_the_calendar", "a_typo_in_the_century", "start_of_the_calendar"],
)
def test_a_hearing_out_of_range_is_a_form_message_and_every_page_still_answers(client, world, typed, error):
    # given a report the clerk has acknowledged
    report = world.reports[("a", ReportStatus.RECEIVED)]
    client.force_login(world.users["clerk_a"])
    before = snapshot()

    # when the clerk sets its hearing out of range
    response = client.post(reverse("inbox:report_hearing", args=[report.pk]), {"hearing_at": typed, "location": "4B"})

    # then the form says why, nothing is stored, and the inbox, the report page and the API list answer
    assert response.status_code == 200
    assert response.context["hearing_form"].errors == {"hearing_at": [error]}
    assert snapshot() == before
    pages = [reverse("inbox:inbox"), reverse("inbox:report_detail", args=[report.pk]), "/api/v1/violation-reports/"]
    assert [client.get(page).status_code for page in pages] == [200, 200, 200]


def test_a_hearing_at_the_edge_of_three_years_is_scheduled(client, world):
    # given
    report = world.reports[("a", ReportStatus.RECEIVED)]
    client.force_login(world.users["clerk_a"])
    edge = timezone.localtime(bounds.schedule_horizon()).replace(second=0, microsecond=0)
    edge -= datetime.timedelta(minutes=1)

    # when
    response = client.post(
        reverse("inbox:report_hearing", args=[report.pk]),
        {"hearing_at": edge.strftime("%Y-%m-%dT%H:%M"), "location": "Courtroom 4B"},
    )

    # then
    report.refresh_from_db()
    assert response.status_code == 302
    assert (report.status, report.hearing_at) == (ReportStatus.HEARING_SCHEDULED, edge)


def test_a_disposition_dated_before_the_case_began_is_refused_on_its_field(client, world):
    # given a report received (so its receipt is no earlier bound) on a case that began today
    case = world.cases["a"]
    report = world.reports[("a", ReportStatus.RECEIVED)]
    type(case).objects.filter(pk=case.pk).update(start_date=timezone.localdate())
    type(report).objects.filter(pk=report.pk).update(received_at=None)
    client.force_login(world.users["clerk_a"])
    before = snapshot()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    # when
    response = client.post(
        reverse("inbox:report_disposition", args=[report.pk]),
        {"disposition": "continued", "disposed_on": yesterday.isoformat()},
    )

    # then
    assert response.status_code == 200
    assert response.context["disposition_form"].errors == {
        "disposed_on": [f"This is before the supervision began ({timezone.localdate():%b %d, %Y})."]
    }
    assert snapshot() == before
