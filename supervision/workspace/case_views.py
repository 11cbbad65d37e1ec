"""The case itself, changed by its officer or a supervisor of its unit: the supervision level, the status
(active, inactive, absconded, warrant) and the closure, each through its service
(``supervision.services.case_changes``), which holds the rules and refuses what the forms let through."""

from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from agency.http import AuthenticatedRequest
from supervision import services
from supervision.choices import SupervisionStatus
from supervision.models import Supervision
from supervision.selectors import case_for_action
from supervision.workspace.forms import CaseCloseForm, CaseLevelForm, CaseStatusForm
from supervision.workspace.pages import form_data, record_page, workspace_view


def _closed(supervision: Supervision) -> dict[str, str]:
    """A closed case is read-only: its forms say so instead of showing their fields."""
    if supervision.status != SupervisionStatus.CLOSED:
        return {}
    return {
        "empty": f"This case was closed on {supervision.closed_on:%b %-d, %Y} "
        f"({supervision.get_closure_reason_display().lower()}): it stays in the person's history, read-only."
    }


@require_http_methods(["GET", "POST"])
@workspace_view
def case_level(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    return record_page(
        request,
        supervision=supervision,
        form=CaseLevelForm(form_data(request), current=supervision.level),
        call=lambda data: services.supervision_change_level(actor=request.user, supervision=supervision, **data),
        success=lambda case: f"Supervision level changed to {case.get_level_display().lower()}; "
        "the check-ins follow the new contact standard from today.",
        title="Change the supervision level",
        extra={
            "intro": f"Now {supervision.get_level_display().lower()}. The check-in schedule changes at once.",
            **_closed(supervision),
        },
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def case_status(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    return record_page(
        request,
        supervision=supervision,
        form=CaseStatusForm(form_data(request), supervision=supervision),
        call=lambda data: services.supervision_change_status(actor=request.user, supervision=supervision, **data),
        success=lambda case: f"The case is now {case.get_status_display().lower()}.",
        title="Change the case's status",
        extra={
            "intro": f"Now {supervision.get_status_display().lower()}. A case that stops reporting (inactive, "
            "absconded, warrant) has its scheduled check-ins excused, the one open now included: none of them "
            "becomes a missed check-in.",
            **_closed(supervision),
        },
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def case_close(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    return record_page(
        request,
        supervision=supervision,
        form=CaseCloseForm(form_data(request)),
        call=lambda data: services.supervision_close(actor=request.user, supervision=supervision, **data),
        success=lambda case: f"Case closed ({case.get_closure_reason_display().lower()}).",
        title="Close the case",
        extra={
            "intro": "Closing ends the check-in schedule. The case stays in the person's history, read-only.",
            **_closed(supervision),
        },
    )
