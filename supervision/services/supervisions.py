"""Opening and changing supervisions."""

import logging
from datetime import date, datetime
from typing import Any

from django.db import transaction

from agency.audit import audit_record
from agency.choices import Role
from agency.errors import ApplicationError
from agency.models import Court, ParoleBoard, Unit, User
from offenders.models import Offender
from supervision.choices import (
    SupervisionLevel,
    SupervisionStatus,
)
from supervision.models import (
    Supervision,
)
from supervision.services.check_ins import check_ins_schedule
from supervision.services.history import history_attribute

logger = logging.getLogger(__name__)


# --- Supervisions ----------------------------------------------------------------------------------


@transaction.atomic
def supervision_open(
    *,
    actor: User,
    offender: Offender,
    supervision_type: str,
    docket_number: str,
    offense: str,
    start_date: date,
    end_date: date,
    officer: User | None = None,
    court: Court | None = None,
    parole_board: ParoleBoard | None = None,
    level: str = SupervisionLevel.MEDIUM,
    status: str = SupervisionStatus.ACTIVE,
    now: datetime | None = None,
    unit: Unit | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> Supervision:
    """Open a supervision and schedule its first check-ins from the contact standard. Without an
    ``officer`` the case goes to the officer of ``unit`` (default: the actor's unit) with the lowest
    weighted caseload. ``reason`` goes on the case's first history row, ``detail`` on the audit row."""
    if officer is None:
        from supervision.services.assignment import officer_for_intake

        unit = unit or actor.unit
        if unit is None:
            raise ApplicationError("Pick the officer or the unit that takes the case.")
        officer = officer_for_intake(unit=unit)
    if officer.role != Role.OFFICER or not officer.unit_id:
        raise ApplicationError("A case must be assigned to an officer who belongs to a unit.")
    supervision = Supervision(
        offender=offender,
        supervision_type=supervision_type,
        court=court,
        parole_board=parole_board,
        docket_number=docket_number,
        offense=offense,
        start_date=start_date,
        end_date=end_date,
        level=level,
        status=status,
        officer=officer,
        unit_id=officer.unit_id,
    )

    supervision.full_clean()
    if reason:
        history_attribute(supervision, actor=actor, reason=reason)
    supervision.save()
    audit_record(actor=actor, action="supervision.opened", obj=supervision, offender_id=offender.pk, detail=detail)
    check_ins_schedule(supervision=supervision, now=now, actor=actor)
    return supervision
