"""The business rules in supervision/services/, one by one: what each does, and what each refuses.

A refused call changes nothing: the same rows, the same statuses, and no audit row.
"""

import datetime
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from kombu.exceptions import OperationalError

from agency.errors import ApplicationError
from agency.models import AuditEvent
from supervision.choices import (
    CheckInKind,
    CheckInStatus,
    ClosureReason,
    ComplianceStatus,
    DrugTestResult,
    ReferralKind,
    ReferralStatus,
    ReportRecommendation,
    ReportStatus,
    SupervisionLevel,
    SupervisionStatus,
    SupervisionType,
    ViolationKind,
    ViolationSeverity,
    ViolationStatus,
)
from supervision.models import (
    CaseNote,
    CheckIn,
    CommunityServiceEntry,
    Condition,
    DrugTest,
    DrugTestSubstanceResult,
    Referral,
    ReportDelivery,
    Supervision,
    Violation,
    ViolationReport,
)
from supervision.services import (
    case_note_add,
    check_in_complete,
    check_in_excuse,
    check_ins_schedule,
    community_service_log,
    contact_record,
    drug_test_record,
    referral_create,
    referral_status_update,
    report_delivery_deliver,
    supervision_open,
    violation_record,
    violation_report_approve,
    violation_report_draft,
    violation_report_return,
    violation_report_submit,
    violation_report_update,
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
    ConditionFactory,
    ConditionTypeFactory,
    ContactStandardFactory,
    DrugTestFactory,
    ParoleSupervisionFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("America/New_York")  # settings.TIME_ZONE
# A Monday in March, a week before the clocks change (8 March 2026).
NOW = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=LOCAL)
TODAY = NOW.date()
DELAY = "supervision.tasks.report_delivery_deliver_task.delay"

COUNTED_MODELS = (
    Supervision,
    CheckIn,
    DrugTest,
    DrugTestSubstanceResult,
    Violation,
    ViolationReport,
    ReportDelivery,
    CaseNote,
    Referral,
    CommunityServiceEntry,
    Condition,
    AuditEvent,
)


def _rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED_MODELS}


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=LOCAL)


def _windows(supervision: Supervision) -> list[tuple[datetime.datetime, datetime.datetime]]:
    rows = CheckIn.objects.filter(supervision=supervision).order_by("window_start")
    return [(c.window_start.astimezone(LOCAL), c.due_at.astimezone(LOCAL)) for c in rows]


def _expected_windows(*days: datetime.date, window_days: int = 3):
    return [(_local_midnight(d), _local_midnight(d + datetime.timedelta(days=window_days))) for d in days]


def _days(start: datetime.date, *offsets: int) -> list[datetime.date]:
    return [start + datetime.timedelta(days=o) for o in offsets]


def _audit(action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action)


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
    ContactStandardFactory(level=SupervisionLevel.HIGH, check_in_interval_days=7, window_days=2)
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


# --- check_in_complete, check_in_excuse, contact_record ------------------------------------------------


def test_check_in_complete_records_the_visit():
    # given a scheduled office check-in
    check_in = CheckInFactory()
    officer = check_in.supervision.officer
    happened = timezone.now() - datetime.timedelta(hours=1)
    # when the officer records it as a home visit
    check_in_complete(
        actor=officer,
        check_in=check_in,
        completed_at=happened,
        kind=CheckInKind.HOME_VISIT,
        location="12 Elm Street",
        notes="Employed, sober.",
    )
    # then it is completed, with who, when, where, and one audit row
    check_in.refresh_from_db()
    assert (check_in.status, check_in.completed_at, check_in.kind) == ("completed", happened, "home_visit")
    assert (check_in.location, check_in.notes, check_in.recorded_by) == ("12 Elm Street", "Employed, sober.", officer)
    event = _audit("check_in.completed")
    assert (event.actor, event.object_id, event.offender_id) == (
        officer,
        str(check_in.pk),
        check_in.supervision.offender_id,
    )


def test_check_in_complete_keeps_the_kind_when_none_is_given():
    # given a scheduled phone check-in
    check_in = CheckInFactory(kind=CheckInKind.PHONE)
    # when it is completed without a kind
    check_in_complete(actor=check_in.supervision.officer, check_in=check_in, completed_at=timezone.now())
    # then it stays a phone check-in
    check_in.refresh_from_db()
    assert (check_in.kind, check_in.status) == ("phone", "completed")


def _closed_check_in(status: str) -> CheckIn:
    extra = {
        CheckInStatus.COMPLETED: {"completed_at": timezone.now() - datetime.timedelta(days=1)},
        CheckInStatus.EXCUSED: {"excuse_reason": "In hospital"},
        CheckInStatus.MISSED: {},
    }[status]
    return CheckInFactory(status=status, **extra)


@pytest.mark.parametrize("status", [CheckInStatus.COMPLETED, CheckInStatus.MISSED, CheckInStatus.EXCUSED])
def test_check_in_complete_refuses_a_check_in_that_is_not_scheduled(status):
    # given a check-in that is already completed, missed or excused
    check_in = _closed_check_in(status)
    before_row, before = CheckIn.objects.values().get(pk=check_in.pk), _rows()
    # when it is completed / then it is refused and nothing changes
    with pytest.raises(ApplicationError, match="only a scheduled one can be recorded"):
        check_in_complete(actor=check_in.supervision.officer, check_in=check_in, completed_at=timezone.now())
    assert CheckIn.objects.values().get(pk=check_in.pk) == before_row
    assert _rows() == before


