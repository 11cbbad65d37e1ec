"""Reads for the inbox of a court clerk or of parole board staff: the reports routed to their court or board,
searched and filtered, the count behind each filter, and one report with everything its page shows. Every read
starts from ``supervision.access.violation_reports_visible_to``: a report of another court, a parole report or
a draft is the same 404 as one that does not exist."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from agency.models import User
from supervision.access import violation_reports_visible_to
from supervision.choices import DeliveryStatus
from supervision.inbox.forms import INBOX_FILTERS
from supervision.models import ReportDelivery, ViolationReport
from supervision.pdf import report_document_queryset


def _with_routed_at(queryset: QuerySet[ViolationReport]) -> QuerySet[ViolationReport]:
    """When the report reached the authority: its delivery's time."""
    delivered = ReportDelivery.objects.filter(report=OuterRef("pk"), status=DeliveryStatus.DELIVERED).order_by(
        "-delivered_at"
    )
    return queryset.annotate(routed_at=Subquery(delivered.values("delivered_at")[:1]))


def _searched(queryset: QuerySet[ViolationReport], text: str) -> QuerySet[ViolationReport]:
    """Every word must match the docket (or parole) number or one of the person's names."""
    for word in text.split()[:6]:
        queryset = queryset.filter(
            Q(supervision__docket_number__icontains=word)
            | Q(supervision__offender__last_name__icontains=word)
            | Q(supervision__offender__first_name__icontains=word)
            | Q(supervision__offender__middle_name__icontains=word)
        )
    return queryset


def inbox_list(*, actor: User, filters: Mapping[str, str]) -> QuerySet[ViolationReport]:
    """The reports routed to the actor's court or board, newest first, searched and filtered."""
    queryset = _searched(violation_reports_visible_to(actor), filters.get("q", ""))
    show = filters.get("show", "")
    if show in INBOX_FILTERS:
        queryset = queryset.filter(status=INBOX_FILTERS[show][0])
    return (
        _with_routed_at(queryset)
        .select_related("supervision__offender", "court", "parole_board")
        .annotate(violation_count=Count("violations"))
        .order_by(F("routed_at").desc(nulls_last=True), F("reviewed_at").desc(nulls_last=True), "-pk")
    )


def inbox_counts(*, actor: User, filters: Mapping[str, str]) -> dict[str, int]:
    """How many reports each filter shows (with the search applied): one query."""
    aggregates = {key: Count("pk", filter=Q(status=status)) for key, (status, _label) in INBOX_FILTERS.items()}
    return _searched(violation_reports_visible_to(actor), filters.get("q", "")).aggregate(all=Count("pk"), **aggregates)


def inbox_report_get(*, actor: User, report_id: Any) -> ViolationReport:
    """One report in the actor's inbox with everything the page shows, or 404 (missing or not theirs)."""
    report = _with_routed_at(report_document_queryset(violation_reports_visible_to(actor))).filter(pk=report_id).first()
    if report is None:
        raise Http404("No such report in your inbox.")
    return report
