import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from agency.models import AuditEvent
from supervision.choices import CheckInKind, CheckInStatus, SupervisionLevel, SupervisionStatus
from supervision.models import CheckIn, CheckInPlan
from supervision.services import check_ins_schedule_all
from supervision.services.scheduling import NOT_ACTIVE_REASON, REPLAN_REASON
from tests.supervision.factories import ContactStandardFactory, SupervisionFactory

NOW = timezone.make_aware(datetime.datetime(2026, 11, 23, 12, 0))

# The clock stands still at NOW for every test here, so the factories (a case starts 180 days before
# "today"), the history rows, auto_now fields and the service all see the same time, whatever the date.
pytestmark = [pytest.mark.usefixtures("emails_inline"), pytest.mark.time_machine(NOW, tick=False)]


def local_days(check_ins) -> list[int]:
    """Days from NOW's date to each window's opening (local time)."""
    return [(timezone.localdate(c.window_start) - NOW.date()).days for c in check_ins]


@pytest.fixture
def standards(settings):
    settings.CASELINE = {**settings.CASELINE, "CHECK_IN_HORIZON_DAYS": 60}
    return {
        SupervisionLevel.MEDIUM: ContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=14),
        SupervisionLevel.HIGH: ContactStandardFactory(level=SupervisionLevel.HIGH, check_in_interval_days=7),
    }


@pytest.mark.django_db
def test_schedule_all_plans_active_cases_to_the_horizon_and_is_idempotent(standards):
    # given
    active = SupervisionFactory(level=SupervisionLevel.MEDIUM)
    inactive = SupervisionFactory(status=SupervisionStatus.INACTIVE)
    # when
    first = check_ins_schedule_all(now=NOW)
    second = check_ins_schedule_all(now=NOW + datetime.timedelta(hours=1))
    # then
    assert first == {"supervisions": 1, "scheduled": 5, "replanned": 0, "excused": 0}
    assert second == {"supervisions": 1, "scheduled": 0, "replanned": 0, "excused": 0}
    assert local_days(CheckIn.objects.filter(supervision=active).order_by("window_start")) == [0, 14, 28, 42, 56]
    assert not CheckIn.objects.filter(supervision=inactive).exists()
    assert CheckInPlan.objects.get(supervision=active).level == SupervisionLevel.MEDIUM


@pytest.mark.django_db
def test_a_level_change_excuses_the_old_plan_and_schedules_the_new_one(standards):
    # given: planned at medium (every 14 days), then raised to high (every 7 days)
    supervision = SupervisionFactory(level=SupervisionLevel.MEDIUM)
    check_ins_schedule_all(now=NOW)
    supervision.level = SupervisionLevel.HIGH
    supervision.save()
    # when
    counts = check_ins_schedule_all(now=NOW + datetime.timedelta(hours=1))
    # then: the windows that fall on the new plan stay, the others are excused, never deleted
    check_ins = CheckIn.objects.filter(supervision=supervision).order_by("window_start")
    scheduled = check_ins.filter(status=CheckInStatus.SCHEDULED)
    excused = check_ins.filter(status=CheckInStatus.EXCUSED)
    assert counts == {"supervisions": 1, "scheduled": 4, "replanned": 1, "excused": 0}
    assert local_days(scheduled) == [0, 7, 14, 21, 28, 35, 42, 49, 56]
    assert list(excused) == []
    assert CheckInPlan.objects.get(supervision=supervision).level == SupervisionLevel.HIGH
    event = AuditEvent.objects.get(action="check_in.replanned")
    assert (event.actor_label, event.detail["from_level"], event.detail["to_level"]) == (
        "system:schedule_check_ins",
        "medium",
        "high",
    )


