"""The business rules in supervision/services/: opening a case and scheduling its check-ins
(supervision_open, check_ins_schedule).

A refused call changes nothing: the same rows, the same statuses, and no audit row.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from agency.errors import ApplicationError
from agency.models import AuditEvent
from supervision.choices import (
    CheckInStatus,
    ClosureReason,
    SupervisionLevel,
    SupervisionStatus,
    SupervisionType,
)
from supervision.models import (
    CheckIn,
    Supervision,
)
from supervision.services import (
    check_ins_schedule,
    supervision_open,
)
from tests.agency.factories import (
    CourtClerkFactory,
    CourtFactory,
    IntegratorFactory,
    OfficerFactory,
    ParoleBoardFactory,
    SupervisorFactory,
)
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import (
    CheckInFactory,
    ContactStandardFactory,
    ParoleContactStandardFactory,
    SupervisionFactory,
)
from tests.supervision.service_helpers import (
    LOCAL,
    NOW,
    TODAY,
    _days,
    _expected_windows,
    _local_midnight,
    _rows,
    _windows,
)

pytestmark = pytest.mark.django_db


# --- supervision_open --------------------------------------------------------------------------------


def test_supervision_open_saves_the_case_audits_and_schedules_check_ins():
    # given an officer of a unit, a court, a person and the medium contact standard (every 14 days, 3-day window)
    ContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=14, window_days=3)
    officer, supervisor, court, offender = OfficerFactory(), SupervisorFactory(), CourtFactory(), OffenderFactory()
    # when the supervisor opens a probation case for one year
    supervision = supervision_open(
        actor=supervisor,
        offender=offender,
        supervision_type=SupervisionType.PROBATION,
        court=court,
        docket_number="CR-2026-00042",
        offense="Burglary",
        start_date=TODAY,
        end_date=TODAY + datetime.timedelta(days=365),
        officer=officer,
        now=NOW,
    )
    # then the case is saved in the officer's unit
    supervision.refresh_from_db()
    assert (supervision.offender, supervision.court, supervision.parole_board) == (offender, court, None)
    assert (supervision.officer, supervision.unit) == (officer, officer.unit)
    assert (supervision.status, supervision.level) == ("active", "medium")
    # and the check-ins of the next 60 days are scheduled from the standard
    assert _windows(supervision) == _expected_windows(*_days(TODAY, 0, 14, 28, 42, 56))
    assert set(CheckIn.objects.values_list("kind", "origin", "status")) == {("office", "scheduled", "scheduled")}
    # and both steps are audited, by the supervisor, for this person
    opened, scheduled = AuditEvent.objects.order_by("id")
    assert (opened.action, opened.actor, opened.object_type, opened.object_id, opened.offender_id) == (
        "supervision.opened",
        supervisor,
        "supervision.supervision",
        str(supervision.pk),
        offender.pk,
    )
    assert (scheduled.action, scheduled.actor, scheduled.detail) == ("check_in.scheduled", supervisor, {"count": 5})


def test_supervision_open_parole_under_its_board():
    # given an officer and a parole board
    ParoleContactStandardFactory(level=SupervisionLevel.HIGH, check_in_interval_days=7, window_days=2)
    officer, board = OfficerFactory(), ParoleBoardFactory()
    # when a parole case at high level is opened for three weeks
    supervision = supervision_open(
        actor=officer,
        offender=OffenderFactory(),
        supervision_type=SupervisionType.PAROLE,
        parole_board=board,
        docket_number="P-000123",
        offense="Robbery",
        start_date=TODAY,
        end_date=TODAY + datetime.timedelta(days=21),
        officer=officer,
        level=SupervisionLevel.HIGH,
        now=NOW,
    )
    # then it answers to the board, and weekly check-ins run until the end date
    assert (supervision.parole_board, supervision.court) == (board, None)
    assert _windows(supervision) == _expected_windows(*_days(TODAY, 0, 7, 14, 21), window_days=2)


def _open_kwargs(**overrides) -> dict:
    kwargs = {
        "actor": SupervisorFactory(),
        "offender": OffenderFactory(),
        "supervision_type": SupervisionType.PROBATION,
        "court": CourtFactory(),
        "docket_number": "CR-2026-00043",
        "offense": "Fraud",
        "start_date": TODAY,
        "end_date": TODAY + datetime.timedelta(days=365),
        "officer": OfficerFactory(),
        "now": NOW,
    }
    kwargs.update(overrides)
    return kwargs


@pytest.mark.parametrize(
    "make_officer",
    [SupervisorFactory, CourtClerkFactory, IntegratorFactory, lambda: OfficerFactory(unit=None)],
    ids=["supervisor", "court_clerk", "integrator", "officer_without_unit"],
)
def test_supervision_open_refuses_anyone_but_an_officer_with_a_unit(make_officer):
    # given a would-be case officer who is not an officer of a unit
    ContactStandardFactory()
    kwargs = _open_kwargs(officer=make_officer())
    before = _rows()
    # when the case is opened for them / then it is refused and nothing is written
    with pytest.raises(ApplicationError, match="assigned to an officer who belongs to a unit"):
        supervision_open(**kwargs)
    assert _rows() == before


def test_supervision_open_refuses_probation_with_a_parole_board():
    # given a probation case that names a parole board beside its court
    ContactStandardFactory()
    kwargs = _open_kwargs(parole_board=ParoleBoardFactory())
    before = _rows()
    # when it is opened
    with pytest.raises(ValidationError) as refused:
        supervision_open(**kwargs)
    # then the check constraint's message says what is wrong, and nothing is written
    assert refused.value.messages == [
        "Probation needs its sentencing court and no parole board; parole needs its parole board and no court."
    ]
    assert _rows() == before


def test_supervision_open_refuses_inactive_parole():
    # given a parole case asked to start inactive
    kwargs = _open_kwargs(
        supervision_type=SupervisionType.PAROLE,
        court=None,
        parole_board=ParoleBoardFactory(),
        status=SupervisionStatus.INACTIVE,
    )
    before = _rows()
    # when it is opened / then it is refused with the constraint's message
    with pytest.raises(ValidationError) as refused:
        supervision_open(**kwargs)
    assert refused.value.messages == ["Parole is always active supervision: it cannot be inactive."]
    assert _rows() == before


def test_supervision_open_inactive_probation_schedules_no_check_ins():
    # given the contact standard and a non-reporting probation case
    ContactStandardFactory()
    kwargs = _open_kwargs(status=SupervisionStatus.INACTIVE)
    # when it is opened
    supervision = supervision_open(**kwargs)
    # then it is saved and audited, with no check-in to make
    assert supervision.status == "inactive"
    assert CheckIn.objects.count() == 0
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["supervision.opened"]


# --- check_ins_schedule ------------------------------------------------------------------------------


def _case(**fields) -> Supervision:
    fields.setdefault("start_date", TODAY)
    fields.setdefault("end_date", TODAY + datetime.timedelta(days=365))
    return SupervisionFactory(**fields)


def test_check_ins_schedule_creates_the_windows_over_the_horizon():
    # given a medium case starting today, checking in every 14 days with a 3-day window
    ContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=14, window_days=3)
    supervision = _case()
    # when the next 30 days are scheduled
    created = check_ins_schedule(supervision=supervision, now=NOW, horizon_days=30)
    # then windows open at local midnight on days 0, 14 and 28 and close three days later
    assert created == 3
    assert _windows(supervision) == _expected_windows(*_days(TODAY, 0, 14, 28))


def test_check_ins_schedule_uses_the_default_horizon_from_settings(settings):
    # given a weekly standard and a horizon of 20 days in the settings
    settings.CASELINE = {**settings.CASELINE, "CHECK_IN_HORIZON_DAYS": 20}
    ContactStandardFactory(level=SupervisionLevel.HIGH, check_in_interval_days=7, window_days=1)
    supervision = _case(level=SupervisionLevel.HIGH)
    # when it is scheduled without a horizon
    created = check_ins_schedule(supervision=supervision, now=NOW)
    # then check-ins up to day 20 are there
    assert created == 3
    assert _windows(supervision) == _expected_windows(*_days(TODAY, 0, 7, 14), window_days=1)


def test_check_ins_schedule_is_idempotent():
    # given a case already scheduled over the horizon
    ContactStandardFactory()
    supervision = _case()
    check_ins_schedule(supervision=supervision, now=NOW, horizon_days=60)
    windows, before = _windows(supervision), _rows()
    # when the same job runs again
    created = check_ins_schedule(supervision=supervision, now=NOW, horizon_days=60)
    # then nothing new is scheduled, and no audit row claims otherwise
    assert created == 0
    assert _windows(supervision) == windows
    assert _rows() == before


def test_check_ins_schedule_extends_the_schedule_at_local_midnight_across_the_clock_change():
    # given a case scheduled on 2 March (winter time) for 13 days: one window
    ContactStandardFactory(check_in_interval_days=14, window_days=3)
    supervision = _case()
    assert check_ins_schedule(supervision=supervision, now=NOW, horizon_days=13) == 1
    # when the job runs again a week later, after the clocks went forward
    created = check_ins_schedule(supervision=supervision, now=NOW + datetime.timedelta(days=7), horizon_days=13)
    # then the next window opens at local midnight on 16 March, as the first run would have placed it
    assert created == 1
    assert _windows(supervision) == _expected_windows(*_days(TODAY, 0, 14))


def test_check_ins_schedule_measures_the_horizon_in_local_days():
    # given the evening of 2 March in New York, already 3 March in UTC
    ContactStandardFactory(check_in_interval_days=14, window_days=3)
    supervision = _case()
    evening_utc = datetime.datetime(2026, 3, 3, 2, 0, tzinfo=datetime.UTC)
    # when 13 days are scheduled (up to 15 March, local)
    created = check_ins_schedule(supervision=supervision, now=evening_utc, horizon_days=13)
    # then only today's window is in the horizon, not the one on 16 March
    assert created == 1
    assert _windows(supervision) == _expected_windows(TODAY)


@pytest.mark.parametrize(
    "status_fields",
    [
        {"status": SupervisionStatus.INACTIVE},
        {"status": SupervisionStatus.ABSCONDED},
        {"status": SupervisionStatus.WARRANT},
        {"status": SupervisionStatus.CLOSED, "closed_on": TODAY, "closure_reason": ClosureReason.COMPLETED},
    ],
    ids=["inactive", "absconded", "warrant", "closed"],
)
def test_check_ins_schedule_skips_cases_that_are_not_active(status_fields):
    # given a case that is not on active supervision
    ContactStandardFactory()
    supervision = _case(**status_fields)
    before = _rows()
    # when the schedule runs / then nothing is scheduled or audited
    assert check_ins_schedule(supervision=supervision, now=NOW, horizon_days=60) == 0
    assert _rows() == before


def test_check_ins_schedule_stops_at_the_end_date():
    # given a case ending 20 days from now
    ContactStandardFactory(check_in_interval_days=14, window_days=3)
    supervision = _case(end_date=TODAY + datetime.timedelta(days=20))
    # when 60 days are scheduled
    created = check_ins_schedule(supervision=supervision, now=NOW, horizon_days=60)
    # then no window opens after the end date
    assert created == 2
    assert _windows(supervision) == _expected_windows(*_days(TODAY, 0, 14))


def test_check_ins_schedule_starts_on_a_future_start_date():
    # given a case starting in ten days
    ContactStandardFactory(check_in_interval_days=14, window_days=3)
    start = TODAY + datetime.timedelta(days=10)
    supervision = _case(start_date=start)
    # when 30 days are scheduled
    created = check_ins_schedule(supervision=supervision, now=NOW, horizon_days=30)
    # then the first window opens on the start date
    assert created == 2
    assert _windows(supervision) == _expected_windows(*_days(start, 0, 14))


def test_check_ins_schedule_never_schedules_windows_in_the_past():
    # given a case whose last scheduled check-in is 100 days old (it was inactive meanwhile)
    ContactStandardFactory(check_in_interval_days=14, window_days=3)
    supervision = _case(start_date=TODAY - datetime.timedelta(days=200))
    old_start = _local_midnight(TODAY - datetime.timedelta(days=100))
    CheckInFactory(
        supervision=supervision,
        window_start=old_start,
        due_at=old_start + datetime.timedelta(days=3),
        status=CheckInStatus.COMPLETED,
        completed_at=old_start,
    )
    # when the schedule runs again for 20 days
    created = check_ins_schedule(supervision=supervision, now=NOW, horizon_days=20)
    # then no window that is already closed is created: the schedule resumes from today
    new = CheckIn.objects.filter(supervision=supervision, status=CheckInStatus.SCHEDULED).order_by("window_start")
    assert created == 2
    assert [c.window_start.astimezone(LOCAL) for c in new] == [_local_midnight(d) for d in _days(TODAY, 0, 14)]


def test_check_ins_schedule_without_a_contact_standard_does_nothing():
    # given no contact standard for the case's level
    supervision = _case(level=SupervisionLevel.ADMINISTRATIVE)
    before = _rows()
    # when the schedule runs / then nothing happens
    assert check_ins_schedule(supervision=supervision, now=NOW, horizon_days=60) == 0
    assert _rows() == before
