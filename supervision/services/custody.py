"""A person under supervision taken into custody (jail or prison) and released: the case's status is *in
custody* while an episode is open. Going in stands the check-in schedule down exactly as absconding does
(the window open now included: none becomes a missed check-in and a violation); the release makes the case
active again (or inactive, for probation, when the officer chooses) and re-plans its check-ins from the day
the release is recorded. Each change: the case locked, its rules checked, the episode and the case saved with
their history, audited as a status change and announced by the ``supervision.status_changed`` webhook."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agency.errors import ApplicationError
from agency.models import User
from supervision.access import case_change_require
from supervision.choices import SupervisionStatus, SupervisionType
from supervision.models import CustodyEpisode, Supervision
from supervision.services.case_changes import effective_day, status_change_apply
from supervision.services.history import (
    HISTORY_REASON_MAX_LENGTH,
    history_attribute,
    history_reason,
    supervision_lock,
    supervision_require_open,
)

# Where a released case goes: back to reporting, or (probation only) non-reporting.
RELEASE_STATUSES = (SupervisionStatus.ACTIVE, SupervisionStatus.INACTIVE)


def _text(value: str, *, field: str, ask: str) -> str:
    cleaned = " ".join((value or "").split())
    if not cleaned:
        raise ValidationError({field: ask})
    return cleaned


def custody_episode_open(supervision: Supervision) -> CustodyEpisode | None:
    return CustodyEpisode.objects.filter(supervision=supervision, released_on__isnull=True).first()


@transaction.atomic
def custody_start(
    *,
    actor: User,
    supervision: Supervision,
    started_on: date | None = None,
    facility: str,
    reason: str,
    now: datetime | None = None,
) -> CustodyEpisode:
    """Record that the person was taken into custody on ``started_on`` at ``facility``, for ``reason`` (the
    charge, a sanction, a hold): the case is in custody and its scheduled check-ins are stood down."""
    now = now or timezone.now()
    supervision = supervision_lock(supervision.pk)
    case_change_require(actor, supervision, "record custody")
    supervision_require_open(supervision, "custody is no longer recorded on it")
    current = custody_episode_open(supervision)
    if supervision.status == SupervisionStatus.IN_CUSTODY or current is not None:
        since = f" since {current.started_on:%b %-d, %Y} ({current.facility})" if current else ""
        raise ApplicationError(
            f"{supervision} is already in custody{since}: record the release first.", status_code=409
        )
    started = effective_day(started_on, supervision, field="started_on", today=timezone.localdate(now))
    facility = _text(facility, field="facility", ask="Name the jail or prison holding the person.")
    reason = _text(reason, field="reason", ask="Say why: the charge, a sanction, a hold.")
    episode = CustodyEpisode(
        supervision=supervision, started_on=started, facility=facility, reason=reason, recorded_by=actor
    )
    history_attribute(episode, actor=actor, reason="Taken into custody")
    episode.full_clean()
    episode.save()
    status_change_apply(
        actor=actor,
        supervision=supervision,
        status=SupervisionStatus.IN_CUSTODY,
        reason=f"Taken into custody: {reason}"[:HISTORY_REASON_MAX_LENGTH],
        effective=started,
        now=now,
        extra={"custody_episode_id": episode.pk},
    )
    return episode


@transaction.atomic
def custody_end(
    *,
    actor: User,
    supervision: Supervision,
    released_on: date | None = None,
    release_reason: str,
    status: str = SupervisionStatus.ACTIVE,
    now: datetime | None = None,
) -> CustodyEpisode:
    """Record the release from the open custody episode: the case is active again (its check-ins planned from
    today's contact standard) or, for probation when chosen, inactive (non-reporting)."""
    now = now or timezone.now()
    supervision = supervision_lock(supervision.pk)
    case_change_require(actor, supervision, "record a release from custody")
    supervision_require_open(supervision, "custody is no longer recorded on it")
    episode = custody_episode_open(supervision)
    if episode is None or supervision.status != SupervisionStatus.IN_CUSTODY:
        raise ApplicationError(f"{supervision} is not in custody: there is no custody to end.", status_code=409)
    if status not in RELEASE_STATUSES:
        raise ValidationError({"status": f"Choose one of: {', '.join(RELEASE_STATUSES)}."})
    if status == SupervisionStatus.INACTIVE and supervision.supervision_type == SupervisionType.PAROLE:
        raise ValidationError({"status": "Parole is always active supervision: it cannot be inactive."})
    released = effective_day(released_on, supervision, field="released_on", today=timezone.localdate(now))
    if released < episode.started_on:
        raise ValidationError(
            {"released_on": f"The release cannot be before the custody began ({episode.started_on:%b %-d, %Y})."}
        )
    release_reason = history_reason(
        release_reason, ask="Say why the person was released (served, bailed, charge dropped).", field="release_reason"
    )
    episode.released_on, episode.release_reason, episode.released_by = released, release_reason, actor
    history_attribute(episode, actor=actor, reason=f"Released: {release_reason}")
    episode.full_clean()
    episode.save(update_fields=["released_on", "release_reason", "released_by", "updated_at"])
    # Active: planned from today, the day the release is recorded (a window dated back to an earlier release
    # day would be missed the moment it is planned); inactive: nothing to plan.
    status_change_apply(
        actor=actor,
        supervision=supervision,
        status=status,
        reason=f"Released: {release_reason}"[:HISTORY_REASON_MAX_LENGTH],
        effective=released,
        now=now,
        extra={"custody_episode_id": episode.pk},
    )
    return episode
