"""The supervisor's queue of level overrides: an officer asked that a case not follow its assessment; a
supervisor of the unit, never the one who asked, approves (the case moves to the asked level) or declines with
a reason (the case follows the assessment). The rules are the service's (``supervision.services.risk``)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from agency.access import role_view
from agency.audit import audit_list_read
from agency.choices import Role
from agency.errors import ApplicationError
from agency.http import AuthenticatedRequest
from offenders.bounds import NOTE_MAX_LENGTH
from supervision.risk_selectors import level_override_for_decision, level_overrides_pending
from supervision.services.risk import level_override_approve, level_override_decline

PAGE_SIZE = 25

override_view = role_view((Role.SUPERVISOR,), "Level overrides are decided by a supervisor of the unit.")


class OverrideDecisionForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text="Required to decline: the officer reads it.",
    )


@require_GET
@override_view
def level_override_queue(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(level_overrides_pending(actor=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    overrides = list(page.object_list)
    audit_list_read(
        request, action="level_override.listed", rows=[(o.pk, o.supervision.offender_id) for o in overrides]
    )
    return render(
        request,
        "dashboard/level_overrides.html",
        {"overrides": overrides, "page_obj": page, "form": OverrideDecisionForm()},
    )


def _decide(request: AuthenticatedRequest, override_id: int, *, approve: bool) -> HttpResponse:
    override = level_override_for_decision(actor=request.user, override_id=override_id)
    if override is None:
        raise Http404("No such override.")
    form = OverrideDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("dashboard:level_overrides")
    reason = form.cleaned_data["reason"]
    try:
        if approve:
            level_override_approve(actor=request.user, override=override, reason=reason)
        else:
            level_override_decline(actor=request.user, override=override, reason=reason)
    except ApplicationError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        person = override.supervision.offender
        verb = "approved: the case is now" if approve else "declined: the case follows its assessment,"
        level = override.requested_level if approve else override.suggested_level
        messages.success(request, f"Override for {person.full_name} {verb} {level}.")
    return redirect("dashboard:level_overrides")


@require_POST
@override_view
def level_override_approve_view(request: AuthenticatedRequest, override_id: int) -> HttpResponse:
    return _decide(request, override_id, approve=True)


@require_POST
@override_view
def level_override_decline_view(request: AuthenticatedRequest, override_id: int) -> HttpResponse:
    return _decide(request, override_id, approve=False)
