"""A restricted case's page (``/cases/<id>/restriction/``), for the supervisors of the case's unit: restrict the
case or lift the restriction, with the reason; name the other staff who may see it, or take that back. Each
form posts to the page with its ``action`` and calls one service (``supervision.services.restriction``)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from agency.access import CASE_ROLES, role_view
from agency.audit import audit_page_read
from agency.choices import Role
from agency.errors import ApplicationError
from agency.http import AuthenticatedRequest
from agency.models import User
from supervision.forms import form_add_service_error
from supervision.models import CaseAccessGrant, Supervision
from supervision.selectors import case_for_action
from supervision.services.restriction import (
    RESTRICTION_REASON_MAX_LENGTH,
    case_access_grant,
    case_access_revoke,
    supervision_restrict,
    supervision_unrestrict,
)

_REASON_HELP = "Kept with the case's history and in the audit trail."


def _reason_field(label: str = "Reason") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=RESTRICTION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_REASON_HELP,
    )


class RestrictForm(forms.Form):
    reason = _reason_field()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.get_role_display()})"


class GrantForm(forms.Form):
    user = StaffChoiceField(
        label="Member of staff",
        queryset=User.objects.none(),
        help_text="They see this case everywhere they would see any other (case page, lists, API) until revoked.",
    )
    reason = _reason_field()

    def __init__(self, *args: Any, supervision: Supervision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _grantable(supervision)


class RevokeForm(forms.Form):
    grant = forms.IntegerField(widget=forms.HiddenInput)
    reason = _reason_field("Why revoke it")


def _grantable(supervision: Supervision) -> QuerySet[User]:
    """Active staff who do not see the case already (its officer, its unit's supervisors) nor hold a live grant."""
    live = CaseAccessGrant.objects.filter(supervision=supervision, revoked_at__isnull=True).values("user_id")
    return (
        User.objects.filter(is_active=True, role__in=CASE_ROLES)
        .exclude(pk=supervision.officer_id)
        .exclude(role=Role.SUPERVISOR, unit_id=supervision.unit_id)
        .exclude(pk__in=live)
        .order_by("last_name", "first_name", "username")
    )


_FORMS = {"restrict": RestrictForm, "unrestrict": RestrictForm, "grant": GrantForm, "revoke": RevokeForm}


def _call(request: AuthenticatedRequest, action: str, supervision: Supervision, data: dict[str, Any]) -> str:
    actor = request.user
    if action == "restrict":
        supervision_restrict(actor=actor, supervision=supervision, reason=data["reason"])
        return "Access to the case is restricted."
    if action == "unrestrict":
        supervision_unrestrict(actor=actor, supervision=supervision, reason=data["reason"])
        return "The restriction is lifted."
    if action == "grant":
        grant = case_access_grant(actor=actor, supervision=supervision, user=data["user"], reason=data["reason"])
        return f"{grant.user.get_full_name() or grant.user.username} may now see the case."
    held = CaseAccessGrant.objects.filter(supervision=supervision, pk=data["grant"]).first()
    if held is None:
        raise ValidationError("No such access on this case.")
    case_access_revoke(actor=actor, grant=held, reason=data["reason"])
    return "Access revoked."


@require_http_methods(["GET", "POST"])
@role_view((Role.SUPERVISOR,), "Restricting access to a case is for the supervisors of its unit.")
def case_restriction(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    if supervision.unit_id != request.user.unit_id:  # a supervisor named on another unit's case sees it, no more
        raise PermissionDenied("Only a supervisor of the case's unit restricts access to it.")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    bound: dict[str, forms.Form] = {}
    if action in _FORMS:
        form_class = _FORMS[action]
        kwargs: dict[str, Any] = {"supervision": supervision} if form_class is GrantForm else {}
        form = form_class(request.POST, prefix=action, **kwargs)
        if form.is_valid():
            try:
                message = _call(request, action, supervision, form.cleaned_data)
            except (ValidationError, ApplicationError) as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, message)
                return redirect(reverse("supervision:case_restriction", args=[supervision.pk]))
        bound[action] = form
    restrict_action = "unrestrict" if supervision.is_restricted else "restrict"
    grants = list(
        CaseAccessGrant.objects.filter(supervision=supervision).select_related("user", "granted_by", "revoked_by")
    )
    audit_page_read(request, action="supervision.viewed", obj=supervision, offender_id=supervision.offender_id)
    context = {
        "case": supervision,
        "offender": supervision.offender,
        "title": "Restrict access",
        "restrict_action": restrict_action,
        "restrict_form": bound[restrict_action] if restrict_action in bound else RestrictForm(prefix=restrict_action),
        "grant_form": bound["grant"] if "grant" in bound else GrantForm(prefix="grant", supervision=supervision),
        "revoke_form": bound.get("revoke"),
        "live_grants": [g for g in grants if g.live],
        "past_grants": [g for g in grants if not g.live],
    }
    return render(request, "supervision/case_restriction.html", context)
