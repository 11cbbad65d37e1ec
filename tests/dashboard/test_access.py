"""Who reaches which dashboard page: supervisors their unit, officers their own figures, nobody else."""

import pytest

from agency.models import AuditEvent
from tests.agency.factories import (
    AdministratorFactory,
    BoardStaffFactory,
    CourtClerkFactory,
    IntegratorFactory,
    OfficerFactory,
    SupervisorFactory,
    UnitFactory,
)
from tests.supervision.factories import SupervisionFactory, ViolationReportFactory

pytestmark = pytest.mark.django_db

OTHER_ROLES = {
    "court_clerk": CourtClerkFactory,
    "board_staff": BoardStaffFactory,
    "integrator": IntegratorFactory,
    "administrator": AdministratorFactory,
}


def _pages(ann, report, case):
    return [
        "/dashboard/",
        f"/dashboard/officers/{ann.pk}/",
        "/dashboard/me/",
        "/dashboard/cases/",
        f"/dashboard/cases/{case.pk}/assignments/",
        "/dashboard/reviews/",
        f"/dashboard/reviews/{report.pk}/",
        "/dashboard/export/figures.csv",
        "/dashboard/export/cases.csv",
    ]


@pytest.fixture
def world(supervisor, ann):
    case = SupervisionFactory(officer=ann)
    report = ViolationReportFactory(supervision=case, status="submitted")
    return {"case": case, "report": report}


def test_anonymous_is_sent_to_sign_in(client, ann, world):
    for url in _pages(ann, world["report"], world["case"]):
        # when
        response = client.get(url)

        # then
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=/dashboard/"), url


@pytest.mark.parametrize("role", sorted(OTHER_ROLES))
def test_clerks_board_staff_integrators_and_administrators_get_nothing(client, ann, world, role):
    # given
    client.force_login(OTHER_ROLES[role]())

    for url in _pages(ann, world["report"], world["case"]):
        # when
        response = client.get(url)

        # then
        assert response.status_code == 403, url
    assert not AuditEvent.objects.filter(action="dashboard.exported").exists()


def test_a_supervisor_reaches_every_page_of_their_unit_but_not_my_figures(client, supervisor, ann, world):
    # given
    client.force_login(supervisor)

    # when
    statuses = {url: client.get(url).status_code for url in _pages(ann, world["report"], world["case"])}

    # then
    assert statuses == {url: 403 if url == "/dashboard/me/" else 200 for url in statuses}


def test_a_supervisor_cannot_drill_into_another_units_officer_or_report(client, supervisor):
    # given
    other_officer = OfficerFactory(unit=UnitFactory())
    other_report = ViolationReportFactory(supervision=SupervisionFactory(officer=other_officer), status="submitted")
    client.force_login(supervisor)

    # when / then
    assert client.get(f"/dashboard/officers/{other_officer.pk}/").status_code == 404
    assert client.get(f"/dashboard/officers/{supervisor.pk}/").status_code == 404  # not an officer
    assert client.get("/dashboard/officers/99999999/").status_code == 404
    assert client.get(f"/dashboard/reviews/{other_report.pk}/").status_code == 404
    assert client.get(f"/dashboard/cases/{other_report.supervision_id}/assignments/").status_code == 404


def test_another_units_supervisor_sees_none_of_this_units_figures(client, known_unit):
    # given
    stranger = SupervisorFactory(unit=UnitFactory())
    client.force_login(stranger)

    # when
    response = client.get("/dashboard/")

    # then
    data = response.context["data"]
    assert data.cases["open"] == 0
    assert data.officers == []
    assert data.reviews["waiting"] == 0


def test_an_officer_sees_their_own_figures_and_not_the_unit(client, ann, ben, world):
    # given
    client.force_login(ann)

    # when / then
    assert client.get("/dashboard/me/").status_code == 200
    assert client.get("/dashboard/").status_code == 403
    assert client.get(f"/dashboard/officers/{ann.pk}/").status_code == 403
    assert client.get(f"/dashboard/officers/{ben.pk}/").status_code == 403
    assert client.get("/dashboard/reviews/").status_code == 403
    assert client.get(f"/dashboard/reviews/{world['report'].pk}/").status_code == 403
    assert client.get("/dashboard/export/reviews.csv").status_code == 404


def test_an_officers_case_list_holds_only_their_own_cases(client, ann, ben, world):
    # given
    SupervisionFactory(officer=ben)
    client.force_login(ann)

    # when
    response = client.get("/dashboard/cases/", {"officer": ben.pk})

    # then
    assert [c.pk for c in response.context["page_obj"]] == [world["case"].pk]
    assert response.context["reassign_form"] is None


def test_an_officer_cannot_see_a_colleagues_assignment_history(client, ann, ben):
    # given
    colleague_case = SupervisionFactory(officer=ben)
    client.force_login(ann)

    # when / then
    assert client.get(f"/dashboard/cases/{colleague_case.pk}/assignments/").status_code == 404


def test_the_home_page_sends_a_supervisor_to_the_dashboard(client, supervisor):
    # given
    client.force_login(supervisor)

    # when
    response = client.get("/")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
