"""Changing a case itself (supervision/services/case_changes.py): its level, its status, its closure. Each rule
and role; a refused call changes nothing (the same rows, no audit row, no history row)."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError

from agency.errors import ApplicationError
from agency.models import AuditEvent, WebhookDelivery
from supervision.choices import CheckInStatus, ClosureReason, SupervisionLevel, SupervisionStatus
from supervision.models import CaseNote, CheckIn, Supervision
from supervision.services import (
    check_ins_schedule,
    supervision_change_level,
    supervision_change_status,
    supervision_close,
)
from tests.agency.factories import CourtClerkFactory, OfficerFactory, SupervisorFactory, WebhookSubscriptionFactory
from tests.supervision.factories import ContactStandardFactory, ParoleSupervisionFactory, SupervisionFactory
from tests.supervision.service_helpers import LOCAL, NOW, TODAY, _rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    """A medium-level probation case opened 90 days ago, its check-ins planned from today (fortnightly; the
    high level's standard: every ten days)."""
    ContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=14)
    ContactStandardFactory(level=SupervisionLevel.HIGH, check_in_interval_days=10)
    supervision = SupervisionFactory(start_date=TODAY - datetime.timedelta(days=90))
    check_ins_schedule(supervision=supervision, now=NOW)
    return supervision


def _history_count(supervision: Supervision) -> int:
    return supervision.history.count()


def _refused(call, error, match: str, supervision: Supervision) -> None:
    before, history = _rows(), _history_count(supervision)
    with pytest.raises(error, match=match):
        call()
    assert (_rows(), _history_count(supervision)) == (before, history)


# --- level ---------------------------------------------------------------------------------------


def test_the_officer_raises_the_level_and_the_check_ins_follow_at_once(case):
    subscription = WebhookSubscriptionFactory(events=["supervision.level_changed"])
    fortnightly = set(CheckIn.objects.filter(supervision=case).values_list("pk", flat=True))
    assert fortnightly

    supervision_change_level(actor=case.officer, supervision=case, level="high", reason="New arrest", now=NOW)

    case.refresh_from_db()
    assert case.level == SupervisionLevel.HIGH
    latest = case.history.latest("history_date", "history_id")
    assert (latest.history_change_reason, latest.history_user) == ("New arrest", case.officer)
    # the medium standard's future check-ins excused (never deleted), the high standard's ones planned
    excused = CheckIn.objects.filter(pk__in=fortnightly, status=CheckInStatus.EXCUSED, window_start__gt=NOW)
    assert excused.exists()
    every_ten_days = list(
        CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED)
        .order_by("window_start")
        .values_list("window_start", flat=True)
    )
    assert len(every_ten_days) >= 2
    days = [start.astimezone(LOCAL).date() for start in every_ten_days]  # local days: the clocks change on 8 March
    assert {(b - a).days for a, b in itertools.pairwise(days)} == {10}
    event = AuditEvent.objects.get(action="supervision.level_changed")
    assert event.detail["from_level"] == "medium" and event.detail["to_level"] == "high"
    assert event.detail["replanned"] == 1
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.payload["data"] == {"supervision_id": case.pk, "from_level": "medium", "to_level": "high"}


def test_a_second_level_change_is_a_second_webhook_event(case):
    subscription = WebhookSubscriptionFactory(events=["supervision.level_changed"])
    supervision_change_level(actor=case.officer, supervision=case, level="high", reason="Arrest", now=NOW)
    supervision_change_level(actor=case.officer, supervision=case, level="medium", reason="Dropped", now=NOW)
    assert WebhookDelivery.objects.filter(subscription=subscription).count() == 2


def test_a_supervisor_of_the_unit_may_change_the_level(case):
    supervisor = SupervisorFactory(unit=case.unit)
    supervision_change_level(actor=supervisor, supervision=case, level="high", reason="Override", now=NOW)
    case.refresh_from_db()
    assert case.level == SupervisionLevel.HIGH


@pytest.mark.parametrize(
    "make_actor",
    [
        lambda case: OfficerFactory(unit=case.unit),  # a colleague in the same unit
        lambda case: SupervisorFactory(),  # another unit's supervisor
        lambda case: CourtClerkFactory(court=case.court),
    ],
)
def test_only_the_cases_officer_or_its_units_supervisor_changes_it(case, make_actor):
    actor = make_actor(case)
    _refused(
        lambda: supervision_change_level(actor=actor, supervision=case, level="high", reason="x", now=NOW),
        ApplicationError,
        r"Only the case's officer or a supervisor of its unit|Your role \(Court clerk\) may not",
        case,
    )


@pytest.mark.parametrize(
    ("level", "reason", "match"),
    [
        ("medium", "Same", "already at the Medium level"),
        ("extreme", "Bad", "Choose one of"),
        ("high", "   ", "Say why the level changes"),
        ("high", "x" * 101, "under 100 characters"),
    ],
)
def test_a_bad_level_change_is_a_field_error(case, level, reason, match):
    _refused(
        lambda: supervision_change_level(actor=case.officer, supervision=case, level=level, reason=reason, now=NOW),
        ValidationError,
        match,
        case,
    )


