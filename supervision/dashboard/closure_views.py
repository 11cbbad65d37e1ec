"""The supervisor's queue of closures waiting for approval (early termination, transfer out: four eyes), one
request's page, and the decision: approve (the case is closed as asked, through
``supervision.services.closures``) or decline with a reason. Its own module beside views.py; the reads are
scoped through supervision.access (a supervisor's unit), the decisions' rules are the services'."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from agency.access import role_view
from agency.audit import audit_list_read, audit_page_read
from agency.choices import Role
from agency.errors import ApplicationError
from agency.http import AuthenticatedRequest
from agency.models import User
from supervision import services
from supervision.access import case_records_visible_to
from supervision.choices import ClosureRequestStatus
from supervision.forms import form_add_service_error
from supervision.models import ClosureRequest
from supervision.services.history import HISTORY_REASON_MAX_LENGTH

CLOSURE_QUEUE_PAGE_SIZE = 50

closures_view = role_view((Role.SUPERVISOR,), "Closures waiting for approval are decided by unit supervisors.")


class ClosureDeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why the closure is declined",
        max_length=HISTORY_REASON_MAX_LENGTH,
        error_messages={"required": "Say why the closure is declined."},
        help_text="Required; the officer sees it, and it is kept in the audit trail (at most 100 characters).",
    )


def closure_requests_for(actor: User) -> QuerySet[ClosureRequest]:
    """The closure requests of the cases a supervisor sees (their unit), with what the pages show; none for
    anyone else."""
    if actor.role != Role.SUPERVISOR:
        return ClosureRequest.objects.none()
    return case_records_visible_to(actor, ClosureRequest.objects.all()).select_related(
        "supervision__offender", "supervision__officer", "requested_by", "decided_by"
    )


def closure_request_get(*, actor: User, request_id: int) -> ClosureRequest:
    closure_request = closure_requests_for(actor).filter(pk=request_id).first()
    if closure_request is None:
        raise Http404("No such closure request.")
    return closure_request


@require_GET
@closures_view
def closure_queue(request: AuthenticatedRequest) -> HttpResponse:
    waiting = (
        closure_requests_for(request.user).filter(status=ClosureRequestStatus.PENDING).order_by("requested_at", "pk")
    )
    page = Paginator(waiting, CLOSURE_QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    audit_list_read(request, action="closure_request.listed", rows=[(r.pk, r.supervision.offender_id) for r in rows])
    now = timezone.now()
    return render(
        request,
        "dashboard/closure_queue.html",
        {"page_obj": page, "rows": [(r, (now - r.requested_at).days) for r in rows]},
    )


def _detail(request: AuthenticatedRequest, closure_request: ClosureRequest, form: ClosureDeclineForm) -> HttpResponse:
    audit_page_read(
        request,
        action="closure_request.viewed",
        obj=closure_request,
        offender_id=closure_request.supervision.offender_id,
    )
    context: dict[str, Any] = {
        "closure": closure_request,
        "case": closure_request.supervision,
        "offender": closure_request.supervision.offender,
        "form": form,
        "own": closure_request.requested_by_id == request.user.pk,
        "pending": closure_request.status == ClosureRequestStatus.PENDING,
    }
    return render(request, "dashboard/closure_detail.html", context)


@require_GET
@closures_view
def closure_detail(request: AuthenticatedRequest, request_id: int) -> HttpResponse:
    closure_request = closure_request_get(actor=request.user, request_id=request_id)
    return _detail(request, closure_request, ClosureDeclineForm())


@require_POST
@closures_view
def closure_approve(request: AuthenticatedRequest, request_id: int) -> HttpResponse:
    closure_request = closure_request_get(actor=request.user, request_id=request_id)
    try:
        services.closure_request_approve(actor=request.user, closure_request=closure_request)
    except (ApplicationError, ValidationError) as error:
        messages.error(request, error.message if isinstance(error, ApplicationError) else " ".join(error.messages))
        return redirect("dashboard:closure_detail", request_id=closure_request.pk)
    case = closure_request.supervision
    messages.success(
        request,
        f"Closure approved: {case.offender.first_name} {case.offender.last_name}'s case "
        f"({case.docket_number}) is closed ({closure_request.get_closure_reason_display().lower()}).",
    )
    return redirect("dashboard:closures")


@require_POST
@closures_view
def closure_decline(request: AuthenticatedRequest, request_id: int) -> HttpResponse:
    closure_request = closure_request_get(actor=request.user, request_id=request_id)
    form = ClosureDeclineForm(request.POST)
    if form.is_valid():
        try:
            services.closure_request_decline(
                actor=request.user, closure_request=closure_request, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:  # not theirs to decide, or decided already: nothing to fix on the form
            messages.error(request, error.message)
            return redirect("dashboard:closure_detail", request_id=closure_request.pk)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Closure request #{closure_request.pk} declined; the case stays open.")
            return redirect("dashboard:closures")
    return _detail(request, closure_request, form)
