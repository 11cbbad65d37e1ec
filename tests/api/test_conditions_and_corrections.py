"""The API of conditions as orders and of violation corrections (issue 15, items 3 and 8): the same services as
the pages, every role on its own and on others' cases, 400 for bad input, 409 for a wrong state, and the
derived compliance in every condition answered."""

import datetime

import pytest
from django.utils import timezone

from agency.models import AuditEvent
from supervision.choices import ComplianceStatus, Disposition, ReportStatus, SupervisionStatus, ViolationStatus
from supervision.models import Condition, Violation, ViolationReport
from tests.inbox.conftest import make_report
from tests.supervision.factories import ConditionFactory, ConditionTypeFactory, ViolationFactory

pytestmark = pytest.mark.django_db


def _day(offset: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def _order(offset: int = -1) -> dict:
    return {"order_date": _day(offset), "order_reference": "CR-2025-00417, entry 31"}


def _writes() -> tuple:
    return (
        Condition.objects.count(),
        list(Condition.objects.order_by("pk").values_list("details", "ended_on", "order_reference")),
        list(Violation.objects.order_by("pk").values_list("status", "correction_reason")),
        AuditEvent.objects.filter(action__startswith=("condition.")).count()
        + AuditEvent.objects.filter(action__in=("violation.withdrawn", "violation.dismissed")).count(),
    )


# --- Every role against every new route, on its own and on others' cases ---------------------------------------

ROUTES = {
    "impose": ("post", "/api/v1/conditions/", None),
    "modify": ("post", "/api/v1/conditions/{condition}/modify/", None),
    "end": ("post", "/api/v1/conditions/{condition}/end/", None),
    "withdraw": ("post", "/api/v1/violations/{violation}/withdraw/", None),
    "dismiss": ("post", "/api/v1/violations/{violation}/dismiss/", None),
}


def _request(world, route: str, case: str):
    _method, template, _ = ROUTES[route]
    url = template.replace("{condition}", str(world.records[("conditions", case)].pk)).replace(
        "{violation}", str(world.records[("violations", case)].pk)
    )
    payload = {
        "impose": {
            "supervision": world.cases[case].pk,
            "condition_type": ConditionTypeFactory(code=f"curfew-{route}-{case}").code,
            "details": "Home from 22:00.",
            "imposed_on": _day(0),
            **_order(),
        },
        "modify": {"details": "Home from 23:00.", **_order()},
        "end": {"ended_on": _day(0), **_order()},
        "withdraw": {"reason": "Recorded in error."},
        "dismiss": {"reason": "Not sustained."},
    }[route]
    return url, payload


# caller -> the cases whose conditions and violations it may change; None: the role may not at all (403)
WRITERS = {
    "officer": {"mine"},
    "peer_officer": {"peer"},
    "supervisor": {"mine", "peer"},
    "south_supervisor": {"south"},
}
SEE_BUT_MAY_NOT = {"integrator": {"mine", "peer", "south"}, "admin": {"mine", "peer", "south"}}
NO_CASES = ("clerk", "board_staff")


def _expected(caller: str, route: str, case: str) -> int:
    if caller in NO_CASES:
        return 403
    success = 201 if route == "impose" else 200
    if caller in WRITERS:
        if case in WRITERS[caller]:
            return success
        # out of scope: the case (a field of the body: 400) or the object (404) does not exist for them;
        # a supervisor sees only their unit's cases
        return 400 if route == "impose" else 404
    return 403  # integrators and administrators see the cases but do not record orders or corrections


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("caller", sorted([*WRITERS, *SEE_BUT_MAY_NOT, *NO_CASES]))
def test_every_role_on_every_new_route_on_its_own_and_on_others_cases(world, client_for, caller, route):
    # given
    client = client_for(caller)
    # when
    statuses = {}
    for case in ("mine", "peer", "south"):
        url, payload = _request(world, route, case)
        statuses[case] = client.post(url, payload, format="json").status_code
    # then
    assert statuses == {case: _expected(caller, route, case) for case in ("mine", "peer", "south")}


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_a_refused_write_changes_nothing(world, client_for, route):
    # given
    client = client_for("south_officer")
    before = _writes()
    # when
    url, payload = _request(world, route, "mine")
    response = client.post(url, payload, format="json")
    # then
    assert response.status_code in (400, 404)
    assert _writes() == before


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_a_read_token_is_refused_and_a_write_token_writes(world, client_for, route):
    # given
    url, payload = _request(world, route, "mine")
    before = _writes()
    # when
    read = client_for("officer", token="read").post(url, payload, format="json")
    unchanged = _writes()
    write = client_for("officer", token="write").post(url, payload, format="json")
    # then
    assert read.status_code == 403
    assert (
        read.json()["detail"] == "This API token is read-only: ask an administrator for a token with the write scope."
    )
    assert unchanged == before
    assert write.status_code in (200, 201), write.json()


# --- Conditions -------------------------------------------------------------------------------------------------


def test_the_officer_imposes_modifies_and_ends_a_condition(world, client_for):
    # given
    client = client_for("officer")
    case = world.cases["mine"]
    ConditionTypeFactory(code="curfew", name="Curfew")
    # when
    imposed = client.post(
        "/api/v1/conditions/",
        {
            "supervision": case.pk,
            "condition_type": "curfew",
            "details": "Home from 22:00 to 06:00.",
            "imposed_on": _day(-5),
            **_order(-6),
        },
        format="json",
    )
    url = f"/api/v1/conditions/{imposed.json()['id']}/"
    modified = client.post(f"{url}modify/", {"details": "Home from 23:00 to 06:00.", **_order(-2)}, format="json")
    ended = client.post(f"{url}end/", {"ended_on": _day(0), **_order(0)}, format="json")
    # then
    assert (imposed.status_code, modified.status_code, ended.status_code) == (201, 200, 200)
    body = ended.json()
    assert {key: body[key] for key in ("condition_code", "details", "imposed_on", "ended_on", "compliance_status")} == {
        "condition_code": "curfew",
        "details": "Home from 23:00 to 06:00.",
        "imposed_on": _day(-5),
        "ended_on": _day(0),
        "compliance_status": "compliant",
    }
    assert (body["order_date"], body["order_reference"]) == (_day(0), "CR-2025-00417, entry 31")
    condition = Condition.objects.get(pk=body["id"])
    assert [row.details for row in condition.history.order_by("history_id")] == [
        "Home from 22:00 to 06:00.",
        "Home from 23:00 to 06:00.",
        "Home from 23:00 to 06:00.",
    ]
    assert list(
        AuditEvent.objects.filter(object_id=str(condition.pk), action__startswith="condition.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["condition.imposed", "condition.modified", "condition.ended"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ended_on": _day(-400)}, "ended_on"),  # before it was imposed
        ({"ended_on": "2026-02-30"}, "ended_on"),
        ({"ended_on": _day(0), "order_reference": ""}, "order_reference"),
        ({"ended_on": _day(0), "order_date": _day(3)}, "order_date"),
        ({"ended_on": _day(0), "judge": "x"}, "judge"),
    ],
)
def test_bad_input_to_end_is_a_field_error_and_nothing_changes(world, client_for, payload, field):
    # given
    condition = world.records[("conditions", "mine")]
    before = _writes()
    # when
    response = client_for("officer").post(
        f"/api/v1/conditions/{condition.pk}/end/", {**_order(), **payload}, format="json"
    )
    # then
    assert response.status_code == 400, response.json()
    assert list(response.json()["errors"]) == [field]
    assert _writes() == before