def test_check_in_complete_refuses_a_time_in_the_future():
    # given a scheduled check-in
    check_in = CheckInFactory()
    before = _rows()
    # when it is completed an hour from now / then it is refused and stays scheduled
    with pytest.raises(ValidationError) as refused:
        check_in_complete(
            actor=check_in.supervision.officer,
            check_in=check_in,
            completed_at=timezone.now() + datetime.timedelta(hours=1),
        )
    assert refused.value.message_dict == {"completed_at": ["A check-in cannot be recorded in the future."]}
    check_in.refresh_from_db()
    assert (check_in.status, check_in.completed_at, check_in.recorded_by) == ("scheduled", None, None)
    assert _rows() == before


def test_check_in_excuse_records_the_reason():
    # given a scheduled check-in
    check_in = CheckInFactory()
    officer = check_in.supervision.officer
    # when the officer excuses it
    check_in_excuse(actor=officer, check_in=check_in, reason="  Admitted to hospital  ")
    # then it is excused with the reason and audited
    check_in.refresh_from_db()
    assert (check_in.status, check_in.excuse_reason, check_in.recorded_by) == (
        "excused",
        "Admitted to hospital",
        officer,
    )
    assert _audit("check_in.excused").actor == officer


def test_check_in_excuse_requires_a_reason():
    # given a scheduled check-in
    check_in = CheckInFactory()
    before = _rows()
    # when it is excused without a reason / then it is refused and stays scheduled
    with pytest.raises(ValidationError) as refused:
        check_in_excuse(actor=check_in.supervision.officer, check_in=check_in, reason="   ")
    assert refused.value.message_dict == {"reason": ["Say why the check-in is excused."]}
    check_in.refresh_from_db()
    assert (check_in.status, check_in.excuse_reason) == ("scheduled", "")
    assert _rows() == before


@pytest.mark.parametrize("status", [CheckInStatus.COMPLETED, CheckInStatus.MISSED, CheckInStatus.EXCUSED])
def test_check_in_excuse_refuses_a_check_in_that_is_not_scheduled(status):
    # given a check-in that is no longer scheduled
    check_in = _closed_check_in(status)
    before_row, before = CheckIn.objects.values().get(pk=check_in.pk), _rows()
    # when it is excused / then it is refused and nothing changes
    with pytest.raises(ApplicationError, match="only a scheduled one can be recorded"):
        check_in_excuse(actor=check_in.supervision.officer, check_in=check_in, reason="Travel approved")
    assert CheckIn.objects.values().get(pk=check_in.pk) == before_row
    assert _rows() == before


def test_contact_record_saves_an_unscheduled_completed_contact():
    # given a case
    supervision = SupervisionFactory()
    officer = supervision.officer
    happened = timezone.now() - datetime.timedelta(minutes=30)
    # when the officer records an employer contact
    check_in = contact_record(
        actor=officer,
        supervision=supervision,
        kind=CheckInKind.EMPLOYER,
        occurred_at=happened,
        location="Acme Ltd",
        notes="Still employed.",
    )
    # then a completed, unscheduled check-in is saved and audited
    check_in.refresh_from_db()
    assert (check_in.origin, check_in.status, check_in.kind) == ("unscheduled", "completed", "employer")
    assert (check_in.completed_at, check_in.due_at, check_in.recorded_by) == (happened, happened, officer)
    assert (check_in.location, check_in.notes) == ("Acme Ltd", "Still employed.")
    event = _audit("check_in.contact_recorded")
    assert (event.actor, event.object_id, event.offender_id) == (officer, str(check_in.pk), supervision.offender_id)


@pytest.mark.parametrize(
    ("kind", "occurred_in", "field"),
    [
        (CheckInKind.PHONE, datetime.timedelta(hours=1), "occurred_at"),
        ("carrier_pigeon", -datetime.timedelta(hours=1), "kind"),
    ],
    ids=["future", "unknown_kind"],
)
def test_contact_record_refuses_bad_input(kind, occurred_in, field):
    # given a case
    supervision = SupervisionFactory()
    before = _rows()
    # when a contact in the future, or of an unknown kind, is recorded / then it is refused on that field
    with pytest.raises(ValidationError) as refused:
        contact_record(
            actor=supervision.officer,
            supervision=supervision,
            kind=kind,
            occurred_at=timezone.now() + occurred_in,
        )
    assert list(refused.value.message_dict) == [field]
    assert _rows() == before


