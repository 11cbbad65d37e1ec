"""The risk assessments over the API (issue 15, item 4): list and read on the cases in scope, record through the
same service as the case page, every role on its own and on others' cases, 400 for bad input, 409 for a wrong
state (an override already waiting, one's own override approved), a read token refused for a write, and the
list's query count the same for one row and for many."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agency.models import AuditEvent
from offenders.models import RiskAssessment
from offenders.risk import LevelOverride, LevelOverrideStatus
from supervision.choices import SupervisionLevel
from supervision.services.risk import risk_assessment_record
from tests.supervision.risk_helpers import answers_for, instrument_make

pytestmark = pytest.mark.django_db
URL = "/api/v1/risk-assessments/"


@pytest.fixture
def instrument():
    return instrument_make()


def _day(offset: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def _payload(world, case: str, instrument, *labels, **extra) -> dict:
    return {
        "supervision": world.cases[case].pk,
        "instrument": instrument.code,
        "answers": [{"item": item, "answer": answer} for item, answer in answers_for(instrument, *labels)],
        "assessed_on": _day(-1),
        **extra,
    }


def _writes() -> tuple:
    return (
        RiskAssessment.objects.count(),
        LevelOverride.objects.count(),
        list(LevelOverride.objects.order_by("pk").values_list("status", flat=True)),
        AuditEvent.objects.filter(action__startswith="risk_assessment.recorded").count(),
        AuditEvent.objects.filter(action__startswith="level_override.").count(),
    )


def _record(world, case: str, instrument, *labels, actor: str | None = None, **extra) -> RiskAssessment:
    supervision = world.cases[case]
    return risk_assessment_record(
        actor=world.users[actor] if actor else supervision.officer,
        supervision=supervision,
        instrument=instrument,
        answers=answers_for(instrument, *labels),
        assessed_on=timezone.localdate() - datetime.timedelta(days=2),
        **extra,
    )


# --- Every role, on its own and on others' cases ------------------------------------------------------------

WRITERS = {"officer": {"mine"}, "peer_officer": {"peer"}, "supervisor": {"mine", "peer"}, "south_supervisor": {"south"}}
READERS = {**WRITERS, "integrator": {"mine", "peer", "south"}, "admin": {"mine", "peer", "south"}}
NO_CASES = ("clerk", "board_staff")


@pytest.mark.parametrize("caller", sorted([*READERS, *NO_CASES]))
def test_every_role_records_on_its_own_cases_only(world, client_for, instrument, caller):
    # given
    client = client_for(caller)
    # when
    statuses = {
        case: client.post(URL, _payload(world, case, instrument, "No", "No", "No"), format="json").status_code
        for case in ("mine", "peer", "south")
    }
    # then
    if caller in NO_CASES:
        expected = dict.fromkeys(statuses, 403)
    elif caller in WRITERS:
        expected = {case: 201 if case in WRITERS[caller] else 400 for case in statuses}  # out of scope: no such case
    else:
        expected = dict.fromkeys(statuses, 403)  # they see the cases but do not record on them
    assert statuses == expected


@pytest.mark.parametrize("caller", sorted([*READERS, *NO_CASES]))
def test_every_role_lists_the_assessments_of_the_cases_it_sees(world, client_for, instrument, caller):
    # given an assessment on each case
    made = {case: _record(world, case, instrument, "No", "No", "No") for case in ("mine", "peer", "south")}
    # when
    response = client_for(caller).get(URL)
    # then
    if caller in NO_CASES:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {made[case].pk for case in READERS[caller]}
    for case, assessment in made.items():
        detail = client_for(caller).get(f"{URL}{assessment.pk}/")
        assert detail.status_code == (200 if case in READERS[caller] else 404)


def test_a_read_token_lists_but_does_not_record_and_a_write_token_records(world, client_for, instrument):
    # given
    payload = _payload(world, "mine", instrument, "Yes", "Yes", "No")
    before = _writes()
    # when
    listed = client_for("officer", token="read").get(URL)
    read = client_for("officer", token="read").post(URL, payload, format="json")
    unchanged = _writes()
    write = client_for("officer", token="write").post(URL, payload, format="json")
    # then
    assert listed.status_code == 200
    assert read.status_code == 403
    assert unchanged[:2] == before[:2]
    assert write.status_code == 201, write.json()


# --- Recording ---------------------------------------------------------------------------------------------


def test_the_officer_records_and_the_case_follows_the_assessment(world, client_for, instrument):
    # when
    response = client_for("officer").post(URL, _payload(world, "mine", instrument, "Yes", "Yes", "No"), format="json")
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {k: body[k] for k in ("supervision", "instrument", "score", "level", "suggested_level", "override")} == {
        "supervision": world.cases["mine"].pk,
        "instrument": "screening",
        "score": 6,
        "level": "high",
        "suggested_level": "high",
        "override": None,
    }
    assert [answer["label"] for answer in body["answers"]] == ["Yes", "Yes", "No"]
    world.cases["mine"].refresh_from_db()
    assert world.cases["mine"].level == SupervisionLevel.HIGH


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("missing", "answers"),
        ("duplicate", "answers"),
        ("foreign", "answers"),
        ("no_reason", "override_reason"),
        ("future", "assessed_on"),
        ("unknown_instrument", "instrument"),
        ("unknown_field", "score"),
        ("huge_item", "answers"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(world, client_for, instrument, change, field):
    # given
    payload = _payload(world, "mine", instrument, "Yes", "Yes", "No")
    if change == "missing":
        payload["answers"] = payload["answers"][:2]
    elif change == "duplicate":
        payload["answers"].append(payload["answers"][0])
    elif change == "foreign":
        other = instrument_make(name="Other", code="other").items.first()
        payload["answers"][0] = {"item": other.pk, "answer": other.answers.first().pk}
    elif change == "no_reason":
        payload |= {"override_level": "low", "override_reason": ""}
    elif change == "future":
        payload["assessed_on"] = _day(1)
    elif change == "unknown_instrument":
        payload["instrument"] = "nope"
    elif change == "unknown_field":
        payload["score"] = 99
    elif change == "huge_item":
        payload["answers"][0] = {"item": 10**20, "answer": 1}
    before = _writes()
    # when
    response = client_for("officer").post(URL, payload, format="json")
    # then
    assert response.status_code == 400, response.json()
    assert field in str(response.json())
    assert _writes() == before


def test_an_override_waits_and_a_second_one_is_a_409(world, client_for, instrument):
    # given
    client = client_for("officer")
    first = client.post(
        URL,
        _payload(world, "mine", instrument, "Yes", "Yes", "No", override_level="low", override_reason="Stable job"),
        format="json",
    )
    before = _writes()
    # when
    second = client.post(URL, _payload(world, "mine", instrument, "No", "No", "No"), format="json")
    # then
    assert first.status_code == 201
    assert first.json()["override"]["status"] == "pending"
    world.cases["mine"].refresh_from_db()
    assert world.cases["mine"].level == SupervisionLevel.MEDIUM
    assert second.status_code == 409
    assert _writes() == before


# --- Deciding an override ----------------------------------------------------------------------------------


def test_approving_ones_own_override_is_a_409_and_another_supervisor_gets_404_or_403(world, client_for, instrument):
    # given an override the north supervisor asked for
    assessment = _record(
        world,
        "mine",
        instrument,
        "Yes",
        "Yes",
        "No",
        actor="supervisor",
        override_level="low",
        override_reason="Known to me",
    )
    url = f"{URL}{assessment.pk}/approve-override/"
    before = _writes()
    # when
    own = client_for("supervisor").post(url, {}, format="json")
    officer = client_for("officer").post(url, {}, format="json")
    south = client_for("south_supervisor").post(url, {}, format="json")
    # then
    assert own.status_code == 409
    assert own.json()["detail"] == "You asked for this override: another supervisor of the unit must approve it."
    assert officer.status_code == 403
    assert south.status_code == 404
    assert _writes() == before


def test_a_supervisor_approves_an_officers_override_and_the_level_changes(world, client_for, instrument):
    # given
    assessment = _record(world, "mine", instrument, "Yes", "Yes", "No", override_level="low", override_reason="Job")
    # when
    response = client_for("supervisor").post(f"{URL}{assessment.pk}/approve-override/", {}, format="json")
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["override"]["status"] == LevelOverrideStatus.APPROVED
    case = world.cases["mine"]
    case.refresh_from_db()
    assert case.level == SupervisionLevel.LOW
    assert case.history.latest("history_date", "history_id").history_change_reason == (
        f"Override approved (Screening #{assessment.pk}, score 6)"
    )


def test_declining_without_a_reason_is_a_400(world, client_for, instrument):
    assessment = _record(world, "mine", instrument, "Yes", "Yes", "No", override_level="low", override_reason="Job")
    before = _writes()
    response = client_for("supervisor").post(f"{URL}{assessment.pk}/decline-override/", {"reason": ""}, format="json")
    assert response.status_code == 400
    assert "reason" in str(response.json())
    assert _writes() == before


# --- The list's query count ----------------------------------------------------------------------------------


def test_the_list_reads_the_same_number_of_queries_for_one_and_for_many(
    world, client_for, instrument, django_assert_num_queries
):
    client = client_for("supervisor")
    _record(world, "mine", instrument, "No", "No", "No")
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(URL).json()["results"]) == 1
    _record(world, "peer", instrument, "Yes", "No", "No")
    _record(world, "mine", instrument, "Yes", "Yes", "No", override_level="low", override_reason="Job")
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 3
