"""The dashboard pages run the same number of queries for a unit of 10 cases and one of 200."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from supervision import services
from supervision.choices import CheckInStatus, DrugTestResult, ReportStatus
from supervision.dashboard.figures import dashboard_get
from supervision.dashboard.selectors import DashboardFilters
from tests.agency.factories import OfficerFactory, SupervisorFactory, UnitFactory
from tests.supervision.factories import (
    CheckInFactory,
    DrugTestFactory,
    ParoleSupervisionFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)

pytestmark = pytest.mark.django_db


def _unit(cases: int, officers: int) -> dict:
    now = timezone.now()
    unit = UnitFactory()
    supervisor = SupervisorFactory(unit=unit)
    staff = [OfficerFactory(unit=unit) for _ in range(officers)]
    made = []
    for i in range(cases):
        factory = ParoleSupervisionFactory if i % 3 == 0 else SupervisionFactory
        case = factory(officer=staff[i % officers], level=["high", "medium", "low", "administrative"][i % 4])
        due = now - datetime.timedelta(days=i % 80 + 1)
        status = CheckInStatus.MISSED if i % 4 == 0 else CheckInStatus.COMPLETED
        CheckInFactory(
            supervision=case,
            window_start=due - datetime.timedelta(days=3),
            due_at=due,
            status=status,
            completed_at=due if status == CheckInStatus.COMPLETED else None,
        )
        CheckInFactory(supervision=case)
        result = DrugTestResult.POSITIVE if i % 5 == 0 else DrugTestResult.NEGATIVE
        DrugTestFactory(supervision=case, collected_at=now - datetime.timedelta(days=i % 200), result=result)
        violation = ViolationFactory(supervision=case)
        if i % 10 == 0:
            ViolationReportFactory(
                supervision=case, violations=[violation], status=ReportStatus.SUBMITTED, submitted_at=now
            )
        made.append(case)
    services.supervision_reassign(actor=supervisor, supervisions=made[:2], officer=staff[-1], reason="Balance")
    report = made[0].violation_reports.get()
    return {"supervisor": supervisor, "officer": staff[0], "report": report, "case": made[0]}


def _urls(world: dict) -> list[str]:
    return [
        "/dashboard/",
        "/dashboard/?supervision_type=probation&level=high",
        f"/dashboard/officers/{world['officer'].pk}/",
        "/dashboard/cases/?figure=open",
        "/dashboard/cases/?figure=violations_technical",
        f"/dashboard/cases/{world['case'].pk}/assignments/",
        "/dashboard/reviews/",
        f"/dashboard/reviews/{world['report'].pk}/",
        "/dashboard/export/caseload.csv",
        "/dashboard/export/cases.csv",
        "/dashboard/export/reviews.csv",
        "/dashboard/export/reassignments.csv",
    ]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_supervisor_pages_run_a_constant_number_of_queries(client, django_assert_num_queries):
    # given a unit of 10 cases (3 officers) and one of 200 (12 officers)
    small = _unit(10, 3)
    large = _unit(200, 12)

    for small_url, large_url in zip(_urls(small), _urls(large), strict=True):
        client.force_login(small["supervisor"])
        expected = _count(client, small_url)
        client.force_login(large["supervisor"])

        # when / then
        with django_assert_num_queries(expected):
            assert client.get(large_url).status_code == 200


def test_the_dashboard_figures_take_fifteen_queries(django_assert_num_queries):
    # given
    world = _unit(10, 3)

    # when / then: the savepoint and its release, no parallel plans, the case ids, officers, caseload
    # counts, cases, check-ins due, check-in history, drug tests, violations, reviews, three trends
    with django_assert_num_queries(15):
        dashboard_get(actor=world["supervisor"], filters=DashboardFilters())


def test_an_officers_own_figures_run_a_constant_number_of_queries(client, django_assert_num_queries):
    # given
    small = _unit(10, 3)
    large = _unit(200, 3)
    client.force_login(small["officer"])
    expected = _count(client, "/dashboard/me/")
    client.force_login(large["officer"])

    # when / then
    with django_assert_num_queries(expected):
        client.get("/dashboard/me/")
