"""Risk assessments on a case and the level that follows them.

An assessment on a configured instrument (``offenders.risk``) answers every item once with one of its answers;
the answers' scores add up to the total, and the instrument's cut-offs turn the total into a risk level and
the supervision level it suggests. The case's level follows the assessment at once (through
``supervision_change_level``, the history reason naming the assessment) unless the officer overrides it: an
override says why and waits for a supervisor of the unit, never the one who asked, who approves it (the
case moves to the override's level) or declines it with a reason (the case moves to the assessment's level).
One override waits per case; while it waits the case takes no new assessment.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agency.audit import audit_record
from agency.choices import Role
from agency.errors import ApplicationError
from agency.models import User
from offenders.models import RiskAssessment
from offenders.risk import (
    AssessmentInstrument,
    InstrumentAnswer,
    InstrumentCutoff,
    LevelOverride,
    LevelOverrideStatus,
    RiskAssessmentAnswer,
)
from supervision.access import case_change_require
from supervision.choices import SupervisionLevel
from supervision.models import Supervision
from supervision.services.case_changes import supervision_change_level
from supervision.services.history import (
    HISTORY_REASON_MAX_LENGTH,
    history_reason,
    supervision_lock,
    supervision_require_open,
)


def _assessment_reason(prefix: str, assessment: RiskAssessment) -> str:
    """``prefix`` and the assessment, on one history line (the instrument's name shortened to fit)."""
    tail = f" #{assessment.pk}, score {assessment.score})"
    head = f"{prefix} ("
    room = HISTORY_REASON_MAX_LENGTH - len(head) - len(tail)
    name = assessment.instrument_name
    if len(name) > room:
        name = name[: max(room - 1, 0)] + "…"
    return f"{head}{name}{tail}"


def _follow(*, actor: User, supervision: Supervision, level: str, reason: str, now: datetime) -> bool:
    """Move the case to ``level`` unless it is there already; True when it moved."""
    if supervision.level == level:
        return False
    supervision_change_level(actor=actor, supervision=supervision, level=level, reason=reason, now=now)
    supervision.refresh_from_db(fields=["level"])
    return True


def _scored_answers(
    instrument: AssessmentInstrument, answers: Iterable[tuple[object, object]]
) -> list[tuple[int, InstrumentAnswer]]:
    """Each item of ``instrument`` answered exactly once with one of its own answers, as (item id, answer);
    every wrong pair named in one field error."""
    items = {item.pk: item for item in instrument.items.prefetch_related("answers")}
    if not items:
        raise ValidationError({"instrument": f"{instrument.name} has no items yet: ask an administrator."})
    errors: list[str] = []
    chosen: dict[int, InstrumentAnswer] = {}
    mentioned: set[int] = set()
    for item_id, answer_id in answers:
        try:
            item_key, answer_key = int(str(item_id)), int(str(answer_id))
        except ValueError:
            errors.append(f"Item {item_id}: give the item and its answer by number.")
            continue
        item = items.get(item_key)
        if item is None:
            errors.append(f"Item {item_key} is not on {instrument.name}.")
            continue
        mentioned.add(item_key)
        if item_key in chosen:
            errors.append(f"Item {item.order} ({item.text}) is answered more than once.")
            continue
        answer = next((a for a in item.answers.all() if a.pk == answer_key), None)
        if answer is None:
            errors.append(f"Answer {answer_key} is not one of the answers to item {item.order} ({item.text}).")
            continue
        chosen[item_key] = answer
    for item in items.values():
        if item.pk not in mentioned:
            errors.append(f"Item {item.order} ({item.text}) is not answered.")
    if errors:
        raise ValidationError({"answers": errors})
    return [(item_id, answer) for item_id, answer in chosen.items()]


def _cutoff(instrument: AssessmentInstrument, score: int) -> InstrumentCutoff:
    cutoff = instrument.cutoffs.filter(min_score__lte=score).order_by("-min_score").first()
    if cutoff is None:
        raise ValidationError(
            {"instrument": f"{instrument.name} has no cut-off for a score of {score}: ask an administrator."}
        )
    return cutoff


def _pending_override(supervision: Supervision) -> LevelOverride | None:
    return LevelOverride.objects.filter(supervision=supervision, status=LevelOverrideStatus.PENDING).first()


@transaction.atomic
def risk_assessment_record(
    *,
    actor: User,
    supervision: Supervision,
    instrument: AssessmentInstrument,
    answers: Iterable[tuple[object, object]],
    assessed_on: date,
    notes: str = "",
    override_level: str | None = None,
    override_reason: str = "",
    now: datetime | None = None,
) -> RiskAssessment:
    """Record an assessment on the case: score it, and move the case to the level it suggests, or, with
    ``override_level`` and a reason, ask the unit's supervisor for another level."""
    now = now or timezone.now()
    supervision = supervision_lock(supervision.pk)
    case_change_require(actor, supervision, "record a risk assessment")
    supervision_require_open(supervision, "it takes no new assessment")
    if (pending := _pending_override(supervision)) is not None:
        raise ApplicationError(
            f"An override to {pending.get_requested_level_display().lower()} is waiting for the supervisor: it is "
            "decided before a new assessment is recorded.",
            status_code=409,
        )
    if not instrument.is_active:
        raise ValidationError({"instrument": f"{instrument.name} is no longer in use: choose an active instrument."})
    if assessed_on > timezone.localdate(now):
        raise ValidationError({"assessed_on": "The date cannot be in the future."})
    if assessed_on < supervision.start_date:
        raise ValidationError(
            {"assessed_on": f"The date cannot be before the supervision began ({supervision.start_date})."}
        )
    chosen = _scored_answers(instrument, answers)
    score = sum(answer.score for _, answer in chosen)
    cutoff = _cutoff(instrument, score)
    override = override_level or None
    if override is not None:
        if override not in SupervisionLevel.values:
            raise ValidationError({"override_level": f"Choose one of: {', '.join(SupervisionLevel.values)}."})
        if override == cutoff.supervision_level:
            raise ValidationError(
                {"override_level": f"The assessment already suggests {cutoff.get_supervision_level_display()}."}
            )
        override_reason = history_reason(
            override_reason, ask="Say why the case should not follow the assessment.", field="override_reason"
        )
    elif (override_reason or "").strip():
        raise ValidationError({"override_level": "Choose the level the override asks for, or leave the reason out."})
    assessment = RiskAssessment(
        offender=supervision.offender,
        supervision=supervision,
        tool=instrument,
        score=score,
        level=cutoff.risk_level,
        suggested_level=cutoff.supervision_level,
        assessed_on=assessed_on,
        assessor=actor,
        notes=notes,
    )
    assessment.full_clean()
    assessment.save()
    RiskAssessmentAnswer.objects.bulk_create(
        RiskAssessmentAnswer(
            assessment=assessment, item_id=item_id, answer=answer, label=answer.label, score=answer.score
        )
        for item_id, answer in chosen
    )
    detail: dict[str, object] = {
        "supervision_id": supervision.pk,
        "instrument": instrument.code,
        "score": score,
        "risk_level": cutoff.risk_level,
        "suggested_level": cutoff.supervision_level,
    }
    if override is not None:
        request = LevelOverride(
            supervision=supervision,
            assessment=assessment,
            suggested_level=cutoff.supervision_level,
            requested_level=override,
            reason=override_reason,
            requested_by=actor,
            requested_at=now,
        )
        request.full_clean()
        request.save()
        detail |= {"override_level": override, "override_id": request.pk}
        audit_record(
            actor=actor,
            action="level_override.requested",
            obj=supervision,
            detail={"override_id": request.pk, "requested_level": override, "reason": override_reason},
        )
    else:
        detail["level_changed"] = _follow(
            actor=actor,
            supervision=supervision,
            level=cutoff.supervision_level,
            reason=_assessment_reason("Risk assessment", assessment),
            now=now,
        )
    audit_record(actor=actor, action="risk_assessment.recorded", obj=assessment, detail=detail)
    return assessment


def _override_for_decision(actor: User, override: LevelOverride, doing: str) -> tuple[LevelOverride, Supervision]:
    """The override and its case, locked; refused unless the actor is a supervisor of the case's unit who did
    not ask for it, and the override still waits."""
    supervision = supervision_lock(override.supervision_id)
    override = (
        LevelOverride.objects.select_for_update(of=("self",)).select_related("assessment__tool").get(pk=override.pk)
    )
    if actor.role != Role.SUPERVISOR or not actor.is_active or actor.unit_id != supervision.unit_id:
        raise ApplicationError(f"Only a supervisor of the case's unit may {doing} a level override.", status_code=403)
    if override.requested_by_id == actor.pk:
        raise ApplicationError(
            f"You asked for this override: another supervisor of the unit must {doing} it.", status_code=409
        )
    if override.status != LevelOverrideStatus.PENDING:
        raise ApplicationError(f"This override was already {override.get_status_display().lower()}.", status_code=409)
    supervision_require_open(supervision, "its level no longer changes")
    return override, supervision


def _decide(override: LevelOverride, *, actor: User, status: str, reason: str, now: datetime) -> None:
    override.status = status
    override.decided_by = actor
    override.decided_at = now
    override.decision_reason = reason
    override.full_clean()
    override.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])


