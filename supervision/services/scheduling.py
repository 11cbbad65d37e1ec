"""The nightly check-in scheduler: keeps every active supervision's check-ins planned a rolling horizon
ahead, re-plans a case whose supervision level changed, and stands down the future check-ins of cases
that are no longer active (inactive probation reports to nobody)."""

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.conf import settings
from django.db import transaction
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from agency.audit import audit_record
from agency.models import AuditEvent
from supervision.choices import CheckInOrigin, CheckInStatus, SupervisionStatus
from supervision.models import CheckIn, CheckInPlan, ContactStandard, Supervision
from supervision.services.check_ins import check_ins_schedule

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

logger = logging.getLogger(__name__)

SYSTEM_LABEL = "schedule_check_ins"
REPLAN_REASON = "Re-planned: supervision level changed"
NOT_ACTIVE_REASON = "Re-planned: supervision no longer active"
# Cases in these statuses report to nobody (inactive probation, a person who absconded or is wanted, a closed
# case): their future check-ins are stood down.
STAND_DOWN_STATUSES = (
    SupervisionStatus.INACTIVE,
    SupervisionStatus.ABSCONDED,
    SupervisionStatus.WARRANT,
    SupervisionStatus.IN_CUSTODY,
    SupervisionStatus.CLOSED,
)


class _Planned(TypedDict):
    planned_level: str | None  # the level its check-ins were planned for (CheckInPlan); None: never planned
    last_planned: datetime | None  # the window start of its last scheduled check-in


# A supervision as check_ins_schedule_all reads it.
PlannedSupervision: TypeAlias = "WithAnnotations[Supervision, _Planned]"


def check_ins_excuse_future(*, check_ins: QuerySet[CheckIn], reason: str, now: datetime) -> list[int]:
    """Excuse (never delete) still-scheduled check-ins, with their history rows; returns their ids."""
    excused = list(
        check_ins.filter(status=CheckInStatus.SCHEDULED, origin=CheckInOrigin.SCHEDULED).select_for_update(
            skip_locked=True
        )
    )
    for check_in in excused:
        check_in.status, check_in.excuse_reason, check_in.updated_at = CheckInStatus.EXCUSED, reason, now
    bulk_update_with_history(
        excused,
        CheckIn,
        ["status", "excuse_reason", "updated_at"],
        default_change_reason=reason,
        default_date=now,
    )
    return [check_in.pk for check_in in excused]


def check_ins_schedule_all(*, now: datetime | None = None, chunk_size: int = 500) -> dict[str, int]:
    """Plan every active supervision's check-ins up to the horizon (chunked, one transaction per chunk).

    Idempotent: a window already planned is not planned again (``check_in_scheduled_once``), so a second
    run, or a second beat, changes nothing. Returns counts: supervisions looked at, check-ins scheduled,
    supervisions re-planned, check-ins excused.
    """
    now = now or timezone.now()
    counts = {"supervisions": 0, "scheduled": 0, "replanned": 0, "excused": 0}
    counts["excused"] += _stand_down_inactive(now)
    standards = {standard.level: standard for standard in ContactStandard.objects.all()}
    horizon_days = settings.CASELINE["CHECK_IN_HORIZON_DAYS"]
    after_pk = 0
    while True:
        chunk = list(
            _with_plan(Supervision.objects.filter(status=SupervisionStatus.ACTIVE, pk__gt=after_pk)).order_by("pk")[
                :chunk_size
            ]
        )
        if not chunk:
            break
        after_pk = chunk[-1].pk
        with transaction.atomic():
            replanned, excused, scheduled = _replan_changed_levels(chunk, now, standards, horizon_days)
            counts["replanned"] += replanned
            counts["excused"] += excused
            counts["scheduled"] += scheduled
            for supervision in chunk:
                counts["supervisions"] += 1
                standard = standards.get(supervision.level)
                if standard is None:
                    continue
                horizon_end = min(timezone.localdate(now) + timedelta(days=horizon_days), supervision.end_date)
                last = supervision.last_planned if supervision.planned_level == supervision.level else None
                if last and timezone.localdate(last + timedelta(days=standard.check_in_interval_days)) > horizon_end:
                    continue  # already planned to the horizon: no query
                counts["scheduled"] += check_ins_schedule(supervision=supervision, now=now)
    logger.info("Scheduled check-ins: %s", counts)
    return counts


def _with_plan(supervisions: QuerySet[Supervision]) -> "QuerySet[PlannedSupervision]":
    """The supervisions with the level they were planned for and the start of their last planned window."""
    last_planned = (
        CheckIn.objects.filter(supervision=OuterRef("pk"), origin=CheckInOrigin.SCHEDULED)
        .exclude(status=CheckInStatus.EXCUSED)
        .values("supervision")
        .annotate(last=Max("window_start"))
        .values("last")
    )
    return supervisions.annotate(
        planned_level=Subquery(CheckInPlan.objects.filter(supervision=OuterRef("pk")).values("level")),
        last_planned=Subquery(last_planned),
    )


