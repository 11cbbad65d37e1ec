"""The audit trail in the browser: administrators see all of it, unit supervisors what concerns their unit
(what its members did, and what was done to the people it supervises). Filter by person, user, action,
outcome and date; export the filtered rows as CSV (the export is itself audited)."""

import csv
import datetime
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from agency.audit import audit_record
from agency.choices import AuditOutcome, Role
from agency.models import AuditEvent, User
from supervision.models import Supervision

AUDIT_ROLES = (Role.ADMINISTRATOR, Role.SUPERVISOR)
PAGE_SIZE = 50
EXPORT_LIMIT = 10_000
CSV_COLUMNS = (
    "occurred_at_utc",
    "actor",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "offender_id",
    "source_ip",
    "request_id",
    "detail",
)


class AuditFilterForm(forms.Form):
    person = forms.IntegerField(required=False, min_value=1, label="Person (record number)")
    user = forms.CharField(required=False, max_length=150, label="User (username)")
    action = forms.CharField(required=False, max_length=100, label="Action", help_text="e.g. supervision.viewed")
    outcome = forms.ChoiceField(required=False, choices=[("", "Any"), *AuditOutcome.choices])
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("“From” must be on or before “To”.")
        return data


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """Administrators: every row. Supervisors: rows by their unit's members or about the people their
    unit supervises. Everyone else: none."""
    qs = AuditEvent.objects.all()
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if user.role == Role.ADMINISTRATOR:
        return qs
    if user.role == Role.SUPERVISOR and user.unit_id:
        people = Supervision.objects.filter(unit_id=user.unit_id).values("offender_id")
        return qs.filter(Q(actor__unit_id=user.unit_id) | Q(offender_id__in=people))
    return qs.none()


def audit_event_list(*, actor: User, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    qs = audit_events_visible_to(actor)
    if filters.get("person"):
        qs = qs.filter(offender_id=filters["person"])
    if filters.get("user"):
        qs = qs.filter(actor_label=filters["user"].strip())
    if filters.get("action"):
        qs = qs.filter(action__startswith=filters["action"].strip())
    if filters.get("outcome"):
        qs = qs.filter(outcome=filters["outcome"])
    tz = datetime.UTC
    if filters.get("date_from"):
        qs = qs.filter(occurred_at__gte=datetime.datetime.combine(filters["date_from"], datetime.time.min, tz))
    if filters.get("date_to"):
        qs = qs.filter(
            occurred_at__lt=datetime.datetime.combine(filters["date_to"], datetime.time.min, tz)
            + datetime.timedelta(days=1)
        )
    return qs.order_by("-occurred_at", "-id")


def _audit_view(view):
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.role not in AUDIT_ROLES:
            raise PermissionDenied("The audit trail is for administrators and unit supervisors.")
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, dict[str, Any]]:
    form = AuditFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_bound and form.is_valid() else {})


def _query_for_audit(filters: dict[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in filters.items() if value not in (None, "")}


@require_GET
@_audit_view
def events(request: HttpRequest) -> HttpResponse:
    """The audit trail, newest first, 50 rows a page, dates in UTC."""
    form, filters = _filters(request)
    page = Paginator(audit_event_list(actor=request.user, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(actor=request.user, action="audit.viewed", detail={"filters": _query_for_audit(filters)})
    return render(request, "audit/events.html", {"form": form, "page_obj": page})


@require_GET
@_audit_view
def export(request: HttpRequest) -> HttpResponse:
    """The filtered rows as CSV (at most 10,000, newest first); the export itself is audited."""
    form, filters = _filters(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse("Fix the filters before exporting.", status=400, content_type="text/plain; charset=utf-8")
    rows = list(audit_event_list(actor=request.user, filters=filters)[:EXPORT_LIMIT])
    audit_record(
        actor=request.user,
        action="audit.exported",
        detail={"filters": _query_for_audit(filters), "rows": len(rows)},
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="caseline-audit-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for event in rows:
        writer.writerow(
            [
                event.occurred_at.astimezone(datetime.UTC).isoformat(),
                _csv_safe(event.actor_label),
                _csv_safe(event.action),
                event.outcome,
                _csv_safe(event.object_type),
                _csv_safe(event.object_id),
                event.offender_id or "",
                event.source_ip or "",
                _csv_safe(event.request_id),
                _csv_safe(str(event.detail)),
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    """No spreadsheet formula injection: a cell starting with = + - @ is prefixed with a quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


urlpatterns = [
    path("", events, name="events"),
    path("export.csv", export, name="export"),
]