# --- drug_test_record -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "result",
    [
        DrugTestResult.POSITIVE,
        DrugTestResult.DILUTE,
        DrugTestResult.ADULTERATED,
        DrugTestResult.REFUSED,
        DrugTestResult.NO_SHOW,
    ],
)
def test_drug_test_record_non_compliant_result_opens_one_technical_violation(result):
    # given a case
    supervision = SupervisionFactory()
    officer = supervision.officer
    collected = timezone.now() - datetime.timedelta(hours=3)
    # when a non-compliant result is recorded
    test = drug_test_record(actor=officer, supervision=supervision, collected_at=collected, result=result)
    # then exactly one open technical violation is linked to the test
    violation = Violation.objects.get()
    assert (violation.drug_test, violation.supervision, violation.check_in) == (test, supervision, None)
    assert (violation.kind, violation.severity, violation.status) == ("technical", "medium", "open")
    assert (violation.occurred_on, violation.recorded_by) == (timezone.localdate(collected), officer)
    label = test.get_result_display().lower()
    assert violation.description == f"Drug test on {timezone.localdate(collected):%Y-%m-%d}: {label}."
    # and the test and the violation are each audited once
    assert list(AuditEvent.objects.order_by("id").values_list("action", "actor", "object_type")) == [
        ("drug_test.recorded", officer.pk, "supervision.drugtest"),
        ("violation.recorded", officer.pk, "supervision.violation"),
    ]


def test_drug_test_record_positive_names_the_substances():
    # given a case
    supervision = SupervisionFactory()
    collected = timezone.now() - datetime.timedelta(hours=3)
    # when a positive test for cocaine and THC is recorded, with a negative opiates screen
    test = drug_test_record(
        actor=supervision.officer,
        supervision=supervision,
        collected_at=collected,
        result=DrugTestResult.POSITIVE,
        substance_results={"thc": "positive", "cocaine": "positive", "opiates": "negative"},
        reason="for_cause",
        specimen="oral_fluid",
    )
    # then the per-substance results are stored and the violation names the positives
    assert sorted(test.substance_results.values_list("substance", "result")) == [
        ("cocaine", "positive"),
        ("opiates", "negative"),
        ("thc", "positive"),
    ]
    assert (test.reason, test.specimen) == ("for_cause", "oral_fluid")
    assert Violation.objects.get().description == (
        f"Drug test on {timezone.localdate(collected):%Y-%m-%d}: positive (cocaine, thc)."
    )


def test_drug_test_record_negative_opens_no_violation():
    # given a case
    supervision = SupervisionFactory()
    # when a negative test is recorded
    test = drug_test_record(
        actor=supervision.officer,
        supervision=supervision,
        collected_at=timezone.now() - datetime.timedelta(hours=1),
        result=DrugTestResult.NEGATIVE,
        substance_results={"thc": "negative"},
    )
    # then the test is saved and audited, and no violation is opened
    assert DrugTest.objects.get() == test
    assert Violation.objects.count() == 0
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["drug_test.recorded"]


@pytest.mark.parametrize(
    ("result", "substances", "field", "message"),
    [
        (
            DrugTestResult.NEGATIVE,
            {"cocaine": "positive", "thc": "negative"},
            "result",
            "The result cannot be negative when cocaine tested positive.",
        ),
        (
            DrugTestResult.POSITIVE,
            {"cocaine": "negative"},
            "result",
            "A positive result needs at least one substance marked positive.",
        ),
        (DrugTestResult.POSITIVE, {"unobtainium": "positive"}, "substance", None),
        (DrugTestResult.NEGATIVE, {"thc": "trace"}, "result", None),
        ("inconclusive", {}, "result", None),
    ],
    ids=[
        "positive_substance_negative_result",
        "positive_without_substance",
        "unknown_substance",
        "bad_substance_result",
        "unknown_result",
    ],
)
def test_drug_test_record_refuses_inconsistent_results_and_creates_no_rows(result, substances, field, message):
    # given a case
    supervision = SupervisionFactory()
    before = _rows()
    # when an inconsistent or unknown result is recorded
    with pytest.raises(ValidationError) as refused:
        drug_test_record(
            actor=supervision.officer,
            supervision=supervision,
            collected_at=timezone.now() - datetime.timedelta(hours=1),
            result=result,
            substance_results=substances,
        )
    # then it is refused on the right field, and no test, result, violation or audit row exists
    assert field in refused.value.message_dict
    if message:
        assert refused.value.message_dict[field] == [message]
    assert _rows() == before


def test_drug_test_record_refuses_a_collection_in_the_future():
    # given a case
    supervision = SupervisionFactory()
    before = _rows()
    # when a test collected tomorrow is recorded / then it is refused
    with pytest.raises(ValidationError) as refused:
        drug_test_record(
            actor=supervision.officer,
            supervision=supervision,
            collected_at=timezone.now() + datetime.timedelta(days=1),
            result=DrugTestResult.REFUSED,
        )
    assert refused.value.message_dict == {"collected_at": ["A specimen cannot be collected in the future."]}
    assert _rows() == before


# --- violation_record ---------------------------------------------------------------------------------


def test_violation_record_links_its_source():
    # given a case with a missed check-in
    supervision = SupervisionFactory()
    check_in = CheckInFactory(supervision=supervision, status=CheckInStatus.MISSED)
    officer = supervision.officer
    # when the officer records a violation for it
    violation = violation_record(
        actor=officer,
        supervision=supervision,
        kind=ViolationKind.TECHNICAL,
        occurred_on=timezone.localdate(),
        description="Missed the office visit.",
        severity=ViolationSeverity.LOW,
        check_in=check_in,
    )
    # then it is saved, open, linked to the check-in, and audited for the person
    violation.refresh_from_db()
    assert (violation.check_in, violation.status, violation.severity, violation.recorded_by) == (
        check_in,
        "open",
        "low",
        officer,
    )
    event = _audit("violation.recorded")
    assert (event.actor, event.object_id, event.offender_id) == (officer, str(violation.pk), supervision.offender_id)


