"""Contact standards by level, supervision type and status: which standard a case follows, the first-contact
deadline, home visits, record checks for inactive probation, re-plans, a missing standard, the data
migration and the standard's own rules."""

import datetime
import importlib
from unittest import mock

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from supervision.choices import CheckInKind, CheckInStatus, SupervisionLevel, SupervisionStatus, SupervisionType
from supervision.models import CheckIn, CheckInPlan, ContactStandard, Violation
from supervision.services import check_ins_flag_missed, check_ins_schedule, check_ins_schedule_all
from supervision.services.case_changes import supervision_change_level
from supervision.services.scheduling import NOT_ACTIVE_REASON, REPLAN_REASON, check_ins_replan
from tests.supervision.factories import (
    ContactStandardFactory,
    InactiveContactStandardFactory,
    ParoleContactStandardFactory,
    ParoleSupervisionFactory,
    SupervisionFactory,
)

NOW = timezone.make_aware(datetime.datetime(2026, 11, 23, 12, 0))
TODAY = timezone.localdate(NOW)
LATER = NOW + datetime.timedelta(hours=1)

# The clock stands still at NOW: the factories, the history rows and the services all see the same time.
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture(autouse=True)
def horizon(settings):
    settings.CASELINE = {**settings.CASELINE, "CHECK_IN_HORIZON_DAYS": 60}


def plan(supervision, **filters) -> list[tuple[str, int, int]]:
    """(kind, days from today to the window's opening, days the window stays open) of the scheduled check-ins."""
    check_ins = CheckIn.objects.filter(supervision=supervision, status=CheckInStatus.SCHEDULED, **filters)
    return [
        (
            c.kind,
            (timezone.localdate(c.window_start) - TODAY).days,
            (timezone.localdate(c.due_at) - timezone.localdate(c.window_start)).days,
        )
        for c in check_ins.order_by("window_start", "kind")
    ]


def office(*days: int, window: int = 3) -> list[tuple[str, int, int]]:
    return [(CheckInKind.OFFICE, day, window) for day in days]


# --- Which standard ---------------------------------------------------------------------------------------


def test_each_case_follows_the_standard_of_its_level_type_and_status():
    # given: medium probation every 14 days, medium parole every 7, high probation every 10
    ContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=14)
    ParoleContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=7)
    ContactStandardFactory(level=SupervisionLevel.HIGH, check_in_interval_days=10)
    probation = SupervisionFactory(level=SupervisionLevel.MEDIUM)
    parole = ParoleSupervisionFactory(level=SupervisionLevel.MEDIUM)
    high = SupervisionFactory(level=SupervisionLevel.HIGH)
    # when
    counts = check_ins_schedule_all(now=NOW)
    # then
    assert plan(probation) == office(0, 14, 28, 42, 56)
    assert plan(parole) == office(0, 7, 14, 21, 28, 35, 42, 49, 56)
    assert plan(high) == office(0, 10, 20, 30, 40, 50, 60)
    assert counts == {"supervisions": 3, "scheduled": 21, "replanned": 0, "excused": 0}


def test_an_inactive_probation_case_gets_the_inactive_standard_a_record_check():
    # given: the active standard (office visits) and the inactive one (a record check every 30 days)
    ContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=14)
    InactiveContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=30, window_days=14)
    inactive = SupervisionFactory(level=SupervisionLevel.MEDIUM, status=SupervisionStatus.INACTIVE)
    # when: twice (idempotent)
    first = check_ins_schedule_all(now=NOW)
    second = check_ins_schedule_all(now=LATER)
    # then
    assert plan(inactive) == [(CheckInKind.RECORD_CHECK, day, 14) for day in (0, 30, 60)]
    assert first == {"supervisions": 1, "scheduled": 3, "replanned": 0, "excused": 0}
    assert second == {"supervisions": 1, "scheduled": 0, "replanned": 0, "excused": 0}
    assert CheckInPlan.objects.get(supervision=inactive).status == SupervisionStatus.INACTIVE


