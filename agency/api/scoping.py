"""The API's querysets: always built from agency/access.py for the request's user, then narrowed to
the token's unit when the token has one (the intersection of the user's scope and the token's)."""

from django.db.models import QuerySet

from agency.access import (
    case_records_visible_to,
    offenders_visible_to,
    supervisions_visible_to,
    violation_reports_visible_to,
)
from agency.api.permissions import token_unit_id
from agency.choices import Role
from agency.models import Unit, User
from offenders.models import Offender
from supervision.models import Supervision, ViolationReport


def api_supervisions(request) -> QuerySet[Supervision]:
    qs = supervisions_visible_to(request.user)
    unit_id = token_unit_id(request)
    return qs.filter(unit_id=unit_id) if unit_id else qs


def api_case_records(request, queryset: QuerySet) -> QuerySet:
    qs = case_records_visible_to(request.user, queryset)
    unit_id = token_unit_id(request)
    return qs.filter(supervision__unit_id=unit_id) if unit_id else qs


def api_offenders(request) -> QuerySet[Offender]:
    qs = offenders_visible_to(request.user)
    unit_id = token_unit_id(request)
    if unit_id:
        qs = qs.filter(pk__in=Supervision.objects.filter(unit_id=unit_id).values("offender_id"))
    return qs


def api_violation_reports(request) -> QuerySet[ViolationReport]:
    qs = violation_reports_visible_to(request.user)
    unit_id = token_unit_id(request)
    return qs.filter(supervision__unit_id=unit_id) if unit_id else qs


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
