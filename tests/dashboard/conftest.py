"""A hand-built unit where every dashboard figure is known (see test_figures.py for the sums)."""

import datetime

import pytest
from django.utils import timezone

from supervision.choices import (
    CheckInOrigin,
    CheckInStatus,
    DrugTestResult,
    ReportStatus,
    ViolationKind,
    ViolationStatus,
)
from tests.agency.factories import OfficerFactory, SupervisorFactory, UnitFactory
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import (
    CheckInFactory,
    DrugTestFactory,
    ParoleSupervisionFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)

PASSWORD = "correct-horse-battery"


def days(n: float) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def unit():
    return UnitFactory(name="North Field Unit")


@pytest.fixture
def supervisor(unit):
    supervisor = SupervisorFactory(unit=unit, username="sup.north", first_name="Sam", last_name="Boss")
    unit.supervisor = supervisor
    unit.save()
    return supervisor


@pytest.fixture
def ann(unit):
    return OfficerFactory(unit=unit, username="ann", first_name="Ann", last_name="Able")


@pytest.fixture
def ben(unit):
    return OfficerFactory(unit=unit, username="ben", first_name="Ben", last_name="Baker")


@pytest.fixture
def cy(unit):
    return OfficerFactory(unit=unit, username="cy", first_name="Cy", last_name="Cole")


@pytest.fixture
def other_officer():
    return OfficerFactory(unit=UnitFactory(name="South Field Unit"), username="xavier", last_name="Zed")


def _check_in(case, due, status=CheckInStatus.SCHEDULED, origin=CheckInOrigin.SCHEDULED, **extra):
    if status == CheckInStatus.COMPLETED:
        extra.setdefault("completed_at", due - datetime.timedelta(hours=5))
    if status == CheckInStatus.EXCUSED:
        extra.setdefault("excuse_reason", "In hospital")
    return CheckInFactory(
        supervision=case, window_start=due - days(3), due_at=due, status=status, origin=origin, **extra
    )


@pytest.fixture
def known_unit(supervisor, ann, ben, cy, other_officer, now):
    """Ann: a1 parole high, a2 probation medium, a3 probation low inactive, a4 probation medium warrant,
    a5 parole closed. Ben: b1 parole medium absconded, b2 probation high ending in 10 days. Cy: none.
    Xavier (another unit): one case with everything, never counted."""
    today = timezone.localdate(now)
    a1 = ParoleSupervisionFactory(officer=ann, level="high", offender=OffenderFactory(last_name="Adams"))
    a2 = SupervisionFactory(officer=ann, level="medium", offender=OffenderFactory(last_name="Brown"))
    a3 = SupervisionFactory(officer=ann, level="low", status="inactive", offender=OffenderFactory(last_name="Clark"))
    a4 = SupervisionFactory(officer=ann, level="medium", status="warrant", offender=OffenderFactory(last_name="Davis"))
    a5 = ParoleSupervisionFactory(
        officer=ann,
        status="closed",
        closed_on=today - days(3),
        closure_reason="completed",
        end_date=today + days(5),
        offender=OffenderFactory(last_name="Evans"),
    )
    b1 = ParoleSupervisionFactory(officer=ben, status="absconded", offender=OffenderFactory(last_name="Fisher"))
    b2 = SupervisionFactory(
        officer=ben, level="high", end_date=today + days(10), offender=OffenderFactory(last_name="Garcia")
    )
    x1 = SupervisionFactory(officer=other_officer, status="warrant", end_date=today + days(3))

    # Check-ins.
    _check_in(a1, now + days(2))  # due this week
    _check_in(a1, now - days(1))  # overdue
    _check_in(a1, now - days(10), CheckInStatus.COMPLETED)
    _check_in(a1, now - days(20), CheckInStatus.MISSED)
    _check_in(a1, now - days(60), CheckInStatus.MISSED)
    _check_in(a1, now - days(70), CheckInStatus.COMPLETED)
    _check_in(a1, now - days(5), CheckInStatus.EXCUSED)
    _check_in(b2, now + days(3))  # due this week
    _check_in(b2, now - days(15), CheckInStatus.COMPLETED)
    _check_in(b2, now - days(3), CheckInStatus.COMPLETED, origin=CheckInOrigin.UNSCHEDULED)  # not in the rate
    _check_in(a5, now - days(2))  # closed case: not overdue
    _check_in(x1, now - days(5), CheckInStatus.MISSED)
    _check_in(x1, now - days(1))

    # Drug tests.
    DrugTestFactory(supervision=a1, collected_at=now - days(5), result=DrugTestResult.NEGATIVE)
    DrugTestFactory(supervision=a1, collected_at=now - days(10), result=DrugTestResult.POSITIVE)
    DrugTestFactory(supervision=a1, collected_at=now - days(40), result=DrugTestResult.POSITIVE)
    DrugTestFactory(supervision=b1, collected_at=now - days(20), result=DrugTestResult.DILUTE)
    DrugTestFactory(supervision=b2, collected_at=now - days(100), result=DrugTestResult.NEGATIVE)
    DrugTestFactory(supervision=x1, collected_at=now - days(2), result=DrugTestResult.POSITIVE)

    # Violations: open technical x2 on a1, x1 on b2; open absconding on b1; a resolved new offence on a2.
    v1 = ViolationFactory(supervision=a1, kind=ViolationKind.TECHNICAL, occurred_on=today - days(10))
    v2 = ViolationFactory(supervision=a1, kind=ViolationKind.TECHNICAL, occurred_on=today - days(20))
    ViolationFactory(supervision=b2, kind=ViolationKind.TECHNICAL, occurred_on=today - days(15))
    v4 = ViolationFactory(supervision=b1, kind=ViolationKind.ABSCONDING, occurred_on=today - days(40))
    ViolationFactory(
        supervision=a2, kind=ViolationKind.NEW_OFFENCE, status=ViolationStatus.RESOLVED, occurred_on=today - days(100)
    )
    ViolationFactory(supervision=x1, kind=ViolationKind.NEW_OFFENCE, occurred_on=today - days(1))

    # Reports: two waiting for review (5 days and 1 day), one draft.
    r1 = ViolationReportFactory(
        supervision=a1, violations=[v1, v2], status=ReportStatus.SUBMITTED, submitted_at=now - days(5)
    )
    r2 = ViolationReportFactory(
        supervision=b1, violations=[v4], status=ReportStatus.SUBMITTED, submitted_at=now - days(1)
    )
    ViolationReportFactory(supervision=b2, violations=[], status=ReportStatus.DRAFT)
    return {
        "a1": a1, "a2": a2, "a3": a3, "a4": a4, "a5": a5, "b1": b1, "b2": b2, "x1": x1,
        "r1": r1, "r2": r2, "now": now,
    }  # fmt: skip