def test_a_case_made_inactive_trades_its_office_visits_for_record_checks():
    # given: planned while active, then made inactive
    ContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=14)
    InactiveContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=30)
    supervision = SupervisionFactory(level=SupervisionLevel.MEDIUM)
    check_ins_schedule_all(now=NOW)
    supervision.status = SupervisionStatus.INACTIVE
    supervision.save()
    # when
    counts = check_ins_schedule_all(now=LATER)
    # then: the window already open stays; the future office visits are stood down; record checks planned
    excused = CheckIn.objects.filter(supervision=supervision, status=CheckInStatus.EXCUSED)
    assert plan(supervision) == [
        (CheckInKind.OFFICE, 0, 3),
        (CheckInKind.RECORD_CHECK, 0, 14),
        (CheckInKind.RECORD_CHECK, 30, 14),
        (CheckInKind.RECORD_CHECK, 60, 14),
    ]
    assert {c.excuse_reason for c in excused} == {NOT_ACTIVE_REASON}
    assert counts == {"supervisions": 1, "scheduled": 3, "replanned": 1, "excused": 4}


def test_a_case_active_again_trades_its_record_checks_for_office_visits():
    # given: planned while inactive
    ContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=14)
    InactiveContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=20)
    supervision = SupervisionFactory(level=SupervisionLevel.MEDIUM, status=SupervisionStatus.INACTIVE)
    check_ins_schedule_all(now=NOW)
    supervision.status = SupervisionStatus.ACTIVE
    supervision.save()
    # when: as supervision_change_status calls it
    counts = check_ins_replan(supervision_id=supervision.pk, now=LATER)
    # then: the future record checks are excused (the open one stays: the officer still does it)
    excused = CheckIn.objects.filter(supervision=supervision, status=CheckInStatus.EXCUSED)
    assert plan(supervision, kind=CheckInKind.RECORD_CHECK) == [(CheckInKind.RECORD_CHECK, 0, 14)]
    assert plan(supervision, kind=CheckInKind.OFFICE) == office(0, 14, 28, 42, 56)
    assert [(c.kind, c.excuse_reason) for c in excused] == [(CheckInKind.RECORD_CHECK, REPLAN_REASON)] * 3
    assert counts == {"replanned": 1, "excused": 3, "scheduled": 5}
    assert CheckInPlan.objects.get(supervision=supervision).status == SupervisionStatus.ACTIVE


def test_parole_has_no_inactive_standard():
    # given
    standard = ContactStandard(
        level=SupervisionLevel.MEDIUM,
        supervision_type=SupervisionType.PAROLE,
        status=SupervisionStatus.INACTIVE,
        check_in_interval_days=90,
        window_days=14,
        initial_contact_days=14,
        check_in_kind=CheckInKind.RECORD_CHECK,
    )
    # when / then: refused by the model and by the database
    with pytest.raises(ValidationError) as refused:
        standard.full_clean()
    assert refused.value.message_dict["status"] == ["Parole is always active supervision: it has no inactive standard."]
    with pytest.raises(IntegrityError, match="contact_standard_parole_always_active"), transaction.atomic():
        standard.save()


# --- The first contact and home visits --------------------------------------------------------------------


def test_the_first_contact_is_due_by_the_initial_contact_deadline():
    # given: every 14 days, 3-day windows, the first contact within 7 days of the start
    ContactStandardFactory(check_in_interval_days=14, window_days=3, initial_contact_days=7)
    supervision = SupervisionFactory(start_date=TODAY)
    # when
    check_ins_schedule(supervision=supervision, now=NOW)
    # then: the first window is the start day to the deadline; the next ones step from the start
    assert plan(supervision) == [(CheckInKind.OFFICE, 0, 7), *office(14, 28, 42, 56)]


def test_a_case_recorded_after_its_start_keeps_the_deadline_from_the_start():
    # given: the case started two days ago; the first contact is due within 5 days of the start
    ContactStandardFactory(check_in_interval_days=14, window_days=3, initial_contact_days=5)
    supervision = SupervisionFactory(start_date=TODAY - datetime.timedelta(days=2))
    # when
    check_ins_schedule(supervision=supervision, now=NOW)
    # then: the first window opens today and closes on the deadline (start + 5 = today + 3)
    assert plan(supervision)[:2] == [(CheckInKind.OFFICE, 0, 3), (CheckInKind.OFFICE, 14, 3)]
    first = CheckIn.objects.filter(supervision=supervision).order_by("window_start").first()
    assert timezone.localdate(first.due_at) == supervision.start_date + datetime.timedelta(days=5)


