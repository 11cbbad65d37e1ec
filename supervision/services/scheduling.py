"""The nightly check-in scheduler: keeps every planned case's check-ins (active and inactive cases, each by
the contact standard of its level, type and status) planned a rolling horizon ahead, re-plans a case whose
level or status changed, and stands down the future check-ins of cases that report to nobody (absconded,
wanted, closed) and those an inactive case's standard does not plan. Docs: docs/contact-standards.md."""

import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.conf import settings
from django.db import transaction
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from agency.audit import audit_record
from agency.models import AuditEvent
from supervision.choices import CheckInKind, CheckInOrigin, CheckInStatus, SupervisionStatus
from supervision.models import CheckIn, CheckInPlan, ContactStandard, Supervision
from supervision.services.check_ins import check_ins_schedule
from supervision.services.contact_plans import (
    StandardKey,
    contact_anchors,
    contact_plan,
    contact_standard_for,
    contact_standard_key,
    contact_standard_missing,
    contact_standards_by_key,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

logger = logging.getLogger(__name__)

SYSTEM_LABEL = "schedule_check_ins"
REPLAN_REASON = "Re-planned: contact standard changed"
NOT_ACTIVE_REASON = "Re-planned: supervision no longer active"
STOOD_DOWN_PREFIX = "Stood down: "  # a status change that stops the reporting (case_changes.status_change_apply)
REINSTATED_REASON = "Reinstated: the case reports again"
# Cases in these statuses report to nobody (a person who absconded or is wanted, a closed case): their future
# check-ins are stood down. An inactive case is planned by its own standard (ContactStandard.PLANNED_STATUSES).
STAND_DOWN_STATUSES = (
    SupervisionStatus.ABSCONDED,
    SupervisionStatus.WARRANT,
    SupervisionStatus.IN_CUSTODY,
    SupervisionStatus.CLOSED,
)


class _Planned(TypedDict):
    planned_level: str | None  # the level its check-ins were planned for (CheckInPlan); None: never planned
    planned_status: str | None  # the status its check-ins were planned for (CheckInPlan)
    last_regular: datetime | None  # the window start of its last scheduled check-in other than a home visit
    last_home_visit: datetime | None  # the window start of its last scheduled home visit


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


def check_ins_reinstate(*, supervision: Supervision, now: datetime) -> list[int]:
    """A case that reports again (back from custody, absconding, a warrant, or inactive) is planned from today
    (``check_ins_schedule``). Where that plan falls on a window its stand-down excused (a release the same day,
    or a whole number of intervals later), the stood-down row is scheduled again, due as the plan says, its
    excuse kept in its history: a new row could not take its place (``check_in_scheduled_once``), and the case
    would have no check-in there. Returns the ids scheduled again."""
    standard = contact_standard_for(supervision)
    if standard is None:
        return []
    plan = contact_plan(
        supervision=supervision,
        standard=standard,
        now=now,
        horizon_days=settings.CASELINE["CHECK_IN_HORIZON_DAYS"],
        anchors=contact_anchors(supervision, standard),
    )
    due = {(check_in.kind, check_in.window_start): check_in.due_at for check_in in plan}
    rows = [
        check_in
        for check_in in CheckIn.objects.filter(
            Q(excuse_reason__startswith=STOOD_DOWN_PREFIX) | Q(excuse_reason=NOT_ACTIVE_REASON),
            supervision=supervision,
            origin=CheckInOrigin.SCHEDULED,
            status=CheckInStatus.EXCUSED,
            window_start__in={start for _, start in due},
        ).select_for_update()
        if (check_in.kind, check_in.window_start) in due
    ]
    for check_in in rows:
        check_in.status, check_in.excuse_reason = CheckInStatus.SCHEDULED, ""
        check_in.due_at, check_in.updated_at = due[(check_in.kind, check_in.window_start)], now
    bulk_update_with_history(
        rows,
        CheckIn,
        ["status", "excuse_reason", "due_at", "updated_at"],
        default_change_reason=REINSTATED_REASON,
        default_date=now,
    )
    return [check_in.pk for check_in in rows]


def check_ins_schedule_all(*, now: datetime | None = None, chunk_size: int = 500) -> dict[str, int]:
    """Plan every active and inactive supervision's check-ins up to the horizon by its contact standard
    (chunked, one transaction per chunk).

    Idempotent: a window already planned is not planned again (``check_in_scheduled_once``), so a second
    run, or a second beat, changes nothing. A case whose combination has no standard is left as it is
    (nothing planned, nothing excused) and logged once per run and combination. Returns counts:
    supervisions planned by a standard, check-ins scheduled, supervisions re-planned, check-ins excused.
    """
    now = now or timezone.now()
    counts = {"supervisions": 0, "scheduled": 0, "replanned": 0, "excused": 0}
    standards = contact_standards_by_key()
    counts["excused"] += _stand_down(now, standards)
    horizon_days = settings.CASELINE["CHECK_IN_HORIZON_DAYS"]
    missing: Counter[StandardKey] = Counter()
    after_pk = 0
    while True:
        chunk = list(
            _with_plan(
                Supervision.objects.filter(status__in=ContactStandard.PLANNED_STATUSES, pk__gt=after_pk)
            ).order_by("pk")[:chunk_size]
        )
        if not chunk:
            break
        after_pk = chunk[-1].pk
        planned = []
        for supervision in chunk:
            if contact_standard_key(supervision) in standards:
                planned.append(supervision)
            else:
                missing[contact_standard_key(supervision)] += 1
        with transaction.atomic():
            replanned, excused, scheduled = _replan_changed(planned, now, standards, horizon_days)
            counts["replanned"] += replanned
            counts["excused"] += excused
            counts["scheduled"] += scheduled
            for supervision in planned:
                counts["supervisions"] += 1
                standard = standards[contact_standard_key(supervision)]
                if _planned_to_horizon(supervision, standard, now, horizon_days):
                    continue  # no query
                counts["scheduled"] += check_ins_schedule(supervision=supervision, now=now, standard=standard)
    for key, cases in sorted(missing.items()):
        contact_standard_missing(key, cases=cases)
    logger.info("Scheduled check-ins: %s", counts)
    return counts


def _planned_to_horizon(
    supervision: "PlannedSupervision", standard: ContactStandard, now: datetime, horizon_days: int
) -> bool:
    """Whether both of the case's series are already planned past the horizon (from the annotations)."""
    if (supervision.planned_level, supervision.planned_status) != (supervision.level, supervision.status):
        return False
    horizon_end = min(timezone.localdate(now) + timedelta(days=horizon_days), supervision.end_date)
    regular = (
        supervision.last_home_visit if standard.check_in_kind == CheckInKind.HOME_VISIT else supervision.last_regular
    )
    if regular is None or timezone.localdate(regular) + timedelta(days=standard.check_in_interval_days) <= horizon_end:
        return False
    if standard.home_visit_interval_days:
        last_visit = timezone.localdate(supervision.last_home_visit) if supervision.last_home_visit else None
        next_visit = (last_visit or supervision.start_date) + timedelta(days=standard.home_visit_interval_days)
        if max(next_visit, timezone.localdate(now)) <= horizon_end:
            return False
    return True


def _with_plan(supervisions: QuerySet[Supervision]) -> "QuerySet[PlannedSupervision]":
    """The supervisions with the level and status they were planned for and the start of their last planned
    regular window and home visit."""
    planned = (
        CheckIn.objects.filter(supervision=OuterRef("pk"), origin=CheckInOrigin.SCHEDULED)
        .exclude(status=CheckInStatus.EXCUSED)
        .values("supervision")
    )
    return supervisions.annotate(
        planned_level=Subquery(CheckInPlan.objects.filter(supervision=OuterRef("pk")).values("level")),
        planned_status=Subquery(CheckInPlan.objects.filter(supervision=OuterRef("pk")).values("status")),
        last_regular=Subquery(
            planned.exclude(kind=CheckInKind.HOME_VISIT).annotate(last=Max("window_start")).values("last")
        ),
        last_home_visit=Subquery(
            planned.filter(kind=CheckInKind.HOME_VISIT).annotate(last=Max("window_start")).values("last")
        ),
    )


def check_ins_replan(*, supervision_id: int, now: datetime, planned_level: str | None = None) -> dict[str, int]:
    """Bring one active or inactive case's check-ins in line with its contact standard now, as the nightly
    run would (its level changed, or its status): the old standard's future check-ins excused, the new one's
    planned. ``planned_level``: the level its check-ins were planned for, when the nightly run has not
    recorded it yet (a case opened today). A case without a standard is left as it is (logged).
    Returns counts: re-planned (0 or 1), excused, scheduled."""
    nothing = {"replanned": 0, "excused": 0, "scheduled": 0}
    supervision = _with_plan(
        Supervision.objects.filter(pk=supervision_id, status__in=ContactStandard.PLANNED_STATUSES)
    ).first()
    if supervision is None:
        return nothing
    standards = contact_standards_by_key()
    standard = standards.get(contact_standard_key(supervision))
    if standard is None:
        contact_standard_missing(contact_standard_key(supervision), cases=1)
        return nothing
    if supervision.planned_level is None and planned_level is not None:
        CheckInPlan.objects.create(
            supervision=supervision, level=planned_level, status=supervision.status, planned_at=now
        )
        supervision.planned_level, supervision.planned_status = planned_level, supervision.status
    horizon_days = settings.CASELINE["CHECK_IN_HORIZON_DAYS"]
    replanned, excused, scheduled = _replan_changed([supervision], now, standards, horizon_days)
    scheduled += check_ins_schedule(supervision=supervision, now=now, standard=standard)
    return {"replanned": replanned, "excused": excused, "scheduled": scheduled}


def _replan_changed(
    chunk: list[PlannedSupervision], now: datetime, standards: dict[StandardKey, ContactStandard], horizon_days: int
) -> tuple[int, int, int]:
    """Record the planned level and status of new cases. For a case whose level or status changed since it
    was planned, plan its standard from the last check-in of each series that already opened, keep the
    future check-ins that fall on the plan, excuse the others (never delete) and create the missing ones.
    Every case in ``chunk`` has a standard. Returns (supervisions re-planned, check-ins excused, check-ins
    scheduled)."""
    missing = [s for s in chunk if s.planned_level is None]
    CheckInPlan.objects.bulk_create(
        [CheckInPlan(supervision=s, level=s.level, status=s.status, planned_at=now) for s in missing],
        ignore_conflicts=True,
    )
    changed = [
        s for s in chunk if s.planned_level is not None and (s.planned_level, s.planned_status) != (s.level, s.status)
    ]
    excused = scheduled = 0
    for supervision in changed:
        standard = standards[contact_standard_key(supervision)]
        plan = contact_plan(
            supervision=supervision,
            standard=standard,
            now=now,
            horizon_days=horizon_days,
            anchors=contact_anchors(supervision, standard, opened_by=now),
        )
        on_plan = Q(pk__in=[])
        for kind in standard.contact_kinds:
            on_plan |= Q(kind=kind, window_start__in=[c.window_start for c in plan if c.kind == kind])
        ids = check_ins_excuse_future(
            check_ins=CheckIn.objects.filter(supervision=supervision, window_start__gt=now).exclude(on_plan),
            reason=REPLAN_REASON,
            now=now,
        )
        kept = set(
            CheckIn.objects.filter(supervision=supervision, origin=CheckInOrigin.SCHEDULED)
            .filter(on_plan)
            .values_list("kind", "window_start")
        )
        created = CheckIn.objects.bulk_create(
            [c for c in plan if (c.kind, c.window_start) not in kept],
            ignore_conflicts=True,  # a concurrent run planned it: once is enough
        )
        excused += len(ids)
        scheduled += len(created)
        CheckInPlan.objects.filter(supervision=supervision).update(
            level=supervision.level, status=supervision.status, planned_at=now
        )
        audit_record(
            actor=None,
            system=SYSTEM_LABEL,
            action="check_in.replanned",
            obj=supervision,
            detail={
                "from_level": supervision.planned_level,
                "to_level": supervision.level,
                "from_status": supervision.planned_status,
                "to_status": supervision.status,
                "excused": ids,
            },
        )
        supervision.planned_level, supervision.planned_status = supervision.level, supervision.status
        supervision.last_regular = supervision.last_home_visit = None  # let check_ins_schedule see what is left
    return len(changed), excused, scheduled


def _stand_down(now: datetime, standards: dict[StandardKey, ContactStandard]) -> int:
    """Excuse, in one transaction, the future check-ins of cases that report to nobody (STAND_DOWN_STATUSES)
    and those of inactive cases that their inactive standard does not plan (all of them when the
    combination has no standard: an inactive case without one reports to nobody)."""
    inactive_plans = [
        Q(supervision__level=level, supervision__supervision_type=supervision_type, kind__in=standard.contact_kinds)
        for (level, supervision_type, status), standard in standards.items()
        if status == SupervisionStatus.INACTIVE
    ]
    not_planned = Q(supervision__status=SupervisionStatus.INACTIVE)
    for on_plan in inactive_plans:
        not_planned &= ~on_plan
    with transaction.atomic():
        future = CheckIn.objects.filter(
            Q(supervision__status__in=STAND_DOWN_STATUSES) | not_planned,
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
