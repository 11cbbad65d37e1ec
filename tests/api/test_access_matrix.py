"""Every role against every endpoint, on its own objects and on others': list and detail.

Out of scope answers 404 exactly like a missing object; a role without access to a resource gets 403;
an anonymous caller 401."""

import pytest

from offenders.models import Offender
from supervision.models import CaseNote, CheckIn, Condition, DrugTest, Supervision, Violation

pytestmark = pytest.mark.django_db

CASES = ("mine", "peer", "south")
CASE_RESOURCES = ("offenders", "supervisions", "conditions", "check-ins", "drug-tests", "case-notes", "violations")
MODELS = {
    "offenders": (Offender, "supervisions"),
    "supervisions": (Supervision, "pk"),
    "conditions": (Condition, "supervision"),
    "check-ins": (CheckIn, "supervision"),
    "drug-tests": (DrugTest, "supervision"),
    "case-notes": (CaseNote, "supervision"),
    "violations": (Violation, "supervision"),
}

# caller -> (client_for arguments, cases whose records it sees)
CALLERS = {
    "officer": (("officer",), {}, {"mine"}),
    "peer_officer": (("peer_officer",), {}, {"peer"}),
    "south_officer": (("south_officer",), {}, {"south"}),
    "supervisor": (("supervisor",), {}, {"mine", "peer"}),
    "south_supervisor": (("south_supervisor",), {}, {"south"}),
    "integrator_token": (("integrator",), {"token": "read"}, {"mine", "peer", "south"}),
    "integrator_north_token": (("integrator",), {"token": "read", "unit": "north"}, {"mine", "peer"}),
    "officer_token": (("officer",), {"token": "read"}, {"mine"}),
    "admin": (("admin",), {}, {"mine", "peer", "south"}),
}
NO_CASE_ACCESS = {"clerk": (("clerk",), {}), "board_staff": (("board_staff",), {})}


def _client(client_for, caller):
    args, kwargs = (CALLERS.get(caller) or NO_CASE_ACCESS[caller])[:2]
    return client_for(*args, **kwargs)


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_case_resource_detail_own_and_others(world, client_for, caller):
    # given
    client = _client(client_for, caller)
    visible = CALLERS[caller][2]

    # when: every case resource, on the caller's own objects and on everyone else's
    statuses = {
        (resource, case): client.get(f"/api/v1/{resource}/{world.records[(resource, case)].pk}/").status_code
        for resource in CASE_RESOURCES
        for case in CASES
    }

    # then
    assert statuses == {
        (resource, case): 200 if case in visible else 404 for resource in CASE_RESOURCES for case in CASES
    }


def test_out_of_scope_reads_the_same_as_missing(world, client_for):
    client = client_for("officer")

    other = client.get(f"/api/v1/supervisions/{world.cases['peer'].pk}/")
    missing = client.get("/api/v1/supervisions/999999/")

    assert (other.status_code, other.json()) == (missing.status_code, missing.json())
    assert other.json() == {
        "detail": "Not found: it does not exist, or it is not in your caseload or your token's scope.",
        "errors": {},
    }


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_case_resource_lists_show_exactly_the_callers_scope(world, client_for, caller):
    # given
    client = _client(client_for, caller)
    visible_cases = [world.cases[case].pk for case in CALLERS[caller][2]]
    expected = {}
    for resource, (model, to_case) in MODELS.items():
        expected[resource] = set(model.objects.filter(**{f"{to_case}__in": visible_cases}).values_list("pk", flat=True))

    # when
    listed = {}
    for resource in CASE_RESOURCES:
        response = client.get(f"/api/v1/{resource}/")
        assert response.status_code == 200
        listed[resource] = {row["id"] for row in response.json()["results"]}

    # then
    assert listed == expected


