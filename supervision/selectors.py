"""Reads shared by several packages and by the services; everything else a page reads lives in the package
of its users (``supervision.workspace.selectors``, ``supervision.dashboard.selectors``). Like every selector,
these start from the actor's scope (supervision.access): a case or record out of scope and one that does not
exist are the same 404."""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from agency.choices import Role
from agency.models import Unit, User
from supervision.access import case_records_visible_to, supervisions_visible_to
from supervision.models import CheckIn, Referral, Supervision, Violation, ViolationReport
from supervision.pdf.content import report_document_queryset
from supervision.weighting import OfficerCaseload, officer_caseloads

# --- A case or one of its records, for a form that acts on it (the workspace and the review pages) -------


def case_for_action(*, actor: User, case_id: Any) -> Supervision:
    """A case in scope, without the extras: for forms that record something on it. 404 otherwise."""
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise Http404("No such case.") from None
    supervision = supervisions_visible_to(actor).select_related("offender").filter(pk=case_id).first()
    if supervision is None:
        raise Http404("No such case.")
    return supervision


_Record = TypeVar("_Record", bound=Model)


def _record_in_case(queryset: QuerySet[_Record], *, actor: User, supervision: Supervision, record_id: Any) -> _Record:
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        raise Http404("No such record.") from None
    record = case_records_visible_to(actor, queryset).filter(supervision=supervision, pk=record_id).first()
    if record is None:
        raise Http404("No such record.")
    return record


def check_in_get(*, actor: User, supervision: Supervision, check_in_id: Any) -> CheckIn:
    return _record_in_case(CheckIn.objects.all(), actor=actor, supervision=supervision, record_id=check_in_id)


def referral_get(*, actor: User, supervision: Supervision, referral_id: Any) -> Referral:
    return _record_in_case(Referral.objects.all(), actor=actor, supervision=supervision, record_id=referral_id)


def violation_get(*, actor: User, supervision: Supervision, violation_id: Any) -> Violation:
    return _record_in_case(Violation.objects.all(), actor=actor, supervision=supervision, record_id=violation_id)


def violation_report_get(*, actor: User, supervision: Supervision, report_id: Any) -> ViolationReport:
    """A report of ``supervision`` in the actor's scope (404 otherwise), with everything its pages show: its
    violations with their evidence, as the court's page and the PDF read them (report_document_queryset)."""
    qs = report_document_queryset(ViolationReport.objects.all())
    return _record_in_case(qs, actor=actor, supervision=supervision, record_id=report_id)


# --- Caseloads (for assigning a new intake: supervision.services.assignment) ------------------------------


def unit_officer_loads(*, unit: Unit) -> list[OfficerCaseload]:
    """Every active officer of a unit with their weighted caseload (for assigning a new intake)."""
    officers = list(
        User.objects.filter(role=Role.OFFICER, unit=unit, is_active=True).order_by("last_name", "first_name", "pk")
    )
    return officer_caseloads(officers, Supervision.objects.filter(unit=unit))