@pytest.mark.parametrize(
    ("source", "make"),
    [
        ("check_in", lambda: CheckInFactory(status=CheckInStatus.MISSED)),
        ("drug_test", lambda: DrugTestFactory(result=DrugTestResult.POSITIVE)),
        ("condition", lambda: ConditionFactory()),
    ],
)
def test_violation_record_refuses_a_source_from_another_case(source, make):
    # given a case, and a check-in / drug test / condition of another case
    supervision = SupervisionFactory()
    other = make()
    before = _rows()
    # when a violation of the first case is tied to it / then it is refused and nothing is written
    with pytest.raises(ValidationError) as refused:
        violation_record(
            actor=supervision.officer,
            supervision=supervision,
            kind=ViolationKind.TECHNICAL,
            occurred_on=timezone.localdate(),
            description="Wrong case.",
            **{source: other},
        )
    assert refused.value.message_dict == {source: [f"That {source.replace('_', ' ')} belongs to another case."]}
    assert _rows() == before


def test_violation_record_refuses_a_second_violation_for_the_same_check_in():
    # given a missed check-in that already has its violation
    supervision = SupervisionFactory()
    violation = ViolationFactory(
        supervision=supervision, check_in=CheckInFactory(supervision=supervision, status=CheckInStatus.MISSED)
    )
    before = _rows()
    # when another violation is recorded for it / then it is refused, not duplicated
    with pytest.raises(ValidationError):
        violation_record(
            actor=supervision.officer,
            supervision=supervision,
            kind=ViolationKind.TECHNICAL,
            occurred_on=timezone.localdate(),
            description="Again.",
            check_in=violation.check_in,
        )
    assert _rows() == before


def test_violation_record_refuses_a_date_in_the_future():
    supervision = SupervisionFactory()
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        violation_record(
            actor=supervision.officer,
            supervision=supervision,
            kind=ViolationKind.NEW_OFFENCE,
            occurred_on=timezone.localdate() + datetime.timedelta(days=1),
            description="Arrested.",
        )
    assert refused.value.message_dict == {"occurred_on": ["A violation cannot have happened in the future."]}
    assert _rows() == before


def test_violation_record_by_a_background_job_has_no_actor():
    # given a case
    supervision = SupervisionFactory()
    # when a job records an absconding violation
    violation = violation_record(
        actor=None,
        supervision=supervision,
        kind=ViolationKind.ABSCONDING,
        occurred_on=timezone.localdate(),
        description="No contact for 30 days.",
        system="absconder_sweep",
    )
    # then nobody is recorded as its author, and the job is named in the audit row
    assert violation.recorded_by is None
    event = _audit("violation.recorded")
    assert (event.actor, event.actor_label) == (None, "system:absconder_sweep")


# --- case notes, referrals, community service -----------------------------------------------------------


def test_case_note_add_saves_and_audits():
    supervision = SupervisionFactory()
    note = case_note_add(actor=supervision.officer, supervision=supervision, body="  Met at the office.  ")
    note.refresh_from_db()
    assert (note.body, note.author, note.is_voided) == ("Met at the office.", supervision.officer, False)
    assert _audit("case_note.added").offender_id == supervision.offender_id


def test_case_note_add_refuses_an_empty_note():
    supervision = SupervisionFactory()
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        case_note_add(actor=supervision.officer, supervision=supervision, body="   ")
    assert list(refused.value.message_dict) == ["body"]
    assert _rows() == before


def test_referral_create_and_status_update():
    # given a case
    supervision = SupervisionFactory()
    officer = supervision.officer
    referred_on = timezone.localdate() - datetime.timedelta(days=10)
    # when the officer refers the person to housing, and later records the enrolment
    referral = referral_create(
        actor=officer,
        supervision=supervision,
        kind=ReferralKind.HOUSING,
        provider="Hope House",
        referred_on=referred_on,
        notes="Waiting list.",
    )
    referral_status_update(
        actor=officer,
        referral=referral,
        status=ReferralStatus.ENROLLED,
        changed_on=referred_on + datetime.timedelta(days=5),
        notes="Bed assigned.",
    )
    # then the referral carries the new status, both notes, and two audit rows
    referral.refresh_from_db()
    assert (referral.kind, referral.provider, referral.referred_by) == ("housing", "Hope House", officer)
    assert (referral.status, referral.status_changed_on) == ("enrolled", referred_on + datetime.timedelta(days=5))
    assert referral.notes == "Waiting list.\nBed assigned."
    assert list(AuditEvent.objects.order_by("id").values_list("action", "detail")) == [
        ("referral.created", {}),
        ("referral.status_changed", {"status": "enrolled"}),
    ]


