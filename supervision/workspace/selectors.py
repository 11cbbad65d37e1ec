"""Reads for the officer's workspace. Every selector starts from the actor's scope (supervision.access), so a
case out of scope and a case that does not exist are the same 404, and each owns its joins so that a
page runs a constant number of queries whatever the number of rows."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.utils import timezone

from agency.models import User
from offenders.models import Address, Alias, EmergencyContact, Employment
from supervision.access import supervisions_visible_to
from supervision.choices import (
    LIVE_VIOLATION_STATUSES,
    Attention,
    CheckInStatus,
    ReportStatus,
    SupervisionStatus,
    ViolationStatus,
)
from supervision.compliance import conditions_with_compliance
from supervision.lifecycle import REPORT_STATUSES_IN_AGENCY
from supervision.models import (
    CaseNote,
    CheckIn,
    CommunityServiceEntry,
    Condition,
    DrugTest,
    DrugTestSubstanceResult,
    Referral,
    ReportViolation,
    Supervision,
    Violation,
    ViolationReport,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# --- The caseload -----------------------------------------------------------------------------------


LEVEL_RANK = {"high": 0, "medium": 1, "low": 2, "administrative": 3}


class _Caseload(TypedDict):
    next_check_in_due: datetime | None
    next_check_in_opens: datetime | None
    next_check_in_kind: str | None
    last_contact_at: datetime | None
    attention: int
    level_rank: int


# A case as the caseload reads it: with its next check-in, its last contact and how urgent it is.
CaseloadCase: TypeAlias = "WithAnnotations[Supervision, _Caseload]"


def _end_of_today(now: datetime) -> datetime:
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def _caseload_base(*, actor: User, now: datetime) -> QuerySet[CaseloadCase]:
    """The actor's cases with the next check-in, the last contact and how urgent the case is."""
    open_check_ins = CheckIn.objects.filter(supervision=OuterRef("pk"), status=CheckInStatus.SCHEDULED).order_by(
        "due_at", "id"
    )
    last_contact = CheckIn.objects.filter(
        supervision=OuterRef("pk"), status=CheckInStatus.COMPLETED, completed_at__isnull=False
    ).order_by("-completed_at", "-id")
    return (
        supervisions_visible_to(actor)
        .annotate(
            next_check_in_due=Subquery(open_check_ins.values("due_at")[:1], output_field=DateTimeField()),
            next_check_in_opens=Subquery(open_check_ins.values("window_start")[:1], output_field=DateTimeField()),
            next_check_in_kind=Subquery(open_check_ins.values("kind")[:1], output_field=CharField()),
            last_contact_at=Subquery(last_contact.values("completed_at")[:1], output_field=DateTimeField()),
        )
        .annotate(
            # The same answer as supervision.windows.window_attention: due today when the window's last day
            # is today, i.e. it closes by the midnight that ends today (a window closing at that midnight
            # is due by today, not tomorrow).
            attention=SqlCase(
                When(next_check_in_due__lt=now, then=Value(Attention.OVERDUE)),
                When(next_check_in_due__lte=_end_of_today(now), then=Value(Attention.DUE_TODAY)),
                When(next_check_in_opens__lte=now, then=Value(Attention.WINDOW_OPEN)),
                default=Value(Attention.NONE),
                output_field=IntegerField(),
            ),
            level_rank=SqlCase(
                *(When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
                default=Value(9),
                output_field=IntegerField(),
            ),
        )
    )


def case_list(
    *, actor: User, filters: Mapping[str, Any] | None = None, now: datetime | None = None
) -> QuerySet[Supervision]:
    """The actor's caseload (an officer's own cases, a supervisor's unit), filtered and sorted by
    ``filters`` (see supervision.filtersets.CaseFilter); most urgent first by default."""
    from supervision.filtersets import CaseFilter

    now = now or timezone.now()
    qs = (
        _caseload_base(actor=actor, now=now)
        .select_related("offender", "officer", "court", "parole_board")
        .annotate(open_violations=Count("violations", filter=Q(violations__status=ViolationStatus.OPEN)))
        .order_by("attention", "next_check_in_due", "offender__last_name", "offender__first_name", "pk")
    )
    filtered: QuerySet[Supervision] = CaseFilter(data=filters or {}, queryset=qs, actor=actor, request_now=now).qs
    return filtered


@dataclass(frozen=True)
class CaseloadSummary:
    total: int
    overdue: int
    due_today: int
    open_violations: int


def caseload_summary(*, actor: User, now: datetime | None = None) -> CaseloadSummary:
    """The counts at the top of the caseload, over every open case in scope (one query)."""
    now = now or timezone.now()
    open_violations = Violation.objects.filter(supervision=OuterRef("pk"), status=ViolationStatus.OPEN)
    totals = (
        _caseload_base(actor=actor, now=now)
        .exclude(status=SupervisionStatus.CLOSED)
        .annotate(has_open_violation=Exists(open_violations))
        .aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(attention=Attention.OVERDUE)),
            due_today=Count("pk", filter=Q(attention=Attention.DUE_TODAY)),
            open_violations=Count("pk", filter=Q(has_open_violation=True)),
        )
    )
    return CaseloadSummary(**totals)


