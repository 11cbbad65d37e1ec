"""Intake: an officer or a supervisor opens a case for a person, in one transaction.

``supervision_intake`` checks the actor (an officer or a supervisor, of a unit), the person (one the actor
may find at intake: ``offenders.selectors.offenders_findable_at_intake``), the authority (the sentencing
court for probation, the parole board for parole) and the officer (the unit's officer with the lightest
weighted caseload, ``officer_for_intake``, unless the actor picks another of the unit's officers and says
why); then opens the supervision (``supervision_open``: its first check-ins are scheduled from today) and
imposes its conditions by the sentencing or release order (``condition_impose_on_open_case``). Any refusal
rolls the whole intake back: no case without its conditions, no condition without its case."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agency.access import require_role
from agency.choices import Role
from agency.errors import ApplicationError
from agency.models import Court, ParoleBoard, User
from offenders.models import Offender
from offenders.selectors import offenders_findable_at_intake
from supervision.choices import SupervisionLevel, SupervisionType
from supervision.models import ConditionType, Supervision
from supervision.services.assignment import officer_for_intake
from supervision.services.conditions import condition_impose_on_open_case
from supervision.services.history import history_reason
from supervision.services.supervisions import supervision_open

INTAKE_REASON = "Opened at intake"
_ORDER_FIELDS = ("order_date", "order_reference")


@dataclass(frozen=True)
class OrderedCondition:
    """A condition the order imposes: its type from the catalogue and the order's wording."""

    condition_type: ConditionType
    details: str = ""
    hours_required: Decimal | None = None


def _authority_errors(supervision_type: str, court: Court | None, parole_board: ParoleBoard | None) -> dict[str, str]:
    if supervision_type == SupervisionType.PROBATION:
        errors = {} if court else {"court": "Probation answers to the sentencing court: pick the court."}
        if parole_board:
            errors["parole_board"] = "A probation case has no parole board: its sentencing court receives the reports."
        return errors
    if supervision_type == SupervisionType.PAROLE:
        errors = {} if parole_board else {"parole_board": "Parole answers to the parole board: pick the board."}
        if court:
            errors["court"] = "A parole case has no sentencing court: its parole board receives the reports."
        return errors
    return {"supervision_type": "Choose parole or probation."}


def _officer_chosen(actor: User, officer: User | None, officer_reason: str) -> tuple[User, User, str]:
    """The officer who takes the case, the one suggested, and the reason for choosing another ("" if none)."""
    assert actor.unit is not None
    suggested = officer_for_intake(unit=actor.unit)
    if officer is None or officer.pk == suggested.pk:
        return suggested, suggested, ""
    if officer.role != Role.OFFICER or not officer.is_active or officer.unit_id != actor.unit_id:
        raise ValidationError({"officer": f"Pick an active officer of {actor.unit.name}."})
    name = suggested.get_full_name() or suggested.username
    reason = history_reason(
        officer_reason,
        ask=f"Say why the case goes to this officer rather than to {name}, the lightest weighted caseload.",
        field="officer_reason",
    )
    return officer, suggested, reason


def _conditions_error(condition: OrderedCondition, error: ValidationError) -> ValidationError:
    """A condition's refusal, named: the order's fields stay theirs, the rest goes to ``conditions``."""
    if not hasattr(error, "error_dict"):
        return ValidationError({"conditions": [f"{condition.condition_type}: {m}" for m in error.messages]})
    errors: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        if name in _ORDER_FIELDS:
            errors.setdefault(name, []).extend(messages)
        else:
            errors.setdefault("conditions", []).extend(f"{condition.condition_type}: {m}" for m in messages)
    return ValidationError(errors)


@transaction.atomic
def supervision_intake(
    *,
    actor: User,
    offender: Offender,
    supervision_type: str,
    docket_number: str,
    offense: str,
    start_date: date,
    end_date: date,
    order_date: date,
    order_reference: str,
    conditions: Sequence[OrderedCondition] = (),
    court: Court | None = None,
    parole_board: ParoleBoard | None = None,
    level: str = SupervisionLevel.MEDIUM,
    officer: User | None = None,
    officer_reason: str = "",
    now: datetime | None = None,
) -> Supervision:
    """Open ``offender``'s supervision with its conditions, on the caseload of ``officer`` (default: the
    suggested one). Another officer than the suggested one needs ``officer_reason``: it is written on the
    case's first history row and, whole, on the audit row (``supervision.opened``, with the order)."""
    require_role(actor, (Role.OFFICER, Role.SUPERVISOR), "open cases")
    if actor.unit is None:
        raise ApplicationError("You belong to no unit: a case is opened in a unit.", status_code=403)
    if not offenders_findable_at_intake(actor).filter(pk=offender.pk).exists():
        raise ApplicationError("No such person.", status_code=404)
    errors = _authority_errors(supervision_type, court, parole_board)
    reference = " ".join((order_reference or "").split())
    if not reference:
        errors["order_reference"] = "Give the order's reference (the sentence's docket entry or the release order)."
    if order_date > timezone.localdate(now):
        errors["order_date"] = "An order cannot be dated in the future."
    if errors:
        raise ValidationError(errors)
    assigned, suggested, override = _officer_chosen(actor, officer, officer_reason)
    order = {"order_date": order_date.isoformat(), "order_reference": reference}
    supervision = supervision_open(
        actor=actor,
        offender=offender,
        supervision_type=supervision_type,
        court=court,
        parole_board=parole_board,
        docket_number=docket_number.strip(),
        offense=offense.strip(),
        start_date=start_date,
        end_date=end_date,
        level=level,
        officer=assigned,
        now=now,
        reason=f"{INTAKE_REASON}; officer chosen: {override}" if override else INTAKE_REASON,
        detail=_audit_detail(assigned, suggested, override, order, conditions),
    )
    for condition in conditions:
        try:
            condition_impose_on_open_case(
                actor=actor,
                supervision=supervision,
                condition_type=condition.condition_type,
                details=condition.details,
                imposed_on=max(start_date, order_date),
                order_date=order_date,
                order_reference=reference,
                hours_required=condition.hours_required,
            )
        except ValidationError as error:
            raise _conditions_error(condition, error) from error
    return supervision


def _audit_detail(
    assigned: User, suggested: User, override: str, order: dict[str, str], conditions: Sequence[OrderedCondition]
) -> dict[str, Any]:
    return {
        "intake": True,
        "officer": assigned.pk,
        "suggested_officer": suggested.pk,
        "officer_override_reason": override or None,
        "order": order,
        "conditions": [condition.condition_type.code for condition in conditions],
    }