@pytest.mark.parametrize(
    ("status", "days_after", "field"),
    [("graduated", 1, "status"), (ReferralStatus.COMPLETED, -1, "changed_on")],
    ids=["unknown_status", "before_referral"],
)
def test_referral_status_update_refuses_bad_input(status, days_after, field):
    # given a referral
    supervision = SupervisionFactory()
    referral = referral_create(
        actor=supervision.officer,
        supervision=supervision,
        kind=ReferralKind.COUNSELLING,
        provider="Clinic",
        referred_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    before_row, before = Referral.objects.values().get(pk=referral.pk), _rows()
    # when an unknown status, or a change before the referral, is recorded / then it is refused
    with pytest.raises(ValidationError) as refused:
        referral_status_update(
            actor=supervision.officer,
            referral=referral,
            status=status,
            changed_on=referral.referred_on + datetime.timedelta(days=days_after),
        )
    assert list(refused.value.message_dict) == [field]
    assert Referral.objects.values().get(pk=referral.pk) == before_row
    assert _rows() == before


def _community_service(required: str) -> Condition:
    return ConditionFactory(
        condition_type=ConditionTypeFactory(code="community-service", tracks_hours=True),
        hours_required=Decimal(required),
    )


def test_community_service_hours_add_up_until_the_condition_is_satisfied():
    # given a condition of 10 hours of community service
    condition = _community_service("10")
    officer = condition.supervision.officer
    day = timezone.localdate() - datetime.timedelta(days=7)
    # when 4 and then 3.5 hours are logged
    community_service_log(actor=officer, condition=condition, performed_on=day, hours="4", organisation="Food bank")
    community_service_log(
        actor=officer, condition=condition, performed_on=day, hours=Decimal("3.5"), organisation="Park"
    )
    # then 7.5 hours are done and the condition is not yet satisfied
    condition.refresh_from_db()
    assert (condition.hours_completed, condition.compliance_status) == (Decimal("7.50"), "compliant")
    # when the last 2.5 hours are logged
    entry = community_service_log(
        actor=officer, condition=condition, performed_on=day, hours="2.5", organisation="Library"
    )
    # then the 10 hours are reached and the condition is satisfied
    condition.refresh_from_db()
    assert (condition.hours_completed, condition.compliance_status) == (Decimal("10.00"), ComplianceStatus.SATISFIED)
    assert (entry.hours, entry.recorded_by, entry.organisation) == (Decimal("2.5"), officer, "Library")
    events = AuditEvent.objects.filter(action="community_service.logged")
    assert events.count() == 3
    assert set(events.values_list("offender_id", flat=True)) == {condition.supervision.offender_id}


def test_community_service_refused_on_a_condition_that_does_not_track_hours():
    # given a curfew condition (no hours)
    condition = ConditionFactory(condition_type=ConditionTypeFactory(name="Curfew", tracks_hours=False))
    before = _rows()
    # when hours are logged against it / then it is refused and nothing changes
    with pytest.raises(ApplicationError, match="“Curfew” does not track community service hours"):
        community_service_log(
            actor=condition.supervision.officer,
            condition=condition,
            performed_on=timezone.localdate(),
            hours="2",
            organisation="Food bank",
        )
    condition.refresh_from_db()
    assert (condition.hours_completed, condition.compliance_status) == (Decimal("0"), "compliant")
    assert _rows() == before


def test_community_service_refuses_zero_hours():
    condition = _community_service("10")
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        community_service_log(
            actor=condition.supervision.officer,
            condition=condition,
            performed_on=timezone.localdate(),
            hours="0",
            organisation="Food bank",
        )
    assert list(refused.value.message_dict) == ["hours"]
    condition.refresh_from_db()
    assert condition.hours_completed == Decimal("0")
    assert _rows() == before


# --- violation reports ------------------------------------------------------------------------------------


@pytest.fixture
def probation():
    """A probation case, its officer, the unit's supervisor, and two open violations."""
    supervision = SupervisionFactory()
    supervisor = SupervisorFactory(unit=supervision.unit)
    violations = [ViolationFactory(supervision=supervision), ViolationFactory(supervision=supervision)]
    return supervision, supervision.officer, supervisor, violations


def _report_in(status: str, supervision: Supervision | None = None, **fields) -> ViolationReport:
    supervision = supervision or SupervisionFactory()
    return ViolationReportFactory(supervision=supervision, status=status, **fields)


def _snapshot(report: ViolationReport) -> dict:
    return ViolationReport.objects.values().get(pk=report.pk)


def test_violation_report_draft(probation):
    # given a case with two open violations
    supervision, officer, _, violations = probation
    # when the officer drafts a report from them
    report = violation_report_draft(
        actor=officer,
        supervision=supervision,
        violations=violations,
        narrative="  Two missed visits.  ",
        recommendation=ReportRecommendation.MODIFY_CONDITIONS,
    )
    # then a draft with no authority yet covers exactly those violations, which stay open
    report.refresh_from_db()
    assert (report.status, report.author, report.narrative) == ("draft", officer, "Two missed visits.")
    assert (report.court, report.parole_board) == (None, None)
    assert set(report.violations.all()) == set(violations)
    assert set(Violation.objects.values_list("status", flat=True)) == {"open"}
    event = _audit("violation_report.drafted")
    assert (event.actor, event.object_id, event.offender_id) == (officer, str(report.pk), supervision.offender_id)
    assert event.detail == {"violations": [v.pk for v in violations]}


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("none", "Select at least one violation for the report."),
        ("other_case", "belongs to another case."),
        ("already_reported", "is in a violation report: it cannot be reported."),
        ("resolved", "is resolved: it cannot be reported."),
    ],
)
def test_violation_report_draft_refuses_violations_it_cannot_cover(probation, which, message):
    # given a case, and a selection that is empty, from another case, or no longer reportable
    supervision, officer, _, violations = probation
    selection = {
        "none": [],
        "other_case": [violations[0], ViolationFactory()],
        "already_reported": [ViolationFactory(supervision=supervision, status=ViolationStatus.REPORTED)],
        "resolved": [ViolationFactory(supervision=supervision, status=ViolationStatus.RESOLVED)],
    }[which]
    before = _rows()
    # when a report is drafted from it / then it is refused and nothing is written
    with pytest.raises(ValidationError) as refused:
        violation_report_draft(
            actor=officer,
            supervision=supervision,
            violations=selection,
            narrative="Narrative.",
            recommendation=ReportRecommendation.CONTINUE,
        )
    assert message in refused.value.message_dict["violations"][0]
    assert _rows() == before


