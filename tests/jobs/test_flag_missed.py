import datetime
import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from agency.models import AuditEvent
from supervision.choices import CheckInStatus, ViolationKind
from supervision.models import CheckIn, Notification, NotificationKind, Violation
from supervision.services import check_ins_flag_missed
from supervision.windows import window_last_day
from tests.agency.factories import SupervisorFactory
from tests.supervision.factories import CheckInFactory, SupervisionFactory

NOW = timezone.make_aware(datetime.datetime(2026, 11, 23, 12, 0))

# The clock stands still at NOW for every test here, so the factories (a case starts 180 days before
# "today"), the history rows, auto_now fields and the service all see the same time, whatever the date.
pytestmark = [pytest.mark.usefixtures("emails_inline"), pytest.mark.time_machine(NOW, tick=False)]


def overdue_check_in(supervision=None, *, days_ago=1, **kwargs):
    supervision = supervision or SupervisionFactory()
    due_at = NOW - datetime.timedelta(days=days_ago)
    return CheckInFactory(
        supervision=supervision, window_start=due_at - datetime.timedelta(days=3), due_at=due_at, **kwargs
    )


@pytest.mark.django_db
def test_flag_missed_marks_opens_violation_notifies_and_audits(django_capture_on_commit_callbacks):
    # given
    check_in = overdue_check_in()
    open_one = CheckInFactory(
        supervision=check_in.supervision,
        window_start=NOW - datetime.timedelta(hours=1),
        due_at=NOW + datetime.timedelta(days=2),
    )
    officer = check_in.supervision.officer
    # when
    with django_capture_on_commit_callbacks(execute=True):
        result = check_ins_flag_missed(now=NOW)
    # then
    check_in.refresh_from_db()
    open_one.refresh_from_db()
    assert (check_in.status, open_one.status) == (CheckInStatus.MISSED, CheckInStatus.SCHEDULED)
    assert result.as_dict() == {
        "flagged": 1,
        "violations": 1,
        "notifications": 1,
        "absconder_alerts": 0,
        "recipients": 1,
    }
    violation = Violation.objects.get()
    due_day = timezone.localtime(check_in.due_at).date()
    assert (violation.check_in, violation.kind, violation.recorded_by, violation.occurred_on) == (
        check_in,
        ViolationKind.TECHNICAL,
        None,
        due_day,
    )
    assert violation.description == f"Missed check-in due {window_last_day(check_in.due_at):%Y-%m-%d}"
    assert violation.history.count() == 1
    assert check_in.history.first().status == CheckInStatus.MISSED
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.check_in, notification.key) == (
        officer,
        NotificationKind.MISSED_CHECK_IN,
        check_in,
        f"missed_check_in:{check_in.pk}",
    )
    audit = AuditEvent.objects.get(action="check_in.missed")
    assert (audit.actor, audit.actor_label, audit.object_id, audit.offender_id, audit.detail) == (
        None,
        "system:flag_missed_check_ins",
        str(check_in.pk),
        check_in.supervision.offender_id,
        {"violation_id": violation.pk},
    )
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert mail.outbox[0].subject == "Caseline: 1 missed check-in on your caseload"
    assert "Review them: https://caseline.test/caseload/\n" in mail.outbox[0].body


@pytest.mark.django_db
def test_flag_missed_twice_creates_nothing_the_second_time(django_capture_on_commit_callbacks):
    # given
    overdue_check_in()
    with django_capture_on_commit_callbacks(execute=True):
        check_ins_flag_missed(now=NOW)
    mail.outbox.clear()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        second = check_ins_flag_missed(now=NOW + datetime.timedelta(minutes=5))
    # then
    assert second.as_dict() == {
        "flagged": 0,
        "violations": 0,
        "notifications": 0,
        "absconder_alerts": 0,
        "recipients": 0,
    }
    assert (Violation.objects.count(), Notification.objects.count()) == (1, 1)
    assert AuditEvent.objects.filter(action="check_in.missed").count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_flag_missed_keeps_a_violation_already_recorded_for_the_check_in():
    # given: the officer already recorded a violation for this check-in
    check_in = overdue_check_in()
    existing = Violation.objects.create(
        supervision=check_in.supervision,
        kind=ViolationKind.TECHNICAL,
        occurred_on=NOW.date(),
        description="Did not report.",
        check_in=check_in,
    )
    # when
    result = check_ins_flag_missed(now=NOW)
    # then
    assert (result.flagged, result.violations) == (1, 0)
    assert list(Violation.objects.all()) == [existing]
    assert AuditEvent.objects.get(action="check_in.missed").detail == {}


