"""The officer's violation reports: draft, edit, submit (the supervisor reviews them on the dashboard's
pages; the court or board reads them in its inbox)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agency.audit import audit_page_read, audit_record
from agency.errors import ApplicationError
from agency.http import AuthenticatedRequest
from agency.models import User
from supervision import services
from supervision.authority import report_authority, supervision_authority
from supervision.forms import form_add_service_error
from supervision.lifecycle import ReportStep, report_step_open, report_step_require
from supervision.models import Supervision, ViolationReport
from supervision.pdf import pdf_filename, report_violations, violation_report_pdf
from supervision.selectors import case_for_action, violation_report_get
from supervision.workspace import selectors
from supervision.workspace.forms import ViolationReportForm
from supervision.workspace.pages import case_url, form_data, record_page, workspace_view

# --- Violation reports --------------------------------------------------------------------------------


def report_url(report: ViolationReport) -> str:
    return reverse("supervision:report_detail", args=[report.supervision_id, report.pk])


@require_http_methods(["GET", "POST"])
@workspace_view
def report_new(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    violations = selectors.case_reportable_violations(supervision=supervision)
    initial = {"violations": [v for v in request.GET.getlist("violation") if v.isdigit()]}
    form = ViolationReportForm(form_data(request), violations=violations, initial=initial)
    return record_page(
        request,
        supervision=supervision,
        form=form,
        call=lambda data: services.violation_report_draft(actor=request.user, supervision=supervision, **data),
        success="Violation report saved as a draft. Read it over, then submit it to your supervisor.",
        title="Draft a violation report",
        template="supervision/report_form.html",
        next_url=report_url,
        extra={"no_violations": not violations.exists(), "authority": supervision_authority(supervision=supervision)},
    )


def _report_editable_by(report: ViolationReport, user: User) -> bool:
    """Whether the page offers ``user`` the report's form: a draft or returned report, to its author only (the
    services hold the rule; this only decides what the page shows)."""
    return report_step_open(report.status, ReportStep.EDIT) and report.author_id == user.pk


def _report_form(
    request: AuthenticatedRequest, supervision: Supervision, report: ViolationReport
) -> ViolationReportForm:
    violations = selectors.case_reportable_violations(supervision=supervision, report=report)
    return ViolationReportForm(
        form_data(request),
        violations=violations,
        initial={
            "violations": list(report.violations.all()),
            "narrative": report.narrative,
            "recommendation": report.recommendation,
        },
    )


def _report_refused(request: AuthenticatedRequest, report: ViolationReport, error: ApplicationError) -> HttpResponse:
    """A refused change to a report: not theirs to change is a 403 (audited as a denied access); a report in
    the wrong state goes back to its page with the reason."""
    if error.status_code == 403:
        raise PermissionDenied(error.message)
    messages.error(request, error.message)
    return redirect(report_url(report))


def _report_not_editable(request: AuthenticatedRequest, report: ViolationReport, *, doing: str) -> HttpResponse:
    """A POST to a report the page does not offer this user to ``doing`` ("edit", "submit"), answered as its
    service would before any of the form is read (the service refuses it too, whatever path it comes by)."""
    if report.author_id != request.user.pk:
        author = report.author.get_full_name() or report.author.username
        message = f"Only the report's author ({author}) may {doing} it: ask them, or write a report of your own."
        return _report_refused(request, report, ApplicationError(message, status_code=403))
    try:
        report_step_require(report, ReportStep(doing))  # closed for its status: says why (409)
    except ApplicationError as error:
        return _report_refused(request, report, error)
    raise PermissionDenied("This report is not open to you.")  # its author, its step open: never offered


def _report_page(
    request: AuthenticatedRequest,
    supervision: Supervision,
    report: ViolationReport,
    form: ViolationReportForm | None = None,
) -> HttpResponse:
    """The report's page: with ``form`` its author's form (shown again with its errors), else the report as
    it is. Audited as a read of the report."""
    audit_page_read(request, action="violation_report.viewed", obj=report, offender_id=supervision.offender_id)
    context = {
        "case": supervision,
        "offender": supervision.offender,
        "form": form,
        "title": f"Violation report #{report.pk}",
        "report": report,
        "editable": form is not None,
        "other_editors": report.editors_besides_author(),
        "authority": report_authority(report),
        "violations": report_violations(report),
    }
    return render(request, "supervision/report_form.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view
def report_detail(request: AuthenticatedRequest, case_id: int, report_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    report = violation_report_get(actor=request.user, supervision=supervision, report_id=report_id)
    if not _report_editable_by(report, request.user):
        if request.method == "POST":
            return _report_not_editable(request, report, doing="edit")
        return _report_page(request, supervision, report)
    return record_page(
        request,
        supervision=supervision,
        form=_report_form(request, supervision, report),
        call=lambda data: services.violation_report_update(actor=request.user, report=report, **data),
        success="Violation report saved.",
        title=f"Violation report #{report.pk}",
        template="supervision/report_form.html",
        next_url=report_url,
        extra={
            "report": report,
            "editable": True,
            "other_editors": report.editors_besides_author(),
            "authority": report_authority(report),
            "violations": report_violations(report),
        },
        viewed=("violation_report.viewed", report),
    )


@require_POST
@workspace_view
def report_submit(request: AuthenticatedRequest, case_id: int, report_id: int) -> HttpResponse:
    """The report form's *Submit to supervisor*: the form as it is on the screen is saved and submitted in one
    service call (issue 12, finding 14), so the supervisor gets exactly what the officer sees. A refusal
    shows the form again with what was typed and the reason, nothing saved."""
    supervision = case_for_action(actor=request.user, case_id=case_id)
    report = violation_report_get(actor=request.user, supervision=supervision, report_id=report_id)
    if not _report_editable_by(report, request.user):
        return _report_not_editable(request, report, doing="submit")
    form = _report_form(request, supervision, report)
    if form.is_valid():
        try:
            services.violation_report_submit(actor=request.user, report=report, **form.cleaned_data)
        except ApplicationError as error:
            return _report_refused(request, report, error)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Violation report #{report.pk} submitted to your supervisor for approval.")
            return redirect(case_url(supervision))
    return _report_page(request, supervision, report, form)


@require_GET
@workspace_view
def report_preview(request: AuthenticatedRequest, case_id: int, report_id: int) -> HttpResponse:
    """The report as the court or board will receive it: the same PDF (supervision.pdf), shown in the browser to
    the officer before they submit it and to the supervisor before they approve it (and after, as it stands).
    Audited as a read of the report's document."""
    supervision = case_for_action(actor=request.user, case_id=case_id)
    report = violation_report_get(actor=request.user, supervision=supervision, report_id=report_id)
    content = violation_report_pdf(report)
    audit_record(actor=request.user, action="violation_report.pdf_previewed", obj=report)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(report)}"'
    patch_cache_control(response, no_store=True, private=True)
    return response
