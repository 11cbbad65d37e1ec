"""The supervisor's dashboard, the officer's own figures, the review queue and caseload assignment (the CSV
exports: ``supervision.dashboard.exports``). Views are thin: parse the filters with a form, read through
``supervision.dashboard.selectors``, act through the services, render or redirect with a message."""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agency.access import role_view
from agency.audit import audit_list_read, audit_page_read
from agency.choices import Role
from agency.errors import ApplicationError
from agency.http import AuthenticatedRequest
from agency.models import User
from supervision import services
from supervision.authority import report_authority
from supervision.dashboard import figures, selectors
from supervision.dashboard.forms import CaseListForm, DashboardFilterForm, ReassignForm, ReportReturnForm
from supervision.lifecycle import ReportStep, report_step_open
from supervision.models import ViolationReport
from supervision.pdf import report_violations
from supervision.selectors import case_for_action, violation_report_get

CASE_LIST_PAGE_SIZE = 50


DASHBOARD_REFUSAL = "The dashboard is for unit supervisors and, for their own figures, officers."
supervisor_view = role_view((Role.SUPERVISOR,), DASHBOARD_REFUSAL)
staff_view = role_view((Role.SUPERVISOR, Role.OFFICER), DASHBOARD_REFUSAL)


def _query(filters: selectors.DashboardFilters, **extra: Any) -> str:
    return urlencode({**filters.as_query(), **{k: v for k, v in extra.items() if v not in (None, "")}})


def _dashboard_context(
    request: AuthenticatedRequest,
    *,
    filters: selectors.DashboardFilters,
    form: DashboardFilterForm,
    mode: str,
    title: str,
    officer: User | None = None,
) -> dict[str, Any]:
    data = figures.dashboard_get(actor=request.user, filters=filters)
    without_officer = selectors.DashboardFilters(supervision_type=filters.supervision_type, level=filters.level)
    reassignments = selectors.unit_reassignments(actor=request.user, filters=filters)
    # The figures are counts; the recent reassignments (not on an officer's own page) name people.
    shown = reassignments if mode != "me" else []
    audit_list_read(request, action="dashboard.viewed", rows=[(r["case_id"], r["offender"].pk) for r in shown])
    return {
        "data": data,
        "form": form,
        "mode": mode,
        "title": title,
        "officer": officer,
        "q": _query(filters),
        "q_types": _query(without_officer),
        "charts": [
            {
                "id": f"chart-{key.replace('_', '-')}",
                "data_id": f"chart-{key.replace('_', '-')}-data",
                "table": f"trend-{key.replace('_', '-')}",
                "trend": trend,
                "data": trend.chart_data(),
            }
            for key, trend in data.trends.items()
        ],
        "reassignments": reassignments,
        "standard": settings.CASELINE["CASELOAD_STANDARD"],
        "weights": settings.CASELINE["LEVEL_WEIGHTS"],
    }


@require_GET
@supervisor_view
def unit_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None, actor=request.user)
    filters = form.filters()
    unit = request.user.unit
    title = f"{unit.name} dashboard" if unit else "Unit dashboard"
    return render(
        request,
        "dashboard/dashboard.html",
        _dashboard_context(request, filters=filters, form=form, mode="unit", title=title),
    )


@require_GET
@supervisor_view
def officer_dashboard(request: AuthenticatedRequest, officer_id: int) -> HttpResponse:
    officer = selectors.unit_officer_get(actor=request.user, officer_id=officer_id)
    form = DashboardFilterForm(request.GET or None, actor=request.user, with_officer=False)
    filters = form.filters(officer=officer)
    title = officer.get_full_name() or officer.username
    context = _dashboard_context(request, filters=filters, form=form, mode="officer", title=title, officer=officer)
    return render(request, "dashboard/dashboard.html", context)


@require_GET
@role_view((Role.OFFICER,), DASHBOARD_REFUSAL)
def my_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None, actor=request.user, with_officer=False)
    filters = form.filters(officer=request.user)
    context = _dashboard_context(
        request, filters=filters, form=form, mode="me", title="My figures", officer=request.user
    )
    return render(request, "dashboard/dashboard.html", context)


# --- The cases behind a figure, and reassignment --------------------------------------------------------


def case_list_filters(request: AuthenticatedRequest) -> tuple[CaseListForm, selectors.DashboardFilters, str]:
    is_supervisor = request.user.role == Role.SUPERVISOR
    form = CaseListForm(request.GET or None, actor=request.user, with_officer=is_supervisor)
    filters = form.filters(officer=None if is_supervisor else request.user)
    return form, filters, form.figure_value()


