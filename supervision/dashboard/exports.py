"""The dashboard's tables as CSV (``/dashboard/export/<table>.csv``): the same figures and filters as the
page, each export audited with the people it names."""

import csv
from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from agency.audit import audit_record
from agency.choices import Role
from agency.http import AuthenticatedRequest
from agency.models import User
from supervision.dashboard import figures, selectors
from supervision.dashboard.views import case_list_filters, staff_view


def _cell(value: Any) -> Any:
    """Spreadsheets run a cell that starts with = + - @ as a formula: quote it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _officer_name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _shown(people: list[int], person_id: int, row: list[Any]) -> list[Any]:
    """Note the person of an exported row (for the export's audit row) and pass the row on."""
    people.append(person_id)
    return row


def _export_rows(
    request: AuthenticatedRequest, table: str, filters: selectors.DashboardFilters, figure: str, people: list[int]
) -> tuple[list[str], Iterable[list[Any]]]:
    """The header and rows of one table; the person of each row that names one is added to ``people``."""
    actor = request.user
    if table == "cases":
        cases = selectors.dashboard_case_list(actor=actor, filters=filters, figure=figure)
        header = [
            "case_id",
            "agency_number",
            "last_name",
            "first_name",
            "type",
            "level",
            "status",
            "officer",
            "start_date",
            "end_date",
            "open_violations",
        ]
        return header, (
            _shown(
                people,
                c.offender_id,
                [
                    c.pk,
                    c.offender.agency_number,
                    c.offender.last_name,
                    c.offender.first_name,
                    c.supervision_type,
                    c.level,
                    c.status,
                    _officer_name(c.officer),
                    c.start_date,
                    c.end_date,
                    c.open_violation_count,
                ],
            )
            for c in cases.iterator(chunk_size=500)
        )
    if table == "reviews":
        if actor.role != Role.SUPERVISOR:
            raise Http404("No such table.")
        now = timezone.now()
        return ["report_id", "case_id", "person", "author", "submitted_at", "age_days", "violations"], (
            _shown(
                people,
                r.supervision.offender_id,
                [
                    r.pk,
                    r.supervision_id,
                    f"{r.supervision.offender.last_name}, {r.supervision.offender.first_name}",
                    _officer_name(r.author),
                    r.submitted_at.isoformat() if r.submitted_at else "",
                    (now - r.submitted_at).days if r.submitted_at else "",
                    r.violation_count,
                ],
            )
            for r in selectors.review_queue(actor=actor)
        )
    if table == "reassignments":
        return ["at", "case_id", "person", "from_officer", "to_officer", "by", "reason"], (
            _shown(
                people,
                r["offender"].pk,
                [
                    r["at"].isoformat(),
                    r["case_id"],
                    f"{r['offender'].last_name}, {r['offender'].first_name}",
                    _officer_name(r["previous_officer"]),
                    _officer_name(r["officer"]),
                    r["by"],
                    r["reason"],
                ],
            )
            for r in selectors.unit_reassignments(actor=actor, filters=filters, limit=1000)
        )
    data = figures.dashboard_get(actor=actor, filters=filters)
    if table == "caseload":
        return [
            "officer_id",
            "officer",
            "open_cases",
            "parole",
            "probation",
            "high",
            "medium",
            "low",
            "administrative",
            "inactive",
            "weighted",
            "percent_of_standard",
        ], (
            [
                o.officer.pk,
                _officer_name(o.officer),
                o.cases,
                o.parole,
                o.probation,
                o.by_level["high"],
                o.by_level["medium"],
                o.by_level["low"],
                o.by_level["administrative"],
                o.inactive,
                o.weighted_display,
                o.load_pct,
            ]
            for o in data.officers
        )
    if table == "figures":
        return ["figure", "label", "value", "detail"], ([f.key, f.label, f.value, f.detail] for f in data.figures)
    if table == "compliance":
        return [
            "days",
            "check_ins_completed",
            "check_ins_missed",
            "cases_with_missed",
            "completion_rate",
            "drug_tests",
            "positive",
            "cases_with_positive",
            "positive_rate",
        ], (
            [
                p["days"],
                p["completed"],
                p["missed"],
                p["missed_cases"],
                p["completion_rate"],
                p["tests"],
                p["positive"],
                p["positive_cases"],
                p["positive_rate"],
            ]
            for p in data.periods
        )
    if table == "violations":
        return ["kind", "open_violations", "cases"], ([v["kind"], v["violations"], v["cases"]] for v in data.violations)
    trend_key = table.removeprefix("trend-").replace("-", "_")
    if table.startswith("trend-") and trend_key in data.trends:
        trend = data.trends[trend_key]
        return ["month", *[key for key, _ in trend.columns]], (
            [row["month"].strftime("%Y-%m"), *[row[key] for key, _ in trend.columns]] for row in trend.rows
        )
    raise Http404("No such table.")


EXPORT_TABLES = (
    "figures",
    "caseload",
    "compliance",
    "violations",
    "trend-check-ins",
    "trend-drug-tests",
    "trend-violations",
    "reviews",
    "reassignments",
    "cases",
)


@require_GET
@staff_view
def export(request: AuthenticatedRequest, table: str) -> HttpResponse:
    if table not in EXPORT_TABLES:
        raise Http404("No such table.")
    _form, filters, figure = case_list_filters(request)
    people: list[int] = []
    header, rows = _export_rows(request, table, filters, figure, people)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="caseline-{table}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([_cell(value) for value in row])
        count += 1
    # Written before the file leaves: no row, no file (fail closed).
    audit_record(
        actor=request.user,
        action="dashboard.exported",
        offender_ids=people,
        detail={
            "table": table,
            "figure": figure if table == "cases" else "",
            "filters": filters.describe(),
            "rows": count,
        },
    )
    return response