@pytest.mark.django_db
def test_flag_missed_leaves_completed_excused_and_open_check_ins_alone():
    # given
    supervision = SupervisionFactory()
    completed = overdue_check_in(
        supervision, days_ago=3, status=CheckInStatus.COMPLETED, completed_at=NOW - datetime.timedelta(days=4)
    )
    excused = overdue_check_in(supervision, days_ago=2, status=CheckInStatus.EXCUSED, excuse_reason="In hospital")
    still_open = CheckInFactory(
        supervision=supervision, window_start=NOW - datetime.timedelta(days=1), due_at=NOW + datetime.timedelta(hours=1)
    )
    # when
    result = check_ins_flag_missed(now=NOW)
    # then
    assert result.flagged == 0
    assert [
        c.status for c in CheckIn.objects.filter(pk__in=[completed.pk, excused.pk, still_open.pk]).order_by("due_at")
    ] == [CheckInStatus.COMPLETED, CheckInStatus.EXCUSED, CheckInStatus.SCHEDULED]
    assert Violation.objects.count() == 0


@pytest.mark.django_db
def test_third_consecutive_miss_alerts_the_unit_supervisor_once(django_capture_on_commit_callbacks, settings):
    # given: two misses already flagged, a third one due now
    settings.CASELINE = {**settings.CASELINE, "ABSCONDER_CONSECUTIVE_MISSES": 3}
    supervision = SupervisionFactory()
    supervisor = SupervisorFactory(unit=supervision.unit)
    supervision.unit.supervisor = supervisor
    supervision.unit.save()
    overdue_check_in(
        supervision, days_ago=40, status=CheckInStatus.COMPLETED, completed_at=NOW - datetime.timedelta(days=41)
    )
    first = overdue_check_in(supervision, days_ago=30, status=CheckInStatus.MISSED)
    overdue_check_in(supervision, days_ago=16, status=CheckInStatus.MISSED)
    overdue_check_in(supervision, days_ago=2)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        result = check_ins_flag_missed(now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        again = check_ins_flag_missed(now=NOW + datetime.timedelta(minutes=5))
    # then
    alert = Notification.objects.get(kind=NotificationKind.POSSIBLE_ABSCONDER)
    assert (alert.recipient, alert.supervision, alert.check_in, alert.key) == (
        supervisor,
        supervision,
        first,
        f"possible_absconder:{first.pk}",
    )
    assert alert.message == f"Possible absconder: 3 consecutive missed check-ins ({supervision.docket_number})"
    assert (result.absconder_alerts, result.notifications, again.absconder_alerts) == (1, 2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([supervision.officer.email, supervisor.email])


@pytest.mark.django_db
def test_a_completed_check_in_breaks_the_streak():
    # given: miss, miss, completed, miss (due now)
    supervision = SupervisionFactory()
    supervision.unit.supervisor = SupervisorFactory(unit=supervision.unit)
    supervision.unit.save()
    overdue_check_in(supervision, days_ago=44, status=CheckInStatus.MISSED)
    overdue_check_in(supervision, days_ago=30, status=CheckInStatus.MISSED)
    overdue_check_in(
        supervision, days_ago=16, status=CheckInStatus.COMPLETED, completed_at=NOW - datetime.timedelta(days=17)
    )
    overdue_check_in(supervision, days_ago=2)
    # when
    result = check_ins_flag_missed(now=NOW)
    # then
    assert (result.flagged, result.absconder_alerts) == (1, 0)
    assert not Notification.objects.filter(kind=NotificationKind.POSSIBLE_ABSCONDER).exists()


def _many_overdue(count: int, per_supervision: int = 10) -> None:
    rows = []
    for index in range(count):
        if index % per_supervision == 0:
            supervision = SupervisionFactory()
        due_at = NOW - datetime.timedelta(days=1 + index % per_supervision)
        rows.append(CheckIn(supervision=supervision, window_start=due_at - datetime.timedelta(days=3), due_at=due_at))
    CheckIn.objects.bulk_create(rows)


@pytest.mark.django_db
@pytest.mark.parametrize("due", [5, 200])
def test_flag_missed_runs_the_same_number_of_queries_for_5_and_200_due(due, django_assert_num_queries):
    # given
    _many_overdue(due, per_supervision=5)
    # when: a savepoint, the planner setting, the one statement, the setting back, the savepoint's release
    with django_assert_num_queries(5):
        result = check_ins_flag_missed(now=NOW)
    # then
    assert (result.flagged, result.violations, Notification.objects.count()) == (due, due, due)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_flag_each_check_in_once():
    # given: 40 due check-ins on 8 cases; two workers start the sweep at the same moment
    _many_overdue(40, per_supervision=5)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait(timeout=10)
            results.append(check_ins_flag_missed(now=NOW))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then
    assert errors == []
    assert (len(results), sum(r.flagged for r in results)) == (2, 40)
    assert sum(r.violations for r in results) == 40
    assert Violation.objects.count() == 40
    assert Notification.objects.count() == 40
    assert AuditEvent.objects.filter(action="check_in.missed").count() == 40


@pytest.mark.django_db
def test_the_emails_are_sent_by_the_sweep_itself_when_the_broker_is_down(django_capture_on_commit_callbacks):
    # given
    from kombu.exceptions import OperationalError

    from supervision import tasks

    check_in = overdue_check_in()
    # when
    with (
        mock.patch.object(tasks.check_ins_missed_emails_send_task, "delay", side_effect=OperationalError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = check_ins_flag_missed(now=NOW)
    # then
    assert result.flagged == 1
    assert [m.to for m in mail.outbox] == [[check_in.supervision.officer.email]]


@pytest.mark.django_db
def test_a_new_streak_after_a_completed_check_in_alerts_again():
    # given: an earlier streak of three (alerted), a completed check-in, then three new misses
    supervision = SupervisionFactory()
    supervision.unit.supervisor = SupervisorFactory(unit=supervision.unit)
    supervision.unit.save()
    old = [overdue_check_in(supervision, days_ago=days, status=CheckInStatus.MISSED) for days in (90, 76, 62)]
    Notification.objects.create(
        recipient=supervision.unit.supervisor,
        kind=NotificationKind.POSSIBLE_ABSCONDER,
        message="Possible absconder",
        supervision=supervision,
        check_in=old[0],
        key=f"possible_absconder:{old[0].pk}",
    )
    overdue_check_in(
        supervision, days_ago=48, status=CheckInStatus.COMPLETED, completed_at=NOW - datetime.timedelta(days=49)
    )
    new = [overdue_check_in(supervision, days_ago=days, status=CheckInStatus.MISSED) for days in (34, 20)]
    new.append(overdue_check_in(supervision, days_ago=6))
    # when
    result = check_ins_flag_missed(now=NOW)
    # then
    assert result.absconder_alerts == 1
    assert sorted(
        Notification.objects.filter(kind=NotificationKind.POSSIBLE_ABSCONDER).values_list("key", flat=True)
    ) == sorted([f"possible_absconder:{old[0].pk}", f"possible_absconder:{new[0].pk}"])


@pytest.mark.django_db
def test_a_window_closing_at_midnight_is_missed_on_its_last_day_not_the_next():
    # given a window whose end is midnight at the end of Sunday Nov 22 (local)
    end = timezone.make_aware(datetime.datetime(2026, 11, 23, 0, 0))
    CheckInFactory(window_start=end - datetime.timedelta(days=7), due_at=end)
    # when
    check_ins_flag_missed(now=NOW)
    # then the violation and the officer's notice name Sunday, the day it was due by
    assert Violation.objects.get().description == "Missed check-in due 2026-11-22"
    assert Notification.objects.get().message.startswith("Missed check-in due 2026-11-22 (")
