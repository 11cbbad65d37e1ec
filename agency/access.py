"""Who may see what, at the agency's level: the roles that see cases at all, whether a user is an active
one, the one gate a page puts before its roles (``role_view``) and the one a service puts before its
(``require_role``). The scoping of the records themselves lives with them: cases, their records and reports in
``supervision.access``, the API's querysets in ``supervision.api.scoping`` and ``agency.api.scoping``."""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeGuard

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from agency.choices import Role
from agency.errors import ApplicationError
from agency.http import signed_in_user
from agency.models import User

View = Callable[..., HttpResponse]

AGENCY_WIDE_ROLES = (Role.ADMINISTRATOR,)
CASE_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.INTEGRATOR, Role.ADMINISTRATOR)


def is_active_user(user: User | None) -> TypeGuard[User]:
    return bool(user is not None and user.is_authenticated and user.is_active)


def sees_whole_agency(user: User | None) -> bool:
    """Administrators, and integrators not tied to a unit, see every case of the agency."""
    return is_active_user(user) and (
        user.role in AGENCY_WIDE_ROLES or (user.role == Role.INTEGRATOR and not user.unit_id)
    )


def role_view(roles: Iterable[str], refusal: str) -> Callable[[View], View]:
    """A page for signed-in users of ``roles`` only: anyone else signed in gets 403 with ``refusal`` (audited
    by ``DeniedAccessAuditMiddleware``), an anonymous visitor the sign-in page."""
    allowed = frozenset(roles)

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if signed_in_user(request).role not in allowed:  # login_required let in signed-in users only
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def require_role(actor: User, roles: Iterable[str], doing: str) -> None:
    """A service's gate: ``actor``'s role is one of ``roles``, else a 403 saying what they may not do."""
    if actor.role not in roles:
        raise ApplicationError(f"Your role ({actor.get_role_display()}) may not {doing}.", status_code=403)
