"""Reading risk assessments and level overrides: the case page's summary, the supervisor's queue of overrides,
and the assessments the API lists. Each is scoped by the actor (``supervision.access``)."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from agency.choices import Role
from agency.models import User
from offenders.models import RiskAssessment
from offenders.risk import LevelOverride, LevelOverrideStatus
from supervision.access import case_records_visible_to
from supervision.models import Supervision


@dataclass(frozen=True)
class CaseRisk:
    latest: RiskAssessment | None
    next_due_on: datetime.date | None
    overdue: bool
    pending: LevelOverride | None


def case_risk(*, supervision: Supervision, today: datetime.date) -> CaseRisk:
    """The latest assessment on the case (or, before any, the person's latest), when the next one is due
    (assessed on + the instrument's interval; none for an assessment on an old, unconfigured instrument), and
    the override waiting for the supervisor, if any."""
    latest = (
        RiskAssessment.objects.filter(offender_id=supervision.offender_id)
        .select_related("tool", "assessor")
        .order_by("-assessed_on", "-id")
        .first()
    )
    due = None
    if latest is not None and latest.tool is not None:
        due = latest.assessed_on + datetime.timedelta(days=latest.tool.reassessment_interval_days)
    pending = (
        LevelOverride.objects.filter(supervision=supervision, status=LevelOverrideStatus.PENDING)
        .select_related("requested_by")
        .first()
    )
    return CaseRisk(latest=latest, next_due_on=due, overdue=due is not None and due < today, pending=pending)


def level_overrides_pending(*, actor: User) -> QuerySet[LevelOverride]:
    """The overrides a supervisor decides: waiting, on the cases of their unit, oldest first."""
    if actor.role != Role.SUPERVISOR or not actor.unit_id:
        return LevelOverride.objects.none()
    return (
        LevelOverride.objects.filter(status=LevelOverrideStatus.PENDING, supervision__unit_id=actor.unit_id)
        .select_related("supervision__offender", "assessment__tool", "requested_by")
        .order_by("requested_at", "id")
    )


def level_override_for_decision(*, actor: User, override_id: int) -> LevelOverride | None:
    """An override on a case of the supervisor's unit (any status: the service says why a decided one is not
    decided again); None when out of scope."""
    if actor.role != Role.SUPERVISOR or not actor.unit_id:
        return None
    return (
        LevelOverride.objects.filter(pk=override_id, supervision__unit_id=actor.unit_id)
        .select_related("supervision__offender")
        .first()
    )


def risk_assessments_visible_to(actor: User | None) -> QuerySet[RiskAssessment]:
    """The assessments recorded on the cases the actor may see (the API's list)."""
    return case_records_visible_to(actor, RiskAssessment.objects.filter(supervision__isnull=False))