# --- One case ---------------------------------------------------------------------------------------


def case_get(*, actor: User, case_id: Any) -> Supervision:
    """One case in the actor's scope with the person and the conditions (with their derived compliance:
    supervision.compliance), or 404 (missing or not yours)."""
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise Http404("No such case.") from None
    today = timezone.localdate()
    qs = (
        supervisions_visible_to(actor)
        .select_related("offender", "officer", "unit", "court", "parole_board")
        .prefetch_related(
            Prefetch(
                "conditions",
                queryset=conditions_with_compliance(Condition.objects.select_related("condition_type")).order_by(
                    "ended_on", "imposed_on", "id"
                ),
            ),
            # An ended alias or contact stays in the person's record (its page), not on the case page.
            Prefetch("offender__aliases", queryset=Alias.objects.filter(ended_on__isnull=True)),
            Prefetch("offender__emergency_contacts", queryset=EmergencyContact.objects.filter(ended_on__isnull=True)),
            Prefetch(
                "offender__addresses",
                queryset=Address.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today)),
                to_attr="current_addresses",
            ),
            Prefetch(
                "offender__employments",
                queryset=Employment.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today)),
                to_attr="current_employments",
            ),
        )
    )
    supervision = qs.filter(pk=case_id).first()
    if supervision is None:
        raise Http404("No such case.")
    return supervision


def case_open_check_ins(
    *, supervision: Supervision, now: datetime | None = None, days_ahead: int = 14
) -> list[CheckIn]:
    """Scheduled check-ins that are overdue, open now, or open within ``days_ahead`` days."""
    now = now or timezone.now()
    return list(
        CheckIn.objects.filter(
            supervision=supervision, status=CheckInStatus.SCHEDULED, window_start__lte=now + timedelta(days=days_ahead)
        ).order_by("due_at", "id")[:10]
    )


def case_reportable_violations(
    *, supervision: Supervision, report: ViolationReport | None = None
) -> QuerySet[Violation]:
    """Violations that can go into a report of this case: open or answered and held by no other live report
    (``ReportViolation.live``: a returned report frees its violations), plus those already in ``report``."""
    held = ReportViolation.objects.filter(violation=OuterRef("pk"), live=True)
    if report is not None and report.pk:
        held = held.exclude(report=report)
    condition = Q(status__in=(ViolationStatus.OPEN, ViolationStatus.SANCTIONED)) & ~Q(Exists(held))
    if report is not None and report.pk:
        condition |= Q(Exists(ReportViolation.objects.filter(report=report, violation=OuterRef("pk"))))
    return Violation.objects.filter(condition, supervision=supervision).order_by("-occurred_on", "-id")


def case_open_violations(*, supervision: Supervision, limit: int = 10) -> list[Violation]:
    """Open or answered violations, each with the report it is in (``pending_report_id``): the live report
    that holds it, else the newest returned report it was in (which its author may take it back into)."""
    pending = (
        ReportViolation.objects.filter(violation=OuterRef("pk"))
        .filter(Q(live=True) | Q(report__status=ReportStatus.RETURNED))
        .order_by("-live", "-report__created_at", "-report_id")
    )
    return list(
        Violation.objects.filter(supervision=supervision, status__in=(ViolationStatus.OPEN, ViolationStatus.SANCTIONED))
        .annotate(pending_report_id=Subquery(pending.values("report_id")[:1]))
        .order_by("-occurred_on", "-id")[:limit]
    )


def case_reports_in_progress(*, supervision: Supervision) -> list[ViolationReport]:
    return list(
        ViolationReport.objects.filter(
            supervision=supervision,
            status__in=REPORT_STATUSES_IN_AGENCY,
        ).order_by("-created_at", "-id")[:10]
    )


# --- The timeline -----------------------------------------------------------------------------------

TIMELINE_KINDS = {
    "check_in": "Check-ins",
    "drug_test": "Drug tests",
    "note": "Notes",
    "referral": "Referrals",
    "community_service": "Community service",
    "violation": "Violations",
    "report": "Reports",
}


@dataclass
class TimelineEntry:
    kind: str
    at: datetime
    obj: Any = field(default=None)

    @property
    def kind_label(self) -> str:
        return TIMELINE_KINDS[self.kind]


