"""Reads for the supervisor's dashboard, the officer's own figures, the review queue and the assignment
history.

Every figure is an aggregate query (conditional ``Count`` / ``Min`` with ``filter=``, ``TruncMonth``) over
the cases the actor may see (supervision.access), narrowed by the dashboard filters (officer, type, level). The
dashboard runs the same number of queries for a unit of ten cases and for one of thousands: one per block
of figures, never one per officer or per case.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, Count, Exists, Expression, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from agency.choices import Role
from agency.models import AuditEvent, Unit, User
from supervision.access import supervisions_visible_to, violation_reports_visible_to
from supervision.choices import (
    CheckInOrigin,
    CheckInStatus,
    DrugTestResult,
    ReportStatus,
    SupervisionLevel,
    SupervisionStatus,
    SupervisionType,
    ViolationKind,
    ViolationStatus,
)
from supervision.models import CheckIn, DrugTest, Supervision, Violation, ViolationReport

OPEN_STATUSES = (
    SupervisionStatus.ACTIVE,
    SupervisionStatus.INACTIVE,
    SupervisionStatus.ABSCONDED,
    SupervisionStatus.WARRANT,
)
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

    def __init__(self, column: str, ids: list[int]):
        super().__init__()
        self.column = F(column)
        self.ids = [int(pk) for pk in ids]

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        if not self.ids:
            return "1 = 0", []
        return f"{sql} IN ({', '.join(['%s'] * len(self.ids))})", [*params, *self.ids]

    def as_postgresql(self, compiler, connection):
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


# --- Caseload per officer ------------------------------------------------------------------------------


def case_weight(*, level: str, status: str) -> float:
    """How much one open case counts towards its officer's caseload."""
    config = settings.CASELINE
    if status == SupervisionStatus.INACTIVE:
        return float(config["INACTIVE_WEIGHT"])
    return float(config["LEVEL_WEIGHTS"].get(level, 1.0))


@dataclass
class OfficerCaseload:
    officer: User
    cases: int = 0
    parole: int = 0
    probation: int = 0
    inactive: int = 0
    by_level: dict[str, int] = field(default_factory=lambda: {level: 0 for level in SupervisionLevel.values})
    weighted: float = 0.0
    # The share of a full caseload: each case's weight over its type's standard, summed.
    load: float = 0.0

    @property
    def load_pct(self) -> float:
        return round(self.load * 100, 1)

    @property
    def weighted_display(self) -> float:
        return round(self.weighted, 2)

    @property
    def over_standard(self) -> bool:
        return self.load > 1.0

    def add(self, *, supervision_type: str, level: str, status: str, count: int) -> None:
        weight = case_weight(level=level, status=status)
        standard = float(settings.CASELINE["CASELOAD_STANDARD"][supervision_type])
        self.cases += count
        if supervision_type == SupervisionType.PAROLE:
            self.parole += count
        else:
            self.probation += count
        if status == SupervisionStatus.INACTIVE:
            self.inactive += count
        self.by_level[level] = self.by_level.get(level, 0) + count
        self.weighted += weight * count
        self.load += weight * count / standard


def _caseloads(officers: list[User], cases: QuerySet[Supervision]) -> list[OfficerCaseload]:
    rows = (
        cases.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values("officer_id", "supervision_type", "level", "status")
        .annotate(n=Count("pk"))
    )
    loads = {officer.pk: OfficerCaseload(officer=officer) for officer in officers}
    for row in rows:
        load = loads.get(row["officer_id"])
        if load is not None:
            load.add(supervision_type=row["supervision_type"], level=row["level"], status=row["status"], count=row["n"])
    return list(loads.values())


def caseload_by_officer(*, actor: User, filters: DashboardFilters) -> list[OfficerCaseload]:
    """Each officer's open cases, weighted by level, against the caseload standard (two queries)."""
    officers = unit_officers(actor=actor)
    if filters.officer is not None:
        officers = officers.filter(pk=filters.officer.pk)
    return _caseloads(list(officers), dashboard_cases(actor=actor, filters=filters))


def unit_officer_loads(*, unit: Unit) -> list[OfficerCaseload]:
    """Every active officer of a unit with their weighted caseload (for assigning a new intake)."""
    officers = list(
        User.objects.filter(role=Role.OFFICER, unit=unit, is_active=True).order_by("last_name", "first_name", "pk")
    )
    return _caseloads(officers, Supervision.objects.filter(unit=unit))