@pytest.mark.django_db
def test_a_level_change_to_another_kind_of_contact_excuses_every_future_old_check_in(standards):
    # given: high becomes phone contacts every 7 days; the case was planned for medium office visits
    ContactStandardFactory(level=SupervisionLevel.LOW, check_in_interval_days=30, check_in_kind=CheckInKind.PHONE)
    supervision = SupervisionFactory(level=SupervisionLevel.MEDIUM)
    check_ins_schedule_all(now=NOW)
    supervision.level = SupervisionLevel.LOW
    supervision.save()
    # when
    counts = check_ins_schedule_all(now=NOW + datetime.timedelta(hours=1))
    # then
    excused = CheckIn.objects.filter(supervision=supervision, status=CheckInStatus.EXCUSED).order_by("window_start")
    phone = CheckIn.objects.filter(supervision=supervision, kind=CheckInKind.PHONE).order_by("window_start")
    assert counts == {"supervisions": 1, "scheduled": 3, "replanned": 1, "excused": 4}
    assert local_days(excused) == [14, 28, 42, 56]
    assert {c.excuse_reason for c in excused} == {REPLAN_REASON}
    assert local_days(phone) == [0, 30, 60]
    assert CheckIn.objects.filter(supervision=supervision).count() == 8  # nothing deleted


@pytest.mark.django_db
def test_a_case_made_inactive_has_its_future_check_ins_stood_down(standards):
    # given
    supervision = SupervisionFactory(level=SupervisionLevel.MEDIUM)
    check_ins_schedule_all(now=NOW)
    supervision.status = SupervisionStatus.INACTIVE
    supervision.save()
    # when
    counts = check_ins_schedule_all(now=NOW + datetime.timedelta(hours=1))
    # then: the window already open stays; the future ones are excused
    assert counts == {"supervisions": 0, "scheduled": 0, "replanned": 0, "excused": 4}
    assert (
        list(
            CheckIn.objects.filter(supervision=supervision)
            .order_by("window_start")
            .values_list("status", "excuse_reason")
        )
        == [(CheckInStatus.SCHEDULED, "")] + [(CheckInStatus.EXCUSED, NOT_ACTIVE_REASON)] * 4
    )
    assert AuditEvent.objects.filter(action="check_in.excused", actor_label="system:schedule_check_ins").count() == 4
    # and each excused check-in's history says when and why
    excused = CheckIn.objects.filter(supervision=supervision, status=CheckInStatus.EXCUSED)
    latest = [check_in.history.first() for check_in in excused]
    assert {(h.status, h.history_type, h.history_change_reason, h.history_date) for h in latest} == {
        (CheckInStatus.EXCUSED, "~", NOT_ACTIVE_REASON, NOW + datetime.timedelta(hours=1))
    }


@pytest.mark.django_db
def test_schedule_check_ins_command_prints_counts_and_is_safe_to_repeat(standards, capsys):
    # given
    SupervisionFactory(level=SupervisionLevel.HIGH)
    # when
    call_command("schedule_check_ins")
    call_command("schedule_check_ins")
    # then
    tail = "re-planned 0 supervision(s); excused 0 check-in(s)."
    assert capsys.readouterr().out.splitlines() == [
        f"Looked at 1 active supervision(s); scheduled 9 check-in(s); {tail}",
        f"Looked at 1 active supervision(s); scheduled 0 check-in(s); {tail}",
    ]


@pytest.mark.django_db
def test_flag_missed_check_ins_command_prints_counts_and_is_safe_to_repeat(capsys):
    # given: one check-in whose window closed an hour ago
    due_at = timezone.now() - datetime.timedelta(hours=1)
    CheckIn.objects.create(
        supervision=SupervisionFactory(), window_start=due_at - datetime.timedelta(days=3), due_at=due_at
    )
    # when
    call_command("flag_missed_check_ins")
    call_command("flag_missed_check_ins")
    # then
    assert capsys.readouterr().out.splitlines() == [
        "Flagged 1 missed check-in(s); opened 1 violation(s); created 1 notification(s) (0 possible-absconder "
        "alert(s)); emailing 1 recipient(s).",
        "Flagged 0 missed check-in(s); opened 0 violation(s); created 0 notification(s) (0 possible-absconder "
        "alert(s)); emailing 0 recipient(s).",
    ]
