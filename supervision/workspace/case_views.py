"""The case itself, changed by its officer or a supervisor of its unit: the supervision level, the status
(active, inactive, absconded, warrant), custody (taken in, released) and the closure (early termination and
transfer out as a closure request a supervisor approves), each through its service
(``supervision.services.case_changes``, ``custody``, ``closures``), which holds the rules and refuses what the
forms let through."""

from typing import Any

from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from agency.http import AuthenticatedRequest
from supervision import services
from supervision.choices import FOUR_EYES_CLOSURES, ClosureRequestStatus, SupervisionStatus
from supervision.models import ClosureRequest, Supervision
from supervision.selectors import case_for_action
from supervision.workspace.forms import CaseCloseForm, CaseLevelForm, CaseStatusForm
from supervision.workspace.lifecycle_forms import CustodyReleaseForm, CustodyStartForm
from supervision.workspace.pages import form_data, record_page, workspace_view


def _closed(supervision: Supervision) -> dict[str, str]:
    """A closed case is read-only: its forms say so instead of showing their fields."""
    if supervision.status != SupervisionStatus.CLOSED:
        return {}
    return {
        "empty": f"This case was closed on {supervision.closed_on:%b %-d, %Y} "
        f"({supervision.get_closure_reason_display().lower()}): it stays in the person's history, read-only."
    }


def _in_custody(supervision: Supervision) -> dict[str, str]:
    """A case in custody changes its status by its release (the custody page)."""
    if supervision.status != SupervisionStatus.IN_CUSTODY:
        return {}
    return {"empty": "The person is in custody: record their release on the custody page to change the status."}


@require_http_methods(["GET", "POST"])
@workspace_view
def case_level(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    return record_page(
        request,
        supervision=supervision,
        form=CaseLevelForm(form_data(request), current=supervision.level),
        call=lambda data: services.supervision_change_level(actor=request.user, supervision=supervision, **data),
        success=lambda case: (
            f"Supervision level changed to {case.get_level_display().lower()}; "
            "the check-ins follow the new contact standard from today."
        ),
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
            "becomes a missed check-in. Custody is recorded with its facility on the custody page.",
            **_in_custody(supervision),
            **_closed(supervision),
        },
    )


def _close_or_ask(actor: Any, supervision: Supervision, data: dict[str, Any]) -> Supervision | ClosureRequest:
    """Early termination and transfer out wait for a supervisor's approval (a closure request); any other
    reason closes the case at once."""
    if data["closure_reason"] in FOUR_EYES_CLOSURES:
        return services.closure_request_submit(actor=actor, supervision=supervision, **data)
    return services.supervision_close(actor=actor, supervision=supervision, **data)


def _closed_or_asked(result: Supervision | ClosureRequest) -> str:
    if isinstance(result, ClosureRequest):
        return (
            f"Closure asked for ({result.get_closure_reason_display().lower()}): it waits for a supervisor of the "
            "unit to approve it. The case stays open meanwhile."
        )
    return f"Case closed ({result.get_closure_reason_display().lower()})."


@require_http_methods(["GET", "POST"])
@workspace_view
def case_close(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    supervision = case_for_action(actor=request.user, case_id=case_id)
    pending = (
        supervision.closure_requests.filter(status=ClosureRequestStatus.PENDING).select_related("requested_by").first()
    )
    waiting = (
        f" A closure ({pending.get_closure_reason_display().lower()}, on {pending.closed_on:%b %-d, %Y}) asked for by "
        f"{pending.requested_by.get_full_name() or pending.requested_by.username} waits for approval."
        if pending
        else ""
    )
    return record_page(
        request,
        supervision=supervision,
        form=CaseCloseForm(form_data(request)),
        call=lambda data: _close_or_ask(request.user, supervision, data),
        success=_closed_or_asked,
        title="Close the case",
        extra={
            "intro": "Closing ends the check-in schedule. The case stays in the person's history, read-only. Early "
            "termination and transfer out wait for the approval of a supervisor of the unit (not the person who "
            "asks)." + waiting,
            **_closed(supervision),
        },
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def case_custody(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    """Record that the person was taken into custody, or, while they are in custody, their release; the page
    lists the case's custody episodes."""
    supervision = case_for_action(actor=request.user, case_id=case_id)
    episodes = list(supervision.custody_episodes.select_related("recorded_by", "released_by"))
    current = next((episode for episode in episodes if episode.released_on is None), None)
    in_custody = supervision.status == SupervisionStatus.IN_CUSTODY and current is not None
    extra: dict[str, Any] = {"episodes": episodes, "current": current if in_custody else None, **_closed(supervision)}
    if in_custody:
        return record_page(
            request,
            supervision=supervision,
            form=CustodyReleaseForm(form_data(request), supervision=supervision),
            call=lambda data: services.custody_end(actor=request.user, supervision=supervision, **data),
            success=lambda episode: f"Release on {episode.released_on:%b %-d, %Y} recorded.",
            title="Record the release from custody",
            template="supervision/custody_form.html",
            extra={
                **extra,
                "intro": "The release makes the case report again from today (or, for probation, go on as "
                "inactive). The episode stays on the case.",
            },
        )
    return record_page(
        request,
        supervision=supervision,
        form=CustodyStartForm(form_data(request)),
        call=lambda data: services.custody_start(actor=request.user, supervision=supervision, **data),
        success=lambda episode: f"The case is in custody ({episode.facility}); its check-ins are stood down.",
        title="Record custody",
        template="supervision/custody_form.html",
        extra={
            **extra,
            "intro": "The case's scheduled check-ins are excused at once, the one open now included: none of them "
            "becomes a missed check-in. The release makes the case report again.",
        },
    )