def test_home_visits_are_planned_at_their_interval_beside_the_regular_contacts():
    # given: weekly office visits, a home visit every 30 days (the first one 30 days after the start)
    ContactStandardFactory(check_in_interval_days=7, window_days=2, home_visit_interval_days=30)
    supervision = SupervisionFactory(start_date=TODAY)
    # when
    check_ins_schedule(supervision=supervision, now=NOW)
    # then: two series; on day 35 no clash, and a home visit never replaces an office visit
    assert plan(supervision, kind=CheckInKind.OFFICE) == office(0, 7, 14, 21, 28, 35, 42, 49, 56, window=2)
    assert plan(supervision, kind=CheckInKind.HOME_VISIT) == [
        (CheckInKind.HOME_VISIT, 30, 2),
        (CheckInKind.HOME_VISIT, 60, 2),
    ]


def test_home_visits_follow_their_own_last_visit_and_are_not_duplicated_by_runs_or_re_plans():
    # given: a case opened 100 days ago whose last home visit opened 20 days ago
    ContactStandardFactory(check_in_interval_days=14, window_days=3, home_visit_interval_days=45)
    supervision = SupervisionFactory(start_date=TODAY - datetime.timedelta(days=100))
    last_visit = timezone.make_aware(datetime.datetime.combine(TODAY - datetime.timedelta(days=20), datetime.time()))
    CheckIn.objects.create(
        supervision=supervision,
        kind=CheckInKind.HOME_VISIT,
        window_start=last_visit,
        due_at=last_visit + datetime.timedelta(days=3),
        status=CheckInStatus.COMPLETED,
        completed_at=last_visit + datetime.timedelta(hours=10),
    )
    # when: the nightly run twice, then a re-plan of an unchanged case
    check_ins_schedule_all(now=NOW)
    second = check_ins_schedule_all(now=LATER)
    replanned = check_ins_replan(supervision_id=supervision.pk, now=LATER)
    # then: the next home visit 45 days after the last one, once
    assert plan(supervision, kind=CheckInKind.HOME_VISIT) == [(CheckInKind.HOME_VISIT, 25, 3)]
    assert second == {"supervisions": 1, "scheduled": 0, "replanned": 0, "excused": 0}
    assert replanned == {"replanned": 0, "excused": 0, "scheduled": 0}


def test_a_level_change_re_plans_both_series_once_from_the_new_standard():
    # given: medium parole (every 14, home every 30) planned; high parole every 7, home every 20
    ParoleContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=14, home_visit_interval_days=30)
    ParoleContactStandardFactory(level=SupervisionLevel.HIGH, check_in_interval_days=7, home_visit_interval_days=20)
    ContactStandardFactory(level=SupervisionLevel.HIGH, check_in_interval_days=3, window_days=1)  # probation's
    supervision = ParoleSupervisionFactory(level=SupervisionLevel.MEDIUM, start_date=TODAY)
    check_ins_schedule(supervision=supervision, now=NOW)
    # when: the officer raises the level, and the nightly run follows
    supervision_change_level(
        actor=supervision.officer, supervision=supervision, level=SupervisionLevel.HIGH, reason="New arrest", now=LATER
    )
    nightly = check_ins_schedule_all(now=LATER + datetime.timedelta(hours=1))
    # then: the parole high standard, not probation's; the old plan's windows that fall on the new one kept,
    # the other (the home visit on day 30) excused; nothing duplicated
    assert plan(supervision, kind=CheckInKind.OFFICE) == office(0, 7, 14, 21, 28, 35, 42, 49, 56)
    assert plan(supervision, kind=CheckInKind.HOME_VISIT) == [
        (CheckInKind.HOME_VISIT, 20, 3),
        (CheckInKind.HOME_VISIT, 40, 3),
        (CheckInKind.HOME_VISIT, 60, 3),
    ]
    excused = CheckIn.objects.filter(supervision=supervision, status=CheckInStatus.EXCUSED)
    assert [(c.kind, (timezone.localdate(c.window_start) - TODAY).days, c.excuse_reason) for c in excused] == [
        (CheckInKind.HOME_VISIT, 30, REPLAN_REASON)
    ]
    assert nightly == {"supervisions": 1, "scheduled": 0, "replanned": 0, "excused": 0}