def test_a_closed_case_keeps_its_level(case):
    supervision_close(actor=case.officer, supervision=case, closure_reason="completed", closed_on=TODAY, now=NOW)
    with pytest.raises(ApplicationError, match="is closed") as refused:
        supervision_change_level(actor=case.officer, supervision=case, level="high", reason="x", now=NOW)
    assert refused.value.status_code == 409


# --- status --------------------------------------------------------------------------------------


def test_a_case_that_stops_reporting_has_its_open_window_excused_too(case):
    # given the first check-in's window is open now (it opened today and is due in three days)
    open_window = CheckIn.objects.filter(supervision=case).order_by("window_start").first()
    assert open_window.window_start <= NOW < open_window.due_at

    supervision_change_status(
        actor=case.officer, supervision=case, status="inactive", reason="Non-reporting by order", now=NOW
    )

    case.refresh_from_db()
    assert case.status == SupervisionStatus.INACTIVE
    assert not CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED).exists()
    open_window.refresh_from_db()
    assert (open_window.status, open_window.excuse_reason) == (
        CheckInStatus.EXCUSED,
        "Stood down: inactive (non-reporting)",
    )
    event = AuditEvent.objects.get(action="supervision.status_changed")
    assert event.detail["effective_on"] == TODAY.isoformat() and event.detail["excused"] >= 1


def test_an_absconded_case_that_is_found_reports_again_from_today(case):
    supervision_change_status(actor=case.officer, supervision=case, status="absconded", reason="Gone", now=NOW)
    assert not CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED).exists()
    later = NOW + datetime.timedelta(days=20)
    supervision_change_status(actor=case.officer, supervision=case, status="active", reason="Arrested", now=later)
    first = CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED).order_by("window_start").first()
    assert first is not None and first.window_start.date() >= later.date()


@pytest.mark.parametrize(
    ("status", "effective_on", "match"),
    [
        ("active", None, "already active"),
        ("closed", None, "Close a case with its closure reason"),
        ("retired", None, "Choose one of"),
        ("absconded", TODAY + datetime.timedelta(days=1), "cannot be in the future"),
        ("absconded", TODAY - datetime.timedelta(days=365), "before the supervision began"),
    ],
)
def test_a_bad_status_change_is_a_field_error(case, status, effective_on, match):
    _refused(
        lambda: supervision_change_status(
            actor=case.officer, supervision=case, status=status, reason="Why", effective_on=effective_on, now=NOW
        ),
        ValidationError,
        match,
        case,
    )


def test_parole_cannot_be_made_inactive():
    parole = ParoleSupervisionFactory()
    _refused(
        lambda: supervision_change_status(actor=parole.officer, supervision=parole, status="inactive", reason="x"),
        ValidationError,
        "Parole is always active supervision",
        parole,
    )


# --- closure -------------------------------------------------------------------------------------


def test_closing_a_case_ends_its_schedule_and_keeps_the_case(case):
    subscription = WebhookSubscriptionFactory(events=["supervision.closed"])
    supervision_close(
        actor=case.officer,
        supervision=case,
        closure_reason="completed",
        closed_on=TODAY,
        note="Term served in full.",
        now=NOW,
    )
    case.refresh_from_db()
    assert (case.status, case.closure_reason, case.closed_on) == (
        SupervisionStatus.CLOSED,
        ClosureReason.COMPLETED,
        TODAY,
    )
    assert not CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED).exists()
    assert CaseNote.objects.get(supervision=case).body == "Case closed (completed): Term served in full."
    assert AuditEvent.objects.get(action="supervision.closed").detail["closed_on"] == TODAY.isoformat()
    assert WebhookDelivery.objects.get(subscription=subscription).payload["data"] == {"supervision_id": case.pk}


def test_closing_twice_is_a_conflict_that_says_when(case):
    supervision_close(actor=case.officer, supervision=case, closure_reason="completed", closed_on=TODAY, now=NOW)
    with pytest.raises(ApplicationError, match=f"already closed on {TODAY}") as refused:
        supervision_close(actor=case.officer, supervision=case, closure_reason="other", now=NOW)
    assert refused.value.status_code == 409


@pytest.mark.parametrize("reason", ["early_termination", "transferred"])
def test_early_termination_and_transfer_are_not_closed_at_once_even_by_the_supervisor(case, reason):
    # four eyes: they wait for approval as a closure request (tests/supervision/test_services_closures.py)
    for actor in (case.officer, SupervisorFactory(unit=case.unit)):
        _refused(
            lambda actor=actor: supervision_close(actor=actor, supervision=case, closure_reason=reason, now=NOW),
            ValidationError,
            "needs a supervisor's approval: ask for it with a closure request",
            case,
        )


@pytest.mark.parametrize(
    ("closure_reason", "closed_on", "match"),
    [
        ("finished", TODAY, "Choose one of"),
        ("completed", TODAY + datetime.timedelta(days=1), "cannot be in the future"),
        ("completed", TODAY - datetime.timedelta(days=365), "before the supervision began"),
    ],
)
def test_a_bad_closure_is_a_field_error(case, closure_reason, closed_on, match):
    _refused(
        lambda: supervision_close(
            actor=case.officer, supervision=case, closure_reason=closure_reason, closed_on=closed_on, now=NOW
        ),
        ValidationError,
        match,
        case,
    )