def test_an_unknown_condition_code_is_a_field_error(world, client_for):
    response = client_for("officer").post(
        "/api/v1/conditions/",
        {"supervision": world.cases["mine"].pk, "condition_type": "no-such", "imposed_on": _day(0), **_order()},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["condition_type"]


def test_modifying_an_ended_condition_or_a_closed_cases_is_409(world, client_for):
    # given
    client = client_for("officer")
    ended = ConditionFactory(supervision=world.cases["mine"], ended_on=timezone.localdate())
    before = _writes()
    # when
    on_ended = client.post(f"/api/v1/conditions/{ended.pk}/modify/", {"details": "x", **_order()}, format="json")
    world.cases["mine"].__class__.objects.filter(pk=world.cases["mine"].pk).update(
        status=SupervisionStatus.CLOSED, closed_on=timezone.localdate(), closure_reason="completed"
    )
    condition = world.records[("conditions", "mine")]
    on_closed = client.post(f"/api/v1/conditions/{condition.pk}/modify/", {"details": "x", **_order()}, format="json")
    # then
    assert (on_ended.status_code, on_closed.status_code) == (409, 409)
    assert "ended" in on_ended.json()["detail"]
    assert "closed" in on_closed.json()["detail"]
    assert _writes() == before


def test_a_condition_with_a_live_violation_is_answered_violated_and_filtered_so(world, client_for):
    # given
    client = client_for("officer")
    condition = world.records[("conditions", "mine")]
    ViolationFactory(supervision=world.cases["mine"], condition=condition)
    # when
    detail = client.get(f"/api/v1/conditions/{condition.pk}/").json()
    violated = client.get("/api/v1/conditions/", {"compliance_status": "violated"}).json()["results"]
    compliant = client.get("/api/v1/conditions/", {"compliance_status": "compliant"}).json()["results"]
    # then
    assert (detail["compliance_status"], detail["recorded_compliance_status"]) == ("violated", "compliant")
    assert [row["id"] for row in violated] == [condition.pk]
    assert condition.pk not in [row["id"] for row in compliant]


@pytest.mark.parametrize("rows", [2, 30])
def test_the_condition_list_runs_the_same_queries_for_few_and_many(world, client_for, django_assert_num_queries, rows):
    # given: conditions on the officer's case, every other one with a live violation
    client = client_for("officer")
    case = world.cases["mine"]
    for index in range(rows):
        condition = ConditionFactory(supervision=case, compliance_status=ComplianceStatus.IN_PROGRESS)
        if index % 2:
            ViolationFactory(supervision=case, condition=condition)
    client.get("/api/v1/conditions/")  # the session and the row plan, once
    # when / then
    with django_assert_num_queries(QUERIES_FOR_A_CONDITION_PAGE):
        response = client.get("/api/v1/conditions/")
    results = response.json()["results"]
    assert len(results) == rows + 1
    assert sum(row["compliance_status"] == "violated" for row in results) == rows // 2


QUERIES_FOR_A_CONDITION_PAGE = 5  # the same for 3 conditions and for 31: the derived state is in the page query


# --- Violation corrections --------------------------------------------------------------------------------------


def test_the_officer_withdraws_and_the_supervisor_dismisses(world, client_for):
    # given
    case = world.cases["mine"]
    first, second = world.records[("violations", "mine")], ViolationFactory(supervision=case)
    # when
    withdrawn = client_for("officer").post(
        f"/api/v1/violations/{first.pk}/withdraw/", {"reason": "Entered on the wrong case."}, format="json"
    )
    dismissed = client_for("supervisor").post(
        f"/api/v1/violations/{second.pk}/dismiss/", {"reason": "Not sustained."}, format="json"
    )
    # then
    assert (withdrawn.status_code, dismissed.status_code) == (200, 200)
    assert (withdrawn.json()["status"], withdrawn.json()["correction_reason"]) == (
        "withdrawn",
        "Entered on the wrong case.",
    )
    assert (dismissed.json()["status"], dismissed.json()["correction_reason"]) == ("dismissed", "Not sustained.")
    assert Violation.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


def test_a_correction_without_a_reason_is_a_field_error(world, client_for):
    violation = world.records[("violations", "mine")]
    before = _writes()

    response = client_for("officer").post(
        f"/api/v1/violations/{violation.pk}/withdraw/", {"reason": " "}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert _writes() == before


def test_a_violation_in_a_live_report_is_409_naming_the_report(world, client_for):
    # given: the routed report's violation
    report = world.records[("violation-reports", "mine")]
    violation = report.violations.get()
    before = _writes()
    # when
    response = client_for("officer").post(
        f"/api/v1/violations/{violation.pk}/dismiss/", {"reason": "Not sustained."}, format="json"
    )
    # then
    assert response.status_code == 409
    assert response.json()["report"] == report.pk
    assert f"violation report #{report.pk}" in response.json()["detail"]
    assert _writes() == before


def test_withdrawing_twice_is_409(world, client_for):
    violation = world.records[("violations", "mine")]
    client = client_for("officer")
    client.post(f"/api/v1/violations/{violation.pk}/withdraw/", {"reason": "Wrong."}, format="json")

    again = client.post(f"/api/v1/violations/{violation.pk}/withdraw/", {"reason": "Wrong."}, format="json")

    assert again.status_code == 409
    assert Violation.objects.get(pk=violation.pk).status == ViolationStatus.WITHDRAWN


# --- An order that applies the authority's decision on a violation report ("conditions modified") ---------------


def _decided(case, disposition: str = Disposition.CONDITIONS_MODIFIED) -> ViolationReport:
    return make_report(
        case,
        ReportStatus.DISPOSED,
        disposition=disposition,
        disposition_on=timezone.localdate() - datetime.timedelta(days=2),
    )


def test_a_modification_citing_the_decision_marks_it_applied(world, client_for):
    # given the court's decision modifying the conditions of the officer's case
    case = world.cases["mine"]
    decision = _decided(case)
    condition = world.records[("conditions", "mine")]
    # when the officer records the order that applies it
    response = client_for("officer").post(
        f"/api/v1/conditions/{condition.pk}/modify/",
        {"details": "Home from 21:00.", "report": decision.pk, **_order(-1)},
        format="json",
    )
    report = client_for("officer").get(f"/api/v1/violation-reports/{decision.pk}/")
    # then the condition changed, the decision reads as applied, and the audit row names it
    assert response.status_code == 200, response.json()
    assert response.json()["details"] == "Home from 21:00."
    assert report.json()["conditions_applied_at"] is not None
    (row,) = AuditEvent.objects.filter(action="condition.modified", object_id=str(condition.pk))
    assert row.detail["report_id"] == decision.pk


@pytest.mark.parametrize(
    ("which", "field"),
    [
        ("other_disposition", "report"),  # the decision did not modify the conditions
        ("peer_case", "report"),  # another case's report the officer does not see: no such report
        ("before_decision", "order_date"),  # the order predates the decision it applies
    ],
)
def test_a_decision_that_does_not_apply_is_a_field_error_and_nothing_changes(world, client_for, which, field):
    # given
    case = world.cases["mine"]
    report = {
        "other_disposition": lambda: _decided(case, Disposition.CONTINUED),
        "peer_case": lambda: _decided(world.cases["peer"]),
        "before_decision": lambda: _decided(case),
    }[which]()
    condition = world.records[("conditions", "mine")]
    order = _order(-5) if which == "before_decision" else _order(-1)
    before = _writes()
    # when
    response = client_for("officer").post(
        f"/api/v1/conditions/{condition.pk}/modify/",
        {"details": "Home from 21:00.", "report": report.pk, **order},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert _writes() == before
    report.refresh_from_db()
    assert report.conditions_applied_at is None


def test_a_supervisor_applies_a_decision_on_another_officers_case_of_the_unit(world, client_for):
    # given the decision on the peer officer's case
    decision = _decided(world.cases["peer"])
    # when the unit's supervisor imposes the condition it orders
    response = client_for("supervisor").post(
        "/api/v1/conditions/",
        {
            "supervision": world.cases["peer"].pk,
            "condition_type": ConditionTypeFactory(code="curfew-decision").code,
            "details": "Home from 21:00.",
            "imposed_on": _day(0),
            "report": decision.pk,
            **_order(0),
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    decision.refresh_from_db()
    assert decision.conditions_applied_at is not None
