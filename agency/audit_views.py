"""The audit trail in the browser: administrators see all of it, unit supervisors what concerns their unit
(what its members did, and what anyone did to the unit's cases and their records). Filter by person, user,
action, outcome and date; export the filtered rows as CSV (the export is itself audited)."""

import csv
import datetime
import operator
from collections.abc import Mapping
from functools import reduce
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from agency.access import role_view
from agency.audit import audit_about_person, audit_record
from agency.choices import AuditOutcome, Role
from agency.http import AuthenticatedRequest
from agency.models import AuditEvent, User

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
    "offender_ids",
    "source_ip",
    "request_id",
    "detail",
)


class AuditFilterForm(forms.Form):
    person = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, label="Person (record number)")
    user = forms.CharField(required=False, max_length=150, label="User (username)")
    action = forms.CharField(required=False, max_length=100, label="Action", help_text="e.g. supervision.viewed")
    outcome = forms.ChoiceField(required=False, choices=[("", "Any"), *AuditOutcome.choices])
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean_date_from(self) -> datetime.date | None:
        return _within_audit_dates(self.cleaned_data.get("date_from"))

    def clean_date_to(self) -> datetime.date | None:
        return _within_audit_dates(self.cleaned_data.get("date_to"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("“From” must be on or before “To”.")
        return data


# The dates the filters take: no audit row is older than this, nor more than a year ahead of today (a
# date far beyond, 9999-12-31, would overflow the end-of-day arithmetic instead of finding nothing).
AUDIT_EARLIEST_DATE = datetime.date(2000, 1, 1)
AUDIT_LATEST_DAYS_AHEAD = 366


def _within_audit_dates(value: datetime.date | None) -> datetime.date | None:
    latest = timezone.localdate() + datetime.timedelta(days=AUDIT_LATEST_DAYS_AHEAD)
    if value is not None and not AUDIT_EARLIEST_DATE <= value <= latest:
        raise forms.ValidationError(f"Choose a date from {AUDIT_EARLIEST_DATE:%Y-%m-%d} to {latest:%Y-%m-%d}.")
    return value


# The records of a case, by the path from each to its unit: a row whose object is one of these is about that
# case, and only that case, whoever wrote it. The domain app that owns them hands them over through the URL
# composition root (agency/urls.py: ``patterns(case_records=supervision.access.CASE_RECORD_UNIT_PATHS)``),
# so this module imports no domain app.
CaseRecords = Mapping[type[Model], str]


def _about_unit_cases(unit_id: int, case_records: CaseRecords) -> Q:
    """Rows whose object is a case of the unit or a record of one."""
    return reduce(
        operator.or_,
        (
            Q(
                object_type=model._meta.label_lower,
                object_id__in=model._default_manager.filter(**{unit_path: unit_id})
                .annotate(key=Cast("pk", CharField()))
                .values("key"),
            )
            for model, unit_path in case_records.items()
        ),
    )


def audit_events_visible_to(user: User, case_records: CaseRecords) -> QuerySet[AuditEvent]:
    """Administrators: every row. Supervisors: the rows of their unit's cases, that is

    - what anyone (a member, an administrator, a clerk, a job) did to a case of the unit or one of its
      records (the row's object: the case, a check-in, a drug test, a report …), and
    - what the unit's staff (its current members) did that is not about a case of another unit: their
      sign-ins, searches, list reads, exports, refusals and reads of a person's record.

    Never what was done to the same person's case in another unit, nor a row about the person that has
    no object of the unit (another unit's list read, someone outside the unit reading the person's
    record): those are for administrators. Everyone else: none."""
    qs = AuditEvent.objects.all()
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if user.role == Role.ADMINISTRATOR:
        return qs
    if user.role == Role.SUPERVISOR and user.unit_id:
        case_record_types = [model._meta.label_lower for model in case_records]
        by_staff = Q(actor__unit_id=user.unit_id) & ~Q(object_type__in=case_record_types)
        return qs.filter(by_staff | _about_unit_cases(user.unit_id, case_records))
    return qs.none()


def audit_event_list(*, actor: User, filters: dict[str, Any], case_records: CaseRecords) -> QuerySet[AuditEvent]:
    qs = audit_events_visible_to(actor, case_records)
    if filters.get("person"):
        qs = qs.filter(audit_about_person(filters["person"]))
    if filters.get("user"):
        qs = qs.filter(actor_label=filters["user"].strip())
    if filters.get("action"):
        qs = qs.filter(action__startswith=filters["action"].strip())
    if filters.get("outcome"):
        qs = qs.filter(outcome=filters["outcome"])
    tz = timezone.get_current_timezone()  # the days of the agency's zone, as the page shows the times
    if filters.get("date_from"):
        qs = qs.filter(occurred_at__gte=datetime.datetime.combine(filters["date_from"], datetime.time.min, tz))
    if filters.get("date_to"):
        qs = qs.filter(
            occurred_at__lt=datetime.datetime.combine(
                filters["date_to"] + datetime.timedelta(days=1), datetime.time.min, tz
            )
        )
    return qs.order_by("-occurred_at", "-id")


_audit_view = role_view(AUDIT_ROLES, "The audit trail is for administrators and unit supervisors.")


def _filters(request: HttpRequest) -> tuple[AuditFilterForm, dict[str, Any]]:
    form = AuditFilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_bound and form.is_valid() else {})


def _query_for_audit(filters: dict[str, Any]) -> dict[str, str]:
    return {key: str(value) for key, value in filters.items() if value not in (None, "")}


@require_GET
@_audit_view
def events(request: AuthenticatedRequest, case_records: CaseRecords) -> HttpResponse:
    """The audit trail, newest first, 50 rows a page: times in the agency's zone (named), people by name,
    actions and objects in words (agency.audit_labels), in a constant number of queries."""
    form, filters = _filters(request)
    rows = audit_event_list(actor=request.user, filters=filters, case_records=case_records).select_related("actor")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # Read the page before writing this look's own row: the count and the rows then agree.
    page.object_list = list(page.object_list)
    audit_record(actor=request.user, action="audit.viewed", detail={"filters": _query_for_audit(filters)})
    return render(
        request, "audit/events.html", {"form": form, "page_obj": page, "zone": timezone.get_current_timezone_name()}
    )


@require_GET
@_audit_view
def export(request: AuthenticatedRequest, case_records: CaseRecords) -> HttpResponse:
    """The filtered rows as CSV (at most 10,000, newest first); the export itself is audited."""
    form, filters = _filters(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse("Fix the filters before exporting.", status=400, content_type="text/plain; charset=utf-8")
    rows = list(audit_event_list(actor=request.user, filters=filters, case_records=case_records)[:EXPORT_LIMIT])
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
                " ".join(str(person) for person in event.offender_ids),
                event.source_ip or "",
                _csv_safe(event.request_id),
                _csv_safe(str(event.detail)),
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    """No spreadsheet formula injection: a cell starting with = + - @ is prefixed with a quote."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def patterns(*, case_records: CaseRecords) -> list:
    """The audit pages, told which records belong to a case (see ``CaseRecords``)."""
    kwargs = {"case_records": case_records}
    return [
        path("", events, kwargs, name="events"),
        path("export.csv", export, kwargs, name="export"),
    ]
