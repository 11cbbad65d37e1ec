import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.agency.factories import (
    AdministratorFactory,
    BoardStaffFactory,
    CourtClerkFactory,
    IntegratorFactory,
    OfficerFactory,
    SupervisorFactory,
    UnitFactory,
)
from tests.offenders.factories import AddressFactory, EmploymentFactory, OffenderFactory
from tests.supervision.factories import (
    CheckInFactory,
    ConditionFactory,
    ConditionTypeFactory,
    SupervisionFactory,
    ViolationFactory,
)


@pytest.fixture
def unit():
    return UnitFactory(name="North Field Unit")


@pytest.fixture
def officer(unit):
    return OfficerFactory(unit=unit, username="officer", first_name="Olivia", last_name="Officer")


@pytest.fixture
def colleague(unit):
    """Another officer of the same unit: their cases are not the officer's."""
    return OfficerFactory(unit=unit, username="colleague")


@pytest.fixture
def supervisor(unit):
    return SupervisorFactory(unit=unit, username="supervisor")


@pytest.fixture
def case(officer):
    offender = OffenderFactory(first_name="Marcus", last_name="Reyes", date_of_birth=datetime.date(1990, 4, 12))
    AddressFactory(offender=offender, line1="12 Elm Street", city="Columbus")
    EmploymentFactory(offender=offender, employer_name="Acme Logistics")
    supervision = SupervisionFactory(offender=offender, officer=officer, docket_number="CR-2025-00042")
    ConditionFactory(
        supervision=supervision,
        condition_type=ConditionTypeFactory(name="Community service", tracks_hours=True),
        hours_required=Decimal("40"),
    )
    return supervision


@pytest.fixture
def check_in(case):
    now = timezone.now()
    return CheckInFactory(
        supervision=case, window_start=now - datetime.timedelta(days=1), due_at=now + datetime.timedelta(days=2)
    )


@pytest.fixture
def open_violation(case):
    return ViolationFactory(supervision=case, description="Missed the office visit of the 3rd.")


@pytest.fixture
def colleague_case(colleague):
    return SupervisionFactory(officer=colleague)


@pytest.fixture
def other_unit_case():
    return SupervisionFactory(officer=OfficerFactory(unit=UnitFactory()))


ROLE_FACTORIES = {
    "court_clerk": CourtClerkFactory,
    "board_staff": BoardStaffFactory,
    "integrator": IntegratorFactory,
    "administrator": AdministratorFactory,
}


@pytest.fixture
def make_user(officer, supervisor, colleague):
    def make(role: str):
        if role == "officer":
            return officer
        if role == "supervisor":
            return supervisor
        if role == "other_unit_supervisor":
            return SupervisorFactory(unit=UnitFactory())
        if role == "anonymous":
            return None
        return ROLE_FACTORIES[role]()

    return make
