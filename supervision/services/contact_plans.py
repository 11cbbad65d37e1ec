"""Which contact standard a case follows, and the check-ins that standard plans (docs/contact-standards.md).

A standard is picked by the case's level, supervision type and status; only the two planned statuses
(``ContactStandard.PLANNED_STATUSES``: active, inactive) have one. A standard plans up to two series of
check-ins, each stepping from its own last planned window (its *anchor*):

- the **regular** contacts, of the standard's kind, every ``check_in_interval_days``, each window open
  ``window_days``. The first one of a case (no anchor yet) opens on the first day that can be planned
  (the start of the case, or today for a case opened in the past) and, while the first-contact deadline
  (start + ``initial_contact_days``) is still ahead, closes at that deadline;
- the **home visits**, when ``home_visit_interval_days`` is set: every ``home_visit_interval_days`` from the
  start of the case (the first one interval after the start), each window open ``window_days`` (at most the
  home-visit interval). They come besides the regular contacts, never instead of them: a day may have both.

No window opens before today (it would be missed at once) or after the horizon or the end of the case.
"""

import logging
from datetime import date, datetime, timedelta

from django.utils import timezone

from supervision.choices import CheckInKind, CheckInOrigin, CheckInStatus
from supervision.models import CheckIn, ContactStandard, Supervision

logger = logging.getLogger(__name__)

StandardKey = tuple[str, str, str]  # (level, supervision type, status)
Anchors = dict[str, datetime | None]  # kind -> the window start of its last planned check-in


def contact_standard_key(supervision: Supervision) -> StandardKey:
    return (supervision.level, supervision.supervision_type, supervision.status)


def contact_standards_by_key() -> dict[StandardKey, ContactStandard]:
    """Every contact standard by (level, supervision type, status): one query, for a run over many cases."""
    return {
        (standard.level, standard.supervision_type, standard.status): standard
        for standard in ContactStandard.objects.all()
    }


def contact_standard_for(supervision: Supervision) -> ContactStandard | None:
    """The standard the case follows now; None for a status that has none (absconded, warrant, closed …)
    and, logged as a warning, for a planned status whose combination has no standard (nothing is planned)."""
    if supervision.status not in ContactStandard.PLANNED_STATUSES:
        return None
    standard = ContactStandard.objects.filter(
        level=supervision.level, supervision_type=supervision.supervision_type, status=supervision.status
    ).first()
    if standard is None:
        contact_standard_missing(contact_standard_key(supervision), cases=1)
    return standard


def contact_standard_missing(key: StandardKey, *, cases: int) -> None:
    """The one way a missing standard is reported: a warning naming the combination, for the administrator."""
    level, supervision_type, status = key
    logger.warning(
        "No contact standard for level=%s type=%s status=%s: %d case(s) not planned; add one in the admin.",
        level,
        supervision_type,
        status,
        cases,
    )


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def contact_anchors(
    supervision: Supervision, standard: ContactStandard, *, opened_by: datetime | None = None
) -> Anchors:
    """The window start of the last planned, not excused, check-in of each of the standard's kinds (only
    among those that opened by ``opened_by`` when given: a re-plan steps from what already happened).
    Excused check-ins never anchor a plan: a re-plan excuses the old standard's future ones."""
    check_ins = CheckIn.objects.filter(
        supervision=supervision, origin=CheckInOrigin.SCHEDULED, kind__in=standard.contact_kinds
    ).exclude(status=CheckInStatus.EXCUSED)
    if opened_by is not None:
        check_ins = check_ins.filter(window_start__lte=opened_by)
    anchors: Anchors = dict.fromkeys(standard.contact_kinds)
    for kind, start in check_ins.order_by("kind", "-window_start").distinct("kind").values_list("kind", "window_start"):
        anchors[kind] = start
    return anchors


def contact_plan(
    *,
    supervision: Supervision,
    standard: ContactStandard,
    now: datetime,
    horizon_days: int,
    anchors: Anchors,
) -> list[CheckIn]:
    """The check-ins (unsaved) the standard plans after the anchors, up to the horizon (module doc)."""
    today = timezone.localdate(now)
    first_day = max(supervision.start_date, today)
    horizon_end = min(today + timedelta(days=horizon_days), supervision.end_date)
    planned: list[CheckIn] = []

    def add(kind: str, day: date, due: datetime) -> None:
        start = _start_of_day(day)
        planned.append(
            CheckIn(supervision=supervision, kind=kind, origin=CheckInOrigin.SCHEDULED, window_start=start, due_at=due)
        )

    # Windows open at local midnight: step in local days, not UTC hours (the clocks change).
    interval = timedelta(days=standard.check_in_interval_days)
    last = anchors.get(standard.check_in_kind)
    day = max(timezone.localdate(last) + interval, first_day) if last else first_day
    deadline = _start_of_day(supervision.start_date + timedelta(days=standard.initial_contact_days))
    if last is None and day <= horizon_end and deadline > _start_of_day(day):
        add(standard.check_in_kind, day, deadline)  # the first contact: due by the deadline
        day += interval
    while day <= horizon_end:
        add(standard.check_in_kind, day, _start_of_day(day) + timedelta(days=standard.window_days))
        day += interval

    if standard.home_visit_interval_days:
        every = timedelta(days=standard.home_visit_interval_days)
        window = timedelta(days=min(standard.window_days, standard.home_visit_interval_days))
        last_visit = anchors.get(CheckInKind.HOME_VISIT)
        day = max((timezone.localdate(last_visit) if last_visit else supervision.start_date) + every, first_day)
        while day <= horizon_end:
            add(CheckInKind.HOME_VISIT, day, _start_of_day(day) + window)
            day += every
    return planned
