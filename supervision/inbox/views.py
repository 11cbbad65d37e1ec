"""The inbox of a court clerk or of parole board staff: the violation reports routed to their court or
board, each report as the authority needs it, its PDF, and the three steps the authority records
(acknowledge receipt, schedule the hearing, record the disposition).

Reports come from ``supervision.access.violation_reports_visible_to``: a clerk sees only the reports routed
to their court (a board member, to their board) from routing on, so a report of another court, a
parole report or a draft is the same 404 as one that does not exist. Nothing here links to the
officer's pages: the authority sees of a case what its reports contain. The writes go through the
services, which check the actor and the report's state again; a wrong state is a message, never a 500.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from agency.access import role_view
from agency.audit import audit_list_read, audit_page_read, audit_record
from agency.choices import Role
from agency.errors import ApplicationError
from agency.http import AuthenticatedRequest
from agency.models import User
from supervision import services
from supervision.access import violation_reports_visible_to
from supervision.authority import report_authority
from supervision.forms import form_add_service_error
from supervision.inbox.forms import INBOX_FILTERS, DispositionForm, HearingForm, InboxFilterForm
from supervision.inbox.selectors import inbox_counts, inbox_list, inbox_report_get
from supervision.lifecycle import ReportStep, report_step_open
from supervision.models import ViolationReport
from supervision.pdf import (
    conditions_violated,
    pdf_filename,
    report_violations,
    violation_report_pdf,
)

INBOX_ROLES = (Role.COURT_CLERK, Role.PAROLE_BOARD_STAFF)
INBOX_PAGE_SIZE = 25


# Signed-in court clerks and parole board staff only; everyone else gets 403 (anonymous: sign in).
inbox_view = role_view(INBOX_ROLES, "The inbox is for court clerks and parole board staff.")


# --- The report a form acts on (the page reads: supervision.inbox.selectors) ----------------------------


def _report_for_action(*, actor: User, report_id: Any) -> ViolationReport:
    report = violation_reports_visible_to(actor).filter(pk=report_id).first()
    if report is None:
        raise Http404("No such report in your inbox.")
    return report


# --- Pages ----------------------------------------------------------------------------------------------


def report_url(report: ViolationReport) -> str:
    return reverse("inbox:report_detail", args=[report.pk])


@require_GET
@inbox_view
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    reports = inbox_list(actor=request.user, filters=filters)
    page_obj = Paginator(reports, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.object_list = list(page_obj.object_list)
    audit_list_read(
        request,
        action="violation_report.listed",
        rows=[(report.pk, report.supervision.offender_id) for report in page_obj.object_list],
    )
    counts = inbox_counts(actor=request.user, filters=filters)
    authority = request.user.court or request.user.parole_board
    return render(
        request,
        "inbox/inbox.html",
        {
            "form": form,
            "page_obj": page_obj,
            "counts": counts,
            "tabs": [(key, label, counts[key]) for key, (_status, label) in INBOX_FILTERS.items()],
            "show": filters.get("show", ""),
            "q": filters.get("q", ""),
            "authority": authority,
        },
    )


def _render_report(
    request: AuthenticatedRequest,
    report: ViolationReport,
    *,
    hearing_form: Form | None = None,
    disposition_form: Form | None = None,
    open_form: str = "",
) -> HttpResponse:
    """The report page; every rendering (the page, or a form shown again with its errors) is audited."""
    audit_page_read(request, action="violation_report.viewed", obj=report, offender_id=report.supervision.offender_id)
    violations = report_violations(report)
    initial_hearing: dict[str, Any] = {"location": report.hearing_location}
    if report.hearing_at:
        initial_hearing["hearing_at"] = report.hearing_at
    return render(
        request,
        "inbox/report_detail.html",
        {
            "report": report,
            "case": report.supervision,
            "offender": report.supervision.offender,
            "violations": violations,
            "conditions_violated": conditions_violated(violations),
            "authority": report_authority(report).body,
            "can_acknowledge": report_step_open(report.status, ReportStep.ACKNOWLEDGE),
            "can_schedule": report_step_open(report.status, ReportStep.SCHEDULE_HEARING),
            "can_dispose": report_step_open(report.status, ReportStep.DISPOSE),
            "hearing_form": hearing_form or HearingForm(initial=initial_hearing),
            "disposition_form": disposition_form or DispositionForm(),
            "open_form": open_form,
        },
    )


@require_GET
@inbox_view
def report_detail(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    report = inbox_report_get(actor=request.user, report_id=report_id)
    return _render_report(request, report)


@require_GET
@inbox_view
def report_pdf(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    report = _report_for_action(actor=request.user, report_id=report_id)
    content = violation_report_pdf(report)
    audit_record(actor=request.user, action="violation_report.pdf_downloaded", obj=report)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(report)}"'
    patch_cache_control(response, no_store=True, private=True)
    return response


def _refused(request: AuthenticatedRequest, report: ViolationReport, error: ApplicationError) -> HttpResponse:
    messages.error(request, error.message)
    return redirect(report_url(report))


@require_POST
@inbox_view
def report_acknowledge(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    report = _report_for_action(actor=request.user, report_id=report_id)
    try:
        services.violation_report_acknowledge(actor=request.user, report=report)
    except ApplicationError as error:
        return _refused(request, report, error)
    messages.success(request, f"Receipt of violation report #{report.pk} acknowledged. The officer can see it.")
    return redirect(report_url(report))


@require_POST
@inbox_view
def report_hearing(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    report = _report_for_action(actor=request.user, report_id=report_id)
    form = HearingForm(request.POST)
    if form.is_valid():
        try:
            services.violation_report_schedule_hearing(actor=request.user, report=report, **form.cleaned_data)
        except ApplicationError as error:
            return _refused(request, report, error)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Hearing on violation report #{report.pk} scheduled.")
            return redirect(report_url(report))
    report = inbox_report_get(actor=request.user, report_id=report.pk)
    return _render_report(request, report, hearing_form=form, open_form="hearing")


@require_POST
@inbox_view
def report_disposition(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    report = _report_for_action(actor=request.user, report_id=report_id)
    form = DispositionForm(request.POST)
    if form.is_valid():
        try:
            services.violation_report_dispose(actor=request.user, report=report, **form.cleaned_data)
        except ApplicationError as error:
            return _refused(request, report, error)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Disposition of violation report #{report.pk} recorded. The officer and the unit supervisor "
                "have been notified.",
            )
            return redirect(report_url(report))
    report = inbox_report_get(actor=request.user, report_id=report.pk)
    return _render_report(request, report, disposition_form=form, open_form="disposition")
