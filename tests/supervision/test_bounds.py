"""The domain bounds (supervision/bounds.py, offenders/bounds.py) in the services and the models: when a
case's events can have happened, how far ahead a hearing can be set, a supervision's dates, a plausible
date of birth, and the maximum length of every free text. Out of range is a ValidationError on the
field, before any date arithmetic (never an OverflowError), and nothing is stored."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from agency.models import AuditEvent
from offenders.bounds import OLDEST_AGE, YOUNGEST_AGE, years_after
from offenders.models import Offender
from offenders.services import offender_create
from supervision import bounds
from supervision.choices import CheckInKind, ReportStatus, SupervisionType
from supervision.models import (
    CaseNote,
    CheckIn,
    CommunityServiceEntry,
    DrugTest,
    Referral,
    Supervision,
    Violation,
    ViolationReport,
)
from supervision.services import (
    case_note_add,
    check_in_complete,
    check_in_excuse,
    community_service_log,
    contact_record,
    drug_test_record,
    referral_create,
    referral_status_update,
    supervision_open,
    violation_record,
    violation_report_dispose,
    violation_report_schedule_hearing,
)
from tests.agency.factories import CourtClerkFactory, CourtFactory, OfficerFactory, SupervisorFactory
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import (
    CheckInFactory,
    ConditionFactory,
    ConditionTypeFactory,
    ReferralFactory,
    SupervisionFactory,
    ViolationReportFactory,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
COUNTED = (Offender, Supervision, CheckIn, DrugTest, CaseNote, Referral, CommunityServiceEntry, Violation)


def _rows() -> dict:
    return {
        **{model.__name__: model.objects.count() for model in COUNTED},
        "audit": AuditEvent.objects.count(),
        "check_ins": list(CheckIn.objects.order_by("pk").values_list("status", "completed_at", "excuse_reason")),
        "reports": list(ViolationReport.objects.order_by("pk").values_list("status", "hearing_at", "disposition")),
        "referrals": list(Referral.objects.order_by("pk").values_list("status", "status_changed_on", "notes")),
    }


def _refused(call, **kwargs) -> dict[str, list[str]]:
    """Call a service that must refuse; its errors by field. Nothing may have changed."""
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        call(**kwargs)
    assert _rows() == before
    return refused.value.message_dict


def _before_case(case: Supervision) -> str:
    return f"This is before the supervision began ({case.start_date:%b %d, %Y})."


def _received(case: Supervision) -> tuple[ViolationReport, object]:
    clerk = CourtClerkFactory(court=case.court)
    report = ViolationReportFactory(
        supervision=case,
        status=ReportStatus.RECEIVED,
        court=case.court,
        submitted_at=timezone.now() - datetime.timedelta(days=3),
        reviewed_by=SupervisorFactory(unit=case.unit),
        reviewed_at=timezone.now() - datetime.timedelta(days=2),
        received_at=timezone.now() - datetime.timedelta(hours=1),
        received_by=clerk,
    )
    return report, clerk


# --- The module's arithmetic --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (datetime.date(2024, 2, 29), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2024, 2, 29), 4, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 7, 1), -110, datetime.date(1916, 7, 1)),
        (datetime.date(9990, 1, 1), 60, datetime.date.max),
        (datetime.date(50, 1, 1), -110, datetime.date.min),
    ],
)
def test_years_after_keeps_the_calendar_and_its_ends(day, years, expected):
    assert years_after(day, years) == expected


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime.min.replace(tzinfo=UTC),
        datetime.datetime.max.replace(tzinfo=UTC),
        datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=23, minutes=59))),
        datetime.datetime(9999, 12, 31, 23, 59, tzinfo=datetime.timezone(-datetime.timedelta(hours=23, minutes=59))),
    ],
)
def test_the_bounds_of_a_moment_at_the_calendars_ends_are_messages_not_overflows(moment):
    # given a case that began this year
    start = timezone.localdate() - datetime.timedelta(days=30)
    # when a moment at an end of the calendar is checked / then it is out of range, with a message
    assert bounds.past_moment_error(moment, case_start=start, future="Not yet.") in (
        "Not yet.",
        bounds.before_case(start),
    )
    assert bounds.ahead_moment_error(moment, case_start=start) is not None


def test_every_free_text_of_the_case_and_the_person_has_one_maximum_length_in_its_model():
    # given every text field of the two apps (historical copies aside)
    from django.apps import apps

    texts = [
        field
        for app in ("supervision", "offenders")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
    ]
    # then each declares its maximum, and full_clean enforces that maximum
    assert len(texts) >= 12
    for field in texts:
        if field.model.__name__ == "ReportDelivery":  # the delivery's error text is the delivery engineer's
            continue
        assert field.max_length, field
        assert any(getattr(v, "limit_value", None) == field.max_length for v in field.validators), field
        with pytest.raises(ValidationError):
            field.clean("x" * (field.max_length + 1), None)


# --- Events that happened: on or after the case began, not after now (plus the clock skew) -------------


def test_a_contact_at_the_first_moment_of_the_calendar_is_a_field_error_not_an_overflow():
    # given a case
    case = SupervisionFactory()
    # when a contact is recorded at 0001-01-01 00:00 (UTC) / then it is refused on occurred_at
    errors = _refused(
        contact_record,
        actor=case.officer,
        supervision=case,
        kind=CheckInKind.PHONE,
        occurred_at=datetime.datetime.min.replace(tzinfo=UTC),
    )
    assert errors == {"occurred_at": [_before_case(case)]}


@pytest.mark.parametrize(
    "completed_at",
    [
        datetime.datetime(683, 5, 1, 10, 0, tzinfo=UTC),
        "the day before the case",
        "one minute before the case",
    ],
)
def test_a_check_in_completed_before_the_case_began_is_refused(completed_at):
    # given a scheduled check-in of a case
    check_in = CheckInFactory()
    case = check_in.supervision
    start = bounds.day_start(case.start_date)
    completed_at = {
        "the day before the case": start - datetime.timedelta(days=1),
        "one minute before the case": start - datetime.timedelta(minutes=1),
    }.get(completed_at, completed_at)
    # when / then
    errors = _refused(check_in_complete, actor=case.officer, check_in=check_in, completed_at=completed_at)
    assert errors == {"completed_at": [_before_case(case)]}


def test_a_check_in_at_the_case_start_or_within_the_clock_skew_is_recorded():
    # given two scheduled check-ins of one case
    case = SupervisionFactory()
    first, second = CheckInFactory(supervision=case), CheckInFactory(supervision=case, kind=CheckInKind.PHONE)
    # when one is completed at the first moment of the case and one a little ahead of the server's clock
    at_start = bounds.day_start(case.start_date)
    ahead = timezone.now() + bounds.CLOCK_SKEW - datetime.timedelta(seconds=5)
    check_in_complete(actor=case.officer, check_in=first, completed_at=at_start)
    check_in_complete(actor=case.officer, check_in=second, completed_at=ahead)
    # then both are recorded
    assert list(CheckIn.objects.filter(supervision=case).order_by("pk").values_list("completed_at", flat=True)) == [
        at_start,
        ahead,
    ]


def test_a_drug_test_collected_before_the_case_began_is_refused():
    case = SupervisionFactory()
    errors = _refused(
        drug_test_record,
        actor=case.officer,
        supervision=case,
        collected_at=bounds.day_start(case.start_date) - datetime.timedelta(hours=1),
        result="negative",
    )
    assert errors == {"collected_at": [_before_case(case)]}


def test_a_violation_before_the_case_began_or_in_the_future_is_refused():
    case = SupervisionFactory()
    common = {"actor": case.officer, "supervision": case, "kind": "technical", "description": "Curfew."}
    before = _refused(violation_record, occurred_on=case.start_date - datetime.timedelta(days=1), **common)
    future = _refused(violation_record, occurred_on=timezone.localdate() + datetime.timedelta(days=1), **common)
    assert before == {"occurred_on": [_before_case(case)]}
    assert future == {"occurred_on": ["A violation cannot have happened in the future."]}


@pytest.mark.parametrize(
    ("offset", "message"),
    [(-1, "before"), (1, "A referral cannot be dated in the future.")],
)
def test_a_referral_before_the_case_or_in_the_future_is_refused(offset, message):
    case = SupervisionFactory()
    day = (case.start_date if offset < 0 else timezone.localdate()) + datetime.timedelta(days=offset)
    errors = _refused(
        referral_create, actor=case.officer, supervision=case, kind="counselling", provider="Hope", referred_on=day
    )
    assert errors == {"referred_on": [_before_case(case) if message == "before" else message]}


def test_a_referral_status_cannot_change_on_a_future_day():
    # given a referral (before: the service stored a change dated next year)
    referral = ReferralFactory(referred_on=timezone.localdate() - datetime.timedelta(days=10))
    # when / then
    errors = _refused(
        referral_status_update,
        actor=referral.referred_by,
        referral=referral,
        status="enrolled",
        changed_on=timezone.localdate() + datetime.timedelta(days=365),
    )
    assert errors == {"changed_on": ["A status cannot change on a day in the future."]}


def test_a_referral_whose_notes_would_grow_past_their_maximum_is_refused_on_notes():
    referral = ReferralFactory(notes="n" * (bounds.NOTE_MAX_LENGTH - 10))
    errors = _refused(
        referral_status_update,
        actor=referral.referred_by,
        referral=referral,
        status="enrolled",
        changed_on=timezone.localdate(),
        notes="Enrolled on Monday.",
    )
    assert errors == {"notes": [f"Ensure this value has at most {bounds.NOTE_MAX_LENGTH} characters (it has 10010)."]}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("performed_on", "before the case", "before"),
        ("performed_on", "tomorrow", "Hours cannot be logged for a day in the future."),
        ("hours", Decimal("24.25"), "Ensure this value is less than or equal to 24."),
    ],
)
def test_community_service_out_of_range_is_refused(field, value, message):
    # given a condition that tracks hours (before: 24.25 hours on one day were stored by the service)
    condition = ConditionFactory(condition_type=ConditionTypeFactory(tracks_hours=True), hours_required=Decimal(40))
    case = condition.supervision
    values = {"performed_on": timezone.localdate() - datetime.timedelta(days=1), "hours": Decimal("4")}
    values[field] = {
        "before the case": case.start_date - datetime.timedelta(days=1),
        "tomorrow": timezone.localdate() + datetime.timedelta(days=1),
    }.get(value, value)
    # when / then
    errors = _refused(
        community_service_log, actor=case.officer, condition=condition, organisation="Food bank", **values
    )
    assert errors == {field: [_before_case(case) if message == "before" else message]}


def test_a_note_can_be_written_on_a_case_opened_ahead_of_its_start_but_not_dated_before_it_was_opened():
    # given a case opened today that begins next month (a release being planned)
    case = SupervisionFactory(start_date=timezone.localdate() + datetime.timedelta(days=30))
    # when the officer writes a note today / then it is added
    note = case_note_add(actor=case.officer, supervision=case, body="Home plan visit booked.")
    assert note.supervision == case
    # and a note dated before the case was opened is out of bounds
    note.created_at = case.created_at - datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as refused:
        note.full_clean()
    assert refused.value.message_dict == {"created_at": [_before_case_opened(case)]}


def _before_case_opened(case: Supervision) -> str:
    return f"This is before the case was opened ({timezone.localdate(case.created_at):%b %d, %Y})."


# --- Lengths ---------------------------------------------------------------------------------------------


def test_a_90000_character_drug_test_note_is_refused_on_notes():
    case = SupervisionFactory()
    errors = _refused(
        drug_test_record,
        actor=case.officer,
        supervision=case,
        collected_at=timezone.now(),
        result="negative",
        notes="x" * 90_000,
    )
    assert errors == {"notes": [f"Ensure this value has at most {bounds.NOTE_MAX_LENGTH} characters (it has 90000)."]}


def test_a_case_note_one_character_over_its_maximum_is_refused_and_one_at_it_is_added():
    case = SupervisionFactory()
    limit = bounds.CASE_NOTE_MAX_LENGTH
    errors = _refused(case_note_add, actor=case.officer, supervision=case, body="b" * (limit + 1))
    note = case_note_add(actor=case.officer, supervision=case, body="b" * limit)
    assert errors == {"body": [f"Ensure this value has at most {limit} characters (it has {limit + 1})."]}
    assert len(note.body) == limit


def test_an_excuse_longer_than_its_field_is_a_field_error_not_a_database_error():
    check_in = CheckInFactory()
    errors = _refused(check_in_excuse, actor=check_in.supervision.officer, check_in=check_in, reason="r" * 301)
    assert errors == {"reason": ["Ensure this value has at most 300 characters (it has 301)."]}


# --- Hearings: in the future, at most three years ahead ----------------------------------------------------


@pytest.mark.parametrize(
    "hearing_at",
    [
        datetime.datetime(9999, 12, 31, 23, 0, tzinfo=timezone.get_current_timezone()),
        datetime.datetime.max.replace(tzinfo=UTC),
        "three years and a day",
    ],
)
def test_a_hearing_beyond_three_years_is_refused(hearing_at):
    # given a received report
    report, clerk = _received(SupervisionFactory())
    if hearing_at == "three years and a day":
        hearing_at = bounds.schedule_horizon(timezone.now()) + datetime.timedelta(days=1)
    # when / then
    errors = _refused(violation_report_schedule_hearing, actor=clerk, report=report, hearing_at=hearing_at)
    assert errors == {"hearing_at": ["This is more than 3 years ahead: check the year."]}


def test_a_hearing_just_within_three_years_is_scheduled():
    report, clerk = _received(SupervisionFactory())
    hearing_at = bounds.schedule_horizon(timezone.now()) - datetime.timedelta(minutes=1)
    violation_report_schedule_hearing(actor=clerk, report=report, hearing_at=hearing_at, location="Room 1")
    report.refresh_from_db()
    assert (report.status, report.hearing_at) == (ReportStatus.HEARING_SCHEDULED, hearing_at)


def test_a_disposition_note_longer_than_its_maximum_is_refused_on_note():
    report, clerk = _received(SupervisionFactory())
    errors = _refused(violation_report_dispose, actor=clerk, report=report, disposition="continued", note="d" * 10_001)
    assert errors == {"note": ["Ensure this value has at most 10000 characters (it has 10001)."]}


# --- A supervision's dates --------------------------------------------------------------------------------


def _open(**changes):
    officer = OfficerFactory()
    values = {
        "actor": SupervisorFactory(unit=officer.unit),
        "offender": OffenderFactory(date_of_birth=datetime.date(1990, 4, 12)),
        "supervision_type": SupervisionType.PROBATION,
        "court": CourtFactory(),
        "docket_number": "CR-2026-00001",
        "offense": "Theft",
        "start_date": timezone.localdate(),
        "end_date": timezone.localdate() + datetime.timedelta(days=365),
        "officer": officer,
    }
    return values | changes


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"start_date": datetime.date(1, 1, 1), "end_date": datetime.date(9999, 12, 31)},
            {
                "start_date": [
                    "A supervision cannot begin more than 60 years ago: check the year.",
                    "This person was not yet born on that day: check the start date or the date of birth.",
                ],
                "end_date": ["A supervision runs at most 60 years: check the end date."],
            },
        ),
        (
            {"start_date": "in two years", "end_date": "in three years"},
            {"start_date": ["A supervision cannot begin more than a year from now: check the year."]},
        ),
        ({"end_date": "yesterday"}, {"end_date": ["The end date cannot be before the start date."]}),
        (
            {"offender": "aged 12"},
            {"start_date": ["This person was 12 on that day; a person under supervision is at least 14."]},
        ),
    ],
    ids=["year_1_to_9999", "far_ahead", "end_before_start", "a_child"],
)
def test_supervision_open_refuses_dates_out_of_range(changes, errors):
    today = timezone.localdate()
    named = {
        "in two years": years_after(today, 2),
        "in three years": years_after(today, 3),
        "yesterday": today - datetime.timedelta(days=1),
        "aged 12": OffenderFactory(date_of_birth=years_after(today, -12)),
    }
    values = _open(
        **{name: named.get(value, value) if isinstance(value, str) else value for name, value in changes.items()}
    )
    assert _refused(supervision_open, **values) == errors


def test_supervision_open_takes_a_sixty_year_term_beginning_sixty_years_ago():
    today = timezone.localdate()
    start = years_after(today, -60)
    supervision = supervision_open(
        **_open(
            offender=OffenderFactory(date_of_birth=years_after(start, -20)),
            start_date=start,
            end_date=years_after(start, 60),
        )
    )
    assert (supervision.start_date, supervision.end_date) == (start, years_after(start, 60))


# --- Dates of birth: 14 to 110 years old ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age_in_days", "message"),
    [
        ("0001-01-01", f"A date of birth more than {OLDEST_AGE} years ago is not plausible: check the year."),
        ("9999-12-31", f"A person under supervision is at least {YOUNGEST_AGE} years old: check the date of birth."),
        ("14 less a day", f"A person under supervision is at least {YOUNGEST_AGE} years old: check the date of birth."),
        ("110 and a day", f"A date of birth more than {OLDEST_AGE} years ago is not plausible: check the year."),
    ],
)
def test_offender_create_refuses_an_implausible_date_of_birth(age_in_days, message):
    today = timezone.localdate()
    born = {
        "0001-01-01": datetime.date.min,
        "9999-12-31": datetime.date.max,
        "14 less a day": years_after(today, -YOUNGEST_AGE) + datetime.timedelta(days=1),
        "110 and a day": years_after(today, -OLDEST_AGE) - datetime.timedelta(days=1),
    }[age_in_days]
    errors = _refused(offender_create, actor=OfficerFactory(), first_name="A", last_name="B", date_of_birth=born)
    assert errors == {"date_of_birth": [message]}


def test_offender_create_takes_a_person_of_14_and_one_of_110():
    today, actor = timezone.localdate(), OfficerFactory()
    young = offender_create(actor=actor, first_name="Y", last_name="Z", date_of_birth=years_after(today, -14))
    old = offender_create(actor=actor, first_name="O", last_name="Z", date_of_birth=years_after(today, -110))
    assert (young.date_of_birth, old.date_of_birth) == (years_after(today, -14), years_after(today, -110))


def test_a_person_registered_at_109_can_still_be_saved_when_older_than_110():
    # given a person registered at 109 years old, ten years ago
    registered = timezone.now() - datetime.timedelta(days=3653)
    person = OffenderFactory(date_of_birth=years_after(timezone.localdate(), -119))
    Offender.objects.filter(pk=person.pk).update(created_at=registered)
    person.refresh_from_db()
    # when the record is validated today / then the bound is the one of the day they were registered
    person.full_clean()


# --- The demo's rows keep the bounds ---------------------------------------------------------------------------


def test_every_row_the_demo_seeder_writes_keeps_the_bounds(as_database_owner):
    # given a small demo, written with COPY (no service, no full_clean) by the owner, as `make run` seeds
    from io import StringIO

    from django.core.management import call_command

    with as_database_owner():
        call_command("seed_demo", offenders=60, seed=7, password="demo-password", stdout=StringIO(), stderr=StringIO())
    # when every case record and person is validated as a service would / then none is out of bounds
    failures = []
    for model in (Offender, Supervision, CheckIn, DrugTest, CaseNote, Referral, CommunityServiceEntry, Violation):
        for row in model.objects.all():
            try:
                row.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                failures.append((model.__name__, row.pk, error.message_dict))
    for row in ViolationReport.objects.select_related("supervision"):
        try:
            row.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            failures.append(("ViolationReport", row.pk, error.message_dict))
    assert failures == []
