"""Risk assessments and level overrides (supervision/services/risk.py): the score and its cut-off, the answers
checked, the case's level following the assessment, and the override's four eyes. A refused call changes
nothing (the same rows, no audit row, no history row)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from agency.errors import ApplicationError
from agency.models import AuditEvent
from offenders.models import RiskAssessment
from offenders.risk import LevelOverride, LevelOverrideStatus, RiskAssessmentAnswer
from supervision.choices import SupervisionLevel
from supervision.services.risk import level_override_approve, level_override_decline, risk_assessment_record
from tests.agency.factories import OfficerFactory, SupervisorFactory
from tests.supervision.factories import ContactStandardFactory, SupervisionFactory
from tests.supervision.risk_helpers import answers_for, instrument_make
from tests.supervision.service_helpers import NOW, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    for level in (SupervisionLevel.LOW, SupervisionLevel.MEDIUM, SupervisionLevel.HIGH):
        ContactStandardFactory(level=level)
    return SupervisionFactory(start_date=TODAY - datetime.timedelta(days=90), level=SupervisionLevel.MEDIUM)


@pytest.fixture
def instrument():
    return instrument_make()


def _rows():
    return (
        RiskAssessment.objects.count(),
        RiskAssessmentAnswer.objects.count(),
        LevelOverride.objects.count(),
        AuditEvent.objects.count(),
    )


def _refused(call, error, match, case):
    before, history = _rows(), case.history.count()
    with pytest.raises(error, match=match) as raised:
        call()
    case.refresh_from_db()
    assert (_rows(), case.history.count()) == (before, history)
    return raised.value


def _record(case, instrument, *labels, actor=None, **extra):
    return risk_assessment_record(
        actor=actor or case.officer,
        supervision=case,
        instrument=instrument,
        answers=answers_for(instrument, *labels),
        assessed_on=TODAY,
        now=NOW,
        **extra,
    )


# --- score, cut-off, level ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "score", "risk_level", "suggested"),
    [
        (("No", "No", "No"), 0, "low", "low"),
        (("Some", "Some", "No"), 2, "low", "low"),
        (("Yes", "No", "No"), 3, "moderate", "medium"),
        (("Yes", "Some", "Some"), 5, "moderate", "medium"),
        (("Yes", "Yes", "No"), 6, "high", "high"),
        (("Yes", "Yes", "Yes"), 9, "high", "high"),
    ],
)
def test_the_answers_add_up_to_the_score_and_the_cutoff_gives_the_levels(
    case, instrument, labels, score, risk_level, suggested
):
    assessment = _record(case, instrument, *labels)

    assert (assessment.score, assessment.level, assessment.suggested_level) == (score, risk_level, suggested)
    assert assessment.tool == instrument and assessment.supervision == case and assessment.assessor == case.officer
    assert sorted(assessment.answers.values_list("label", flat=True)) == sorted(labels)
    case.refresh_from_db()
    assert case.level == suggested


def test_the_level_follows_the_assessment_with_the_reason_in_the_history(case, instrument):
    assessment = _record(case, instrument, "Yes", "Yes", "No")

    case.refresh_from_db()
    assert case.level == SupervisionLevel.HIGH
    latest = case.history.latest("history_date", "history_id")
    assert latest.history_change_reason == f"Risk assessment (Screening #{assessment.pk}, score 6)"
    assert latest.history_user == case.officer
    recorded = AuditEvent.objects.get(action="risk_assessment.recorded")
    assert recorded.detail["score"] == 6 and recorded.detail["level_changed"] is True
    assert AuditEvent.objects.filter(action="supervision.level_changed").count() == 1


def test_an_assessment_at_the_case_level_changes_nothing_of_the_level(case, instrument):
    history = case.history.count()

    _record(case, instrument, "Yes", "No", "No")

    case.refresh_from_db()
    assert (case.level, case.history.count()) == (SupervisionLevel.MEDIUM, history)
    assert not AuditEvent.objects.filter(action="supervision.level_changed").exists()


def test_a_supervisor_of_the_unit_records_an_assessment(case, instrument):
    supervisor = SupervisorFactory(unit=case.unit)

    assessment = _record(case, instrument, "No", "No", "No", actor=supervisor)

    assert assessment.assessor == supervisor


# --- the answers ---------------------------------------------------------------------------------------


def test_an_item_left_unanswered_is_refused(case, instrument):
    pairs = answers_for(instrument, "No", "No", "No")[:2]
    error = _refused(
        lambda: risk_assessment_record(
            actor=case.officer, supervision=case, instrument=instrument, answers=pairs, assessed_on=TODAY, now=NOW
        ),
        ValidationError,
        "not answered",
        case,
    )
    assert error.message_dict == {"answers": ["Item 3 (Question 3) is not answered."]}


def test_an_item_answered_twice_is_refused(case, instrument):
    pairs = answers_for(instrument, "No", "No", "No")
    pairs.append((pairs[0][0], pairs[0][1]))
    error = _refused(
        lambda: risk_assessment_record(
            actor=case.officer, supervision=case, instrument=instrument, answers=pairs, assessed_on=TODAY, now=NOW
        ),
        ValidationError,
        "more than once",
        case,
    )
    assert error.message_dict == {"answers": ["Item 1 (Question 1) is answered more than once."]}


def test_an_answer_of_another_item_or_an_item_of_another_instrument_is_refused(case, instrument):
    other = instrument_make(name="Other", code="other")
    pairs = answers_for(instrument, "No", "No", "No")
    second_item_answer = pairs[1][1]
    foreign_item = other.items.first()
    pairs[0] = (pairs[0][0], second_item_answer)
    pairs.append((foreign_item.pk, foreign_item.answers.first().pk))
    error = _refused(
        lambda: risk_assessment_record(
            actor=case.officer, supervision=case, instrument=instrument, answers=pairs, assessed_on=TODAY, now=NOW
        ),
        ValidationError,
        "not one of the answers",
        case,
    )
    assert error.message_dict == {
        "answers": [
            f"Answer {second_item_answer} is not one of the answers to item 1 (Question 1).",
            f"Item {foreign_item.pk} is not on Screening.",
        ]
    }


def test_an_inactive_instrument_a_future_day_and_a_day_before_the_case_are_refused(case, instrument):
    retired = instrument_make(name="Retired", code="retired", active=False)
    _refused(lambda: _record(case, retired, "No", "No", "No"), ValidationError, "no longer in use", case)
    for day, match in (
        (TODAY + datetime.timedelta(days=1), "future"),
        (case.start_date - datetime.timedelta(days=1), "before the supervision began"),
    ):
        _refused(
            lambda day=day: risk_assessment_record(
                actor=case.officer,
                supervision=case,
                instrument=instrument,
                answers=answers_for(instrument, "No", "No", "No"),
                assessed_on=day,
                now=NOW,
            ),
            ValidationError,
            match,
            case,
        )


def test_a_score_below_every_cutoff_is_refused(case, instrument):
    instrument.cutoffs.filter(min_score=0).update(min_score=1)
    _refused(lambda: _record(case, instrument, "No", "No", "No"), ValidationError, "no cut-off for a score of 0", case)


@pytest.mark.parametrize("who", ["other officer", "supervisor of another unit"])
def test_someone_not_in_charge_of_the_case_records_nothing(case, instrument, who):
    actor = OfficerFactory(unit=case.unit) if who == "other officer" else SupervisorFactory()
    _refused(lambda: _record(case, instrument, "No", "No", "No", actor=actor), ApplicationError, "Only the case", case)


# --- the override --------------------------------------------------------------------------------------


def test_an_override_without_a_reason_is_refused(case, instrument):
    error = _refused(
        lambda: _record(case, instrument, "Yes", "Yes", "No", override_level="medium", override_reason="  "),
        ValidationError,
        "Say why",
        case,
    )
    assert list(error.message_dict) == ["override_reason"]


def test_an_override_to_the_suggested_level_is_refused(case, instrument):
    _refused(
        lambda: _record(case, instrument, "Yes", "Yes", "No", override_level="high", override_reason="Why not"),
        ValidationError,
        "already suggests High",
        case,
    )


def test_an_override_waits_for_the_supervisor_and_the_level_stays(case, instrument):
    history = case.history.count()

    assessment = _record(case, instrument, "Yes", "Yes", "No", override_level="low", override_reason="Stable job")

    case.refresh_from_db()
    assert (case.level, case.history.count()) == (SupervisionLevel.MEDIUM, history)
    override = LevelOverride.objects.get()
    assert (override.assessment, override.suggested_level, override.requested_level, override.status) == (
        assessment,
        "high",
        "low",
        LevelOverrideStatus.PENDING,
    )
    assert AuditEvent.objects.filter(action="level_override.requested").count() == 1


def test_a_second_assessment_waits_while_an_override_is_pending(case, instrument):
    _record(case, instrument, "Yes", "Yes", "No", override_level="low", override_reason="Stable job")
    error = _refused(
        lambda: _record(case, instrument, "No", "No", "No"), ApplicationError, "waiting for the supervisor", case
    )
    assert error.status_code == 409


@pytest.fixture
def pending(case, instrument):
    _record(case, instrument, "Yes", "Yes", "No", override_level="low", override_reason="Stable job")
    return LevelOverride.objects.get()


def test_the_supervisor_approves_and_the_case_moves_with_the_reason_in_its_history(case, pending):
    supervisor = SupervisorFactory(unit=case.unit)

    level_override_approve(actor=supervisor, override=pending, now=NOW)

    pending.refresh_from_db()
    case.refresh_from_db()
    assert (pending.status, pending.decided_by, pending.decided_at) == (LevelOverrideStatus.APPROVED, supervisor, NOW)
    assert case.level == SupervisionLevel.LOW
    latest = case.history.latest("history_date", "history_id")
    assert latest.history_change_reason == f"Override approved (Screening #{pending.assessment_id}, score 6)"
    assert latest.history_user == supervisor
    assert AuditEvent.objects.filter(action="level_override.approved").count() == 1


def test_the_supervisor_declines_with_a_reason_and_the_case_follows_the_assessment(case, pending):
    supervisor = SupervisorFactory(unit=case.unit)

    level_override_decline(actor=supervisor, override=pending, reason="The score stands", now=NOW)

    pending.refresh_from_db()
    case.refresh_from_db()
    assert (pending.status, pending.decision_reason) == (LevelOverrideStatus.DECLINED, "The score stands")
    assert case.level == SupervisionLevel.HIGH
    latest = case.history.latest("history_date", "history_id")
    assert latest.history_change_reason == f"Override declined (Screening #{pending.assessment_id}, score 6)"


def test_a_decline_without_a_reason_is_refused(case, pending):
    supervisor = SupervisorFactory(unit=case.unit)
    _refused(
        lambda: level_override_decline(actor=supervisor, override=pending, reason=" ", now=NOW),
        ValidationError,
        "Say why",
        case,
    )
    pending.refresh_from_db()
    assert pending.status == LevelOverrideStatus.PENDING


def test_a_supervisor_never_approves_their_own_override(case, instrument):
    supervisor = SupervisorFactory(unit=case.unit)
    _record(case, instrument, "Yes", "Yes", "No", actor=supervisor, override_level="low", override_reason="Job")
    override = LevelOverride.objects.get()

    error = _refused(
        lambda: level_override_approve(actor=supervisor, override=override, now=NOW),
        ApplicationError,
        "You asked for this override",
        case,
    )
    assert error.status_code == 409


@pytest.mark.parametrize("who", ["the officer", "another officer", "a supervisor of another unit"])
def test_only_a_supervisor_of_the_unit_decides(case, pending, who):
    actor = {
        "the officer": case.officer,
        "another officer": OfficerFactory(unit=case.unit),
        "a supervisor of another unit": SupervisorFactory(),
    }[who]
    for decide in (
        lambda: level_override_approve(actor=actor, override=pending, now=NOW),
        lambda: level_override_decline(actor=actor, override=pending, reason="No", now=NOW),
    ):
        error = _refused(decide, ApplicationError, "Only a supervisor of the case's unit", case)
        assert error.status_code == 403


def test_a_decided_override_is_not_decided_again(case, pending):
    supervisor = SupervisorFactory(unit=case.unit)
    level_override_approve(actor=supervisor, override=pending, now=NOW)
    error = _refused(
        lambda: level_override_decline(actor=supervisor, override=pending, reason="No", now=NOW),
        ApplicationError,
        "already approved",
        case,
    )
    assert error.status_code == 409
