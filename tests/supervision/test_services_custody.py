"""Custody (supervision/services/custody.py): a person taken into custody and released. Each rule and role; a
refused call changes nothing (the same rows, no audit row, no history row)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agency.errors import ApplicationError
from agency.models import AuditEvent, WebhookDelivery
from supervision.choices import CheckInStatus, SupervisionLevel, SupervisionStatus
from supervision.models import CheckIn, CustodyEpisode, Supervision, Violation
from supervision.services import (
    check_ins_flag_missed,
    check_ins_schedule,
    check_ins_schedule_all,
    custody_end,
    custody_start,
    supervision_change_status,
    supervision_close,
)
from tests.agency.factories import CourtClerkFactory, OfficerFactory, SupervisorFactory, WebhookSubscriptionFactory
from tests.supervision.factories import ContactStandardFactory, ParoleSupervisionFactory, SupervisionFactory
from tests.supervision.service_helpers import NOW, TODAY, _rows

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def case():
    """A medium-level probation case opened 90 days ago, its check-ins planned fortnightly from today (the first
    window opened today and closes in three days)."""
    ContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=14)
    supervision = SupervisionFactory(start_date=TODAY - datetime.timedelta(days=90))
    check_ins_schedule(supervision=supervision, now=NOW)
    return supervision


def _start(case, actor=None, **changes):
    values = {"started_on": TODAY, "facility": "County Jail", "reason": "New charge: burglary", "now": NOW}
    return custody_start(actor=actor or case.officer, supervision=case, **{**values, **changes})


def _state(case: Supervision) -> tuple:
    return (_rows(), case.history.count(), CustodyEpisode.objects.count(), CustodyEpisode.history.count())


def _refused(call, error, match: str, case: Supervision):
    before = _state(case)
    with pytest.raises(error, match=match) as refused:
        call()
    assert _state(case) == before
    return refused.value


def test_custody_stands_the_schedule_down_and_is_a_status_change(case):
    # given a subscriber to status changes
    subscription = WebhookSubscriptionFactory(events=["supervision.status_changed"])

    # when the officer records that the person was taken into custody
    episode = _start(case)

    # then the case is in custody, the episode open, every scheduled check-in excused (never deleted)
    case.refresh_from_db()
    assert case.status == SupervisionStatus.IN_CUSTODY
    assert (episode.started_on, episode.facility, episode.reason, episode.released_on, episode.recorded_by) == (
        TODAY,
        "County Jail",
        "New charge: burglary",
        None,
        case.officer,
    )
    assert not CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED).exists()
    assert set(CheckIn.objects.filter(supervision=case).values_list("excuse_reason", flat=True)) == {
        "Stood down: in custody"
    }
    latest = case.history.latest("history_date", "history_id")
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        SupervisionStatus.IN_CUSTODY,
        case.officer,
        "Taken into custody: New charge: burglary",
    )
    assert episode.history.get().history_user == case.officer
    event = AuditEvent.objects.get(action="supervision.status_changed")
    assert (event.offender_id, event.detail["to_status"], event.detail["custody_episode_id"]) == (
        case.offender_id,
        "in_custody",
        episode.pk,
    )
    assert event.detail["excused"] == CheckIn.objects.filter(supervision=case).count()
    assert WebhookDelivery.objects.get(subscription=subscription).payload["data"] == {
        "supervision_id": case.pk,
        "from_status": "active",
        "to_status": "in_custody",
        "effective_on": TODAY.isoformat(),
        "custody_episode_id": episode.pk,
    }


def test_a_window_open_when_the_person_is_taken_in_never_becomes_a_violation(case):
    # given the first check-in's window is open now, and a second case whose open window is left alone
    open_window = CheckIn.objects.filter(supervision=case).order_by("window_start").first()
    assert open_window.window_start <= NOW < open_window.due_at
    other = SupervisionFactory(officer=case.officer, start_date=case.start_date)
    check_ins_schedule(supervision=other, now=NOW)

    # when the person is taken into custody, and the missed check-in sweep runs after the window closed
    _start(case)
    check_ins_flag_missed(now=open_window.due_at + datetime.timedelta(hours=1))

    # then the custody case's window is excused, no violation; the other case's window is missed
    open_window.refresh_from_db()
    assert open_window.status == CheckInStatus.EXCUSED
    assert not Violation.objects.filter(supervision=case).exists()
    assert Violation.objects.filter(supervision=other).count() == 1


def test_the_nightly_scheduler_plans_nothing_for_a_case_in_custody(case):
    _start(case)
    scheduled = CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED)

    check_ins_schedule_all(now=NOW + 2 * DAY)

    assert not scheduled.exists()


def test_the_release_makes_the_case_report_again_from_the_day_it_is_recorded(case):
    episode = _start(case)
    released_at = NOW + datetime.timedelta(days=20)

    custody_end(
        actor=case.officer,
        supervision=case,
        released_on=TODAY + 19 * DAY,
        release_reason="Charge dropped",
        now=released_at,
    )

    case.refresh_from_db()
    episode.refresh_from_db()
    assert case.status == SupervisionStatus.ACTIVE
    assert (episode.released_on, episode.release_reason, episode.released_by) == (
        TODAY + 19 * DAY,
        "Charge dropped",
        case.officer,
    )
    first = CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED).order_by("window_start").first()
    assert first is not None and first.window_start.date() == released_at.date()
    event = AuditEvent.objects.filter(action="supervision.status_changed").latest("pk")
    assert (event.detail["from_status"], event.detail["to_status"], event.detail["reason"]) == (
        "in_custody",
        "active",
        "Released: Charge dropped",
    )
    assert event.detail["scheduled"] >= 1


def test_a_release_the_same_day_schedules_again_the_windows_custody_stood_down(case):
    # given a case taken into custody an hour after its first window opened, its check-ins stood down
    planned = list(
        CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED).values_list("pk", flat=True)
    )
    _start(case, now=NOW + datetime.timedelta(hours=1))
    assert not CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED).exists()

    # when he is released later that day
    released_at = NOW + datetime.timedelta(hours=5)
    custody_end(
        actor=case.officer, supervision=case, released_on=TODAY, release_reason="Charge dropped", now=released_at
    )

    # then the same windows are scheduled again (not new rows), the excuse kept in their history
    scheduled = CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED)
    assert sorted(scheduled.values_list("pk", flat=True)) == sorted(planned)
    first = scheduled.order_by("window_start").first()
    assert first.excuse_reason == ""
    assert [row.status for row in first.history.order_by("history_id")][-2:] == [
        CheckInStatus.EXCUSED,
        CheckInStatus.SCHEDULED,
    ]
    assert first.history.latest("history_id").history_change_reason == "Reinstated: the case reports again"
    event = AuditEvent.objects.filter(action="supervision.status_changed").latest("pk")
    assert event.detail["reinstated"] == len(planned)


def test_a_probation_case_may_be_released_to_inactive_and_plans_nothing(case):
    _start(case)

    custody_end(
        actor=case.officer,
        supervision=case,
        released_on=TODAY + DAY,
        release_reason="Served",
        status="inactive",
        now=NOW + 2 * DAY,
    )

    case.refresh_from_db()
    assert case.status == SupervisionStatus.INACTIVE
    assert not CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED).exists()


def test_parole_is_released_to_active_only():
    parole = ParoleSupervisionFactory(start_date=TODAY - datetime.timedelta(days=90))
    _start(parole)
    _refused(
        lambda: custody_end(
            actor=parole.officer, supervision=parole, released_on=TODAY, release_reason="Served", status="inactive"
        ),
        ValidationError,
        "Parole is always active",
        parole,
    )


def test_a_supervisor_of_the_unit_records_custody_and_others_may_not(case):
    for outsider in (OfficerFactory(unit=case.unit), SupervisorFactory(), CourtClerkFactory()):
        error = _refused(lambda actor=outsider: _start(case, actor=actor), ApplicationError, "may", case)
        assert error.status_code == 403
    _start(case, actor=SupervisorFactory(unit=case.unit))
    case.refresh_from_db()
    assert case.status == SupervisionStatus.IN_CUSTODY


def test_custody_twice_is_a_conflict_naming_the_open_episode(case):
    _start(case)
    error = _refused(
        lambda: _start(case), ApplicationError, "already in custody since Mar 2, 2026 \\(County Jail\\)", case
    )
    assert error.status_code == 409


def test_a_release_without_custody_is_a_conflict(case):
    error = _refused(
        lambda: custody_end(actor=case.officer, supervision=case, released_on=TODAY, release_reason="x", now=NOW),
        ApplicationError,
        "is not in custody",
        case,
    )
    assert error.status_code == 409


def test_a_release_before_the_custody_began_is_a_field_error(case):
    _start(case, started_on=TODAY - 5 * DAY)
    with pytest.raises(ValidationError) as refused:
        custody_end(actor=case.officer, supervision=case, released_on=TODAY - 6 * DAY, release_reason="Bailed", now=NOW)
    assert refused.value.message_dict == {
        "released_on": ["The release cannot be before the custody began (Feb 25, 2026)."]
    }
    assert CustodyEpisode.objects.get().released_on is None


def test_custody_on_a_closed_case_is_a_conflict(case):
    supervision_close(actor=case.officer, supervision=case, closure_reason="completed", closed_on=TODAY, now=NOW)
    error = _refused(lambda: _start(case), ApplicationError, "is closed", case)
    assert error.status_code == 409


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"facility": "  "}, "facility"),
        ({"reason": ""}, "reason"),
        ({"facility": "x" * 201}, "facility"),
        ({"started_on": TODAY + DAY}, "started_on"),
        ({"started_on": TODAY - datetime.timedelta(days=365)}, "started_on"),
    ],
)
def test_bad_custody_is_a_field_error(case, changes, field):
    with pytest.raises(ValidationError) as refused:
        _start(case, **changes)
    assert set(refused.value.message_dict) == {field}
    assert not CustodyEpisode.objects.exists()
    case.refresh_from_db()
    assert case.status == SupervisionStatus.ACTIVE


def test_a_release_needs_its_reason(case):
    _start(case)
    with pytest.raises(ValidationError) as refused:
        custody_end(actor=case.officer, supervision=case, released_on=TODAY, release_reason=" ", now=NOW)
    assert set(refused.value.message_dict) == {"release_reason"}


def test_the_status_form_neither_puts_a_case_in_custody_nor_takes_it_out(case):
    _refused(
        lambda: supervision_change_status(
            actor=case.officer, supervision=case, status="in_custody", reason="Arrested", now=NOW
        ),
        ValidationError,
        "Record custody with its facility",
        case,
    )
    _start(case)
    error = _refused(
        lambda: supervision_change_status(actor=case.officer, supervision=case, status="active", reason="Out", now=NOW),
        ApplicationError,
        "record the release",
        case,
    )
    assert error.status_code == 409


def test_the_database_keeps_one_open_episode_per_case_and_no_release_before_the_start(case):
    episode = _start(case)
    with pytest.raises(IntegrityError), transaction.atomic():
        CustodyEpisode.objects.create(
            supervision=case, started_on=TODAY, facility="B", reason="C", recorded_by=case.officer
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CustodyEpisode.objects.filter(pk=episode.pk).update(
            released_on=TODAY - DAY, release_reason="x", released_by=case.officer
        )
