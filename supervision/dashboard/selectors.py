"""Reads for the supervisor's dashboard, the officer's own figures, the review queue and the assignment
history.

Every figure is an aggregate query (conditional ``Count`` / ``Min`` with ``filter=``, ``TruncMonth``) over
the cases the actor may see (supervision.access), narrowed by the dashboard filters (officer, type, level). The
dashboard runs the same number of queries for a unit of ten cases and for one of thousands: one per block
of figures, never one per officer or per case.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Count, Exists, Expression, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import Combinable
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404
from django.utils import timezone

from agency.choices import Role
from agency.models import AuditEvent, User
from supervision.access import supervisions_visible_to, violation_reports_visible_to
from supervision.choices import (
    CheckInStatus,
    DrugTestResult,
    ReportStatus,
    ViolationKind,
    ViolationStatus,
)
from supervision.models import CheckIn, DrugTest, Supervision, Violation, ViolationReport
from supervision.weighting import OPEN_STATUSES, OfficerCaseload, officer_caseloads

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PERIODS = (30, 90)
ENDING_WITHIN_DAYS = 30
DUE_WITHIN_DAYS = 7
REPORT_AGE_WARNING_DAYS = 3
TREND_MONTHS = 12


# --- Filters and scope ---------------------------------------------------------------------------------


class InIds(Expression):
    """``<column> IN (ids)``, sent to PostgreSQL as ``= ANY(%s)`` with one array parameter. Each figure
    reads the records of the case ids fetched once: with the ids the planner reads those cases' rows by
    index (a subquery in each aggregate made it scan the whole table), and one array parameter spares
    Django preparing thousands of separate parameters for each query."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, ids: list[int]) -> None:
        super().__init__()
        # An F() until the query resolves it, then the column (set_source_expressions): SQLCompiler.compile
        # takes only the resolved one, so the type checker is not told which.
        self.column: Any = F(column)
        self.ids = [int(pk) for pk in ids]

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Combinable | Expression]) -> None:
        (self.column,) = exprs

    # The stubs type an expression's SQL parameters as a tuple of str | int; Django takes a list, and the
    # PostgreSQL form passes its ids as one array parameter.
    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.column)
        if not self.ids:
            return "1 = 0", []
        return f"{sql} IN ({', '.join(['%s'] * len(self.ids))})", [*params, *self.ids]

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.column)
        return f"{sql} = ANY(%s::bigint[])", [*params, self.ids]


@dataclass(frozen=True)
class DashboardFilters:
    """What the supervisor narrowed the dashboard to. ``officer`` is always an officer the actor may see."""

    officer: User | None = None
    supervision_type: str = ""
    level: str = ""

    def as_query(self) -> dict[str, str]:
        query = {}
        if self.officer is not None:
            query["officer"] = str(self.officer.pk)
        if self.supervision_type:
            query["supervision_type"] = self.supervision_type
        if self.level:
            query["level"] = self.level
        return query

    def describe(self) -> dict[str, Any]:
        return {
            "officer": self.officer.pk if self.officer else None,
            "supervision_type": self.supervision_type,
            "level": self.level,
        }


def unit_officers(*, actor: User) -> QuerySet[User]:
    """The officers whose figures the actor may see: a supervisor's unit, an officer only themself."""
    qs = User.objects.filter(role=Role.OFFICER).order_by("last_name", "first_name", "username")
    if actor.role == Role.SUPERVISOR and actor.unit_id:
        return qs.filter(unit_id=actor.unit_id)
    if actor.role == Role.OFFICER:
        return qs.filter(pk=actor.pk)
    return qs.none()


def unit_officer_get(*, actor: User, officer_id: Any) -> User:
    """One officer of the supervisor's unit, or 404 (another unit's officer, or no such officer)."""
    try:
        officer_id = int(officer_id)
    except (TypeError, ValueError):
        raise Http404("No such officer.") from None
    officer = unit_officers(actor=actor).filter(pk=officer_id).first()
    if officer is None:
        raise Http404("No such officer.")
    return officer


def dashboard_cases(*, actor: User, filters: DashboardFilters) -> QuerySet[Supervision]:
    """Every case (closed ones too) in the actor's scope that matches the filters."""
    qs = supervisions_visible_to(actor)
    if filters.officer is not None:
        qs = qs.filter(officer_id=filters.officer.pk)
    if filters.supervision_type:
        qs = qs.filter(supervision_type=filters.supervision_type)
    if filters.level:
        qs = qs.filter(level=filters.level)
    return qs