@transaction.atomic
def level_override_approve(
    *, actor: User, override: LevelOverride, reason: str = "", now: datetime | None = None
) -> LevelOverride:
    """A supervisor approves an officer's override: the case moves to the level it asks for."""
    now = now or timezone.now()
    override, supervision = _override_for_decision(actor, override, "approve")
    _decide(override, actor=actor, status=LevelOverrideStatus.APPROVED, reason=" ".join(reason.split()), now=now)
    changed = _follow(
        actor=actor,
        supervision=supervision,
        level=override.requested_level,
        reason=_assessment_reason("Override approved", override.assessment),
        now=now,
    )
    audit_record(
        actor=actor,
        action="level_override.approved",
        obj=supervision,
        detail={"override_id": override.pk, "level": override.requested_level, "level_changed": changed},
    )
    return override


@transaction.atomic
def level_override_decline(
    *, actor: User, override: LevelOverride, reason: str, now: datetime | None = None
) -> LevelOverride:
    """A supervisor declines an officer's override, with a reason: the case follows its assessment."""
    now = now or timezone.now()
    override, supervision = _override_for_decision(actor, override, "decline")
    cleaned = " ".join((reason or "").split())
    if not cleaned:
        raise ValidationError({"reason": "Say why the override is declined; the officer reads it."})
    _decide(override, actor=actor, status=LevelOverrideStatus.DECLINED, reason=cleaned, now=now)
    changed = _follow(
        actor=actor,
        supervision=supervision,
        level=override.suggested_level,
        reason=_assessment_reason("Override declined", override.assessment),
        now=now,
    )
    audit_record(
        actor=actor,
        action="level_override.declined",
        obj=supervision,
        detail={"override_id": override.pk, "level": override.suggested_level, "level_changed": changed},
    )
    return override