@require_GET
@staff_view
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    form, filters, figure = case_list_filters(request)
    cases = selectors.dashboard_case_list(actor=request.user, filters=filters, figure=figure)
    page = Paginator(cases, CASE_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    audit_list_read(request, action="supervision.listed", rows=[(c.pk, c.offender_id) for c in page.object_list])
    is_supervisor = request.user.role == Role.SUPERVISOR
    return render(
        request,
        "dashboard/case_list.html",
        {
            "form": form,
            "figure": figure,
            "figure_label": selectors.FIGURES[figure],
            "page_obj": page,
            "q": _query(filters, figure=figure),
            "reassign_form": ReassignForm(actor=request.user) if is_supervisor else None,
            "is_supervisor": is_supervisor,
            "next": request.get_full_path(),
        },
    )


def _safe_next(request: AuthenticatedRequest, default: str) -> str:
    """The page to go back to: ``next`` when it is a path on this site, else ``default``. Another host or
    scheme falls back, and so does anything that is not a path: redirect() takes a bare word such as ``0``
    for the name of a view and fails (it answered 500)."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
@supervisor_view
def reassign(request: AuthenticatedRequest) -> HttpResponse:
    form = ReassignForm(request.POST, actor=request.user)
    back = _safe_next(request, reverse("dashboard:cases"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                # django-stubs types an ErrorList's items as ValidationError | str; read one by one (its
                # __getitem__) they are the messages.
                messages.error(request, error)  # type: ignore[arg-type]
        return redirect(back)
    try:
        moved = services.supervision_reassign(
            actor=request.user,
            supervisions=form.cleaned_data["cases"],
            officer=form.cleaned_data["officer"],
            reason=form.cleaned_data["reason"],
        )
    except (ApplicationError, ValidationError) as error:
        messages.error(request, _message(error))
        return redirect(back)
    officer = form.cleaned_data["officer"]
    name = officer.get_full_name() or officer.username
    if moved:
        messages.success(request, f"{len(moved)} case{'s' if len(moved) != 1 else ''} reassigned to {name}.")
    else:
        messages.info(request, f"{name} already holds the selected cases: nothing changed.")
    return redirect(back)


@require_GET
@staff_view
def case_assignments(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    is_supervisor = request.user.role == Role.SUPERVISOR
    audit_page_read(request, action="supervision.viewed", obj=supervision, offender_id=supervision.offender_id)
    return render(
        request,
        "dashboard/case_assignments.html",
        {
            "case": supervision,
            "history": selectors.case_assignment_history(supervision=supervision),
            "reassign_form": ReassignForm(actor=request.user, initial={"cases": [supervision.pk]})
            if is_supervisor and supervision.status != "closed"
            else None,
            "next": request.get_full_path(),
        },
    )


# --- Report review ---------------------------------------------------------------------------------------


@require_GET
@supervisor_view
def review_queue(request: AuthenticatedRequest) -> HttpResponse:
    reports = list(selectors.review_queue(actor=request.user)[:200])
    audit_list_read(
        request, action="violation_report.listed", rows=[(r.pk, r.supervision.offender_id) for r in reports]
    )
    now = timezone.now()
    for report in reports:
        # For the template (and tests/dashboard/test_review.py): how long the report has waited, not a field.
        report.age_days = (now - report.submitted_at).days if report.submitted_at else None  # type: ignore[attr-defined]
    return render(
        request,
        "dashboard/review_queue.html",
        {"reports": reports, "warning_days": selectors.REPORT_AGE_WARNING_DAYS},
    )


def _review_page(
    request: AuthenticatedRequest, report: ViolationReport, form: ReportReturnForm, status: int = 200
) -> HttpResponse:
    """The report under review; every rendering (the page, or the return form shown again) is audited."""
    full = violation_report_get(actor=request.user, supervision=report.supervision, report_id=report.pk)
    audit_page_read(request, action="violation_report.viewed", obj=full, offender_id=report.supervision.offender_id)
    return render(
        request,
        "dashboard/review_detail.html",
        {
            "report": full,
            "case": report.supervision,
            "offender": report.supervision.offender,
            "history": selectors.report_history(report=report),
            "violations": report_violations(full),
            "authority": report_authority(full),
            "form": form,
            "can_review": report_step_open(report.status, ReportStep.APPROVE) and report.author_id != request.user.pk,
        },
        status=status,
    )


@require_GET
@supervisor_view
def review_detail(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    report = selectors.review_report_get(actor=request.user, report_id=report_id)
    return _review_page(request, report, ReportReturnForm())


def _message(error: Exception) -> str:
    if isinstance(error, ApplicationError):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@require_POST
@supervisor_view
def review_approve(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    report = selectors.review_report_get(actor=request.user, report_id=report_id)
    try:
        approved = services.violation_report_approve(actor=request.user, report=report)
    except (ApplicationError, ValidationError) as error:
        messages.error(request, _message(error))
        return redirect("dashboard:review_detail", report_id=report.pk)
    authority = report_authority(approved)
    body = "the sentencing court" if authority.is_court else "the parole board"
    messages.success(
        request, f"Violation report #{approved.pk} approved: it is being sent to {body}, {authority.name}."
    )
    return redirect("dashboard:reviews")


@require_http_methods(["POST"])
@supervisor_view
def review_return(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    report = selectors.review_report_get(actor=request.user, report_id=report_id)
    form = ReportReturnForm(request.POST)
    if form.is_valid():
        try:
            services.violation_report_return(actor=request.user, report=report, comment=form.cleaned_data["comment"])
        except ApplicationError as error:  # wrong state, not the reviewer: nothing to fix on the form
            messages.error(request, error.message)
            return redirect("dashboard:review_detail", report_id=report.pk)
        except ValidationError as error:
            form.add_error("comment" if "comment" in getattr(error, "message_dict", {}) else None, _message(error))
        else:
            messages.success(request, f"Violation report #{report.pk} returned to its author with your comments.")
            return redirect("dashboard:reviews")
    report.refresh_from_db()
    return _review_page(request, report, form)
