"""Who may see what, at the agency's level: the roles that see cases at all, and whether a user is an
active one. The scoping of the records themselves lives with them: cases, their records and reports in
``supervision.access``, the API's querysets in ``supervision.api.scoping`` and ``agency.api.scoping``."""

from agency.choices import Role
from agency.models import User

AGENCY_WIDE_ROLES = (Role.ADMINISTRATOR,)
CASE_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.INTEGRATOR, Role.ADMINISTRATOR)


def is_active_user(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def sees_whole_agency(user: User | None) -> bool:
    """Administrators, and integrators not tied to a unit, see every case of the agency."""
    return is_active_user(user) and (
        user.role in AGENCY_WIDE_ROLES or (user.role == Role.INTEGRATOR and not user.unit_id)
    )
