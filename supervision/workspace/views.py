"""The officer's workspace: the caseload, the case page and the short forms that record on a case.

Views are thin: parse the input with a form, call one service, redirect with a message (POST, redirect,
GET) or render the form again with the service's errors next to the fields. Cases come from the
selectors, which scope them by the user: a case out of scope is the same 404 as one that does not exist.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.forms import Form
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agency.access import role_view
from agency.audit import audit_list_read, audit_page_read
from agency.choices import Role
from agency.errors import ApplicationError
from agency.http import AuthenticatedRequest
from agency.models import User
from supervision import services
from supervision.authority import report_authority, supervision_authority
from supervision.choices import CheckInStatus
from supervision.filtersets import CaseFilter
from supervision.forms import form_add_service_error
from supervision.lifecycle import ReportStep, report_step_open
from supervision.models import Condition, DrugTest, Supervision, ViolationReport
from supervision.selectors import case_for_action, check_in_get, referral_get, violation_report_get
from supervision.workspace import selectors
from supervision.workspace.forms import (
    CaseNoteForm,
    CheckInCompleteForm,
    CheckInExcuseForm,
    CommunityServiceForm,
    ContactForm,
    DrugTestForm,
    ReferralForm,
    ReferralStatusForm,
    ViolationForm,
    ViolationReportForm,
)

# The browser workspace is for the people who run cases. Clerks and board staff have their inbox,
# integrators the API, administrators the admin.
WORKSPACE_ROLES = (Role.OFFICER, Role.SUPERVISOR)
CASELOAD_PAGE_SIZE = 25
TIMELINE_PAGE_SIZE = 25


workspace_view = role_view(WORKSPACE_ROLES, "The case workspace is for supervision officers and unit supervisors.")


def case_url(supervision: Supervision) -> str:
    return reverse("supervision:case_detail", args=[supervision.pk])


# --- The caseload -----------------------------------------------------------------------------------


@require_GET
@workspace_view
def caseload(request: AuthenticatedRequest) -> HttpResponse:
    filterset = CaseFilter(data=request.GET or None, queryset=Supervision.objects.none(), actor=request.user)
    cases = selectors.case_list(actor=request.user, filters=request.GET)
    page = Paginator(cases, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    audit_list_read(request, action="supervision.listed", rows=[(c.pk, c.offender_id) for c in page.object_list])
    summary = selectors.caseload_summary(actor=request.user)
    is_unit = request.user.role == Role.SUPERVISOR
    filtered = any(request.GET.get(name) for name in ("q", "supervision_type", "level", "status", "due", "officer"))
    return render(
        request,
        "supervision/caseload.html",
        {
            "filter": filterset,
            "page_obj": page,
            "summary": summary,
            "is_unit": is_unit,
            "filtered": filtered,
            "title": f"{request.user.unit.name if is_unit and request.user.unit else 'Unit'} caseload"
            if is_unit
            else "My caseload",
        },
    )


# --- The case page ----------------------------------------------------------------------------------


def _timeline_kind(request: AuthenticatedRequest) -> str:
    kind = request.GET.get("kind", "")
    return kind if kind in selectors.TIMELINE_KINDS else ""


@require_GET
@workspace_view
def case_detail(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = selectors.case_get(actor=request.user, case_id=case_id)
    audit_page_read(request, action="supervision.viewed", obj=supervision, offender_id=supervision.offender_id)
    kind = _timeline_kind(request)
    timeline = selectors.case_timeline(
        actor=request.user, supervision=supervision, kind=kind, page=request.GET.get("page"), per_page=25
    )
    timeline_context = {
        "case": supervision,
        "timeline": timeline,
        "kind": kind,
        "timeline_kinds": selectors.TIMELINE_KINDS,
    }
    if request.htmx and request.htmx.target == "timeline":
        response = render(request, "supervision/_timeline.html", timeline_context)
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        return response
    conditions = list(supervision.conditions.all())
    response = render(
        request,
        "supervision/case_detail.html",
        {
            "case": supervision,
            "offender": supervision.offender,
            "authority": supervision_authority(supervision=supervision),
            "conditions": conditions,
            "tracks_hours": any(c.condition_type.tracks_hours and not c.ended_on for c in conditions),
            "open_check_ins": selectors.case_open_check_ins(supervision=supervision),
            "reports": selectors.case_reports_in_progress(supervision=supervision),
            "open_violations": selectors.case_open_violations(supervision=supervision),
            "now_dt": timezone.now(),
            **timeline_context,
        },
    )
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


# --- Recording on a case ------------------------------------------------------------------------------


def _record(
    request: AuthenticatedRequest,
    *,
    supervision: Supervision,
    form: Form,
    call: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], str] | str,
    title: str,
    template: str = "supervision/record_form.html",
    field_map: dict[str, str] | None = None,
    next_url: Callable[[Any], str] | None = None,
    extra: dict[str, Any] | None = None,
    viewed: tuple[str, Model] | None = None,
) -> HttpResponse:
    """Validate ``form``; on success call the service, flash ``success`` and go back to the case.
    A service's errors are shown on the form, which is rendered again (status 200, nothing saved).
    Every rendering of the page (it shows the person) is audited as ``viewed``: (action, object),
    by default a read of the case."""
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form.cleaned_data)
        except (ValidationError, ApplicationError) as error:
            form_add_service_error(form, error, field_map)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(next_url(result) if next_url else case_url(supervision))
    action, obj = viewed or ("supervision.viewed", supervision)
    audit_page_read(request, action=action, obj=obj, offender_id=supervision.offender_id)
    context = {"case": supervision, "offender": supervision.offender, "form": form, "title": title}
    return render(request, template, {**context, **(extra or {})})


def _data(request: AuthenticatedRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
@workspace_view
def check_in_complete(request: AuthenticatedRequest, case_id: int, check_in_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    check_in = check_in_get(actor=request.user, supervision=supervision, check_in_id=check_in_id)
    form = CheckInCompleteForm(_data(request), initial={"kind": check_in.kind}, case_start=supervision.start_date)
    return _record(
        request,
        supervision=supervision,
        form=form,
        call=lambda data: services.check_in_complete(actor=request.user, check_in=check_in, **data),
        success=lambda c: f"{c.get_kind_display()} recorded as completed.",
        title="Complete a check-in",
        template="supervision/check_in_form.html",
        extra={"check_in": check_in, "is_open": check_in.status == CheckInStatus.SCHEDULED},
        viewed=("check_in.viewed", check_in),
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def check_in_excuse(request: AuthenticatedRequest, case_id: int, check_in_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    check_in = check_in_get(actor=request.user, supervision=supervision, check_in_id=check_in_id)
    form = CheckInExcuseForm(_data(request))
    return _record(
        request,
        supervision=supervision,
        form=form,
        call=lambda data: services.check_in_excuse(actor=request.user, check_in=check_in, **data),
        success="Check-in excused.",
        title="Excuse a check-in",
        template="supervision/check_in_form.html",
        extra={"check_in": check_in, "is_open": check_in.status == CheckInStatus.SCHEDULED, "excuse": True},
        viewed=("check_in.viewed", check_in),
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def contact_new(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    return _record(
        request,
        supervision=supervision,
        form=ContactForm(_data(request), case_start=supervision.start_date),
        call=lambda data: services.contact_record(actor=request.user, supervision=supervision, **data),
        success=lambda c: f"{c.get_kind_display()} recorded.",
        title="Record an unscheduled contact",
        extra={"intro": "A contact you made outside the schedule: a home visit after hours, an employer check …"},
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def drug_test_new(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    form = DrugTestForm(_data(request), case_start=supervision.start_date)

    def call(data: dict[str, Any]) -> DrugTest:
        fields = {k: v for k, v in data.items() if not k.startswith("substance_")}
        return services.drug_test_record(
            actor=request.user, supervision=supervision, substance_results=form.substance_results, **fields
        )

    def success(test: DrugTest) -> str:
        violation = test.violations.first()
        if violation is not None:
            return f"Drug test recorded ({test.get_result_display().lower()}). It opened a violation: {violation.description}"  # noqa: E501
        return f"Drug test recorded ({test.get_result_display().lower()})."

    return _record(
        request,
        supervision=supervision,
        form=form,
        call=call,
        success=success,
        title="Record a drug test",
        template="supervision/drug_test_form.html",
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def note_new(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    return _record(
        request,
        supervision=supervision,
        form=CaseNoteForm(_data(request)),
        call=lambda data: services.case_note_add(actor=request.user, supervision=supervision, **data),
        success="Case note added.",
        title="Add a case note",
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def referral_new(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    return _record(
        request,
        supervision=supervision,
        form=ReferralForm(_data(request), case_start=supervision.start_date),
        call=lambda data: services.referral_create(actor=request.user, supervision=supervision, **data),
        success=lambda r: f"Referral to {r.provider} recorded.",
        title="Add a referral",
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def referral_status(request: AuthenticatedRequest, case_id: int, referral_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    referral = referral_get(actor=request.user, supervision=supervision, referral_id=referral_id)
    form = ReferralStatusForm(_data(request), initial={"status": referral.status})
    return _record(
        request,
        supervision=supervision,
        form=form,
        call=lambda data: services.referral_status_update(actor=request.user, referral=referral, **data),
        success=lambda r: f"Referral to {r.provider}: {r.get_status_display().lower()}.",
        title="Update a referral",
        extra={
            "intro": f"{referral.get_kind_display()} at {referral.provider}, referred on "
            f"{referral.referred_on:%b %d, %Y}: now {referral.get_status_display().lower()}."
        },
        viewed=("referral.viewed", referral),
    )


def _hour_conditions(supervision: Supervision) -> QuerySet[Condition]:
    return (
        Condition.objects.filter(supervision=supervision, condition_type__tracks_hours=True, ended_on__isnull=True)
        .select_related("condition_type")
        .order_by("imposed_on", "id")
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def community_service_new(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    conditions = _hour_conditions(supervision)
    form = CommunityServiceForm(_data(request), conditions=conditions, case_start=supervision.start_date)
    return _record(
        request,
        supervision=supervision,
        form=form,
        call=lambda data: services.community_service_log(actor=request.user, **data),
        success=lambda e: f"{Decimal(e.hours).normalize():f} hours at {e.organisation} logged.",
        title="Log community service hours",
        extra={
            "empty": None if conditions.exists() else "This case has no condition that orders community service hours."
        },
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def violation_new(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    conditions = Condition.objects.filter(supervision=supervision).select_related("condition_type")
    return _record(
        request,
        supervision=supervision,
        form=ViolationForm(_data(request), conditions=conditions, case_start=supervision.start_date),
        call=lambda data: services.violation_record(actor=request.user, supervision=supervision, **data),
        success="Violation recorded.",
        title="Record a violation",
    )


# --- Violation reports --------------------------------------------------------------------------------


def report_url(report: ViolationReport) -> str:
    return reverse("supervision:report_detail", args=[report.supervision_id, report.pk])


@require_http_methods(["GET", "POST"])
@workspace_view
def report_new(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    violations = selectors.case_reportable_violations(supervision=supervision)
    initial = {"violations": [v for v in request.GET.getlist("violation") if v.isdigit()]}
    form = ViolationReportForm(_data(request), violations=violations, initial=initial)
    return _record(
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
        _data(request),
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
    status = report.get_status_display().lower()
    done = {"edit": "edited", "submit": "submitted"}[doing]
    message = f"A report that is {status} cannot be {done}."
    return _report_refused(request, report, ApplicationError(message, status_code=409))


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
    return _record(
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
