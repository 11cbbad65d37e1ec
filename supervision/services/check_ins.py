"""Scheduling, completing and excusing check-ins; unscheduled contacts."""

import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agency.audit import audit_record
from agency.errors import ApplicationError
from agency.models import User
from offenders.services.addresses import address_verify_at_home_visit
from supervision import bounds
from supervision.choices import (
    CheckInKind,
    CheckInOrigin,
    CheckInStatus,
)
from supervision.models import (
    CheckIn,
    ContactStandard,
    Supervision,
)
from supervision.services.contact_plans import contact_anchors, contact_plan, contact_standard_for

logger = logging.getLogger(__name__)


# --- Check-ins -------------------------------------------------------------------------------------


@transaction.atomic
def check_ins_schedule(
    *,
    supervision: Supervision,
    now: datetime | None = None,
    horizon_days: int | None = None,
    actor: User | None = None,
    standard: ContactStandard | None = None,
) -> int:
    """Keep the supervision's check-ins scheduled ``horizon_days`` ahead from the contact standard of its
    level, type and status (``standard``: that standard, when the caller already has it): the regular
    contacts, the first one due by the first-contact deadline, and the home visits (supervision.services.
    contact_plans). Idempotent: a window already scheduled is not scheduled again (a unique constraint
    ensures it). Returns the number of check-ins created. Absconded, wanted and closed cases get none; a
    combination without a standard gets none and is logged."""
    if supervision.status not in ContactStandard.PLANNED_STATUSES:
        return 0
    standard = standard or contact_standard_for(supervision)
    if standard is None:
        return 0
    now = now or timezone.now()
    horizon_days = horizon_days if horizon_days is not None else settings.CASELINE["CHECK_IN_HORIZON_DAYS"]
    planned = contact_plan(
        supervision=supervision,
        standard=standard,
        now=now,
        horizon_days=horizon_days,
        anchors=contact_anchors(supervision, standard),
    )
    if not planned:
        return 0
    created = CheckIn.objects.bulk_create(planned, ignore_conflicts=True)
    audit_record(
        actor=actor,
        system="" if actor else "schedule_check_ins",
        action="check_in.scheduled",
        obj=supervision,
        detail={"count": len(created)},
    )
    return len(created)


def _check_check_in_open(check_in: CheckIn) -> None:
    if check_in.status != CheckInStatus.SCHEDULED:
        raise ApplicationError(
            f"This check-in is {check_in.get_status_display().lower()}; only a scheduled one can be recorded."
        )


@transaction.atomic
def check_in_complete(
    *,
    actor: User,
    check_in: CheckIn,
    completed_at: datetime,
    kind: str | None = None,
    location: str = "",
    notes: str = "",
) -> CheckIn:
    """Record that a scheduled check-in took place."""
    check_in = CheckIn.objects.select_for_update().get(pk=check_in.pk)
    _check_check_in_open(check_in)
    check_in.status = CheckInStatus.COMPLETED
    check_in.completed_at = completed_at
    check_in.kind = kind or check_in.kind
    check_in.location = location
    check_in.notes = notes
    check_in.recorded_by = actor
    check_in.full_clean()
    check_in.save(update_fields=["status", "completed_at", "kind", "location", "notes", "recorded_by", "updated_at"])
    audit_record(actor=actor, action="check_in.completed", obj=check_in)
    _home_visit_verifies_address(check_in, actor)
    return check_in


def _home_visit_verifies_address(check_in: CheckIn, actor: User) -> None:
    """A completed home visit verifies the person's current residence that day (offenders.services)."""
    if check_in.kind == CheckInKind.HOME_VISIT and check_in.completed_at is not None:
        address_verify_at_home_visit(
            actor=actor,
            offender_id=check_in.supervision.offender_id,
            visited_on=timezone.localdate(check_in.completed_at),
            check_in_id=check_in.pk,
        )


@transaction.atomic
def check_in_excuse(*, actor: User, check_in: CheckIn, reason: str) -> CheckIn:
    """Excuse a scheduled check-in (e.g. hospitalised, approved travel) with a reason."""
    check_in = CheckIn.objects.select_for_update().get(pk=check_in.pk)
    _check_check_in_open(check_in)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the check-in is excused."})
    check_in.status = CheckInStatus.EXCUSED
    check_in.excuse_reason = reason.strip()
    check_in.recorded_by = actor
    bounds.full_clean(check_in, rename={"excuse_reason": "reason"})
    check_in.save(update_fields=["status", "excuse_reason", "recorded_by", "updated_at"])
    audit_record(actor=actor, action="check_in.excused", obj=check_in)
    return check_in


@transaction.atomic
def contact_record(
    *,
    actor: User,
    supervision: Supervision,
    kind: str,
    occurred_at: datetime,
    location: str = "",
    notes: str = "",
) -> CheckIn:
    """Record an unscheduled contact (a home visit after hours, an employer verification …)."""
    # The moment is checked before its window is worked out from it (the first minute of the year 1 has
    # no minute before it).
    error = bounds.past_moment_error(
        occurred_at, case_start=supervision.start_date, future="A contact cannot be recorded in the future."
    )
    if error:
        raise ValidationError({"occurred_at": error})
    check_in = CheckIn(
        supervision=supervision,
        kind=kind,
        origin=CheckInOrigin.UNSCHEDULED,
        window_start=occurred_at - bounds.CONTACT_WINDOW,
        due_at=occurred_at,
        status=CheckInStatus.COMPLETED,
        completed_at=occurred_at,
        location=location,
        notes=notes,
        recorded_by=actor,
    )
    bounds.full_clean(
        check_in, rename={"completed_at": "occurred_at", "due_at": "occurred_at", "window_start": "occurred_at"}
    )
    check_in.save()
    audit_record(actor=actor, action="check_in.contact_recorded", obj=check_in)
    _home_visit_verifies_address(check_in, actor)
    return check_in
