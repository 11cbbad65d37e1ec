"""Closing a case for early termination or transfer out takes four eyes (supervision/services/closures.py): the
officer asks, another person, a supervisor of the unit, approves or declines. Each rule and role; a refused
call changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agency.errors import ApplicationError
from agency.models import AuditEvent
from supervision.choices import CheckInStatus, ClosureReason, ClosureRequestStatus, SupervisionLevel, SupervisionStatus
from supervision.models import CaseNote, CheckIn, ClosureRequest, Supervision
from supervision.services import (
    check_ins_schedule,
    closure_request_approve,
    closure_request_decline,
    closure_request_submit,
    supervision_close,
)
from tests.agency.factories import OfficerFactory, SupervisorFactory
from tests.supervision.factories import ContactStandardFactory, SupervisionFactory
from tests.supervision.service_helpers import NOW, TODAY, _rows

pytestmark = pytest.mark.django_db

LATER = NOW + datetime.timedelta(days=2)


@pytest.fixture
def case():
    ContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=14)
    supervision = SupervisionFactory(start_date=TODAY - datetime.timedelta(days=90))
    check_ins_schedule(supervision=supervision, now=NOW)
    return supervision


@pytest.fixture
def supervisor(case):
    return SupervisorFactory(unit=case.unit)


def _ask(case, actor=None, reason="early_termination", **changes):
    values = {"closed_on": TODAY, "note": "Earned by full compliance.", "now": NOW}
    return closure_request_submit(
        actor=actor or case.officer, supervision=case, closure_reason=reason, **{**values, **changes}
    )


def _state(case: Supervision) -> tuple:
    requests = tuple(ClosureRequest.objects.order_by("pk").values_list("pk", "status"))
    return (_rows(), case.history.count(), requests, ClosureRequest.history.count())


def _refused(call, error, match: str, case: Supervision):
    before = _state(case)
    with pytest.raises(error, match=match) as refused:
        call()
    assert _state(case) == before
    return refused.value


@pytest.mark.parametrize("reason", ["early_termination", "transferred"])
def test_the_officers_request_waits_and_the_case_stays_open(case, reason):
    request = _ask(case, reason=reason)

    case.refresh_from_db()
    assert case.status == SupervisionStatus.ACTIVE
    assert CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED).exists()
    assert (request.status, request.closure_reason, request.closed_on, request.requested_by) == (
        ClosureRequestStatus.PENDING,
        reason,
        TODAY,
        case.officer,
    )
    event = AuditEvent.objects.get(action="closure_request.submitted")
    assert (event.offender_id, event.detail["reason"]) == (case.offender_id, reason)
    assert request.history.get().history_user == case.officer


def test_a_supervisor_approves_and_the_case_closes_as_asked_ending_its_schedule(case, supervisor):
    request = _ask(case)

    closure_request_approve(actor=supervisor, closure_request=request, now=LATER)

    case.refresh_from_db()
    request.refresh_from_db()
    assert (case.status, case.closure_reason, case.closed_on) == (
        SupervisionStatus.CLOSED,
        ClosureReason.EARLY_TERMINATION,
        TODAY,
    )
    assert (request.status, request.decided_by, request.decided_at) == (
        ClosureRequestStatus.APPROVED,
        supervisor,
        LATER,
    )
    assert not CheckIn.objects.filter(supervision=case, status=CheckInStatus.SCHEDULED).exists()
    assert CaseNote.objects.get(supervision=case).body == "Case closed (early_termination): Earned by full compliance."
    closed = AuditEvent.objects.get(action="supervision.closed")
    assert (closed.actor, closed.detail["reason"]) == (supervisor, "early_termination")
    assert AuditEvent.objects.get(action="closure_request.approved").actor == supervisor


def test_a_supervisors_own_request_needs_another_supervisor(case, supervisor):
    request = _ask(case, actor=supervisor)
    for call in (
        lambda: closure_request_approve(actor=supervisor, closure_request=request, now=LATER),
        lambda: closure_request_decline(actor=supervisor, closure_request=request, reason="No", now=LATER),
    ):
        error = _refused(call, ApplicationError, "You asked for this closure", case)
        assert error.status_code == 403

    closure_request_approve(actor=SupervisorFactory(unit=case.unit), closure_request=request, now=LATER)

    case.refresh_from_db()
    assert case.status == SupervisionStatus.CLOSED


def test_only_a_supervisor_of_the_unit_decides(case):
    request = _ask(case)
    for outsider in (case.officer, OfficerFactory(unit=case.unit), SupervisorFactory()):
        error = _refused(
            lambda actor=outsider: closure_request_approve(actor=actor, closure_request=request, now=LATER),
            ApplicationError,
            "may",
            case,
        )
        assert error.status_code == 403


def test_a_decline_keeps_the_case_open_with_its_reason(case, supervisor):
    request = _ask(case)

    closure_request_decline(actor=supervisor, closure_request=request, reason="Restitution still owed", now=LATER)

    case.refresh_from_db()
    request.refresh_from_db()
    assert case.status == SupervisionStatus.ACTIVE
    assert (request.status, request.decision_reason, request.decided_by) == (
        ClosureRequestStatus.DECLINED,
        "Restitution still owed",
        supervisor,
    )
    assert AuditEvent.objects.get(action="closure_request.declined").detail["reason"] == "Restitution still owed"
    # and the officer may ask again
    assert _ask(case).status == ClosureRequestStatus.PENDING


def test_a_decline_needs_its_reason(case, supervisor):
    request = _ask(case)
    with pytest.raises(ValidationError) as refused:
        closure_request_decline(actor=supervisor, closure_request=request, reason="  ", now=LATER)
    assert set(refused.value.message_dict) == {"reason"}
    request.refresh_from_db()
    assert request.status == ClosureRequestStatus.PENDING


@pytest.mark.parametrize("first", ["approve", "decline"])
def test_a_decided_request_is_decided_for_good(case, supervisor, first):
    request = _ask(case)
    if first == "approve":
        closure_request_approve(actor=supervisor, closure_request=request, now=LATER)
    else:
        closure_request_decline(actor=supervisor, closure_request=request, reason="Not yet", now=LATER)
    other = SupervisorFactory(unit=case.unit)
    for call in (
        lambda: closure_request_approve(actor=other, closure_request=request, now=LATER),
        lambda: closure_request_decline(actor=other, closure_request=request, reason="x", now=LATER),
    ):
        error = _refused(call, ApplicationError, f"was already {first}d on Mar 4, 2026", case)
        assert error.status_code == 409


def test_one_request_waits_per_case(case):
    _ask(case)
    error = _refused(lambda: _ask(case, reason="transferred"), ApplicationError, "has waited for approval", case)
    assert error.status_code == 409


def test_a_closed_case_takes_no_request(case):
    supervision_close(actor=case.officer, supervision=case, closure_reason="completed", closed_on=TODAY, now=NOW)
    error = _refused(lambda: _ask(case), ApplicationError, "already closed on", case)
    assert error.status_code == 409


@pytest.mark.parametrize(
    ("reason", "closed_on", "field"),
    [
        ("completed", TODAY, "closure_reason"),
        ("early_termination", TODAY + datetime.timedelta(days=1), "closed_on"),
        ("transferred", TODAY - datetime.timedelta(days=365), "closed_on"),
    ],
)
def test_a_bad_request_is_a_field_error(case, reason, closed_on, field):
    before = _state(case)
    with pytest.raises(ValidationError) as refused:
        _ask(case, reason=reason, closed_on=closed_on)
    assert set(refused.value.message_dict) == {field}
    assert _state(case) == before


@pytest.mark.parametrize("reason", ["early_termination", "transferred"])
def test_nobody_closes_for_early_termination_or_transfer_without_an_approved_request(case, supervisor, reason):
    for actor in (case.officer, supervisor):
        _refused(
            lambda actor=actor: supervision_close(actor=actor, supervision=case, closure_reason=reason, now=NOW),
            ValidationError,
            "needs a supervisor's approval",
            case,
        )


def test_closing_otherwise_cancels_the_waiting_request(case):
    request = _ask(case)

    supervision_close(actor=case.officer, supervision=case, closure_reason="deceased", closed_on=TODAY, now=LATER)

    request.refresh_from_db()
    assert (request.status, request.decision_reason, request.decided_by) == (
        ClosureRequestStatus.CANCELLED,
        "Closed otherwise (deceased)",
        case.officer,
    )
    assert AuditEvent.objects.filter(action="closure_request.cancelled", object_id=str(request.pk)).exists()


def test_an_approval_the_case_can_no_longer_take_saves_nothing(case, supervisor):
    # given a request whose case was closed otherwise meanwhile is cancelled: approving it is a conflict
    request = _ask(case)
    supervision_close(actor=case.officer, supervision=case, closure_reason="other", closed_on=TODAY, now=NOW)
    error = _refused(
        lambda: closure_request_approve(actor=supervisor, closure_request=request, now=LATER),
        ApplicationError,
        "already cancelled",
        case,
    )
    assert error.status_code == 409


def test_the_database_keeps_one_waiting_request_and_four_eyes(case, supervisor):
    request = _ask(case)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClosureRequest.objects.create(
            supervision=case, closure_reason="transferred", closed_on=TODAY, requested_by=supervisor, requested_at=NOW
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ClosureRequest.objects.filter(pk=request.pk).update(
            status=ClosureRequestStatus.APPROVED, decided_by=case.officer, decided_at=LATER
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ClosureRequest.objects.filter(pk=request.pk).update(closure_reason="completed")
