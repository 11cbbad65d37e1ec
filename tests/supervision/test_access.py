"""Who may see what: the scoping functions in supervision/access.py, role by role.

One small agency is built for every test (the ``agency`` fixture): two units, three officers, two
supervisors, two courts with a clerk each, two parole boards with a staff member each, a global and a
unit-bound integrator, an administrator; five cases, each with a check-in, a drug test, a violation,
and a violation report in every status. Each role is then checked against exactly what it must see.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from agency.choices import Role
from supervision.access import (
    case_records_visible_to,
    offenders_visible_to,
    supervisions_visible_to,
    violation_reports_visible_to,
)
from supervision.choices import Disposition, ReportStatus
from supervision.lifecycle import REPORT_STATUSES_WITH_AUTHORITY
from supervision.models import CheckIn, DrugTest, Supervision, Violation, ViolationReport
from tests.agency.factories import (
    AdministratorFactory,
    BoardStaffFactory,
    CourtClerkFactory,
    CourtFactory,
    IntegratorFactory,
    OfficerFactory,
    ParoleBoardFactory,
    SupervisorFactory,
    UnitFactory,
)
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import (
    CheckInFactory,
    DrugTestFactory,
    ParoleSupervisionFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)

pytestmark = pytest.mark.django_db

AUTHORITY_STATUSES = {"routed", "received", "hearing_scheduled", "disposed"}
ALL_CASES = {"north_1_probation", "north_1_parole", "north_2_probation", "south_parole", "south_probation"}
NORTH_CASES = {"north_1_probation", "north_1_parole", "north_2_probation"}
SOUTH_CASES = {"south_parole", "south_probation"}


@dataclass
class Agency:
    users: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    offenders: dict = field(default_factory=dict)
    reports: dict = field(default_factory=dict)  # (case name, status) -> report

    def case_names(self, queryset) -> set[str]:
        names = {case.pk: name for name, case in self.cases.items()}
        return {names[pk] for pk in queryset.values_list("pk", flat=True)}

    def report_keys(self, queryset) -> set[tuple[str, str]]:
        keys = {report.pk: key for key, report in self.reports.items()}
        return {keys[pk] for pk in queryset.values_list("pk", flat=True)}

    def offender_names(self, queryset) -> set[str]:
        names = {offender.pk: name for name, offender in self.offenders.items()}
        return {names[pk] for pk in queryset.values_list("pk", flat=True)}


def _report(supervision: Supervision, status: str) -> ViolationReport:
    """A report on ``supervision`` in ``status``, with the authority and disposition that status needs
    (built only: the fixture inserts them in bulk; which violations they cover does not matter here)."""
    with_authority = status in REPORT_STATUSES_WITH_AUTHORITY
    disposed = status == ReportStatus.DISPOSED
    return ViolationReportFactory.build(
        supervision=supervision,
        status=status,
        court=supervision.court if with_authority else None,
        parole_board=supervision.parole_board if with_authority else None,
        disposition=Disposition.CONTINUED if disposed else "",
        disposition_on=timezone.localdate() if disposed else None,
    )


@pytest.fixture
def agency() -> Agency:
    north, south = UnitFactory(code="north"), UnitFactory(code="south")
    court_x, court_y = CourtFactory(name="Court X"), CourtFactory(name="Court Y")
    board_p, board_q = ParoleBoardFactory(name="Board P"), ParoleBoardFactory(name="Board Q")
    a = Agency()
    a.users = {
        "officer_north_1": OfficerFactory(unit=north),
        "officer_north_2": OfficerFactory(unit=north),
        "officer_south": OfficerFactory(unit=south),
        "supervisor_north": SupervisorFactory(unit=north),
        "supervisor_south": SupervisorFactory(unit=south),
        "clerk_x": CourtClerkFactory(court=court_x),
        "clerk_y": CourtClerkFactory(court=court_y),
        "board_p_staff": BoardStaffFactory(parole_board=board_p),
        "board_q_staff": BoardStaffFactory(parole_board=board_q),
        "integrator_agency": IntegratorFactory(),
        "integrator_north": IntegratorFactory(unit=north),
        "administrator": AdministratorFactory(),
    }
    u = a.users
    # One person is on probation in the north and in the south at once; one has no case at all.
    a.offenders = {
        name: OffenderFactory() for name in ("shared", "parolee_north", "probationer_north_2", "parolee_south")
    }
    a.offenders["without_case"] = OffenderFactory()
    a.cases = {
        "north_1_probation": SupervisionFactory(
            offender=a.offenders["shared"], officer=u["officer_north_1"], court=court_x
        ),
        "north_1_parole": ParoleSupervisionFactory(
            offender=a.offenders["parolee_north"], officer=u["officer_north_1"], parole_board=board_p
        ),
        "north_2_probation": SupervisionFactory(
            offender=a.offenders["probationer_north_2"], officer=u["officer_north_2"], court=court_y
        ),
        "south_parole": ParoleSupervisionFactory(
            offender=a.offenders["parolee_south"], officer=u["officer_south"], parole_board=board_q
        ),
        "south_probation": SupervisionFactory(
            offender=a.offenders["shared"], officer=u["officer_south"], court=court_x
        ),
    }
    for name, case in a.cases.items():
        CheckInFactory(supervision=case)
        DrugTestFactory(supervision=case)
        ViolationFactory(supervision=case)
        for status in ReportStatus.values:
            a.reports[(name, status)] = _report(case, status)
    ViolationReport.objects.bulk_create(a.reports.values())
    return a


# What each role sees: cases (by name), people (by name), and reports (which cases, which statuses).
CASE_MATRIX = {
    "officer_north_1": {"north_1_probation", "north_1_parole"},
    "officer_north_2": {"north_2_probation"},
    "officer_south": SOUTH_CASES,
    "supervisor_north": NORTH_CASES,
    "supervisor_south": SOUTH_CASES,
    "clerk_x": set(),
    "clerk_y": set(),
    "board_p_staff": set(),
    "board_q_staff": set(),
    "integrator_agency": ALL_CASES,
    "integrator_north": NORTH_CASES,
    "administrator": ALL_CASES,
}

OFFENDER_MATRIX = {
    "officer_north_1": {"shared", "parolee_north"},
    "officer_north_2": {"probationer_north_2"},
    "officer_south": {"shared", "parolee_south"},
    "supervisor_north": {"shared", "parolee_north", "probationer_north_2"},
    "supervisor_south": {"shared", "parolee_south"},
    "clerk_x": set(),
    "clerk_y": set(),
    "board_p_staff": set(),
    "board_q_staff": set(),
    "integrator_agency": {"shared", "parolee_north", "probationer_north_2", "parolee_south", "without_case"},
    "integrator_north": {"shared", "parolee_north", "probationer_north_2"},
    "administrator": {"shared", "parolee_north", "probationer_north_2", "parolee_south", "without_case"},
}

# Court clerks and board staff see only routed-on reports of their own court / board.
AUTHORITY_REPORT_MATRIX = {
    "clerk_x": {"north_1_probation", "south_probation"},
    "clerk_y": {"north_2_probation"},
    "board_p_staff": {"north_1_parole"},
    "board_q_staff": {"south_parole"},
}


def _expected_reports(role_user: str) -> set[tuple[str, str]]:
    if role_user in AUTHORITY_REPORT_MATRIX:
        return {(case, status) for case in AUTHORITY_REPORT_MATRIX[role_user] for status in AUTHORITY_STATUSES}
    return {(case, status) for case in CASE_MATRIX[role_user] for status in ReportStatus.values}


@pytest.mark.parametrize(("who", "expected"), CASE_MATRIX.items())
def test_supervisions_visible_to_each_role(agency, who, expected):
    # given the agency and one of its users
    user = agency.users[who]
    # when the user's supervisions are listed
    visible = supervisions_visible_to(user)
    # then exactly the cases of that role's scope are there
    assert agency.case_names(visible) == expected


@pytest.mark.parametrize(("who", "expected"), OFFENDER_MATRIX.items())
def test_offenders_visible_to_each_role(agency, who, expected):
    # given the agency and one of its users
    user = agency.users[who]
    # when the user's people are listed
    visible = offenders_visible_to(user)
    # then exactly the people with a case in scope are there, each once
    assert agency.offender_names(visible) == expected
    assert visible.count() == len(expected)


@pytest.mark.parametrize("model", [CheckIn, DrugTest, Violation], ids=["check_ins", "drug_tests", "violations"])
@pytest.mark.parametrize(("who", "expected_cases"), CASE_MATRIX.items())
def test_case_records_visible_to_each_role(agency, model, who, expected_cases):
    # given the agency (one record of each kind per case) and one of its users
    user = agency.users[who]
    expected = {agency.cases[name].pk for name in expected_cases}
    # when the user's records of that kind are listed
    visible = case_records_visible_to(user, model.objects.all())
    # then exactly the records of the cases in scope are there
    assert sorted(visible.values_list("supervision_id", flat=True)) == sorted(expected)


@pytest.mark.parametrize("who", CASE_MATRIX.keys())
def test_violation_reports_visible_to_each_role(agency, who):
    # given the agency (a report in every status on every case) and one of its users
    user = agency.users[who]
    # when the user's violation reports are listed
    visible = violation_reports_visible_to(user)
    # then exactly the reports of that role's scope are there
    assert agency.report_keys(visible) == _expected_reports(who)


def test_officer_does_not_see_a_colleagues_case_in_the_same_unit(agency):
    # given two officers of the north unit
    officer, colleague_case = agency.users["officer_north_1"], agency.cases["north_2_probation"]
    # when the first officer's scope is read
    cases = supervisions_visible_to(officer)
    records = case_records_visible_to(officer, CheckIn.objects.filter(supervision=colleague_case))
    reports = violation_reports_visible_to(officer).filter(supervision=colleague_case)
    # then the colleague's case, its records and its reports are out of scope
    assert not cases.filter(pk=colleague_case.pk).exists()
    assert list(records) == []
    assert list(reports) == []


def test_reassigned_case_leaves_the_old_officers_caseload(agency):
    # given a case moved from one officer to a colleague
    case = agency.cases["north_1_probation"]
    case.officer = agency.users["officer_north_2"]
    case.save()
    # when both caseloads are read
    old = agency.case_names(supervisions_visible_to(agency.users["officer_north_1"]))
    new = agency.case_names(supervisions_visible_to(agency.users["officer_north_2"]))
    # then the case is only in the new officer's
    assert old == {"north_1_parole"}
    assert new == {"north_1_probation", "north_2_probation"}


@pytest.mark.parametrize("who", ["clerk_x", "board_p_staff"])
def test_authorities_never_see_reports_before_routing(agency, who):
    # given a court clerk or board staff whose authority holds reports in every status
    user = agency.users[who]
    # when their reports are listed
    statuses = set(violation_reports_visible_to(user).values_list("status", flat=True))
    # then drafts, submitted, returned and approved reports are not among them
    assert statuses == AUTHORITY_STATUSES


def test_court_clerk_never_sees_a_parole_report(agency):
    # given a parole report routed to a board, and a clerk
    clerk = agency.users["clerk_x"]
    parole_report = agency.reports[("north_1_parole", "routed")]
    # when the clerk's reports are listed
    visible = violation_reports_visible_to(clerk)
    # then no parole report is among them
    assert not visible.filter(pk=parole_report.pk).exists()
    assert not visible.filter(supervision__supervision_type="parole").exists()


def test_board_staff_never_see_a_probation_report(agency):
    # given a probation report routed to a court, and board staff
    staff = agency.users["board_p_staff"]
    # when the staff's reports are listed
    visible = violation_reports_visible_to(staff)
    # then no probation report is among them
    assert not visible.filter(supervision__supervision_type="probation").exists()


def test_supervisor_without_a_unit_sees_nothing(agency):
    # given a supervisor the database holds without a unit (User.clean refuses it in forms)
    supervisor = SupervisorFactory(unit=None)
    # when their scope is read / then it is empty
    assert list(supervisions_visible_to(supervisor)) == []
    assert list(offenders_visible_to(supervisor)) == []
    assert list(case_records_visible_to(supervisor, Violation.objects.all())) == []
    assert list(violation_reports_visible_to(supervisor)) == []


@pytest.mark.parametrize(("factory", "field"), [(CourtClerkFactory, "court"), (BoardStaffFactory, "parole_board")])
def test_an_authority_user_without_their_court_or_board_sees_no_report(agency, factory, field):
    # given a clerk without a court, or board staff without a board (the database refuses to store one: built
    # in memory), while reports routed with no court (to boards) and with no board (to courts) exist
    user = factory.build(**{field: None})
    assert ViolationReport.objects.filter(**{f"{field}__isnull": True}, status=ReportStatus.ROUTED).exists()
    # when their reports are read / then there are none, not the reports without a court or a board
    assert list(violation_reports_visible_to(user)) == []


@pytest.mark.parametrize("who", CASE_MATRIX.keys())
def test_an_inactive_user_sees_nothing(agency, who):
    # given a user of any role whose account was deactivated
    user = agency.users[who]
    user.is_active = False
    user.save()
    # when their scope is read / then every scope is empty
    assert list(supervisions_visible_to(user)) == []
    assert list(offenders_visible_to(user)) == []
    for model in (CheckIn, DrugTest, Violation):
        assert list(case_records_visible_to(user, model.objects.all())) == []
    assert list(violation_reports_visible_to(user)) == []


@pytest.mark.parametrize("user", [AnonymousUser(), None], ids=["anonymous", "none"])
def test_anonymous_sees_nothing(agency, user):
    # given nobody signed in
    # when the scopes are read / then every scope is empty
    assert list(supervisions_visible_to(user)) == []
    assert list(offenders_visible_to(user)) == []
    for model in (CheckIn, DrugTest, Violation):
        assert list(case_records_visible_to(user, model.objects.all())) == []
    assert list(violation_reports_visible_to(user)) == []


@pytest.mark.parametrize("who", ["officer_north_1", "supervisor_north", "integrator_north"])
def test_scoped_lists_are_one_query(agency, who, django_assert_num_queries):
    # given a user whose scope is a filter, not the whole agency
    user = agency.users[who]
    # when each scoped list is read / then it costs one query (the scope is a subquery)
    with django_assert_num_queries(1):
        list(supervisions_visible_to(user))
    with django_assert_num_queries(1):
        list(offenders_visible_to(user))
    with django_assert_num_queries(1):
        list(case_records_visible_to(user, CheckIn.objects.all()))
    with django_assert_num_queries(1):
        list(violation_reports_visible_to(user))


@pytest.mark.parametrize("who", ["clerk_x", "board_p_staff"])
def test_authority_scopes_need_no_query_for_cases_and_one_for_reports(agency, who, django_assert_num_queries):
    # given a court clerk or board staff
    user = agency.users[who]
    # when the scoped lists are read / then cases are empty without a query, reports cost one
    with django_assert_num_queries(0):
        assert list(supervisions_visible_to(user)) == []
        assert list(offenders_visible_to(user)) == []
        assert list(case_records_visible_to(user, CheckIn.objects.all())) == []
    with django_assert_num_queries(1):
        assert len(violation_reports_visible_to(user)) == len(_expected_reports(who))


def test_the_matrix_covers_every_role(agency):
    # given the users the matrices above are written for
    roles = {user.role for user in agency.users.values()}
    # then every role Caseline knows is among them (a new role must be added to the matrices)
    assert roles == set(Role.values)
    assert set(CASE_MATRIX) == set(OFFENDER_MATRIX) == set(agency.users)
