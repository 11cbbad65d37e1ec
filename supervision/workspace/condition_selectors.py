"""Reads of the conditions' pages and of the case page's conditions: a condition of a case in the actor's scope,
each condition's earlier wordings with their orders (its simple-history rows, one query for all of them), and the
authority's decisions that modified the conditions and are still to be applied to them."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from agency.models import User
from supervision.access import case_records_visible_to
from supervision.choices import Disposition, ReportStatus
from supervision.models import Condition, Supervision, ViolationReport


def condition_get(*, actor: User, supervision: Supervision, condition_id: Any) -> Condition:
    """One condition of ``supervision`` in the actor's scope, or 404 (missing, another case's or not yours)."""
    try:
        condition_id = int(condition_id)
    except (TypeError, ValueError):
        raise Http404("No such condition.") from None
    queryset = Condition.objects.select_related("condition_type")
    condition = case_records_visible_to(actor, queryset).filter(supervision=supervision, pk=condition_id).first()
    if condition is None:
        raise Http404("No such condition.")
    return condition


# --- The decisions to apply ----------------------------------------------------------------------------------


def _decisions(supervision: Supervision) -> QuerySet[ViolationReport]:
    return ViolationReport.objects.filter(
        supervision=supervision, status=ReportStatus.DISPOSED, disposition=Disposition.CONDITIONS_MODIFIED
    ).select_related("court", "parole_board")


def case_decisions_to_apply(*, supervision: Supervision) -> list[ViolationReport]:
    """The authority's decisions that modified the case's conditions and that no condition change cites yet
    (``conditions_applied_at``), oldest first (one query)."""
    return list(_decisions(supervision).filter(conditions_applied_at__isnull=True).order_by("disposition_on", "pk"))


def condition_decision_get(*, supervision: Supervision, report_id: Any) -> ViolationReport | None:
    """The decision a condition form applies (``?report=<id>``): a report of the case disposed as "conditions
    modified", or None for anything else (the form is then a plain one; the service checks the report again)."""
    try:
        report_id = int(report_id)
    except (TypeError, ValueError):
        return None
    if not 0 < report_id < 2**31:
        return None
    return _decisions(supervision).filter(pk=report_id).first()


# --- The conditions' history ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EarlierWording:
    """A wording the condition had, with the order that gave it."""

    details: str
    hours_required: Decimal | None
    order_date: date | None
    order_reference: str
    change: str  # the history row's reason, e.g. "Modified by order CR-2025-00417 entry 31"
    recorded_at: datetime


# What makes a new wording: a change of one of these (a change of the recorded compliance or of the hours worked
# is no new order).
_WORDING = ("details", "hours_required", "order_date", "order_reference")


def conditions_history_attach(conditions: Iterable[Condition]) -> None:
    """Set ``earlier_wordings`` on each condition: the wordings it had before its current one, newest first, each
    with its order (one query for every condition, whatever their number)."""
    by_id = {condition.pk: condition for condition in conditions}
    for condition in by_id.values():
        condition.earlier_wordings = []  # type: ignore[attr-defined]
    if not by_id:
        return
    rows = (
        Condition.history.filter(id__in=by_id)
        .order_by("id", "history_date", "history_id")
        .values("id", "history_date", "history_change_reason", *_WORDING)
    )
    versions: dict[int, list[EarlierWording]] = {}
    for row in rows:
        wording = EarlierWording(
            details=row["details"],
            hours_required=row["hours_required"],
            order_date=row["order_date"],
            order_reference=row["order_reference"],
            change=row["history_change_reason"] or "",
            recorded_at=row["history_date"],
        )
        kept = versions.setdefault(row["id"], [])
        if not kept or any(getattr(kept[-1], name) != getattr(wording, name) for name in _WORDING):
            kept.append(wording)
    for condition_id, kept in versions.items():
        # the last one is the condition as it stands (or the order that ended it)
        by_id[condition_id].earlier_wordings = list(reversed(kept[:-1]))  # type: ignore[attr-defined]