def check_ins_replan(*, supervision_id: int, now: datetime, planned_level: str | None = None) -> dict[str, int]:
    """Bring one active case's check-ins in line with its level now, as the nightly run would (its level
    changed, or it reports again): the old standard's future check-ins excused, the new one's planned.
    ``planned_level``: the level its check-ins were planned for, when the nightly run has not recorded it
    yet (a case opened today). Returns counts: re-planned (0 or 1), excused, scheduled."""
    supervision = _with_plan(Supervision.objects.filter(pk=supervision_id, status=SupervisionStatus.ACTIVE)).first()
    if supervision is None:
        return {"replanned": 0, "excused": 0, "scheduled": 0}
    if supervision.planned_level is None and planned_level is not None:
        CheckInPlan.objects.create(supervision=supervision, level=planned_level, planned_at=now)
        supervision.planned_level = planned_level
    standards = {standard.level: standard for standard in ContactStandard.objects.all()}
    horizon_days = settings.CASELINE["CHECK_IN_HORIZON_DAYS"]
    replanned, excused, scheduled = _replan_changed_levels([supervision], now, standards, horizon_days)
    scheduled += check_ins_schedule(supervision=supervision, now=now)
    return {"replanned": replanned, "excused": excused, "scheduled": scheduled}


def _replan_changed_levels(
    chunk: list[PlannedSupervision], now: datetime, standards: dict[str, ContactStandard], horizon_days: int
) -> tuple[int, int, int]:
    """Record the planned level of new cases. For a case whose level changed since it was planned, plan
    the new standard's windows from the last check-in that already opened, keep the future check-ins
    that fall on one of them, excuse the others (never delete) and create the missing ones.
    Returns (supervisions re-planned, check-ins excused, check-ins scheduled)."""
    missing = [s for s in chunk if s.planned_level is None]
    CheckInPlan.objects.bulk_create(
        [CheckInPlan(supervision=s, level=s.level, planned_at=now) for s in missing], ignore_conflicts=True
    )
    changed = [s for s in chunk if s.planned_level is not None and s.planned_level != s.level]
    excused = scheduled = 0
    for supervision in changed:
        standard = standards.get(supervision.level)
        windows = _windows_from_now(supervision, standard, now, horizon_days) if standard else []
        future = CheckIn.objects.filter(supervision=supervision, window_start__gt=now)
        if standard:
            future = future.exclude(kind=standard.check_in_kind, window_start__in=windows)
        ids = check_ins_excuse_future(check_ins=future, reason=REPLAN_REASON, now=now)
        created: list[CheckIn] = []
        if standard:
            kept = set(
                CheckIn.objects.filter(
                    supervision=supervision, kind=standard.check_in_kind, window_start__in=windows
                ).values_list("window_start", flat=True)
            )
            windows = [start for start in windows if start not in kept]
            created = CheckIn.objects.bulk_create(
                [
                    CheckIn(
                        supervision=supervision,
                        kind=standard.check_in_kind,
                        origin=CheckInOrigin.SCHEDULED,
                        window_start=start,
                        due_at=start + timedelta(days=standard.window_days),
                    )
                    for start in windows
                ],
                ignore_conflicts=True,  # a concurrent run planned it: once is enough
            )
        excused += len(ids)
        scheduled += len(created)
        CheckInPlan.objects.filter(supervision=supervision).update(level=supervision.level, planned_at=now)
        audit_record(
            actor=None,
            system=SYSTEM_LABEL,
            action="check_in.replanned",
            obj=supervision,
            detail={"from_level": supervision.planned_level, "to_level": supervision.level, "excused": ids},
        )
        supervision.planned_level = supervision.level
        supervision.last_planned = None  # let check_ins_schedule see what is left to plan, if anything
    return len(changed), excused, scheduled


def _windows_from_now(
    supervision: Supervision, standard: ContactStandard, now: datetime, horizon_days: int
) -> list[datetime]:
    """The new standard's windows up to the horizon, stepping from the last check-in that already opened."""
    anchor = (
        CheckIn.objects.filter(
            supervision=supervision,
            origin=CheckInOrigin.SCHEDULED,
            kind=standard.check_in_kind,
            window_start__lte=now,
        )
        .exclude(status=CheckInStatus.EXCUSED)
        .order_by("-window_start")
        .values_list("window_start", flat=True)
        .first()
    )
    interval = timedelta(days=standard.check_in_interval_days)
    first_day = max(supervision.start_date, timezone.localdate(now))
    day = max(timezone.localdate(anchor) + interval, first_day) if anchor else first_day
    horizon_end = min(timezone.localdate(now) + timedelta(days=horizon_days), supervision.end_date)
    windows = []
    while day <= horizon_end:
        windows.append(timezone.make_aware(datetime.combine(day, datetime.min.time())))
        day += interval
    return windows


def _stand_down_inactive(now: datetime) -> int:
    """Excuse the future check-ins of inactive and closed cases, in one transaction."""
    with transaction.atomic():
        future = CheckIn.objects.filter(
            Q(supervision__status__in=STAND_DOWN_STATUSES),
            window_start__gt=now,
            status=CheckInStatus.SCHEDULED,
            origin=CheckInOrigin.SCHEDULED,
        )
        rows = list(future.values_list("pk", "supervision_id", "supervision__offender_id"))
        if not rows:
            return 0
        ids = check_ins_excuse_future(
            check_ins=CheckIn.objects.filter(pk__in=[pk for pk, _, _ in rows]), reason=NOT_ACTIVE_REASON, now=now
        )
        excused = set(ids)
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    occurred_at=now,
                    actor_label=f"system:{SYSTEM_LABEL}",
                    action="check_in.excused",
                    object_type="supervision.checkin",
                    object_id=str(pk),
                    offender_id=offender_id,
                    detail={"reason": NOT_ACTIVE_REASON},
                )
                for pk, _, offender_id in rows
                if pk in excused
            ]
        )
        return len(ids)