@pytest.mark.parametrize("make_actor", [CourtClerkFactory, IntegratorFactory], ids=["court_clerk", "integrator"])
def test_violation_report_draft_refuses_roles_that_do_not_write_reports(probation, make_actor):
    supervision, _, _, violations = probation
    before = _rows()
    with pytest.raises(ApplicationError, match="may not write violation reports") as refused:
        violation_report_draft(
            actor=make_actor(),
            supervision=supervision,
            violations=violations,
            narrative="Narrative.",
            recommendation=ReportRecommendation.CONTINUE,
        )
    assert refused.value.status_code == 403
    assert _rows() == before


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.RETURNED])
def test_violation_report_update_edits_a_draft_or_returned_report(probation, status):
    # given a draft or returned report covering one violation
    supervision, officer, _, violations = probation
    report = _report_in(status, supervision, violations=[violations[0]])
    # when the officer rewrites it and adds the second violation
    violation_report_update(
        actor=officer,
        report=report,
        narrative=" Revised. ",
        recommendation=ReportRecommendation.REVOKE,
        violations=violations,
    )
    # then the report carries the new text and both violations, in the same status
    report.refresh_from_db()
    assert (report.narrative, report.recommendation, report.status) == ("Revised.", "revoke", status)
    assert set(report.violations.all()) == set(violations)
    assert _audit("violation_report.updated").actor == officer


@pytest.mark.parametrize(
    "status",
    [
        ReportStatus.SUBMITTED,
        ReportStatus.APPROVED,
        ReportStatus.ROUTED,
        ReportStatus.RECEIVED,
        ReportStatus.HEARING_SCHEDULED,
        ReportStatus.DISPOSED,
    ],
)
def test_violation_report_update_refuses_a_report_past_drafting(status):
    # given a report that was submitted (or went further)
    supervision = SupervisionFactory()
    authority = {"court": supervision.court} if status != ReportStatus.SUBMITTED else {}
    if status == ReportStatus.DISPOSED:
        authority |= {"disposition": "continued", "disposition_on": timezone.localdate()}
    report = _report_in(status, supervision, **authority)
    snapshot, before = _snapshot(report), _rows()
    # when its author edits it / then it is refused with a conflict and nothing changes
    with pytest.raises(ApplicationError, match="cannot be edited") as refused:
        violation_report_update(actor=supervision.officer, report=report, narrative="Changed.", recommendation="revoke")
    assert refused.value.status_code == 409
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_violation_report_update_refuses_an_empty_selection(probation):
    supervision, officer, _, violations = probation
    report = _report_in(ReportStatus.DRAFT, supervision, violations=violations)
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ValidationError):
        violation_report_update(
            actor=officer, report=report, narrative="Changed.", recommendation="revoke", violations=[]
        )
    assert _snapshot(report) == snapshot
    assert set(report.violations.all()) == set(violations)
    assert _rows() == before


@pytest.mark.parametrize("make_actor", [CourtClerkFactory, IntegratorFactory], ids=["court_clerk", "integrator"])
def test_violation_report_update_refuses_roles_that_do_not_write_reports(probation, make_actor):
    # given a draft report
    supervision, _, _, _ = probation
    report = _report_in(ReportStatus.DRAFT, supervision)
    snapshot, before = _snapshot(report), _rows()
    # when a court clerk or an integrator edits it / then it is refused and nothing changes
    with pytest.raises(ApplicationError, match="may not edit violation reports") as refused:
        violation_report_update(actor=make_actor(), report=report, narrative="Changed.", recommendation="revoke")
    assert refused.value.status_code == 403
    assert _snapshot(report) == snapshot
    assert _rows() == before


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.RETURNED])
def test_violation_report_submit(probation, status):
    # given a draft (or a returned, revised) report
    supervision, officer, _, _ = probation
    report = _report_in(status, supervision)
    # when the officer submits it
    violation_report_submit(actor=officer, report=report)
    # then it waits for the supervisor, with the time it was submitted
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.submitted_at is not None
    assert _audit("violation_report.submitted").actor == officer


