from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults
from django.views.decorators.http import require_GET, require_POST

from agency.audit import audit_record
from agency.choices import Role
from agency.http import AuthenticatedRequest
from agency.security import session_touch


@require_GET
@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Send each role where its work is: officers to their caseload, supervisors to the unit dashboard,
    administrators to the admin; the others to a page that says what Caseline offers them."""
    role = request.user.role
    if role == Role.SUPERVISOR:
        return redirect("dashboard:index")
    if role == Role.OFFICER:
        return redirect("supervision:caseload")
    if role == Role.ADMINISTRATOR:
        return redirect("admin:index")
    if role in (Role.COURT_CLERK, Role.PAROLE_BOARD_STAFF):
        return redirect("inbox:inbox")
    return render(request, "home.html", {"role": role, "Role": Role})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for every URL Django cannot route: JSON in the API's one error shape under /api/, else the page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "No such API endpoint or object. See /api/docs/ for the endpoints.", "errors": {}},
            status=404,
        )
    return defaults.page_not_found(request, exception)


@require_POST
@login_required
def session_keepalive(request: AuthenticatedRequest) -> JsonResponse:
    """The "Stay signed in" button of the idle warning (static/js/session.js): the idle limit starts again
    (the 12-hour limit does not move). Answers how long the session now lives on. Audited: staying signed
    in is the user's own act, and it is what keeps an unattended screen open."""
    seconds_left, extendable = session_touch(request)
    audit_record(actor=request.user, action="user.session_extended", obj=request.user)
    return JsonResponse({"seconds_left": seconds_left, "extendable": extendable})
