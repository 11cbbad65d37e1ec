"""Correcting violations (supervision/services/violations.py): withdraw (recorded in error), dismiss (not
sustained), merge a manual violation into the automatic one for the same event; and the refusal of a second
violation for one check-in or drug test. Nothing is deleted; a refused call changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agency.errors import ApplicationError
from supervision.choices import (
    CheckInStatus,
    ComplianceStatus,
    DrugTestResult,
    ReportStatus,
    SupervisionStatus,
    ViolationKind,
    ViolationStatus,
)
from supervision.compliance import conditions_with_compliance
from supervision.models import Condition, Violation
from supervision.services import (
    violation_dismiss,
    violation_merge,
    violation_record,
    violation_withdraw,
)
from tests.agency.factories import IntegratorFactory, OfficerFactory, SupervisorFactory
from tests.supervision.factories import (
    CheckInFactory,
    ConditionFactory,
    DrugTestFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)
from tests.supervision.service_helpers import _audit, _rows

pytestmark = pytest.mark.django_db


def _state(violation: Violation) -> tuple:
    violation.refresh_from_db()
    return (violation.status, violation.correction_reason, violation.merged_into_id, violation.condition_id)


def _derived(condition: Condition) -> str:
    return conditions_with_compliance(Condition.objects.filter(pk=condition.pk)).get().derived_compliance


# --- withdraw and dismiss ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "status", "action"),
    [
        (violation_withdraw, ViolationStatus.WITHDRAWN, "violation.withdrawn"),
        (violation_dismiss, ViolationStatus.DISMISSED, "violation.dismissed"),
    ],
)
def test_a_correction_keeps_the_violation_with_its_reason_and_the_condition_is_no_longer_violated(
    service, status, action
):
    # given
    case = SupervisionFactory()
    condition = ConditionFactory(supervision=case)
    violation = ViolationFactory(supervision=case, condition=condition)
    assert _derived(condition) == ComplianceStatus.VIOLATED
    # when
    service(actor=case.officer, violation=violation, reason=" Entered on the wrong case. ")
    # then
    assert _state(violation) == (status, "Entered on the wrong case.", None, condition.pk)
    audit = _audit(action)
    assert (audit.actor_id, audit.offender_id, audit.detail) == (
        case.officer.pk,
        case.offender_id,
        {"from_status": "open", "reason": "Entered on the wrong case."},
    )
    history = violation.history.latest("history_id")
    assert (history.status, history.history_user_id) == (status, case.officer.pk)
    assert _derived(condition) == ComplianceStatus.COMPLIANT


def test_a_supervisor_of_the_unit_dismisses_an_answered_violation():
    # given
    violation = ViolationFactory(status=ViolationStatus.SANCTIONED)
    supervisor = SupervisorFactory(unit=violation.supervision.unit)
    # when
    violation_dismiss(actor=supervisor, violation=violation, reason="Not sustained at the review.")
    # then
    assert _state(violation)[0] == ViolationStatus.DISMISSED
    assert _audit("violation.dismissed").detail["from_status"] == "sanctioned"


@pytest.mark.parametrize("service", [violation_withdraw, violation_dismiss])
def test_a_correction_needs_a_reason(service):
    # given
    violation = ViolationFactory()
    before = (_rows(), _state(violation))
    # when
    with pytest.raises(ValidationError) as refused:
        service(actor=violation.supervision.officer, violation=violation, reason="   ")
    # then
    assert list(refused.value.message_dict) == ["reason"]
    assert (_rows(), _state(violation)) == before


@pytest.mark.parametrize("service", [violation_withdraw, violation_dismiss])
@pytest.mark.parametrize(
    "actor",
    [
        pytest.param(lambda case: OfficerFactory(unit=case.unit), id="another officer"),
        pytest.param(lambda case: SupervisorFactory(), id="another unit's supervisor"),
        pytest.param(lambda case: IntegratorFactory(unit=case.unit), id="an integrator"),
    ],
)
def test_only_the_cases_officer_or_its_supervisor_corrects_a_violation(service, actor):
    # given
    violation = ViolationFactory()
    user = actor(violation.supervision)
    before = (_rows(), _state(violation))
    # when
    with pytest.raises(ApplicationError) as refused:
        service(actor=user, violation=violation, reason="Wrong.")
    # then
    assert refused.value.status_code == 403
    assert (_rows(), _state(violation)) == before


@pytest.mark.parametrize("report_status", [ReportStatus.DRAFT, ReportStatus.SUBMITTED])
@pytest.mark.parametrize("service", [violation_withdraw, violation_dismiss])
def test_a_violation_held_by_a_live_report_is_not_corrected_and_the_report_is_named(service, report_status):
    # given
    case = SupervisionFactory()
    violation = ViolationFactory(supervision=case)
    report = ViolationReportFactory(supervision=case, violations=[violation], status=report_status)
    before = (_rows(), _state(violation))
    # when
    with pytest.raises(ApplicationError) as refused:
        service(actor=case.officer, violation=violation, reason="Wrong.")
    # then
    assert refused.value.status_code == 409
    assert f"violation report #{report.pk}" in refused.value.message
    assert refused.value.extra == {"report": report.pk}
    assert (_rows(), _state(violation)) == before


def test_a_violation_freed_by_a_returned_report_is_corrected():
    # given
    case = SupervisionFactory()
    violation = ViolationFactory(supervision=case)
    ViolationReportFactory(supervision=case, violations=[violation], status=ReportStatus.RETURNED)
    # when
    violation_withdraw(actor=case.officer, violation=violation, reason="Recorded in error.")
    # then
    assert _state(violation)[0] == ViolationStatus.WITHDRAWN


@pytest.mark.parametrize(
    "status", [ViolationStatus.RESOLVED, ViolationStatus.DISMISSED, ViolationStatus.WITHDRAWN, ViolationStatus.REPORTED]
)
def test_a_closed_violation_is_not_corrected_again(status):
    # given
    violation = ViolationFactory(status=status, correction_reason="Earlier.")
    before = (_rows(), _state(violation))
    # when
    with pytest.raises(ApplicationError) as refused:
        violation_withdraw(actor=violation.supervision.officer, violation=violation, reason="Again.")
    # then
    assert refused.value.status_code == 409
    assert (_rows(), _state(violation)) == before


def test_a_closed_cases_violations_are_not_corrected():
    # given
    today = timezone.localdate()
    case = SupervisionFactory(status=SupervisionStatus.CLOSED, closed_on=today, closure_reason="completed")
    violation = ViolationFactory(supervision=case)
    # when
    with pytest.raises(ApplicationError) as refused:
        violation_dismiss(actor=case.officer, violation=violation, reason="Not sustained.")
    # then
    assert refused.value.status_code == 409
    assert _state(violation)[0] == ViolationStatus.OPEN


# --- merge ------------------------------------------------------------------------------------------------------


def _automatic_and_manual():
    case = SupervisionFactory()
    condition = ConditionFactory(supervision=case)
    test = DrugTestFactory(supervision=case, result=DrugTestResult.POSITIVE)
    automatic = ViolationFactory(supervision=case, drug_test=test, recorded_by=None)
    manual = ViolationFactory(supervision=case, condition=condition, description="Positive for cocaine.")
    return case, condition, automatic, manual


def test_a_manual_violation_is_merged_into_the_automatic_one_and_its_condition_moves_with_it():
    # given
    case, condition, automatic, manual = _automatic_and_manual()
    # when
    kept = violation_merge(actor=case.officer, violation=manual, into=automatic)
    # then
    assert kept.pk == automatic.pk
    assert _state(manual) == (
        ViolationStatus.WITHDRAWN,
        f"Recorded twice: the same event as violation #{automatic.pk}.",
        automatic.pk,
        condition.pk,
    )
    assert _state(automatic) == (ViolationStatus.OPEN, "", None, condition.pk)
    assert _audit("violation.merged").detail == {
        "into": automatic.pk,
        "reason": f"Recorded twice: the same event as violation #{automatic.pk}.",
    }
    assert Violation.objects.count() == 2
    assert _derived(condition) == ComplianceStatus.VIOLATED


def test_a_merge_goes_from_the_manual_violation_into_the_automatic_one_of_the_same_case():
    # given
    case, _condition, automatic, manual = _automatic_and_manual()
    elsewhere = ViolationFactory(check_in=CheckInFactory(status=CheckInStatus.MISSED))
    other_manual = ViolationFactory(supervision=case)
    before = (_rows(), _state(manual), _state(automatic))
    # when / then
    with pytest.raises(ValidationError) as backwards:
        violation_merge(actor=case.officer, violation=automatic, into=manual)
    with pytest.raises(ValidationError) as other_case:
        violation_merge(actor=case.officer, violation=manual, into=elsewhere)
    with pytest.raises(ValidationError) as not_automatic:
        violation_merge(actor=case.officer, violation=manual, into=other_manual)
    with pytest.raises(ValidationError) as itself:
        violation_merge(actor=case.officer, violation=manual, into=manual)
    assert list(backwards.value.message_dict) == ["violation"]
    assert [list(e.value.message_dict) for e in (other_case, not_automatic, itself)] == [["into"], ["into"], ["into"]]
    assert (_rows(), _state(manual), _state(automatic)) == before


def test_a_manual_violation_held_by_a_report_is_not_merged():
    # given
    case, _condition, automatic, manual = _automatic_and_manual()
    report = ViolationReportFactory(supervision=case, violations=[manual])
    # when
    with pytest.raises(ApplicationError) as refused:
        violation_merge(actor=case.officer, violation=manual, into=automatic)
    # then
    assert refused.value.status_code == 409
    assert f"violation report #{report.pk}" in refused.value.message
    assert _state(manual)[0] == ViolationStatus.OPEN


# --- One violation per check-in and per drug test ---------------------------------------------------------------


def test_a_second_violation_for_a_check_in_or_a_test_is_a_field_error_naming_the_first():
    # given
    case = SupervisionFactory()
    check_in = CheckInFactory(supervision=case, status=CheckInStatus.MISSED)
    test = DrugTestFactory(supervision=case, result=DrugTestResult.POSITIVE)
    first_check_in = ViolationFactory(supervision=case, check_in=check_in, recorded_by=None)
    first_test = ViolationFactory(supervision=case, drug_test=test, recorded_by=None)
    before = _rows()
    # when
    with pytest.raises(ValidationError) as refused:
        violation_record(
            actor=case.officer,
            supervision=case,
            kind=ViolationKind.TECHNICAL,
            occurred_on=timezone.localdate() - datetime.timedelta(days=1),
            description="Again.",
            check_in=check_in,
            drug_test=test,
        )
    # then
    assert refused.value.message_dict == {
        "check_in": [f"This check-in already has its violation (#{first_check_in.pk}): correct that one instead."],
        "drug_test": [f"This drug test already has its violation (#{first_test.pk}): correct that one instead."],
    }
    assert _rows() == before
