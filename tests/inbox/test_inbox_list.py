"""The inbox list: newest first, the four filters, search by docket number or name, pagination, the empty
state, and a number of queries that does not grow with the number of reports."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.choices import ReportStatus
from supervision.models import ReportDelivery
from tests.agency.factories import CourtClerkFactory, CourtFactory, OfficerFactory, SupervisorFactory, UnitFactory
from tests.inbox.conftest import make_report
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import DrugTestFactory, SupervisionFactory, ViolationFactory

pytestmark = pytest.mark.django_db


def _keys(world, response) -> list:
    keys = {report.pk: key for key, report in world.reports.items()}
    return [keys[report.pk] for report in response.context["page_obj"].object_list]


@pytest.mark.parametrize(
    ("show", "status"),
    [
        ("unread", ReportStatus.ROUTED),
        ("acknowledged", ReportStatus.RECEIVED),
        ("hearing", ReportStatus.HEARING_SCHEDULED),
        ("disposed", ReportStatus.DISPOSED),
    ],
)
def test_each_filter_shows_the_reports_in_its_state(client, world, show, status):
    # given
    client.force_login(world.users["clerk_a"])

    # when
    response = client.get(reverse("inbox:inbox"), {"show": show})

    # then
    assert _keys(world, response) == [("a", status)]
    assert response.context["counts"] == {"all": 4, "unread": 1, "acknowledged": 1, "hearing": 1, "disposed": 1}


@pytest.mark.parametrize("query", ["CR-2025-00042", "00042", "reyes", "Marcus Reyes", "MARCUS"])
def test_search_finds_by_docket_number_or_name(client, world, query):
    # given: court A has a second case with other reports
    other = SupervisionFactory(
        officer=world.users["officer"],
        court=world.cases["a"].court,
        docket_number="CR-2024-11111",
        offender=OffenderFactory(first_name="Nadia", last_name="Brooks"),
    )
    make_report(other)
    client.force_login(world.users["clerk_a"])

    # when
    response = client.get(reverse("inbox:inbox"), {"q": query})

    # then
    assert {key[0] for key in _keys(world, response)} == {"a"}
    assert response.context["counts"]["all"] == 4


def test_search_and_filter_combine_and_an_unknown_filter_is_ignored(client, world):
    # given
    client.force_login(world.users["staff_p"])

    # when
    combined = client.get(reverse("inbox:inbox"), {"q": "thompson", "show": "disposed"})
    unknown = client.get(reverse("inbox:inbox"), {"show": "'; drop table", "page": "many"})

    # then
    assert _keys(world, combined) == [("p", ReportStatus.DISPOSED)]
    assert unknown.status_code == 200
    assert len(_keys(world, unknown)) == 4


def test_newest_first_by_arrival(client, world):
    # given: the routed report of case A arrived last
    client.force_login(world.users["clerk_a"])
    latest = world.reports[("a", ReportStatus.ROUTED)]
    ReportDelivery.objects.filter(report=latest).update(
        delivered_at=latest.deliveries.get().delivered_at + datetime.timedelta(hours=3)
    )

    # when
    response = client.get(reverse("inbox:inbox"))

    # then
    assert _keys(world, response)[0] == ("a", ReportStatus.ROUTED)


def test_pagination_and_empty_states(client):
    # given
    court = CourtFactory()
    clerk = CourtClerkFactory(court=court)
    case = SupervisionFactory(court=court)
    reports = [make_report(case) for _ in range(27)]
    client.force_login(clerk)

    # when
    first = client.get(reverse("inbox:inbox"))
    second = client.get(reverse("inbox:inbox"), {"page": 2})
    nothing_found = client.get(reverse("inbox:inbox"), {"q": "no-such-docket"})
    none_disposed = client.get(reverse("inbox:inbox"), {"show": "disposed"})
    client.force_login(CourtClerkFactory())
    empty = client.get(reverse("inbox:inbox"))

    # then
    assert len(first.context["page_obj"].object_list) == 25
    assert {r.pk for r in second.context["page_obj"].object_list} | {
        r.pk for r in first.context["page_obj"].object_list
    } == {r.pk for r in reports}
    assert "Page 1 of 2" in first.content.decode()
    assert "No report matches “no-such-docket”" in nothing_found.content.decode()
    assert "No disposed reports" in none_disposed.content.decode()
    assert "Your inbox is empty" in empty.content.decode()


def _reports_for(court, n: int) -> None:
    unit = UnitFactory()
    unit.supervisor = SupervisorFactory(unit=unit)
    unit.save()
    officer = OfficerFactory(unit=unit)
    statuses = [ReportStatus.ROUTED, ReportStatus.RECEIVED, ReportStatus.HEARING_SCHEDULED, ReportStatus.DISPOSED]
    for i in range(n):
        make_report(SupervisionFactory(officer=officer, court=court), statuses[i % 4])


def test_the_inbox_runs_the_same_number_of_queries_for_5_and_50_reports(client, django_assert_num_queries):
    # given
    court = CourtFactory()
    clerk = CourtClerkFactory(court=court)
    client.force_login(clerk)
    url = reverse("inbox:inbox")
    _reports_for(court, 5)
    client.get(url)  # warm the session and content-type caches

    # when / then
    with CaptureQueriesContext(connection) as few:
        response = client.get(url, {"q": "CR"})
    assert len(response.context["page_obj"].object_list) == 5
    # session and user, the count and the page of the list, the filters' counts (the rest is middleware), and
    # the bell's unread count in the top bar
    assert len(few.captured_queries) <= 9

    _reports_for(court, 45)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url, {"q": "CR"})
    assert len(response.context["page_obj"].object_list) == 25


def test_the_report_page_runs_the_same_number_of_queries_for_1_and_12_violations(
    client, world, django_assert_num_queries
):
    # given
    client.force_login(world.users["clerk_a"])
    case = world.cases["a"]

    def violations(n: int) -> list:
        return [
            ViolationFactory(supervision=case, drug_test=DrugTestFactory(supervision=case, result="positive"))
            for _ in range(n)
        ]

    small, big = make_report(case, violations=violations(1)), make_report(case, violations=violations(12))
    client.get(reverse("inbox:report_detail", args=[small.pk]))

    # when / then
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("inbox:report_detail", args=[small.pk]))
    # the report, its violations, the drug tests' substances, the audit row (the rest is middleware)
    assert len(few.captured_queries) <= 9
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("inbox:report_detail", args=[big.pk]))
    assert len(response.context["violations"]) == 12