# --- The figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str  # the case list's ``figure`` parameter, or "" when it links elsewhere
    label: str
    value: Any
    detail: str = ""
    tone: str = ""


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _supervision_figures(cases: QuerySet[Supervision], today: date) -> dict[str, int]:
    is_open = Q(status__in=OPEN_STATUSES)
    return cases.aggregate(
        open=Count("pk", filter=is_open),
        parole=Count("pk", filter=is_open & Q(supervision_type=SupervisionType.PAROLE)),
        probation=Count("pk", filter=is_open & Q(supervision_type=SupervisionType.PROBATION)),
        warrant=Count("pk", filter=Q(status=SupervisionStatus.WARRANT)),
        absconded=Count("pk", filter=Q(status=SupervisionStatus.ABSCONDED)),
        ending=Count(
            "pk", filter=is_open & Q(end_date__gte=today, end_date__lte=today + timedelta(days=ENDING_WITHIN_DAYS))
        ),
    )


def _check_in_figures(case_ids: list[int], open_ids: list[int], now: datetime) -> dict[str, int]:
    """Two queries: what is due on the open cases (scheduled check-ins up to a week ahead), and the
    windows that closed in the last 90 days (each reads by the (supervision, due_at) index)."""
    due_week = Q(due_at__gte=now)
    overdue = Q(due_at__lt=now)
    due = CheckIn.objects.filter(
        InIds("supervision_id", open_ids),
        status=CheckInStatus.SCHEDULED,
        due_at__lt=now + timedelta(days=DUE_WITHIN_DAYS),
    ).aggregate(
        due_week=Count("pk", filter=due_week),
        due_week_cases=Count("supervision", distinct=True, filter=due_week),
        overdue=Count("pk", filter=overdue),
        overdue_cases=Count("supervision", distinct=True, filter=overdue),
    )
    aggregates: dict[str, Any] = {}
    for days in PERIODS:
        closed = Q(due_at__gte=now - timedelta(days=days))
        completed = closed & Q(origin=CheckInOrigin.SCHEDULED, status=CheckInStatus.COMPLETED)
        missed = closed & Q(status=CheckInStatus.MISSED)
        aggregates[f"completed_{days}"] = Count("pk", filter=completed)
        aggregates[f"missed_{days}"] = Count("pk", filter=missed)
        aggregates[f"missed_cases_{days}"] = Count("supervision", distinct=True, filter=missed)
    history = CheckIn.objects.filter(
        InIds("supervision_id", case_ids), due_at__gte=now - timedelta(days=max(PERIODS)), due_at__lt=now
    ).aggregate(**aggregates)
    return {**due, **history}


def _drug_test_figures(case_ids: list[int], now: datetime) -> dict[str, int]:
    aggregates: dict[str, Any] = {}
    for days in PERIODS:
        taken = Q(collected_at__gte=now - timedelta(days=days), collected_at__lte=now)
        positive = taken & Q(result=DrugTestResult.POSITIVE)
        aggregates[f"taken_{days}"] = Count("pk", filter=taken)
        aggregates[f"positive_{days}"] = Count("pk", filter=positive)
        aggregates[f"positive_cases_{days}"] = Count("supervision", distinct=True, filter=positive)
    return DrugTest.objects.filter(
        InIds("supervision_id", case_ids), collected_at__gte=now - timedelta(days=max(PERIODS))
    ).aggregate(**aggregates)


def _violation_figures(case_ids: list[int]) -> list[dict[str, Any]]:
    aggregates: dict[str, Any] = {}
    for kind in ViolationKind.values:
        aggregates[f"{kind}_violations"] = Count("pk", filter=Q(kind=kind))
        aggregates[f"{kind}_cases"] = Count("supervision", distinct=True, filter=Q(kind=kind))
    totals = Violation.objects.filter(InIds("supervision_id", case_ids), status=ViolationStatus.OPEN).aggregate(
        **aggregates
    )
    return [
        {
            "kind": kind,
            "label": label,
            "violations": totals[f"{kind}_violations"],
            "cases": totals[f"{kind}_cases"],
            "figure": f"violations_{kind}",
        }
        for kind, label in ViolationKind.choices
    ]


def _review_figures(case_ids: list[int], now: datetime) -> dict[str, Any]:
    totals = ViolationReport.objects.filter(InIds("supervision_id", case_ids), status=ReportStatus.SUBMITTED).aggregate(
        waiting=Count("pk"),
        oldest=Min("submitted_at"),
        older=Count("pk", filter=Q(submitted_at__lt=now - timedelta(days=REPORT_AGE_WARNING_DAYS))),
    )
    oldest = totals["oldest"]
    totals["oldest_days"] = (now - oldest).days if oldest else None
    return totals


