"""The model rules held by the database itself (check and unique constraints), and the few held by
the models: who belongs where, the superuser's role, the person's generated agency number.

Supervision's own constraints are in tests/supervision/test_constraints.py.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from agency.choices import Role
from agency.models import User
from offenders.models import Offender, agency_number_generate
from supervision.choices import CheckInOrigin, CheckInStatus, DeliveryStatus, ReportStatus
from supervision.models import CommunityServiceEntry, DrugTestSubstanceResult, ReportDelivery
from tests.agency.factories import (
    BoardStaffFactory,
    CourtClerkFactory,
    CourtFactory,
    IntegratorFactory,
    OfficerFactory,
    ParoleBoardFactory,
    SupervisorFactory,
    UnitFactory,
    UserFactory,
)
from tests.offenders.factories import AddressFactory, EmploymentFactory, OffenderFactory
from tests.supervision.factories import (
    CheckInFactory,
    ConditionFactory,
    ContactStandardFactory,
    DrugTestFactory,
    ParoleSupervisionFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)

pytestmark = pytest.mark.django_db

AGENCY_NUMBER = re.compile(r"CL-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


def _refused(constraint: str, make) -> None:
    """``make()`` writes a bad combination: the database refuses it by naming ``constraint``."""
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        make()


# --- Users ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("constraint", "make"),
    [
        ("user_court_iff_court_clerk", lambda: CourtClerkFactory(court=None)),
        ("user_court_iff_court_clerk", lambda: OfficerFactory(court=CourtFactory())),
        ("user_court_iff_court_clerk", lambda: BoardStaffFactory(court=CourtFactory())),
        ("user_board_iff_board_staff", lambda: BoardStaffFactory(parole_board=None)),
        ("user_board_iff_board_staff", lambda: CourtClerkFactory(parole_board=ParoleBoardFactory())),
        ("user_board_iff_board_staff", lambda: SupervisorFactory(parole_board=ParoleBoardFactory())),
        ("user_unit_only_for_unit_roles", lambda: CourtClerkFactory(unit=UnitFactory())),
        ("user_unit_only_for_unit_roles", lambda: BoardStaffFactory(unit=UnitFactory())),
        ("user_unit_only_for_unit_roles", lambda: UserFactory(role=Role.ADMINISTRATOR, unit=UnitFactory())),
    ],
    ids=[
        "clerk_without_court",
        "officer_with_court",
        "board_staff_with_court",
        "board_staff_without_board",
        "clerk_with_board",
        "supervisor_with_board",
        "clerk_with_unit",
        "board_staff_with_unit",
        "administrator_with_unit",
    ],
)
def test_user_constraints_refuse_the_wrong_affiliation(constraint, make):
    # given a user whose court, board or unit does not fit the role / when saved / then refused
    _refused(constraint, make)
    assert User.objects.count() == 0


@pytest.mark.parametrize(
    "make",
    [
        lambda: OfficerFactory(),
        lambda: SupervisorFactory(),
        lambda: IntegratorFactory(unit=UnitFactory()),
        lambda: IntegratorFactory(unit=None),
        lambda: CourtClerkFactory(),
        lambda: BoardStaffFactory(),
        lambda: UserFactory(role=Role.ADMINISTRATOR),
    ],
    ids=["officer", "supervisor", "integrator_of_a_unit", "integrator", "clerk", "board_staff", "administrator"],
)
def test_user_constraints_accept_each_role_with_its_affiliation(make):
    # given a user of each role with the affiliation it needs / when saved / then it is stored
    user = make()
    user.refresh_from_db()
    user.full_clean()
    assert User.objects.get() == user


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR])
def test_user_clean_requires_a_unit_for_officers_and_supervisors(role):
    # given an officer or supervisor without a unit (the database allows it; forms must not)
    user = UserFactory.build(role=role, unit=None)
    # when validated / then the unit is asked for
    with pytest.raises(ValidationError) as refused:
        user.full_clean()
    assert refused.value.message_dict == {"unit": ["Officers and supervisors must belong to a unit."]}


def test_create_superuser_is_an_administrator():
    # given nothing / when a superuser is created through the manager
    user = User.objects.create_superuser("root", "root@agency.example", "a-long-enough-password")
    # then it has the administrator role (and passes the role constraints)
    user.refresh_from_db()
    assert (user.role, user.is_superuser, user.is_staff) == ("administrator", True, True)
    assert (user.unit, user.court, user.parole_board) == (None, None, None)


def test_createsuperuser_command_makes_an_administrator(monkeypatch):
    # given the password in the environment, as a deployment script provides it
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-password")
    # when `manage.py createsuperuser --noinput` runs
    call_command("createsuperuser", interactive=False, username="ops", email="ops@agency.example", verbosity=0)
    # then the account is an administrator who can sign in
    user = User.objects.get(username="ops")
    assert (user.role, user.is_superuser, user.is_staff) == ("administrator", True, True)
    assert user.check_password("a-long-enough-password")


def test_unit_clean_refuses_a_supervisor_who_is_not_one():
    # given a unit led by an officer
    unit = UnitFactory()
    unit.supervisor = OfficerFactory()
    # when validated / then refused
    with pytest.raises(ValidationError) as refused:
        unit.full_clean()
    # (the field's limit_choices_to adds Django's own "not a valid choice" beside the model's message)
    assert list(refused.value.message_dict) == ["supervisor"]
    assert "Only a user with the supervisor role can lead a unit." in refused.value.message_dict["supervisor"]


# --- Offenders -------------------------------------------------------------------------------------------


def test_offender_agency_numbers_are_generated_unique_and_formatted():
    # given nothing / when fifty people are created without an agency number
    offenders = OffenderFactory.create_batch(50)
    numbers = list(Offender.objects.values_list("agency_number", flat=True))
    # then each has its own number, formatted CL-XXXX-XXXX in Crockford's base32 (no I, L, O, U)
    assert len(set(numbers)) == len(offenders) == 50
    assert all(AGENCY_NUMBER.fullmatch(n) for n in numbers), numbers


def test_agency_number_generate_format():
    # given nothing / when many numbers are generated / then every one is well formed
    numbers = {agency_number_generate() for _ in range(1000)}
    assert all(AGENCY_NUMBER.fullmatch(n) for n in numbers)
    assert len(numbers) == 1000


def test_offender_agency_number_is_unique_in_the_database():
    # given a person
    first = OffenderFactory()
    # when another is stored with the same agency number / then the database refuses it
    _refused("agency_number", lambda: OffenderFactory(agency_number=first.agency_number))


@pytest.mark.parametrize(
    ("constraint", "field"),
    [("offender_state_id_unique", "state_id"), ("offender_fbi_number_unique", "fbi_number")],
)
def test_offender_identifiers_are_unique_when_given(constraint, field):
    # given a person with that identifier, and two people with none (empty is not a value)
    OffenderFactory(**{field: "X-1"})
    OffenderFactory(state_id="", fbi_number="")
    OffenderFactory(state_id="", fbi_number="")
    # when another person reuses it / then the database refuses it
    _refused(constraint, lambda: OffenderFactory(**{field: "X-1"}))
    assert Offender.objects.count() == 3


@pytest.mark.parametrize(
    ("constraint", "factory"),
    [("address_end_after_start", AddressFactory), ("employment_end_after_start", EmploymentFactory)],
)
def test_history_cannot_end_before_it_starts(constraint, factory):
    _refused(
        constraint,
        lambda: factory(start_date=datetime.date(2024, 5, 1), end_date=datetime.date(2024, 4, 30)),
    )


# --- Check-ins, contact standards, conditions ---------------------------------------------------------------


def test_check_in_window_must_close_after_it_opens():
    opens = timezone.now()
    _refused("check_in_window_order", lambda: CheckInFactory(window_start=opens, due_at=opens))


def test_completed_check_in_needs_its_time():
    _refused("check_in_completed_has_time", lambda: CheckInFactory(status=CheckInStatus.COMPLETED, completed_at=None))


def test_excused_check_in_needs_a_reason():
    _refused("check_in_excused_has_reason", lambda: CheckInFactory(status=CheckInStatus.EXCUSED, excuse_reason=""))


def test_a_window_is_scheduled_once_per_case_and_kind():
    # given a scheduled check-in
    first = CheckInFactory()
    # when the same window is scheduled again / then refused
    _refused(
        "check_in_scheduled_once",
        lambda: CheckInFactory(supervision=first.supervision, window_start=first.window_start, due_at=first.due_at),
    )


def test_unscheduled_contacts_may_share_a_time():
    # given an unscheduled contact
    first = CheckInFactory(origin=CheckInOrigin.UNSCHEDULED)
    # when another contact at the same time is recorded / then both are kept
    CheckInFactory(
        supervision=first.supervision,
        origin=CheckInOrigin.UNSCHEDULED,
        window_start=first.window_start,
        due_at=first.due_at,
    )
    assert first.supervision.check_ins.count() == 2


@pytest.mark.parametrize(("interval", "window"), [(14, 0), (7, 8)], ids=["empty_window", "window_past_interval"])
def test_contact_standard_window_fits_its_interval(interval, window):
    _refused(
        "contact_standard_window_within_interval",
        lambda: ContactStandardFactory(check_in_interval_days=interval, window_days=window),
    )


@pytest.mark.parametrize(
    "hours",
    [{"hours_completed": Decimal("-1")}, {"hours_required": Decimal("-5")}],
    ids=["completed", "required"],
)
def test_condition_hours_cannot_be_negative(hours):
    _refused("condition_hours_not_negative", lambda: ConditionFactory(**hours))


def test_community_service_entry_hours_must_be_positive():
    condition = ConditionFactory()
    _refused(
        "community_service_hours_positive",
        lambda: CommunityServiceEntry.objects.create(
            condition=condition,
            performed_on=timezone.localdate(),
            hours=Decimal("0"),
            organisation="Food bank",
            recorded_by=condition.supervision.officer,
        ),
    )


def test_drug_test_has_one_result_per_substance():
    test = DrugTestFactory()
    DrugTestSubstanceResult.objects.create(drug_test=test, substance="thc", result="negative")
    _refused(
        "drug_test_substance_once",
        lambda: DrugTestSubstanceResult.objects.create(drug_test=test, substance="thc", result="positive"),
    )


# --- Violations ----------------------------------------------------------------------------------------------


def test_one_violation_per_check_in():
    # given a missed check-in with its violation
    check_in = CheckInFactory(status=CheckInStatus.MISSED)
    ViolationFactory(supervision=check_in.supervision, check_in=check_in)
    # when a second violation is tied to it / then refused
    _refused(
        "violation_one_per_check_in", lambda: ViolationFactory(supervision=check_in.supervision, check_in=check_in)
    )


def test_one_violation_per_drug_test():
    test = DrugTestFactory(result="positive")
    ViolationFactory(supervision=test.supervision, drug_test=test)
    _refused("violation_one_per_drug_test", lambda: ViolationFactory(supervision=test.supervision, drug_test=test))


def test_violations_without_a_source_are_not_limited():
    # given a case / when two violations without check-in or test are recorded / then both are kept
    supervision = SupervisionFactory()
    ViolationFactory.create_batch(2, supervision=supervision)
    assert supervision.violations.count() == 2


# --- Violation reports ------------------------------------------------------------------------------------


def _report(status: str, **fields):
    return lambda: ViolationReportFactory(status=status, **fields)


@pytest.mark.parametrize(
    ("status", "authority"),
    [
        (ReportStatus.APPROVED, {}),
        (ReportStatus.ROUTED, {}),
        (ReportStatus.APPROVED, {"court": "court", "parole_board": "board"}),
        (ReportStatus.DRAFT, {"court": "court"}),
        (ReportStatus.SUBMITTED, {"parole_board": "board"}),
        (ReportStatus.RETURNED, {"court": "court"}),
    ],
    ids=[
        "approved_without",
        "routed_without",
        "approved_with_both",
        "draft_with_court",
        "submitted_with_board",
        "returned_with_court",
    ],
)
def test_report_has_exactly_one_authority_once_approved_and_none_before(status, authority):
    # given a report whose authority does not fit its status
    bodies = {"court": CourtFactory(), "board": ParoleBoardFactory()}
    fields = {name: bodies[key] for name, key in authority.items()}
    # when saved / then refused
    _refused("report_one_authority_once_approved", _report(status, **fields))


@pytest.mark.parametrize(
    "fields",
    [
        {"status": ReportStatus.DISPOSED, "disposition": ""},
        {"status": ReportStatus.DISPOSED, "disposition": "revoked", "disposition_on": None},
        {"status": ReportStatus.HEARING_SCHEDULED, "disposition": "revoked"},
    ],
    ids=["disposed_without_disposition", "disposed_without_date", "disposition_before_disposed"],
)
def test_report_disposition_iff_disposed(fields):
    fields.setdefault("disposition_on", timezone.localdate())
    _refused("report_disposition_iff_disposed", _report(court=CourtFactory(), **fields))


def test_report_in_each_status_with_the_right_fields_is_accepted():
    # given a probation case / when a report in every status is stored with what that status needs
    supervision = SupervisionFactory()
    for status in ReportStatus.values:
        with_authority = status not in ("draft", "submitted", "returned")
        ViolationReportFactory(
            supervision=supervision,
            status=status,
            court=supervision.court if with_authority else None,
            disposition="dismissed" if status == "disposed" else "",
            disposition_on=timezone.localdate() if status == "disposed" else None,
        )
    # then all are kept
    assert supervision.violation_reports.count() == len(ReportStatus.values)


# --- Report deliveries ---------------------------------------------------------------------------------------


def _approved_report(parole: bool = False):
    supervision = ParoleSupervisionFactory() if parole else SupervisionFactory()
    return ViolationReportFactory(
        supervision=supervision,
        status=ReportStatus.APPROVED,
        court=supervision.court,
        parole_board=supervision.parole_board,
    )


def test_delivery_goes_to_one_authority():
    report = _approved_report()
    _refused("delivery_one_authority", lambda: ReportDelivery.objects.create(report=report))
    _refused(
        "delivery_one_authority",
        lambda: ReportDelivery.objects.create(report=report, court=report.court, parole_board=ParoleBoardFactory()),
    )


def test_delivery_once_per_report_and_court():
    report = _approved_report()
    ReportDelivery.objects.create(report=report, court=report.court)
    _refused("delivery_once_per_court", lambda: ReportDelivery.objects.create(report=report, court=report.court))


def test_delivery_once_per_report_and_board():
    report = _approved_report(parole=True)
    ReportDelivery.objects.create(report=report, parole_board=report.parole_board)
    _refused(
        "delivery_once_per_board",
        lambda: ReportDelivery.objects.create(report=report, parole_board=report.parole_board),
    )


def test_delivered_delivery_needs_its_time():
    report = _approved_report()
    _refused(
        "delivery_delivered_has_time",
        lambda: ReportDelivery.objects.create(report=report, court=report.court, status=DeliveryStatus.DELIVERED),
    )
