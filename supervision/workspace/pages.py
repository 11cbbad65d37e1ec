"""What the workspace's pages share: who may open them, the way back to the case, and the short-form page
that records one thing on a case through one service."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import Form
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from agency.access import role_view
from agency.audit import audit_page_read
from agency.choices import Role
from agency.errors import ApplicationError
from agency.http import AuthenticatedRequest
from supervision.forms import form_add_service_error
from supervision.models import Supervision

# The browser workspace is for the people who run cases. Clerks and board staff have their inbox,
# integrators the API, administrators the admin.
WORKSPACE_ROLES = (Role.OFFICER, Role.SUPERVISOR)

workspace_view = role_view(WORKSPACE_ROLES, "The case workspace is for supervision officers and unit supervisors.")


def case_url(supervision: Supervision) -> str:
    return reverse("supervision:case_detail", args=[supervision.pk])


# --- Recording on a case ------------------------------------------------------------------------------


def record_page(
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


def form_data(request: AuthenticatedRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None
