"""A case's conditions, changed by the orders of its authority: impose, modify and end a condition, each with
the order it comes from, through supervision.services.conditions (which holds the rules and refuses what the
forms let through). ``?report=<id>`` applies the authority's decision on a violation report ("conditions
modified"): the form comes prefilled with that order, and the change cites the decision, which the case page
then stops asking for."""

from datetime import date
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agency.errors import ApplicationError
from agency.http import AuthenticatedRequest
from supervision import services
from supervision.access import case_change_require
from supervision.authority import report_authority
from supervision.bounds import ORDER_REFERENCE_MAX_LENGTH
from supervision.choices import SupervisionStatus
from supervision.models import Condition, Supervision, ViolationReport
from supervision.selectors import case_for_action
from supervision.workspace.condition_forms import ConditionEndForm, ConditionImposeForm, ConditionModifyForm
from supervision.workspace.condition_selectors import (
    case_decisions_to_apply,
    condition_decision_get,
    condition_get,
    conditions_history_attach,
)
from supervision.workspace.pages import form_data, record_page, workspace_view

TEMPLATE = "supervision/condition_form.html"


def decision_reference(report: ViolationReport) -> str:
    """The reference a decision's order is recorded under: the case's docket and the report it decided."""
    reference = f"{report.supervision.docket_number}, decision on violation report #{report.pk}"
    return reference if len(reference) <= ORDER_REFERENCE_MAX_LENGTH else report.supervision.docket_number


def _decision(request: AuthenticatedRequest, supervision: Supervision) -> ViolationReport | None:
    report = condition_decision_get(supervision=supervision, report_id=request.GET.get("report"))
    if report is not None:
        report.supervision = supervision
    return report


def _order_initial(report: ViolationReport | None) -> dict[str, Any]:
    if report is None:
        return {}
    return {"order_date": report.disposition_on, "order_reference": decision_reference(report)}


def _decision_context(report: ViolationReport | None) -> dict[str, Any]:
    if report is None:
        return {}
    return {"decision": report, "decision_authority": report_authority(report)}


def _refusal(supervision: Supervision, condition: Condition | None = None) -> dict[str, str]:
    """A closed case, and an ended condition, are read-only: the form says so instead of showing its fields."""
    if supervision.status == SupervisionStatus.CLOSED:
        return {
            "empty": f"This case was closed on {supervision.closed_on:%b %-d, %Y}: its conditions no longer "
            "change. It stays in the person's history, read-only."
        }
    if condition is not None and condition.ended_on is not None:
        return {
            "empty": f"This condition ended on {condition.ended_on:%b %-d, %Y}: it no longer changes. A new order "
            "imposes a new condition."
        }
    return {}


def _applied(report: ViolationReport | None, done: str) -> str:
    if report is None:
        return done
    return f"{done} The decision on violation report #{report.pk} is recorded as applied."


def _today() -> date:
    return timezone.localdate()


@require_http_methods(["GET", "POST"])
@workspace_view
def condition_new(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    report = _decision(request, supervision)
    initial = {"imposed_on": report.disposition_on if report else _today(), **_order_initial(report)}
    form = ConditionImposeForm(form_data(request), supervision=supervision, initial=initial)
    return record_page(
        request,
        supervision=supervision,
        form=form,
        call=lambda data: services.condition_impose(actor=request.user, supervision=supervision, report=report, **data),
        success=lambda condition: _applied(report, f"Condition imposed: {condition.condition_type.name}."),
        title="Impose a condition",
        template=TEMPLATE,
        extra={
            "intro": "A condition the court or board ordered. Record it with the order it comes from.",
            **_decision_context(report),
            **_refusal(supervision),
        },
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def condition_modify(request: AuthenticatedRequest, case_id: int, condition_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    condition = condition_get(actor=request.user, supervision=supervision, condition_id=condition_id)
    report = _decision(request, supervision)
    form = ConditionModifyForm(form_data(request), condition=condition, initial=_order_initial(report))
    return record_page(
        request,
        supervision=supervision,
        form=form,
        call=lambda data: services.condition_modify(actor=request.user, condition=condition, report=report, **data),
        success=lambda changed: _applied(report, f"Condition modified: {changed.condition_type.name}."),
        title="Modify a condition",
        template=TEMPLATE,
        extra={"condition": condition, **_decision_context(report), **_refusal(supervision, condition)},
        viewed=("condition.viewed", condition),
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def condition_end(request: AuthenticatedRequest, case_id: int, condition_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    condition = condition_get(actor=request.user, supervision=supervision, condition_id=condition_id)
    report = _decision(request, supervision)
    initial = {"ended_on": report.disposition_on if report else _today(), **_order_initial(report)}
    form = ConditionEndForm(form_data(request), supervision=supervision, initial=initial)
    return record_page(
        request,
        supervision=supervision,
        form=form,
        call=lambda data: services.condition_end(actor=request.user, condition=condition, report=report, **data),
        success=lambda ended: _applied(
            report, f"Condition ended: {ended.condition_type.name}, on {ended.ended_on:%b %-d, %Y}."
        ),
        title="End a condition",
        template=TEMPLATE,
        extra={"condition": condition, **_decision_context(report), **_refusal(supervision, condition)},
        viewed=("condition.viewed", condition),
    )


# --- The case page's conditions ---------------------------------------------------------------------------


def _may_change(request: AuthenticatedRequest, supervision: Supervision) -> bool:
    """Whether the case page offers the conditions' forms: an open case, to its officer or its unit's supervisor
    (the services' own gate, asked without a query)."""
    if supervision.status == SupervisionStatus.CLOSED:
        return False
    try:
        case_change_require(request.user, supervision, "change conditions")
    except ApplicationError:
        return False
    return True


def case_conditions_context(
    request: AuthenticatedRequest, supervision: Supervision, conditions: list[Condition]
) -> dict[str, Any]:
    """What the case page's conditions section shows beside the conditions: each one's earlier wordings (one
    query), the authority's decisions still to apply (one query), and whether the forms are offered."""
    conditions_history_attach(conditions)
    decisions = case_decisions_to_apply(supervision=supervision)
    for decision in decisions:
        decision.authority = report_authority(decision)  # type: ignore[attr-defined]
    return {
        "conditions_may_change": _may_change(request, supervision),
        "decisions_to_apply": decisions,
        "decision_query": f"?report={decisions[0].pk}" if decisions else "",
    }