# --- A missing standard -----------------------------------------------------------------------------------


def test_a_case_without_a_standard_is_logged_and_left_as_it_is_while_the_others_are_planned():
    # given: a standard for medium probation only; a low case with a check-in already planned
    ContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=14)
    planned = SupervisionFactory(level=SupervisionLevel.MEDIUM)
    unplanned = [SupervisionFactory(level=SupervisionLevel.LOW) for _ in range(2)]
    existing = CheckIn.objects.create(
        supervision=unplanned[0],
        window_start=NOW + datetime.timedelta(days=5),
        due_at=NOW + datetime.timedelta(days=8),
    )
    # when
    with mock.patch("supervision.services.contact_plans.logger") as logger:
        counts = check_ins_schedule_all(now=NOW)
    # then: no crash; one warning for the combination; the case keeps what it had
    assert counts == {"supervisions": 1, "scheduled": 5, "replanned": 0, "excused": 0}
    assert len(plan(planned)) == 5
    assert list(CheckIn.objects.filter(supervision__in=unplanned)) == [existing]
    assert CheckIn.objects.get(pk=existing.pk).status == CheckInStatus.SCHEDULED
    logger.warning.assert_called_once_with(
        "No contact standard for level=%s type=%s status=%s: %d case(s) not planned; add one in the admin.",
        "low",
        "probation",
        "active",
        2,
    )


def test_opening_a_case_without_a_standard_schedules_nothing_and_says_so():
    # given: no standard at all
    supervision = SupervisionFactory(start_date=TODAY)
    # when
    with mock.patch("supervision.services.contact_plans.logger") as logger:
        scheduled = check_ins_schedule(supervision=supervision, now=NOW)
        replanned = check_ins_replan(supervision_id=supervision.pk, now=NOW)
    # then
    assert (scheduled, replanned) == (0, {"replanned": 0, "excused": 0, "scheduled": 0})
    assert not CheckIn.objects.filter(supervision=supervision).exists()
    assert logger.warning.call_count == 2


def test_an_inactive_case_without_an_inactive_standard_reports_to_nobody():
    # given: only the active standard
    ContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=14)
    supervision = SupervisionFactory(level=SupervisionLevel.MEDIUM)
    check_ins_schedule_all(now=NOW)
    supervision.status = SupervisionStatus.INACTIVE
    supervision.save()
    # when
    with mock.patch("supervision.services.contact_plans.logger") as logger:
        counts = check_ins_schedule_all(now=LATER)
    # then: stood down, as before there were inactive standards, and logged
    assert plan(supervision) == office(0)
    assert counts == {"supervisions": 0, "scheduled": 0, "replanned": 0, "excused": 4}
    assert logger.warning.call_count == 1


# --- The data migration -----------------------------------------------------------------------------------


def test_the_migration_makes_the_existing_standards_the_defaults():
    # given: the rows as the schema step leaves them (each a level's active probation standard)
    migration = importlib.import_module("supervision.migrations.0008_contact_standard_keys")
    ContactStandard.objects.create(
        level="high",
        supervision_type="probation",
        check_in_interval_days=7,
        window_days=2,
        initial_contact_days=3,
        home_visit_interval_days=30,
    )
    ContactStandard.objects.create(
        level="administrative",
        supervision_type="probation",
        check_in_interval_days=90,
        window_days=14,
        check_in_kind=CheckInKind.PHONE,
    )
    # when: twice (a second run changes nothing)
    migration.contact_standards_as_defaults(apps, None)
    migration.contact_standards_as_defaults(apps, None)
    # then
    rows = {
        (s.level, s.supervision_type, s.status): (
            s.check_in_kind,
            s.check_in_interval_days,
            s.window_days,
            s.initial_contact_days,
            s.home_visit_interval_days,
        )
        for s in ContactStandard.objects.all()
    }
    assert rows == {
        ("high", "probation", "active"): ("office", 7, 2, 2, 30),
        ("high", "parole", "active"): ("office", 7, 2, 2, 30),
        ("high", "probation", "inactive"): ("record_check", 90, 14, 14, None),
        ("administrative", "probation", "active"): ("phone", 90, 14, 14, None),
        ("administrative", "parole", "active"): ("phone", 90, 14, 14, None),
        ("administrative", "probation", "inactive"): ("record_check", 90, 14, 14, None),
    }


