"""Caseload assignment: a supervisor moves cases between the officers of the unit; a new intake goes to
the officer with the lightest weighted caseload."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from agency.access import require_role
from agency.audit import audit_record
from agency.choices import Role
from agency.errors import ApplicationError
from agency.models import Unit, User
from supervision.choices import SupervisionStatus
from supervision.models import Supervision
from supervision.services.history import history_attribute, history_reason


def officer_for_intake(*, unit: Unit) -> User:
    """The active officer of ``unit`` with the lowest weighted caseload (the share of a full caseload,
    see supervision.weighting.OfficerCaseload); ties go to the one with fewer cases, then to
    the longest-serving account."""
    from supervision.selectors import unit_officer_loads

    loads = unit_officer_loads(unit=unit)
    if not loads:
        raise ApplicationError(f"{unit.name} has no active officer to take the case: pick one or add an officer.")
    lightest = min(loads, key=lambda load: (round(load.load, 9), load.cases, load.officer.pk))
    return lightest.officer


@transaction.atomic
def supervision_reassign(
    *, actor: User, supervisions: Iterable[Supervision], officer: User, reason: str
) -> list[Supervision]:
    """Move cases to another officer of the same unit, for a reason. Each case's change history keeps
    the reason (``history_change_reason``) and each move is audited. Cases the officer already holds
    are left as they are; the cases actually moved are returned."""
    require_role(actor, (Role.SUPERVISOR,), "reassign cases")
    reason = history_reason(reason, ask="Say why the cases are reassigned.")
    if officer.role != Role.OFFICER or not officer.is_active:
        raise ValidationError({"officer": "Cases can only be assigned to an active officer."})
    if not actor.unit_id or officer.unit_id != actor.unit_id:
        raise ValidationError({"officer": "Pick an officer of your own unit."})
    ids = sorted({s.pk for s in supervisions})
    if not ids:
        raise ValidationError({"supervisions": "Select at least one case."})
    locked = list(Supervision.objects.select_for_update().select_related("offender").filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids) or any(s.unit_id != actor.unit_id for s in locked):
        raise ApplicationError("You can only reassign the cases of your own unit.", status_code=403)
    closed = [s for s in locked if s.status == SupervisionStatus.CLOSED]
    if closed:
        raise ValidationError({"supervisions": f"{closed[0]} is closed: a closed case keeps its officer."})
    moved = []
    for supervision in locked:
        if supervision.officer_id == officer.pk:
            continue
        previous_officer_id = supervision.officer_id
        supervision.officer = officer
        history_attribute(supervision, actor=actor, reason=reason)
        supervision.full_clean()
        supervision.save(update_fields=["officer", "updated_at"])
        audit_record(
            actor=actor,
            action="supervision.reassigned",
            obj=supervision,
            detail={"from_officer": previous_officer_id, "to_officer": officer.pk, "reason": reason},
        )
        moved.append(supervision)
    return moved
