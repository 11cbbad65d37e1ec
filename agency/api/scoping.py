"""The API's querysets of the agency's own records (units, officers) for the request's user, narrowed to the
token's unit when the token has one. Cases, their records, people and reports: ``supervision.api.scoping``."""

from django.db.models import QuerySet

from agency.api.permissions import token_unit_id
from agency.choices import Role
from agency.models import Unit, User


def api_units(request) -> QuerySet[Unit]:
    """Agency-wide roles see every unit; officers, supervisors and unit-bound integrators their own."""
    user = request.user
    qs = Unit.objects.all()
    if user.role == Role.ADMINISTRATOR or (user.role == Role.INTEGRATOR and not user.unit_id):
        pass
    elif user.role in (Role.OFFICER, Role.SUPERVISOR, Role.INTEGRATOR) and user.unit_id:
        qs = qs.filter(pk=user.unit_id)
    else:
        return qs.none()
    unit_id = token_unit_id(request)
    return qs.filter(pk=unit_id) if unit_id else qs


def api_officers(request) -> QuerySet[User]:
    """Officers and supervisors of the units the caller may see (an officer: only themself)."""
    qs = User.objects.filter(role__in=(Role.OFFICER, Role.SUPERVISOR), is_active=True)
    if request.user.role == Role.OFFICER:
        qs = qs.filter(pk=request.user.pk)
    return qs.filter(unit__in=api_units(request).values("pk"))