# --- The standard's rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"window_days": 15}, "window_days", "The window must be no longer than the interval."),
        ({"initial_contact_days": 0}, "initial_contact_days", "Ensure this value is greater than or equal to 1."),
        (
            {"initial_contact_days": 15},
            "initial_contact_days",
            "The first contact's deadline must be no longer than the interval.",
        ),
        (
            {"home_visit_interval_days": 0},
            "home_visit_interval_days",
            "Ensure this value is greater than or equal to 1.",
        ),
        (
            {"check_in_kind": CheckInKind.RECORD_CHECK},
            "check_in_kind",
            "A record check is the contact of an inactive case only.",
        ),
        (
            {"check_in_kind": CheckInKind.HOME_VISIT, "home_visit_interval_days": 30},
            "home_visit_interval_days",
            "The regular contact is already a home visit: leave this empty.",
        ),
    ],
    ids=["window", "initial_zero", "initial_past_interval", "home_zero", "record_check_active", "two_home_series"],
)
def test_a_standard_that_breaks_a_rule_is_refused_with_a_field_error(fields, field, message):
    # given
    values = {
        "level": SupervisionLevel.MEDIUM,
        "supervision_type": SupervisionType.PROBATION,
        "status": SupervisionStatus.ACTIVE,
        "check_in_interval_days": 14,
        "window_days": 3,
        "initial_contact_days": 3,
        "check_in_kind": CheckInKind.OFFICE,
        **fields,
    }
    # when / then
    with pytest.raises(ValidationError) as refused:
        ContactStandard(**values).full_clean()
    assert message in refused.value.message_dict[field]
    assert not ContactStandard.objects.exists()


def test_one_standard_per_level_type_and_status():
    # given
    ContactStandardFactory(level=SupervisionLevel.MEDIUM)
    ParoleContactStandardFactory(level=SupervisionLevel.MEDIUM)
    InactiveContactStandardFactory(level=SupervisionLevel.MEDIUM)
    duplicate = ContactStandard(
        level=SupervisionLevel.MEDIUM,
        supervision_type=SupervisionType.PAROLE,
        status=SupervisionStatus.ACTIVE,
        check_in_interval_days=30,
        window_days=3,
        initial_contact_days=3,
    )
    # when / then
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    assert refused.value.messages == ["There is already a contact standard for this level, type and status."]
    assert ContactStandard.objects.count() == 3


def test_a_record_check_left_undone_is_missed_but_no_violation_of_the_person():
    # given: an inactive case's record check and a reporting case's office visit, both past their window
    inactive = SupervisionFactory(status=SupervisionStatus.INACTIVE)
    active = SupervisionFactory()
    opened = NOW - datetime.timedelta(days=20)
    for supervision, kind in ((inactive, CheckInKind.RECORD_CHECK), (active, CheckInKind.OFFICE)):
        CheckIn.objects.create(
            supervision=supervision, kind=kind, window_start=opened, due_at=opened + datetime.timedelta(days=14)
        )
    # when
    result = check_ins_flag_missed(now=NOW)
    # then: both missed (the officer is told), only the person's own check-in is a violation
    assert (result.flagged, result.violations) == (2, 1)
    assert list(Violation.objects.values_list("supervision_id", flat=True)) == [active.pk]
    assert set(CheckIn.objects.values_list("status", flat=True)) == {CheckInStatus.MISSED}
