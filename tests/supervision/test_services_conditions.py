"""Conditions as orders (supervision/services/conditions.py) and their derived compliance
(supervision/compliance.py).

A refused call changes nothing: the same rows, the same condition, no audit row, no webhook event."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agency.errors import ApplicationError
from agency.models import AuditEvent, WebhookDelivery
from supervision.choices import (
    ComplianceStatus,
    ConditionAppliesTo,
    SupervisionStatus,
    ViolationStatus,
)
from supervision.compliance import conditions_with_compliance
from supervision.models import Condition
from supervision.services import condition_end, condition_impose, condition_modify
from tests.agency.factories import (
    AdministratorFactory,
    IntegratorFactory,
    OfficerFactory,
    SupervisorFactory,
    WebhookSubscriptionFactory,
)
from tests.supervision.factories import (
    ConditionFactory,
    ConditionTypeFactory,
    ParoleSupervisionFactory,
    SupervisionFactory,
    ViolationFactory,
)
from tests.supervision.service_helpers import _audit, _rows

pytestmark = pytest.mark.django_db


def _today() -> datetime.date:
    return timezone.localdate()


def _days_ago(days: int) -> datetime.date:
    return _today() - datetime.timedelta(days=days)


def _impose(case, actor=None, **kwargs) -> Condition:
    arguments = {
        "condition_type": ConditionTypeFactory(name="Curfew"),
        "details": "Home from 22:00 to 06:00.",
        "imposed_on": _days_ago(10),
        "order_date": _days_ago(12),
        "order_reference": "CR-2025-00001 entry 14",
    }
    arguments.update(kwargs)
    return condition_impose(actor=actor or case.officer, supervision=case, **arguments)


def _state(condition: Condition) -> tuple:
    condition.refresh_from_db()
    return (condition.details, condition.ended_on, condition.order_date, condition.order_reference)


# --- condition_impose ------------------------------------------------------------------------------------------


def test_the_officer_imposes_a_condition_with_its_order():
    # given
    case = SupervisionFactory()
    subscription = WebhookSubscriptionFactory(events=["condition.changed"])
    # when
    condition = _impose(case)
    # then
    condition.refresh_from_db()
    assert (condition.details, condition.imposed_on, condition.ended_on) == (
        "Home from 22:00 to 06:00.",
        _days_ago(10),
        None,
    )
    assert (condition.order_date, condition.order_reference) == (_days_ago(12), "CR-2025-00001 entry 14")
    audit = _audit("condition.imposed")
    assert (audit.actor_id, audit.object_id, audit.offender_id) == (
        case.officer.pk,
        str(condition.pk),
        case.offender_id,
    )
    assert audit.detail["order"] == {
        "authority": {"type": "court", "id": case.court_id},
        "order_date": _days_ago(12).isoformat(),
        "order_reference": "CR-2025-00001 entry 14",
    }
    history = condition.history.get()
    assert (history.history_user_id, history.history_change_reason) == (
        case.officer.pk,
        "Imposed by order CR-2025-00001 entry 14",
    )
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.event == "condition.changed"
    assert delivery.payload["data"] == {"condition_id": condition.pk, "supervision_id": case.pk, "change": "imposed"}
    assert delivery.event_id == f"condition.changed:condition_change:{history.history_id}"


def test_a_supervisor_of_the_unit_imposes_on_a_parole_case_and_the_order_names_the_board():
    # given
    case = ParoleSupervisionFactory()
    supervisor = SupervisorFactory(unit=case.unit)
    # when
    _impose(case, actor=supervisor)
    # then
    assert _audit("condition.imposed").detail["order"]["authority"] == {
        "type": "parole_board",
        "id": case.parole_board_id,
    }


@pytest.mark.parametrize(
    "actor",
    [
        pytest.param(lambda case: OfficerFactory(unit=case.unit), id="another officer of the unit"),
        pytest.param(lambda case: SupervisorFactory(), id="a supervisor of another unit"),
        pytest.param(lambda case: IntegratorFactory(unit=case.unit), id="an integrator"),
        pytest.param(lambda case: AdministratorFactory(), id="an administrator"),
    ],
)
def test_only_the_cases_officer_or_its_supervisor_imposes_conditions(actor):
    # given
    case = SupervisionFactory()
    user = actor(case)
    before = _rows()
    # when
    with pytest.raises(ApplicationError) as refused:
        _impose(case, actor=user)
    # then
    assert refused.value.status_code == 403
    assert _rows() == before


def test_a_closed_cases_conditions_do_not_change():
    # given
    case = SupervisionFactory(status=SupervisionStatus.CLOSED, closed_on=_days_ago(1), closure_reason="completed")
    condition = ConditionFactory(supervision=case)
    before = (_rows(), _state(condition))
    # when / then
    for call in (
        lambda: _impose(case),
        lambda: condition_modify(
            actor=case.officer, condition=condition, details="New", order_date=_days_ago(1), order_reference="X"
        ),
        lambda: condition_end(
            actor=case.officer, condition=condition, ended_on=_days_ago(1), order_date=_days_ago(1), order_reference="X"
        ),
    ):
        with pytest.raises(ApplicationError) as refused:
            call()
        assert refused.value.status_code == 409
        assert "closed" in refused.value.message
    assert (_rows(), _state(condition)) == before


@pytest.mark.parametrize(
    ("arguments", "errors"),
    [
        pytest.param(
            {"order_reference": "  "},
            {"order_reference": ["Give the order's reference (its docket entry or number)."]},
            id="no order reference",
        ),
        pytest.param(
            {"imposed_on": datetime.timedelta(days=20), "order_date": datetime.timedelta(days=12)},
            {"imposed_on": ["A condition cannot take effect before the order that imposes it."]},
            id="in effect before its order",
        ),
        pytest.param(
            {"imposed_on": -datetime.timedelta(days=1), "order_date": -datetime.timedelta(days=1)},
            {"order_date": ["An order cannot be dated in the future."]},
            id="an order from the future",
        ),
        pytest.param(
            {"hours_required": Decimal("40")},
            {"hours_required": ["“Curfew” does not track community service hours."]},
            id="hours on a condition without hours",
        ),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(arguments, errors):
    # given
    case = SupervisionFactory()
    for name in ("imposed_on", "order_date"):
        if name in arguments:
            arguments[name] = _today() - arguments[name]
    before = _rows()
    # when
    with pytest.raises(ValidationError) as refused:
        _impose(case, condition_type=ConditionTypeFactory(name="Curfew"), **arguments)
    # then
    assert refused.value.message_dict == errors
    assert _rows() == before


def test_a_condition_of_the_other_kind_of_supervision_or_out_of_the_catalogue_is_refused():
    # given
    case = ParoleSupervisionFactory()
    probation_only = ConditionTypeFactory(name="Pay court costs", applies_to=ConditionAppliesTo.PROBATION)
    retired = ConditionTypeFactory(name="Old curfew", is_active=False)
    # when
    with pytest.raises(ValidationError) as wrong_kind:
        _impose(case, condition_type=probation_only)
    with pytest.raises(ValidationError) as not_in_catalogue:
        _impose(case, condition_type=retired)
    # then
    assert wrong_kind.value.message_dict == {
        "condition_type": ["“Pay court costs” is a condition of probation only: this case is parole."]
    }
    assert not_in_catalogue.value.message_dict == {
        "condition_type": ["“Old curfew” is no longer in the condition catalogue."]
    }
    assert not Condition.objects.exists()


# --- condition_modify -------------------------------------------------------------------------------------------


def test_a_modification_keeps_the_old_wording_in_history_with_its_order():
    # given
    case = SupervisionFactory()
    condition = _impose(case)
    subscription = WebhookSubscriptionFactory(events=["condition.changed"])
    # when
    condition_modify(
        actor=case.officer,
        condition=condition,
        details="Home from 23:00 to 06:00.",
        order_date=_days_ago(2),
        order_reference="CR-2025-00001 entry 19",
    )
    # then
    assert _state(condition) == ("Home from 23:00 to 06:00.", None, _days_ago(2), "CR-2025-00001 entry 19")
    wordings = [
        (row.details, row.order_reference, row.history_change_reason)
        for row in condition.history.order_by("history_id")
    ]
    assert wordings == [
        ("Home from 22:00 to 06:00.", "CR-2025-00001 entry 14", "Imposed by order CR-2025-00001 entry 14"),
        ("Home from 23:00 to 06:00.", "CR-2025-00001 entry 19", "Modified by order CR-2025-00001 entry 19"),
    ]
    assert _audit("condition.modified").detail["changed"] == ["details"]
    assert [d.payload["data"]["change"] for d in WebhookDelivery.objects.filter(subscription=subscription)] == [
        "modified"
    ]


def test_a_modification_changes_the_hours_ordered():
    # given
    case = SupervisionFactory()
    condition = _impose(
        case, condition_type=ConditionTypeFactory(tracks_hours=True), details="Community service", hours_required=40
    )
    # when
    condition_modify(
        actor=case.officer,
        condition=condition,
        details="Community service",
        hours_required=Decimal("60"),
        order_date=_days_ago(1),
        order_reference="Order 2",
    )
    # then
    condition.refresh_from_db()
    assert condition.hours_required == Decimal("60")
    assert _audit("condition.modified").detail["changed"] == ["hours_required"]


def test_an_order_that_changes_nothing_or_goes_back_in_time_is_a_field_error():
    # given
    case = SupervisionFactory()
    condition = _impose(case)
    before = (_rows(), _state(condition))
    # when
    with pytest.raises(ValidationError) as same:
        condition_modify(
            actor=case.officer,
            condition=condition,
            details=" Home from 22:00 to 06:00. ",
            order_date=_days_ago(1),
            order_reference="Order 2",
        )
    with pytest.raises(ValidationError) as earlier:
        condition_modify(
            actor=case.officer, condition=condition, details="Other", order_date=_days_ago(30), order_reference="Old"
        )
    # then
    assert same.value.message_dict == {
        "details": ["This is the condition's current wording: the order changes nothing."]
    }
    assert list(earlier.value.message_dict) == ["order_date"]
    assert (_rows(), _state(condition)) == before


def test_an_ended_condition_is_not_modified_or_ended_again():
    # given
    case = SupervisionFactory()
    condition = ConditionFactory(supervision=case, ended_on=_days_ago(1))
    before = (_rows(), _state(condition))
    # when / then
    with pytest.raises(ApplicationError) as modified:
        condition_modify(
            actor=case.officer, condition=condition, details="New", order_date=_days_ago(1), order_reference="X"
        )
    with pytest.raises(ApplicationError) as ended:
        condition_end(
            actor=case.officer, condition=condition, ended_on=_today(), order_date=_today(), order_reference="X"
        )
    assert (modified.value.status_code, ended.value.status_code) == (409, 409)
    assert "it cannot be modified" in modified.value.message
    assert (_rows(), _state(condition)) == before


def test_only_the_cases_officer_or_its_supervisor_modifies_or_ends():
    # given
    condition = ConditionFactory()
    stranger = OfficerFactory(unit=condition.supervision.unit)
    before = (_rows(), _state(condition))
    # when
    with pytest.raises(ApplicationError) as modified:
        condition_modify(actor=stranger, condition=condition, details="x", order_date=_today(), order_reference="X")
    with pytest.raises(ApplicationError) as ended:
        condition_end(actor=stranger, condition=condition, ended_on=_today(), order_date=_today(), order_reference="X")
    # then
    assert (modified.value.status_code, ended.value.status_code) == (403, 403)
    assert (_rows(), _state(condition)) == before


# --- condition_end ----------------------------------------------------------------------------------------------


def test_the_supervisor_ends_a_condition_by_order():
    # given
    case = SupervisionFactory()
    supervisor = SupervisorFactory(unit=case.unit)
    condition = _impose(case)
    # when
    condition_end(
        actor=supervisor, condition=condition, ended_on=_days_ago(1), order_date=_days_ago(3), order_reference="End 1"
    )
    # then
    assert _state(condition) == ("Home from 22:00 to 06:00.", _days_ago(1), _days_ago(3), "End 1")
    audit = _audit("condition.ended")
    assert (audit.actor_id, audit.detail["ended_on"]) == (supervisor.pk, _days_ago(1).isoformat())
    assert condition.history.latest("history_id").history_change_reason == "Ended by order End 1"


def test_a_condition_cannot_end_before_it_was_imposed():
    # given
    case = SupervisionFactory()
    condition = _impose(case)
    before = (_rows(), _state(condition))
    # when
    with pytest.raises(ValidationError) as refused:
        condition_end(
            actor=case.officer,
            condition=condition,
            ended_on=_days_ago(11),
            order_date=_days_ago(1),
            order_reference="E",
        )
    # then
    assert refused.value.message_dict == {"ended_on": ["A condition cannot end before it was imposed."]}
    assert (_rows(), _state(condition)) == before


def test_the_database_refuses_an_end_before_the_imposition_and_a_stored_violated():
    # given
    condition = ConditionFactory()
    # when / then
    with pytest.raises(IntegrityError, match="condition_ends_after_imposed"), transaction.atomic():
        Condition.objects.filter(pk=condition.pk).update(ended_on=condition.imposed_on - datetime.timedelta(days=1))
    with pytest.raises(IntegrityError, match="condition_violated_is_derived"), transaction.atomic():
        Condition.objects.filter(pk=condition.pk).update(compliance_status=ComplianceStatus.VIOLATED)


# --- Derived compliance -------------------------------------------------------------------------------------------


def _derived(condition: Condition) -> str:
    return conditions_with_compliance(Condition.objects.filter(pk=condition.pk)).get().derived_compliance


@pytest.mark.parametrize(
    ("violation_status", "derived"),
    [
        (ViolationStatus.OPEN, ComplianceStatus.VIOLATED),
        (ViolationStatus.SANCTIONED, ComplianceStatus.VIOLATED),
        (ViolationStatus.REPORTED, ComplianceStatus.VIOLATED),
        (ViolationStatus.RESOLVED, ComplianceStatus.WAIVED),
        (ViolationStatus.DISMISSED, ComplianceStatus.WAIVED),
        (ViolationStatus.WITHDRAWN, ComplianceStatus.WAIVED),
    ],
)
def test_a_live_violation_makes_the_condition_violated_whatever_was_recorded(violation_status, derived):
    # given
    condition = ConditionFactory(compliance_status=ComplianceStatus.WAIVED)
    ViolationFactory(
        supervision=condition.supervision,
        condition=condition,
        status=violation_status,
        correction_reason="Recorded in error." if violation_status == ViolationStatus.WITHDRAWN else "",
    )
    # when
    state = _derived(condition)
    # then
    assert state == derived
    assert condition.compliance_status == ComplianceStatus.WAIVED


def test_a_violation_citing_no_condition_or_another_leaves_the_condition_as_recorded():
    # given
    condition = ConditionFactory(compliance_status=ComplianceStatus.IN_PROGRESS)
    other = ConditionFactory(supervision=condition.supervision)
    ViolationFactory(supervision=condition.supervision)
    ViolationFactory(supervision=condition.supervision, condition=other)
    # when / then
    assert (_derived(condition), _derived(other)) == (ComplianceStatus.IN_PROGRESS, ComplianceStatus.VIOLATED)


def test_derived_compliance_costs_one_query_for_few_and_for_many_conditions(django_assert_num_queries):
    # given
    case = SupervisionFactory()
    for _index in range(2):
        ViolationFactory(supervision=case, condition=ConditionFactory(supervision=case))
    few = conditions_with_compliance(Condition.objects.filter(supervision=case))
    # when / then
    with django_assert_num_queries(1):
        assert [c.get_derived_compliance_display() for c in few] == ["Violated", "Violated"]
    for _index in range(8):
        ConditionFactory(supervision=case)
    many = conditions_with_compliance(Condition.objects.filter(supervision=case))
    with django_assert_num_queries(1):
        assert [c.get_derived_compliance_display() for c in many].count("Violated") == 2


def test_a_refused_change_writes_no_audit_row():
    # given
    case = SupervisionFactory()
    # when
    with pytest.raises(ValidationError):
        _impose(case, order_reference="")
    # then
    assert not AuditEvent.objects.filter(action__startswith="condition.").exists()
