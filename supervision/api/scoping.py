"""The API's querysets of cases, their records, people and reports: always built from supervision/access.py
for the request's user, then narrowed to the token's unit when the token has one (the intersection of the
user's scope and the token's)."""

from django.db.models import QuerySet

from agency.api.permissions import token_unit_id
from offenders.models import Offender
from supervision.access import (
    case_records_visible_to,
    offenders_visible_to,
    supervisions_visible_to,
    violation_reports_visible_to,
)
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
