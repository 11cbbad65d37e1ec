"""A condition change that applies the authority's decision on a violation report ("conditions modified"):
supervision.services.conditions with ``report``. The first change that cites the decision stamps it as applied;
a report of another case, another decision, or an order dated before the decision is refused, changing nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agency.models import AuditEvent
from supervision import services
from supervision.choices import Disposition, ReportStatus
from supervision.models import Condition, ViolationReport
from tests.inbox.conftest import make_report
from tests.supervision.factories import ConditionFactory, ConditionTypeFactory, SupervisionFactory

pytestmark = pytest.mark.django_db


def _today() -> datetime.date:
    return timezone.localdate()


def _decision(case, disposition: str = Disposition.CONDITIONS_MODIFIED) -> ViolationReport:
    report = make_report(case, ReportStatus.RECEIVED)
    return services.violation_report_dispose(
        actor=report.received_by, report=report, disposition=disposition, disposed_on=_today(), note="Curfew 21:00."
    )


def _impose(case, report, **kwargs) -> Condition:
    arguments = {
        "condition_type": ConditionTypeFactory(name="Curfew"),
        "details": "Home from 21:00.",
        "imposed_on": _today(),
        "order_date": _today(),
        "order_reference": "Entry 40",
    }
    return services.condition_impose(actor=case.officer, supervision=case, report=report, **(arguments | kwargs))


def test_the_first_change_citing_the_decision_stamps_it_applied():
    # given the court's decision modifying the conditions
    case = SupervisionFactory()
    decision = _decision(case)
    # when the officer imposes a condition by it
    condition = _impose(case, decision)
    # then the decision is applied, by the officer, and the audit row names it
    decision.refresh_from_db()
    assert decision.conditions_applied_at is not None
    latest = decision.history.latest("history_id")
    assert (latest.history_user, latest.history_change_reason) == (
        case.officer,
        "Conditions modified: the decision applied to the case",
    )
    (row,) = AuditEvent.objects.filter(action="condition.imposed", object_id=str(condition.pk))
    assert row.detail["report_id"] == decision.pk


def test_a_later_change_citing_it_keeps_the_first_stamp():
    # given a decision applied once
    case = SupervisionFactory()
    decision = _decision(case)
    curfew = _impose(case, decision)
    decision.refresh_from_db()
    first = decision.conditions_applied_at
    # when a second change cites it
    services.condition_end(
        actor=case.officer,
        condition=curfew,
        ended_on=_today(),
        order_date=_today(),
        order_reference="E",
        report=decision,
    )
    # then
    decision.refresh_from_db()
    assert decision.conditions_applied_at == first
    assert AuditEvent.objects.get(action="condition.ended").detail["report_id"] == decision.pk


def _refused(case, report, field: str, message: str, **kwargs) -> None:
    before = (Condition.objects.count(), AuditEvent.objects.filter(action__startswith="condition.").count())
    with pytest.raises(ValidationError) as refused:
        _impose(case, report, **kwargs)
    assert refused.value.message_dict == {field: [message]}
    assert (Condition.objects.count(), AuditEvent.objects.filter(action__startswith="condition.").count()) == before
    report.refresh_from_db()
    assert report.conditions_applied_at is None


def test_another_cases_decision_is_refused():
    case = SupervisionFactory()
    elsewhere = _decision(SupervisionFactory(officer=case.officer))
    _refused(case, elsewhere, "report", f"Violation report #{elsewhere.pk} is another case's.")


@pytest.mark.parametrize("disposition", [Disposition.CONTINUED, Disposition.DISMISSED])
def test_a_decision_that_did_not_modify_the_conditions_is_refused(disposition):
    case = SupervisionFactory()
    report = _decision(case, disposition)
    _refused(case, report, "report", f"Violation report #{report.pk} has no decision that modified the conditions.")


def test_an_undecided_report_is_refused():
    case = SupervisionFactory()
    report = make_report(case, ReportStatus.HEARING_SCHEDULED)
    _refused(case, report, "report", f"Violation report #{report.pk} has no decision that modified the conditions.")


def test_an_order_dated_before_the_decision_is_refused():
    case = SupervisionFactory()
    decision = _decision(case)
    earlier = _today() - datetime.timedelta(days=3)
    _refused(
        case,
        decision,
        "order_date",
        f"The decision on violation report #{decision.pk} is of {_today():%b %d, %Y}: the order that applies it "
        "cannot be dated before it.",
        order_date=earlier,
        imposed_on=_today(),
    )


def test_a_modification_citing_the_decision_applies_it():
    case = SupervisionFactory()
    condition = ConditionFactory(supervision=case, details="Home from 22:00.")
    decision = _decision(case)
    services.condition_modify(
        actor=case.officer,
        condition=condition,
        details="Home from 21:00.",
        order_date=_today(),
        order_reference="Entry 40",
        report=decision,
    )
    decision.refresh_from_db()
    assert decision.conditions_applied_at is not None


def test_the_database_holds_applied_only_for_a_decision_that_modified_the_conditions():
    report = make_report(SupervisionFactory(), ReportStatus.DISPOSED, disposition=Disposition.CONTINUED)
    with pytest.raises(IntegrityError), transaction.atomic():
        ViolationReport.objects.filter(pk=report.pk).update(conditions_applied_at=timezone.now())