@dataclass
class Dashboard:
    filters: DashboardFilters
    now: datetime
    officers: list[OfficerCaseload]
    cases: dict[str, int]
    check_ins: dict[str, int]
    drug_tests: dict[str, int]
    violations: list[dict[str, Any]]
    reviews: dict[str, Any]
    trends: dict[str, "Trend"]

    def completion_rate(self, days: int) -> float | None:
        completed = self.check_ins[f"completed_{days}"]
        return _rate(completed, completed + self.check_ins[f"missed_{days}"])

    def positive_rate(self, days: int) -> float | None:
        return _rate(self.drug_tests[f"positive_{days}"], self.drug_tests[f"taken_{days}"])

    @property
    def periods(self) -> list[dict[str, Any]]:
        """The compliance figures of the last 30 and 90 days, side by side."""
        return [
            {
                "days": days,
                "completed": self.check_ins[f"completed_{days}"],
                "missed": self.check_ins[f"missed_{days}"],
                "missed_cases": self.check_ins[f"missed_cases_{days}"],
                "completion_rate": self.completion_rate(days),
                "tests": self.drug_tests[f"taken_{days}"],
                "positive": self.drug_tests[f"positive_{days}"],
                "positive_cases": self.drug_tests[f"positive_cases_{days}"],
                "positive_rate": self.positive_rate(days),
            }
            for days in PERIODS
        ]

    @property
    def figures(self) -> list[Figure]:
        """Every headline figure: label, value and the case list it links to (CSV ``figures``)."""
        figures = [
            Figure(
                "open",
                "Open cases",
                self.cases["open"],
                f"{self.cases['parole']} parole, {self.cases['probation']} probation",
            ),
            Figure(
                "due_week",
                f"Cases with a check-in due in {DUE_WITHIN_DAYS} days",
                self.check_ins["due_week_cases"],
                _plural(self.check_ins["due_week"], "check-in"),
            ),
            Figure(
                "overdue",
                "Cases with an overdue check-in",
                self.check_ins["overdue_cases"],
                _plural(self.check_ins["overdue"], "check-in"),
                "danger" if self.check_ins["overdue_cases"] else "",
            ),
            Figure("warrant", "Warrant issued", self.cases["warrant"], "", "danger" if self.cases["warrant"] else ""),
            Figure("absconded", "Absconded", self.cases["absconded"], "", "danger" if self.cases["absconded"] else ""),
            Figure("ending", f"Ending in the next {ENDING_WITHIN_DAYS} days", self.cases["ending"]),
        ]
        for period in self.periods:
            days = period["days"]
            figures += [
                Figure(
                    f"missed_{days}",
                    f"Cases with missed check-ins, last {days} days",
                    period["missed_cases"],
                    f"{period['missed']} missed; completion rate {_pct(period['completion_rate'])}",
                ),
                Figure(
                    f"positive_{days}",
                    f"Cases with a positive test, last {days} days",
                    period["positive_cases"],
                    f"{period['positive']} of {period['tests']} tests; positive rate {_pct(period['positive_rate'])}",
                ),
            ]
        for row in self.violations:
            figures.append(
                Figure(
                    row["figure"],
                    f"Open {row['label'].lower()} violations",
                    row["violations"],
                    f"in {row['cases']} case{'' if row['cases'] == 1 else 's'}",
                )
            )
        figures.append(
            Figure(
                "",
                "Reports waiting for review",
                self.reviews["waiting"],
                f"oldest {self.reviews['oldest_days']} days" if self.reviews["oldest_days"] is not None else "",
            )
        )
        return figures


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}%"


# --- Trends over twelve months -------------------------------------------------------------------------


@dataclass
class Trend:
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[dict[str, Any]]  # one per month: {"month": date, key: value …}

    @property
    def table(self) -> list[tuple[date, list[Any]]]:
        return [(row["month"], [row[key] for key, _ in self.columns]) for row in self.rows]

    def chart_data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "labels": [row["month"].strftime("%b %Y") for row in self.rows],
            "series": [{"label": label, "data": [row[key] for row in self.rows]} for key, label in self.columns],
        }


def trend_months(now: datetime) -> list[date]:
    """The first day of each of the last twelve months, the current one last."""
    today = timezone.localdate(now)
    year, month = today.year, today.month
    months = []
    for _ in range(TREND_MONTHS):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _month_start(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, 1))


