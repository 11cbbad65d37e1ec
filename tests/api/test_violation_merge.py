"""Merging a violation recorded twice (issue 15, item 8), over the API: a manual violation about the event that
already has its automatic one (the missed check-in's, the failed test's) is withdrawn into it; 400 for a wrong
pair, 409 for a violation a report holds, 404 out of scope; nothing half-saved."""

import pytest
import yaml

from agency.models import AuditEvent
from supervision.choices import ViolationStatus
from supervision.models import Violation
from tests.supervision.factories import CheckInFactory, ConditionFactory, ViolationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world):
    """On the officer's case: the violation recorded for a check-in, and one written by hand citing a condition."""
    case = world.cases["mine"]
    automatic = ViolationFactory(supervision=case, check_in=CheckInFactory(supervision=case))
    manual = ViolationFactory(supervision=case, condition=ConditionFactory(supervision=case))
    return automatic, manual


def _state() -> tuple:
    return (
        list(Violation.objects.order_by("pk").values_list("status", "merged_into", "condition", "correction_reason")),
        AuditEvent.objects.filter(action="violation.merged").count(),
    )


def test_the_officer_merges_a_manual_violation_into_the_automatic_one(world, client_for, pair):
    automatic, manual = pair
    # when
    response = client_for("officer").post(
        f"/api/v1/violations/{manual.pk}/merge/",
        {"into": automatic.pk, "reason": "Same missed visit."},
        format="json",
    )
    # then the kept violation answers, the manual one is withdrawn into it, and the condition moved
    assert response.status_code == 200
    assert response.json()["id"] == automatic.pk
    manual.refresh_from_db()
    automatic.refresh_from_db()
    assert (manual.status, manual.merged_into_id, manual.correction_reason) == (
        ViolationStatus.WITHDRAWN,
        automatic.pk,
        "Same missed visit.",
    )
    assert automatic.condition_id == manual.condition_id
    assert AuditEvent.objects.get(action="violation.merged").detail == {
        "into": automatic.pk,
        "reason": "Same missed visit.",
    }


@pytest.mark.parametrize(
    ("which", "into", "field"),
    [
        ("manual", "manual", "into"),  # into itself
        ("automatic", "manual", "violation"),  # the automatic one is the one kept
        ("manual", "other_manual", "into"),  # the kept one must be recorded for a check-in or test
        ("manual", "missing", "into"),  # no such violation (or out of scope)
        ("manual", "south", "into"),  # another caseload's violation
    ],
)
def test_a_wrong_pair_is_400_naming_the_field_and_changes_nothing(world, client_for, pair, which, into, field):
    automatic, manual = pair
    violations = {
        "manual": manual,
        "automatic": automatic,
        "other_manual": ViolationFactory(supervision=world.cases["mine"]),
        "south": ViolationFactory(
            supervision=world.cases["south"], check_in=CheckInFactory(supervision=world.cases["south"])
        ),
    }
    target = 999_999 if into == "missing" else violations[into].pk
    before = _state()
    response = client_for("officer").post(
        f"/api/v1/violations/{violations[which].pk}/merge/", {"into": target}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert _state() == before


def test_a_violation_held_by_a_live_report_is_409_naming_the_report(world, client_for, pair):
    automatic, _manual = pair
    report = world.records[("violation-reports", "mine")]
    held = report.violations.get()
    before = _state()
    response = client_for("officer").post(f"/api/v1/violations/{held.pk}/merge/", {"into": automatic.pk}, format="json")
    assert response.status_code == 409
    assert response.json()["report"] == report.pk
    assert _state() == before


@pytest.mark.parametrize(("who", "status"), [("peer_officer", 404), ("south_supervisor", 404), ("clerk", 403)])
def test_others_cannot_merge_the_officers_violations(world, client_for, pair, who, status):
    automatic, manual = pair
    before = _state()
    response = client_for(who).post(f"/api/v1/violations/{manual.pk}/merge/", {"into": automatic.pk}, format="json")
    assert response.status_code == status
    assert _state() == before


def test_the_merge_action_is_in_the_schema_with_its_example(client_for):
    schema = yaml.safe_load(client_for("integrator").get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/violations/{id}/merge/"]["post"]
    assert operation["summary"] == "Merge a violation into the one recorded for the same event"
    body = operation["requestBody"]["content"]["application/json"]
    assert body["examples"]["RecordedTwice"]["value"] == {
        "into": 1207,
        "reason": "Same positive test as the automatic violation.",
    }