def test_violation_report_submit_refuses_a_report_already_submitted(probation):
    supervision, officer, _, _ = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision)
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ApplicationError, match="A report that is submitted to the supervisor cannot be submitted"):
        violation_report_submit(actor=officer, report=report)
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_violation_report_submit_refuses_a_court_clerk(probation):
    supervision, _, _, _ = probation
    report = _report_in(ReportStatus.DRAFT, supervision)
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ApplicationError, match="may not submit violation reports"):
        violation_report_submit(actor=CourtClerkFactory(court=supervision.court), report=report)
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_violation_report_return_with_a_comment(probation):
    # given a submitted report
    supervision, _, supervisor, _ = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision)
    # when the unit supervisor returns it with a comment
    violation_report_return(actor=supervisor, report=report, comment="  Add the test dates.  ")
    # then it goes back to the officer with the comment, and no authority
    report.refresh_from_db()
    assert (report.status, report.reviewed_by, report.review_comment) == (
        "returned",
        supervisor,
        "Add the test dates.",
    )
    assert report.reviewed_at is not None
    assert (report.court, report.parole_board) == (None, None)
    assert _audit("violation_report.returned").actor == supervisor


def test_violation_report_return_requires_a_comment(probation):
    supervision, _, supervisor, _ = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision)
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ValidationError) as refused:
        violation_report_return(actor=supervisor, report=report, comment="  ")
    assert refused.value.message_dict == {"comment": ["Tell the officer what to change."]}
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_violation_report_return_refuses_a_draft(probation):
    supervision, _, supervisor, _ = probation
    report = _report_in(ReportStatus.DRAFT, supervision)
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ApplicationError, match="cannot be returned") as refused:
        violation_report_return(actor=supervisor, report=report, comment="Why?")
    assert refused.value.status_code == 409
    assert _snapshot(report) == snapshot
    assert _rows() == before


def test_violation_report_return_refuses_another_units_supervisor(probation):
    supervision, _, _, _ = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision)
    snapshot, before = _snapshot(report), _rows()
    with pytest.raises(ApplicationError, match="Only the supervisor of the case's unit"):
        violation_report_return(actor=SupervisorFactory(), report=report, comment="Not mine.")
    assert _snapshot(report) == snapshot
    assert _rows() == before


@pytest.mark.parametrize(
    ("make_case", "authority_type"),
    [(SupervisionFactory, "court"), (ParoleSupervisionFactory, "parole_board")],
    ids=["probation", "parole"],
)
def test_violation_report_approve_routes_to_the_cases_authority(
    make_case, authority_type, django_capture_on_commit_callbacks
):
    # given a submitted report on a probation (or parole) case, and the unit's supervisor
    supervision = make_case()
    supervisor = SupervisorFactory(unit=supervision.unit)
    violations = [ViolationFactory(supervision=supervision), ViolationFactory(supervision=supervision)]
    report = _report_in(ReportStatus.SUBMITTED, supervision, violations=violations)
    # when the supervisor approves it
    with mock.patch(DELAY) as delay, django_capture_on_commit_callbacks(execute=True):
        violation_report_approve(actor=supervisor, report=report)
    # then the report is approved and takes its authority from the case: the court XOR the board
    report.refresh_from_db()
    assert (report.status, report.reviewed_by) == ("approved", supervisor)
    assert (report.court, report.parole_board) == (supervision.court, supervision.parole_board)
    assert (report.court is None) == (authority_type == "parole_board")
    # and exactly one pending delivery to that authority is recorded, and queued once
    delivery = ReportDelivery.objects.get()
    assert (delivery.report, delivery.court, delivery.parole_board) == (
        report,
        supervision.court,
        supervision.parole_board,
    )
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    delay.assert_called_once_with(delivery.pk)
    # and the covered violations are now reported
    assert set(Violation.objects.values_list("status", flat=True)) == {"reported"}
    # and the approval is audited with the authority
    event = _audit("violation_report.approved")
    authority = supervision.court or supervision.parole_board
    assert (event.actor, event.object_id, event.offender_id) == (supervisor, str(report.pk), supervision.offender_id)
    assert event.detail == {"authority": {"type": authority_type, "id": authority.pk}}


def test_violation_report_approve_queues_the_delivery_only_after_commit(probation, django_capture_on_commit_callbacks):
    # given a submitted report
    supervision, _, supervisor, violations = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision, violations=violations)
    with mock.patch(DELAY) as delay:
        # when it is approved, before the transaction commits
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            violation_report_approve(actor=supervisor, report=report)
        # then nothing is queued yet
        assert delay.call_count == 0
        assert len(callbacks) == 1
        # when the transaction commits
        callbacks[0]()
    # then the delivery is queued exactly once
    delay.assert_called_once_with(ReportDelivery.objects.get().pk)