def _as_datetime(field_name: str) -> Cast:
    return Cast(field_name, output_field=DateTimeField())


# (kind, id, at): one entry of the timeline, as the UNION of its sources reads it.
TimelineRow: TypeAlias = tuple[str, int, datetime]


def _timeline_sources(supervision: Supervision) -> dict[str, QuerySet[Any, TimelineRow]]:
    """Per kind: (kind, id, at) rows of the case, ready for one UNION ordered by time."""

    def rows(qs: QuerySet[Any], kind: str, at: Combinable) -> QuerySet[Any, TimelineRow]:
        entries: QuerySet[Any, TimelineRow] = qs.annotate(
            entry_kind=Value(kind, output_field=CharField()), entry_at=at
        ).values_list("entry_kind", "pk", "entry_at")
        return entries

    return {
        "check_in": rows(
            CheckIn.objects.filter(supervision=supervision).exclude(status=CheckInStatus.SCHEDULED),
            "check_in",
            Coalesce("completed_at", "due_at"),
        ),
        "drug_test": rows(DrugTest.objects.filter(supervision=supervision), "drug_test", F("collected_at")),
        "note": rows(CaseNote.objects.filter(supervision=supervision), "note", F("created_at")),
        "referral": rows(Referral.objects.filter(supervision=supervision), "referral", _as_datetime("referred_on")),
        "community_service": rows(
            CommunityServiceEntry.objects.filter(condition__supervision=supervision),
            "community_service",
            _as_datetime("performed_on"),
        ),
        "violation": rows(Violation.objects.filter(supervision=supervision), "violation", _as_datetime("occurred_on")),
        "report": rows(ViolationReport.objects.filter(supervision=supervision), "report", F("created_at")),
    }


def _timeline_loaders() -> dict[str, QuerySet[Any]]:
    """Per kind: how to load the entries of one page (one query each, plus their prefetches)."""
    return {
        "check_in": CheckIn.objects.select_related("recorded_by"),
        "drug_test": DrugTest.objects.select_related("recorded_by").prefetch_related(
            Prefetch("substance_results", queryset=DrugTestSubstanceResult.objects.order_by("substance"))
        ),
        "note": CaseNote.objects.select_related("author"),
        "referral": Referral.objects.select_related("referred_by"),
        "community_service": CommunityServiceEntry.objects.select_related("condition__condition_type", "recorded_by"),
        "violation": Violation.objects.select_related("check_in", "drug_test", "condition__condition_type"),
        "report": ViolationReport.objects.select_related("author").annotate(violation_count=Count("violations")),
    }


def case_timeline(
    *, actor: User, supervision: Supervision, kind: str | None = None, page: Any = 1, per_page: int = 25
) -> Page[Any]:
    """One timeline of the case, newest first: check-ins (not the ones still scheduled), drug tests,
    notes, referrals, community service, violations and reports; ``kind`` keeps one of them.

    Runs a fixed number of queries: a count and a page of one UNION, then one query per kind present
    on the page (at most seven, plus the drug tests' substances). The page's ``object_list`` holds
    ``TimelineEntry`` objects."""
    if not supervisions_visible_to(actor).filter(pk=supervision.pk).exists():
        raise Http404("No such case.")
    sources = _timeline_sources(supervision)
    chosen = [sources[kind]] if kind in sources else list(sources.values())
    union = chosen[0].union(*chosen[1:], all=True) if len(chosen) > 1 else chosen[0]
    union = union.order_by("-entry_at", "-entry_kind", "-pk")
    page_obj: Page[Any] = Paginator(union, per_page).get_page(page)  # rows in, TimelineEntry objects out
    rows = list(page_obj.object_list)
    ids_by_kind: dict[str, list[int]] = {}
    for entry_kind, pk, _at in rows:
        ids_by_kind.setdefault(entry_kind, []).append(pk)
    loaders = _timeline_loaders()
    loaded = {k: loaders[k].in_bulk(ids) for k, ids in ids_by_kind.items()}
    page_obj.object_list = [
        TimelineEntry(kind=entry_kind, at=at, obj=loaded[entry_kind].get(pk)) for entry_kind, pk, at in rows
    ]
    return page_obj


def violation_merge_targets(violation: Violation) -> QuerySet[Violation]:
    """The violations a manual one may be merged into: its case's live violations recorded for a missed check-in
    or a failed test (none when it is itself such a one)."""
    if violation.check_in_id is not None or violation.drug_test_id is not None:
        return Violation.objects.none()
    return (
        Violation.objects.filter(supervision_id=violation.supervision_id, status__in=LIVE_VIOLATION_STATUSES)
        .filter(Q(check_in__isnull=False) | Q(drug_test__isnull=False))
        .exclude(pk=violation.pk)
        .order_by("-occurred_on", "-id")
    )
