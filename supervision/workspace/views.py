"""The officer's workspace: the caseload, the case page and the short forms that record on a case.

Views are thin: parse the input with a form, call one service, redirect with a message (POST, redirect,
GET) or render the form again with the service's errors next to the fields. Cases come from the
selectors, which scope them by the user: a case out of scope is the same 404 as one that does not exist.
"""

from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from agency.audit import audit_list_read, audit_page_read
from agency.choices import Role
from agency.http import AuthenticatedRequest
from supervision import services
from supervision.authority import supervision_authority
from supervision.choices import CheckInStatus
from supervision.filtersets import CaseFilter
from supervision.models import Condition, DrugTest, Supervision, Violation
from supervision.selectors import case_for_action, check_in_get, referral_get, violation_get
from supervision.workspace import selectors
from supervision.workspace.condition_views import case_conditions_context
from supervision.workspace.forms import (
    CaseNoteForm,
    CheckInCompleteForm,
    CheckInExcuseForm,
    CommunityServiceForm,
    ContactForm,
    DrugTestForm,
    ReferralForm,
    ReferralStatusForm,
    ViolationCorrectionForm,
    ViolationForm,
)
from supervision.workspace.pages import form_data, record_page, workspace_view

CASELOAD_PAGE_SIZE = 25
TIMELINE_PAGE_SIZE = 25


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
            **case_conditions_context(request, supervision, conditions),
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


@require_http_methods(["GET", "POST"])
@workspace_view
def check_in_complete(request: AuthenticatedRequest, case_id: int, check_in_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    check_in = check_in_get(actor=request.user, supervision=supervision, check_in_id=check_in_id)
    form = CheckInCompleteForm(form_data(request), initial={"kind": check_in.kind}, case_start=supervision.start_date)
    return record_page(
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
    form = CheckInExcuseForm(form_data(request))
    return record_page(
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
    return record_page(
        request,
        supervision=supervision,
        form=ContactForm(form_data(request), case_start=supervision.start_date),
        call=lambda data: services.contact_record(actor=request.user, supervision=supervision, **data),
        success=lambda c: f"{c.get_kind_display()} recorded.",
        title="Record an unscheduled contact",
        extra={"intro": "A contact you made outside the schedule: a home visit after hours, an employer check …"},
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def drug_test_new(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    form = DrugTestForm(form_data(request), case_start=supervision.start_date)

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

    return record_page(
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
    return record_page(
        request,
        supervision=supervision,
        form=CaseNoteForm(form_data(request)),
        call=lambda data: services.case_note_add(actor=request.user, supervision=supervision, **data),
        success="Case note added.",
        title="Add a case note",
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def referral_new(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    return record_page(
        request,
        supervision=supervision,
        form=ReferralForm(form_data(request), case_start=supervision.start_date),
        call=lambda data: services.referral_create(actor=request.user, supervision=supervision, **data),
        success=lambda r: f"Referral to {r.provider} recorded.",
        title="Add a referral",
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def referral_status(request: AuthenticatedRequest, case_id: int, referral_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    referral = referral_get(actor=request.user, supervision=supervision, referral_id=referral_id)
    form = ReferralStatusForm(form_data(request), initial={"status": referral.status})
    return record_page(
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
    form = CommunityServiceForm(form_data(request), conditions=conditions, case_start=supervision.start_date)
    return record_page(
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
    # A missed check-in or a failed test already opened its violation: the ones still open are named here, so
    # that the same event is not recorded twice (a duplicate is corrected from the case page).
    already = selectors.case_open_violations(supervision=supervision, limit=5)
    intro = (
        "Already open on this case: "
        + "; ".join(f"{v.get_kind_display()}, {v.occurred_on:%b %-d}: {v.description[:80]}" for v in already)
        + ". Do not record the same event twice."
        if already
        else ""
    )
    return record_page(
        request,
        supervision=supervision,
        form=ViolationForm(form_data(request), conditions=conditions, case_start=supervision.start_date),
        call=lambda data: services.violation_record(actor=request.user, supervision=supervision, **data),
        success="Violation recorded.",
        title="Record a violation",
        extra={"intro": intro},
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def violation_correct(request: AuthenticatedRequest, case_id: int, violation_id: int) -> HttpResponse:
    """Withdraw or dismiss a violation, with the reason; one held by a report in progress is refused (the
    service names the report)."""
    supervision = case_for_action(actor=request.user, case_id=case_id)
    violation = violation_get(actor=request.user, supervision=supervision, violation_id=violation_id)

    def correct(data: dict[str, Any]) -> Violation:
        if data["correction"] == "merge":
            return services.violation_merge(
                actor=request.user, violation=violation, into=data["into"], reason=data["reason"]
            )
        service = services.violation_withdraw if data["correction"] == "withdraw" else services.violation_dismiss
        return service(actor=request.user, violation=violation, reason=data["reason"])

    return record_page(
        request,
        supervision=supervision,
        form=ViolationCorrectionForm(form_data(request), merge_into=selectors.violation_merge_targets(violation)),
        call=correct,
        success=lambda corrected: (
            f"Violation merged into #{corrected.pk}."
            if corrected.pk != violation.pk
            else f"Violation {corrected.get_status_display().lower()}."
        ),
        title="Correct a violation",
        extra={"intro": f"{violation.get_kind_display()}, {violation.occurred_on:%b %-d, %Y}: {violation.description}"},
        viewed=("violation.viewed", violation),
    )