def caseload_by_officer(*, actor: User, filters: DashboardFilters) -> list[OfficerCaseload]:
    """Each officer's open cases, weighted by level, against the caseload standard (two queries)."""
    officers = unit_officers(actor=actor)
    if filters.officer is not None:
        officers = officers.filter(pk=filters.officer.pk)
    return officer_caseloads(list(officers), dashboard_cases(actor=actor, filters=filters))


# --- The cases behind a figure -------------------------------------------------------------------------

FIGURES = {
    "all": "All cases, including closed",
    "open": "Open cases",
    "due_week": f"Cases with a check-in due in the next {DUE_WITHIN_DAYS} days",
    "overdue": "Cases with an overdue check-in",
    "warrant": "Cases in warrant status",
    "absconded": "Cases in absconded status",
    "ending": f"Cases ending in the next {ENDING_WITHIN_DAYS} days",
    **{f"missed_{d}": f"Cases with a missed check-in in the last {d} days" for d in PERIODS},
    **{f"tests_{d}": f"Cases tested in the last {d} days" for d in PERIODS},
    **{f"positive_{d}": f"Cases with a positive drug test in the last {d} days" for d in PERIODS},
    "violations": "Cases with an open violation",
    **{f"violations_{kind}": f"Cases with an open {label.lower()} violation" for kind, label in ViolationKind.choices},
}


def _figure_condition(figure: str, now: datetime) -> Q:
    today = timezone.localdate(now)
    is_open = Q(status__in=OPEN_STATUSES)
    check_ins = CheckIn.objects.filter(supervision=OuterRef("pk"))
    scheduled = check_ins.filter(status=CheckInStatus.SCHEDULED)
    tests = DrugTest.objects.filter(supervision=OuterRef("pk"), collected_at__lte=now)
    open_violations = Violation.objects.filter(supervision=OuterRef("pk"), status=ViolationStatus.OPEN)
    if figure == "all":
        return Q()
    if figure == "due_week":
        return is_open & Q(Exists(scheduled.filter(due_at__gte=now, due_at__lt=now + timedelta(days=DUE_WITHIN_DAYS))))
    if figure == "overdue":
        return is_open & Q(Exists(scheduled.filter(due_at__lt=now)))
    if figure in ("warrant", "absconded"):
        return Q(status=figure)
    if figure == "ending":
        return is_open & Q(end_date__gte=today, end_date__lte=today + timedelta(days=ENDING_WITHIN_DAYS))
    for days in PERIODS:
        since = now - timedelta(days=days)
        if figure == f"missed_{days}":
            return Q(Exists(check_ins.filter(status=CheckInStatus.MISSED, due_at__gte=since, due_at__lt=now)))
        if figure == f"tests_{days}":
            return Q(Exists(tests.filter(collected_at__gte=since)))
        if figure == f"positive_{days}":
            return Q(Exists(tests.filter(collected_at__gte=since, result=DrugTestResult.POSITIVE)))
    if figure == "violations":
        return Q(Exists(open_violations))
    if figure.startswith("violations_"):
        return Q(Exists(open_violations.filter(kind=figure.removeprefix("violations_"))))
    return is_open


class _Listed(TypedDict):
    open_violation_count: int


# A case as the list behind a figure shows it.
ListedCase: TypeAlias = "WithAnnotations[Supervision, _Listed]"


def dashboard_case_list(
    *, actor: User, filters: DashboardFilters, figure: str = "open", now: datetime | None = None
) -> QuerySet[ListedCase]:
    """The cases behind one dashboard figure (``FIGURES``), with what the list shows, in one query."""
    now = now or timezone.now()
    figure = figure if figure in FIGURES else "open"
    return (
        dashboard_cases(actor=actor, filters=filters)
        .filter(_figure_condition(figure, now))
        .select_related("offender", "officer")
        .annotate(
            open_violation_count=Count("violations", filter=Q(violations__status=ViolationStatus.OPEN), distinct=True)
        )
        .order_by("officer__last_name", "officer__first_name", "offender__last_name", "offender__first_name", "pk")
    )


# --- The review queue and a report's history -----------------------------------------------------------


class _Queued(TypedDict):
    violation_count: int


# A report as the review queue shows it.
QueuedReport: TypeAlias = "WithAnnotations[ViolationReport, _Queued]"


def review_queue(*, actor: User) -> QuerySet[QueuedReport]:
    """Submitted reports of the supervisor's unit, oldest first (one query); none for anyone else."""
    queued = (
        violation_reports_visible_to(actor)
        .filter(status=ReportStatus.SUBMITTED)
        .select_related("supervision__offender", "supervision__officer", "author")
        .annotate(violation_count=Count("violations"))
        .order_by("submitted_at", "pk")
    )
    return queued if actor.role == Role.SUPERVISOR else queued.none()