@pytest.mark.parametrize("resource", (*CASE_RESOURCES, "units", "officers"))
@pytest.mark.parametrize("caller", sorted(NO_CASE_ACCESS))
def test_clerks_and_board_staff_have_no_case_resources(world, client_for, caller, resource):
    client = _client(client_for, caller)

    list_response = client.get(f"/api/v1/{resource}/")
    detail_response = client.get(f"/api/v1/{resource}/1/")

    assert list_response.status_code == 403
    assert detail_response.status_code == 403
    assert list_response.json() == {
        "detail": f"Your role ({world.users[caller].get_role_display()}) has no access to this resource.",
        "errors": {},
    }


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_violation_reports_of_agency_roles_are_those_of_their_cases(world, client_for, caller):
    client = _client(client_for, caller)
    visible = CALLERS[caller][2]
    expected = {world.records[(kind, case)].pk for case in visible for kind in ("draft-reports", "violation-reports")}

    response = client.get("/api/v1/violation-reports/")

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize(
    ("caller", "routed_cases"),
    [("clerk", {"mine", "south"}), ("other_clerk", set()), ("board_staff", {"peer"})],
)
def test_authorities_see_only_the_reports_routed_to_them(world, client_for, caller, routed_cases):
    # given: drafts of every case exist, and routed reports to court X (mine, south) and board P (peer)
    client = client_for(caller)
    expected = {world.records[("violation-reports", case)].pk for case in routed_cases}

    # when
    listed = client.get("/api/v1/violation-reports/").json()["results"]
    details = {
        (kind, case): client.get(f"/api/v1/violation-reports/{world.records[(kind, case)].pk}/").status_code
        for case in CASES
        for kind in ("draft-reports", "violation-reports")
    }

    # then
    assert {row["id"] for row in listed} == expected
    assert details == {
        (kind, case): 200 if kind == "violation-reports" and case in routed_cases else 404
        for case in CASES
        for kind in ("draft-reports", "violation-reports")
    }


ALL_LISTS = (*CASE_RESOURCES, "violation-reports", "courts", "parole-boards", "units", "officers")


@pytest.mark.parametrize("resource", ALL_LISTS)
def test_anonymous_gets_401_everywhere(world, client_for, resource):
    client = client_for(None)

    list_response = client.get(f"/api/v1/{resource}/")
    detail_response = client.get(f"/api/v1/{resource}/1/")
    write_response = client.post(f"/api/v1/{resource}/", {}, format="json")

    assert [list_response.status_code, detail_response.status_code, write_response.status_code] == [401, 401, 401]
    assert list_response["WWW-Authenticate"] == "Token"
    assert list_response.json() == {
        "detail": "Sign in, or send an API token as “Authorization: Token <token>”.",
        "errors": {},
    }


def test_anonymous_me_is_401(world, client_for):
    assert client_for(None).get("/api/v1/me/").status_code == 401


def test_a_wrong_token_is_401_and_says_why(world, client_for):
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION="Token cl_not-a-real-token")

    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token. Check the token; it may have expired or been revoked."


@pytest.mark.parametrize(
    ("caller", "units"),
    [("officer", {"north"}), ("supervisor", {"north"}), ("south_supervisor", {"south"}), ("admin", {"north", "south"})],
)
def test_units_in_scope(world, client_for, caller, units):
    response = client_for(caller).get("/api/v1/units/")

    assert {row["code"] for row in response.json()["results"]} == units


@pytest.mark.parametrize(
    ("caller", "officers"),
    [
        ("officer", {"own"}),
        ("supervisor", {"own", "peer", "sup_north"}),
        ("south_officer", {"south"}),
        ("admin", {"own", "peer", "south", "sup_north", "sup_south"}),
    ],
)
def test_officers_in_scope(world, client_for, caller, officers):
    response = client_for(caller).get("/api/v1/officers/")

    assert {row["username"] for row in response.json()["results"]} == officers


@pytest.mark.parametrize("caller", ["officer", "clerk", "board_staff", "admin"])
def test_every_signed_in_role_reads_courts_and_boards(world, client_for, caller):
    client = client_for(caller)

    courts = client.get("/api/v1/courts/").json()["results"]
    boards = client.get("/api/v1/parole-boards/").json()["results"]

    assert [c["name"] for c in courts] == ["Court X", "Court Y"]
    assert [b["name"] for b in boards] == ["Board P"]