def _fill(months: list[date], rows, columns: list[tuple[str, str]]) -> list[dict[str, Any]]:
    by_month: dict[date, dict[str, Any]] = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        by_month[month] = row
    return [{"month": m, **{key: (by_month.get(m) or {}).get(key, 0) for key, _ in columns}} for m in months]


def _trends(case_ids: list[int], now: datetime) -> dict[str, Trend]:
    months = trend_months(now)
    start = _month_start(months[0])

    check_in_columns = [("completed", "Completed"), ("missed", "Missed")]
    check_ins = (
        CheckIn.objects.filter(InIds("supervision_id", case_ids), due_at__gte=start, due_at__lt=now)
        .annotate(month=TruncMonth("due_at"))
        .values("month")
        .annotate(
            completed=Count("pk", filter=Q(origin=CheckInOrigin.SCHEDULED, status=CheckInStatus.COMPLETED)),
            missed=Count("pk", filter=Q(status=CheckInStatus.MISSED)),
        )
        .order_by("month")
    )
    test_columns = [("taken", "Tests taken"), ("positive", "Positive")]
    tests = (
        DrugTest.objects.filter(InIds("supervision_id", case_ids), collected_at__gte=start, collected_at__lte=now)
        .annotate(month=TruncMonth("collected_at"))
        .values("month")
        .annotate(taken=Count("pk"), positive=Count("pk", filter=Q(result=DrugTestResult.POSITIVE)))
        .order_by("month")
    )
    violation_columns = list(ViolationKind.choices)
    violations = (
        Violation.objects.filter(
            InIds("supervision_id", case_ids), occurred_on__gte=months[0], occurred_on__lte=now.date()
        )
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(**{kind: Count("pk", filter=Q(kind=kind)) for kind in ViolationKind.values})
        .order_by("month")
    )
    return {
        "check_ins": Trend("Scheduled check-ins", check_in_columns, _fill(months, check_ins, check_in_columns)),
        "drug_tests": Trend("Drug tests", test_columns, _fill(months, tests, test_columns)),
        "violations": Trend("Violations recorded", violation_columns, _fill(months, violations, violation_columns)),
    }


def dashboard_get(*, actor: User, filters: DashboardFilters, now: datetime | None = None) -> Dashboard:
    """Every figure of the dashboard for the actor's scope and filters, in a fixed number of queries."""
    now = now or timezone.now()
    with transaction.atomic():
        _without_parallel_scans()
        return _dashboard(actor=actor, filters=filters, now=now)


def _without_parallel_scans() -> None:
    """For the rest of this transaction only (PostgreSQL): no parallel plans. Each figure reads the
    records of a few thousand cases by index (milliseconds); beside an agency-sized table PostgreSQL
    prices a parallel sequential scan of the whole table cheaper, which on a busy two-core server took
    ten times as long (bench/dashboard.py: 569 ms against 373 ms for the page under load)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def _dashboard(*, actor: User, filters: DashboardFilters, now: datetime) -> Dashboard:
    cases = dashboard_cases(actor=actor, filters=filters)
    # The case ids as a list (one query) rather than a subquery in each aggregate: with the ids the
    # planner reads the records of these cases by index, with a subquery it scans the whole table.
    statuses = list(cases.order_by().values_list("pk", "status"))
    case_ids = [pk for pk, _ in statuses]
    open_ids = [pk for pk, status in statuses if status in OPEN_STATUSES]
    return Dashboard(
        filters=filters,
        now=now,
        officers=caseload_by_officer(actor=actor, filters=filters),
        cases=_supervision_figures(cases, timezone.localdate(now)),
        check_ins=_check_in_figures(case_ids, open_ids, now),
        drug_tests=_drug_test_figures(case_ids, now),
        violations=_violation_figures(case_ids),
        reviews=_review_figures(case_ids, now),
        trends=_trends(case_ids, now),
    )


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


def dashboard_case_list(
    *, actor: User, filters: DashboardFilters, figure: str = "open", now: datetime | None = None
) -> QuerySet[Supervision]:
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


def review_queue(*, actor: User) -> QuerySet[ViolationReport]:
    """Submitted reports of the supervisor's unit, oldest first (one query)."""
    if actor.role != Role.SUPERVISOR:
        return ViolationReport.objects.none()
    return (
        violation_reports_visible_to(actor)
        .filter(status=ReportStatus.SUBMITTED)
        .select_related("supervision__offender", "supervision__officer", "author")
        .annotate(violation_count=Count("violations"))
        .order_by("submitted_at", "pk")
    )


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