def test_violation_report_approve_survives_a_broker_that_is_down(probation, django_capture_on_commit_callbacks):
    # given a submitted report, and a broker that refuses connections
    supervision, _, supervisor, violations = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision, violations=violations)
    # when it is approved
    with (
        mock.patch(DELAY, side_effect=OperationalError("Error 111 connecting to redis")) as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        violation_report_approve(actor=supervisor, report=report)
    # then the approval stands, with its delivery pending for the periodic sweep
    assert delay.call_count == 1
    report.refresh_from_db()
    assert report.status == "approved"
    assert ReportDelivery.objects.get().status == "pending"
    assert AuditEvent.objects.filter(action="violation_report.approved").count() == 1


def _refused_approval(report: ViolationReport, actor, match: str, status_code: int, capture) -> None:
    snapshot, before = _snapshot(report), _rows()
    violation_statuses = sorted(report.violations.values_list("status", flat=True))
    with (
        mock.patch(DELAY) as delay,
        capture(execute=True) as callbacks,
        pytest.raises(ApplicationError, match=match) as refused,
    ):
        violation_report_approve(actor=actor, report=report)
    assert refused.value.status_code == status_code
    assert _snapshot(report) == snapshot
    assert sorted(report.violations.values_list("status", flat=True)) == violation_statuses
    assert _rows() == before
    assert callbacks == []
    assert delay.call_count == 0


def test_violation_report_approve_refuses_the_officer(probation, django_capture_on_commit_callbacks):
    supervision, officer, _, violations = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision, violations=violations)
    _refused_approval(report, officer, "may not review violation reports", 403, django_capture_on_commit_callbacks)


def test_violation_report_approve_refuses_another_units_supervisor(probation, django_capture_on_commit_callbacks):
    supervision, _, _, violations = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision, violations=violations)
    _refused_approval(
        report, SupervisorFactory(), "Only the supervisor of the case's unit", 403, django_capture_on_commit_callbacks
    )


def test_violation_report_approve_refuses_the_supervisor_who_wrote_it(probation, django_capture_on_commit_callbacks):
    supervision, _, supervisor, violations = probation
    report = _report_in(ReportStatus.SUBMITTED, supervision, violations=violations, author=supervisor)
    _refused_approval(report, supervisor, "cannot review a report you wrote", 403, django_capture_on_commit_callbacks)


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.RETURNED, ReportStatus.APPROVED])
def test_violation_report_approve_refuses_a_report_not_submitted(probation, status, django_capture_on_commit_callbacks):
    supervision, _, supervisor, violations = probation
    authority = {"court": supervision.court} if status == ReportStatus.APPROVED else {}
    report = _report_in(status, supervision, violations=violations, **authority)
    _refused_approval(report, supervisor, "cannot be approved", 409, django_capture_on_commit_callbacks)


# --- report_delivery_deliver -------------------------------------------------------------------------------


def _approved(make_case=SupervisionFactory) -> ReportDelivery:
    supervision = make_case()
    report = _report_in(ReportStatus.SUBMITTED, supervision)
    with mock.patch(DELAY):
        violation_report_approve(actor=SupervisorFactory(unit=supervision.unit), report=report)
    return ReportDelivery.objects.get(report=report)


@pytest.mark.parametrize("make_case", [SupervisionFactory, ParoleSupervisionFactory], ids=["probation", "parole"])
def test_report_delivery_deliver_routes_and_emails_the_authority(make_case):
    # given an approved report with its pending delivery
    delivery = _approved(make_case)
    report, supervision = delivery.report, delivery.report.supervision
    address = supervision.court.clerk_email if supervision.court else supervision.parole_board.email
    # when the delivery job runs
    delivered = report_delivery_deliver(delivery_id=delivery.pk)
    # then the report is in the authority's inbox and the authority was emailed once
    assert delivered is True
    report.refresh_from_db()
    assert report.status == "routed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 1, "")
    assert delivery.delivered_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [address]
    assert mail.outbox[0].subject == f"Violation report #{report.pk} for docket {supervision.docket_number}"
    # and the routing is audited as the job's work
    event = _audit("violation_report.routed")
    assert (event.actor, event.actor_label, event.object_id) == (None, "system:deliver_reports", str(report.pk))


def test_report_delivery_deliver_is_idempotent():
    # given a delivery already made
    delivery = _approved()
    assert report_delivery_deliver(delivery_id=delivery.pk) is True
    delivered = ReportDelivery.objects.values().get(pk=delivery.pk)
    snapshot, before = _snapshot(delivery.report), _rows()
    # when the job runs again (a retry, a duplicate message)
    again = report_delivery_deliver(delivery_id=delivery.pk)
    # then it does nothing: no second email, no change, no audit row
    assert again is False
    assert len(mail.outbox) == 1
    assert ReportDelivery.objects.values().get(pk=delivery.pk) == delivered
    assert _snapshot(delivery.report) == snapshot
    assert _rows() == before


def test_report_delivery_deliver_unknown_delivery_does_nothing():
    before = _rows()
    assert report_delivery_deliver(delivery_id=999_999) is False
    assert mail.outbox == []
    assert _rows() == before


def test_report_delivery_deliver_without_an_address_still_routes():
    # given a court with no clerk email
    delivery = _approved(lambda: SupervisionFactory(court=CourtFactory(clerk_email="")))
    # when the job runs
    assert report_delivery_deliver(delivery_id=delivery.pk) is True
    # then the report is in the court's inbox, and no email was sent
    delivery.report.refresh_from_db()
    assert delivery.report.status == "routed"
    assert mail.outbox == []
