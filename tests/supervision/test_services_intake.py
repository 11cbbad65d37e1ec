"""Intake (supervision.services.intake.supervision_intake): one transaction opens the case, imposes its
conditions by the order, schedules its first check-ins, writes the history and the audit; the officer is the
suggested one unless another is chosen with a reason; the authority follows the type; a refusal saves nothing.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from agency.errors import ApplicationError
from agency.models import AuditEvent
from supervision.choices import ConditionAppliesTo, ConditionCategory, SupervisionLevel, SupervisionType
from supervision.models import CheckIn, Condition, Supervision
from supervision.services.intake import OrderedCondition, supervision_intake
from tests.agency.factories import (
    CourtClerkFactory,
    CourtFactory,
    OfficerFactory,
    ParoleBoardFactory,
    SupervisorFactory,
    UnitFactory,
)
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import ConditionTypeFactory, ContactStandardFactory, SupervisionFactory
from tests.supervision.service_helpers import NOW, TODAY, _rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    """A unit with a busy officer and a free one (the suggestion), and the medium contact standard."""
    unit = UnitFactory()
    busy, free = OfficerFactory(unit=unit, username="busy"), OfficerFactory(unit=unit, username="free")
    SupervisionFactory(officer=busy)
    ContactStandardFactory(level=SupervisionLevel.MEDIUM, check_in_interval_days=14, window_days=3)
    unit.busy, unit.free, unit.supervisor = busy, free, SupervisorFactory(unit=unit)
    return unit


def _intake(actor, **overrides):
    kwargs = {
        "actor": actor,
        "offender": OffenderFactory(),
        "supervision_type": SupervisionType.PROBATION,
        "court": CourtFactory(),
        "docket_number": " CR-2026-00077 ",
        "offense": "Burglary",
        "start_date": TODAY,
        "end_date": TODAY + datetime.timedelta(days=365),
        "order_date": TODAY,
        "order_reference": "Sentence CR-2026-00077 #12",
        "now": NOW,
    }
    return supervision_intake(**{**kwargs, **overrides})


def test_intake_opens_the_case_with_its_conditions_check_ins_history_and_audit(unit):
    # given the standard conditions and a special one from the catalogue
    report = ConditionTypeFactory(code="report", name="Report as directed")
    curfew = ConditionTypeFactory(code="curfew", name="Curfew", category=ConditionCategory.SPECIAL)
    service = ConditionTypeFactory(
        code="community-service", name="Community service", category=ConditionCategory.SPECIAL, tracks_hours=True
    )
    person = OffenderFactory()
    # when the supervisor opens a probation case, taking the suggested officer
    case = _intake(
        unit.supervisor,
        offender=person,
        conditions=[
            OrderedCondition(report),
            OrderedCondition(curfew, details=" Home 22:00 to 06:00. "),
            OrderedCondition(service, details="80 hours.", hours_required=Decimal("80")),
        ],
    )
    # then the case is on the free officer's caseload, in the unit
    case.refresh_from_db()
    assert (case.offender, case.officer, case.unit, case.docket_number) == (person, unit.free, unit, "CR-2026-00077")
    # and its conditions stand on the order, from the start of the case
    conditions = list(Condition.objects.filter(supervision=case).order_by("id"))
    assert [(c.condition_type, c.details, c.hours_required) for c in conditions] == [
        (report, "", None),
        (curfew, "Home 22:00 to 06:00.", None),
        (service, "80 hours.", Decimal("80")),
    ]
    assert {(c.imposed_on, c.order_date, c.order_reference) for c in conditions} == {
        (TODAY, TODAY, "Sentence CR-2026-00077 #12")
    }
    # and the first check-in is scheduled from the start
    first = CheckIn.objects.filter(supervision=case).order_by("window_start").first()
    assert first is not None and first.window_start.date() == TODAY
    # and the history says it was opened at intake, by the supervisor
    (opened,) = case.history.all()
    assert (opened.history_change_reason, opened.history_user) == ("Opened at intake", unit.supervisor)
    # and the opening, each condition and the schedule are audited by the supervisor for this person
    rows = list(AuditEvent.objects.filter(offender_id=person.pk).order_by("id"))
    assert [row.action for row in rows] == ["supervision.opened", "check_in.scheduled", *["condition.imposed"] * 3]
    assert {row.actor for row in rows} == {unit.supervisor}
    assert rows[0].detail == {
        "intake": True,
        "officer": unit.free.pk,
        "suggested_officer": unit.free.pk,
        "officer_override_reason": None,
        "order": {"order_date": TODAY.isoformat(), "order_reference": "Sentence CR-2026-00077 #12"},
        "conditions": ["report", "curfew", "community-service"],
    }


def test_an_officer_may_open_a_case_for_another_officer_of_the_unit(unit):
    # given the busy officer doing the intake, with the free one suggested
    # when they keep the suggestion
    case = _intake(unit.busy, conditions=[OrderedCondition(ConditionTypeFactory())])
    # then the case and its condition are the free officer's
    assert case.officer == unit.free
    assert Condition.objects.filter(supervision=case).count() == 1


def test_another_officer_than_the_suggested_one_needs_a_reason(unit):
    before = _rows()
    # when the supervisor picks the busy officer without a reason
    with pytest.raises(ValidationError) as refused:
        _intake(unit.supervisor, officer=unit.busy, officer_reason="  ")
    # then the reason is asked for, and nothing is saved
    assert list(refused.value.message_dict) == ["officer_reason"]
    assert "rather than to" in refused.value.message_dict["officer_reason"][0]
    assert _rows() == before


def test_the_override_reason_is_in_the_history_and_the_audit(unit):
    # when the supervisor picks the busy officer, saying why
    case = _intake(unit.supervisor, officer=unit.busy, officer_reason="Knows the family from an earlier case.")
    # then the case is theirs, and the reason is on the history row and the audit row
    assert case.officer == unit.busy
    assert case.history.get().history_change_reason == (
        "Opened at intake; officer chosen: Knows the family from an earlier case."
    )
    opened = AuditEvent.objects.get(action="supervision.opened")
    assert (opened.detail["officer"], opened.detail["suggested_officer"]) == (unit.busy.pk, unit.free.pk)
    assert opened.detail["officer_override_reason"] == "Knows the family from an earlier case."


def test_an_officer_of_another_unit_is_refused(unit):
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        _intake(unit.supervisor, officer=OfficerFactory(), officer_reason="Closer to home.")
    assert list(refused.value.message_dict) == ["officer"]
    assert _rows() == before


@pytest.mark.parametrize(
    ("supervision_type", "authority", "errors"),
    [
        (SupervisionType.PROBATION, {"court": None, "parole_board": "board"}, ["court", "parole_board"]),
        (SupervisionType.PROBATION, {"court": "court", "parole_board": "board"}, ["parole_board"]),
        (SupervisionType.PAROLE, {"court": "court", "parole_board": None}, ["parole_board", "court"]),
        (SupervisionType.PAROLE, {"court": None, "parole_board": None}, ["parole_board"]),
    ],
)
def test_the_authority_must_match_the_type(unit, supervision_type, authority, errors):
    bodies = {"court": CourtFactory(), "board": ParoleBoardFactory(), None: None}
    before = _rows()
    # when a case is opened with the wrong authority
    with pytest.raises(ValidationError) as refused:
        _intake(
            unit.supervisor,
            supervision_type=supervision_type,
            court=bodies[authority["court"]],
            parole_board=bodies[authority["parole_board"]],
        )
    # then each wrong field says so, and nothing is saved
    assert list(refused.value.message_dict) == errors
    assert _rows() == before


def test_parole_under_its_board_with_a_parole_only_condition(unit):
    board = ParoleBoardFactory()
    no_contact = ConditionTypeFactory(applies_to=ConditionAppliesTo.PAROLE)
    case = _intake(
        unit.supervisor,
        supervision_type=SupervisionType.PAROLE,
        court=None,
        parole_board=board,
        conditions=[OrderedCondition(no_contact)],
    )
    assert (case.parole_board, case.court, case.conditions.get().condition_type) == (board, None, no_contact)


def test_a_refused_condition_leaves_nothing_half_saved(unit):
    # given a parole-only condition on a probation intake, after a valid one
    ok, parole_only = ConditionTypeFactory(), ConditionTypeFactory(name="Parole curfew", applies_to="parole")
    before = _rows()
    # when the intake is sent
    with pytest.raises(ValidationError) as refused:
        _intake(unit.supervisor, conditions=[OrderedCondition(ok), OrderedCondition(parole_only)])
    # then the condition's error is named, and no case, condition, check-in or audit row is left
    assert refused.value.message_dict["conditions"][0].startswith("Parole curfew: ")
    assert _rows() == before


def test_the_order_is_required_and_not_in_the_future(unit):
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        _intake(unit.supervisor, order_reference=" ", order_date=datetime.date.today() + datetime.timedelta(days=2))
    assert sorted(refused.value.message_dict) == ["order_date", "order_reference"]
    assert _rows() == before


def test_one_person_may_hold_several_supervisions(unit):
    person = OffenderFactory()
    first = _intake(unit.supervisor, offender=person)
    second = _intake(unit.supervisor, offender=person, docket_number="CR-2026-00078")
    assert set(Supervision.objects.filter(offender=person)) == {first, second}


def test_who_may_take_an_intake(unit):
    before = _rows()
    # a court clerk may not
    with pytest.raises(ApplicationError) as clerk:
        _intake(CourtClerkFactory())
    assert clerk.value.status_code == 403
    # an officer may not open a case for a person of another unit's case
    elsewhere = SupervisionFactory().offender
    with pytest.raises(ApplicationError) as hidden:
        _intake(unit.busy, offender=elsewhere)
    assert hidden.value.status_code == 404
    assert _rows() == {**before, "Supervision": before["Supervision"] + 1}  # the other unit's case only