def review_report_get(*, actor: User, report_id: Any) -> ViolationReport:
    """A report of the supervisor's unit (any status), or 404."""
    try:
        report_id = int(report_id)
    except (TypeError, ValueError):
        raise Http404("No such report.") from None
    if actor.role != Role.SUPERVISOR:
        raise Http404("No such report.")
    report = (
        violation_reports_visible_to(actor)
        .select_related(
            "supervision__offender", "supervision__officer", "author", "reviewed_by", "court", "parole_board"
        )
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise Http404("No such report.")
    return report


@dataclass(frozen=True)
class ReportEvent:
    at: datetime
    who: str
    action: str
    comment: str = ""


REPORT_ACTIONS = {
    "violation_report.drafted": "Drafted",
    "violation_report.updated": "Edited",
    "violation_report.submitted": "Submitted for review",
    "violation_report.returned": "Returned to the officer",
    "violation_report.approved": "Approved",
    "violation_report.routed": "Routed to the authority",
    "violation_report.delivered": "Delivered to the authority",
    "violation_report.delivery_failed": "Delivery failed (retried)",
    "violation_report.acknowledged": "Received by the authority",
    "violation_report.received": "Received by the authority",
    "violation_report.hearing_scheduled": "Hearing scheduled",
    "violation_report.disposed": "Disposed",
}


def report_history(*, report: ViolationReport) -> list[ReportEvent]:
    """Who did what to the report and when, from its audit rows (two queries); the comments of each
    return come from the report's own change history (simple_history), in order."""
    events = AuditEvent.objects.filter(
        object_type=ViolationReport._meta.label_lower, object_id=str(report.pk), action__in=list(REPORT_ACTIONS)
    ).order_by("occurred_at", "pk")
    returned = report.history.filter(status=ReportStatus.RETURNED).order_by("history_date", "history_id")
    comments: list[str] = []
    previous = None
    for row in returned.values("review_comment", "reviewed_at"):
        # Each return is one reviewed_at; edits of a returned report repeat it.
        if row["reviewed_at"] != previous:
            comments.append(row["review_comment"])
            previous = row["reviewed_at"]
    history = []
    for event in events:
        comment = ""
        if event.action == "violation_report.returned" and comments:
            comment = comments.pop(0)
        history.append(
            ReportEvent(
                at=event.occurred_at,
                who=event.actor_label,
                action=REPORT_ACTIONS.get(event.action, event.action.removeprefix("violation_report.")),
                comment=comment,
            )
        )
    return history


# --- Assignment history --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentChange:
    at: datetime
    officer: User | None
    previous_officer: User | None
    by: str
    reason: str


def case_assignment_history(*, supervision: Supervision) -> list[AssignmentChange]:
    """Every officer the case has had, oldest first, from its change history (one query)."""
    rows = (
        Supervision.history.filter(id=supervision.pk)
        .select_related("officer", "history_user")
        .order_by("history_date", "history_id")
    )
    changes = []
    previous = None
    for row in rows:
        if previous is None or row.officer_id != previous.officer_id:
            changes.append(
                AssignmentChange(
                    at=row.history_date,
                    officer=row.officer,
                    previous_officer=previous.officer if previous is not None else None,
                    by=row.history_user.username if row.history_user_id else "",
                    reason=row.history_change_reason or ("Opened" if previous is None else ""),
                )
            )
        previous = row
    return changes


def unit_reassignments(*, actor: User, filters: DashboardFilters, limit: int = 15) -> list[dict[str, Any]]:
    """The latest reassignments of the unit's cases (three queries)."""
    previous_officer = (
        Supervision.history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        .order_by("-history_date", "-history_id")
        .values("officer_id")[:1]
    )
    rows = list(
        Supervision.history.filter(
            id__in=dashboard_cases(actor=actor, filters=DashboardFilters()).values("pk"),
            history_type="~",
            history_change_reason__isnull=False,
        )
        .exclude(history_change_reason="")
        .annotate(previous_officer_id=Subquery(previous_officer))
        .select_related("officer", "offender", "history_user")
        .order_by("-history_date", "-history_id")[: limit * 3]
    )
    rows = [r for r in rows if r.previous_officer_id and r.previous_officer_id != r.officer_id]
    if filters.officer is not None:
        rows = [r for r in rows if filters.officer.pk in (r.officer_id, r.previous_officer_id)]
    rows = rows[:limit]
    previous = User.objects.in_bulk({r.previous_officer_id for r in rows})
    return [
        {
            "at": r.history_date,
            "case_id": r.id,
            "offender": r.offender,
            "officer": r.officer,
            "previous_officer": previous.get(r.previous_officer_id),
            "by": r.history_user.username if r.history_user_id else "",
            "reason": r.history_change_reason,
        }
        for r in rows
    ]
