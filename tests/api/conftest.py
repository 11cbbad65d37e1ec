"""A small agency for the API tests, and clients that call the API as each kind of caller.

Two units (north, south). In the north: officer ``own`` (case ``mine``) and officer ``peer`` (case
``peer``); in the south: officer ``south`` (case ``south``). One court, one parole board, each with a
clerk / staff member, plus a clerk of another court. Every case has a check-in, a drug test, a case
note, a violation and a condition; each case has a draft report and a routed report.
"""

from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from agency.api.tokens import api_token_issue
from agency.models import User
from supervision.choices import ReportStatus
from supervision.models import CaseNote, ViolationReport
from tests.agency.factories import (
    AdministratorFactory,
    BoardStaffFactory,
    CourtClerkFactory,
    CourtFactory,
    IntegratorFactory,
    OfficerFactory,
    ParoleBoardFactory,
    SupervisorFactory,
    UnitFactory,
)
from tests.supervision.factories import (
    CheckInFactory,
    ConditionFactory,
    DrugTestFactory,
    ParoleSupervisionFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)


@dataclass
class World:
    users: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)  # (resource, case name) -> object
    units: dict = field(default_factory=dict)
    court: object = None
    board: object = None


def routed_report(case, **kwargs) -> ViolationReport:
    """A report already approved and routed to the case's authority."""
    return ViolationReportFactory(
        supervision=case,
        status=ReportStatus.ROUTED,
        court=case.court,
        parole_board=case.parole_board,
        **kwargs,
    )


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()  # throttling counts live in the cache
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    north, south = UnitFactory(code="north"), UnitFactory(code="south")
    court, other_court = CourtFactory(name="Court X"), CourtFactory(name="Court Y")
    board = ParoleBoardFactory(name="Board P")
    w = World(units={"north": north, "south": south}, court=court, board=board)
    w.users = {
        "officer": OfficerFactory(unit=north, username="own"),
        "peer_officer": OfficerFactory(unit=north, username="peer"),
        "south_officer": OfficerFactory(unit=south, username="south"),
        "supervisor": SupervisorFactory(unit=north, username="sup_north"),
        "south_supervisor": SupervisorFactory(unit=south, username="sup_south"),
        "clerk": CourtClerkFactory(court=court, username="clerk_x"),
        "other_clerk": CourtClerkFactory(court=other_court, username="clerk_y"),
        "board_staff": BoardStaffFactory(parole_board=board, username="board_p"),
        "integrator": IntegratorFactory(username="integrator"),
        "admin": AdministratorFactory(username="admin"),
    }
    u = w.users
    w.cases = {
        "mine": SupervisionFactory(officer=u["officer"], court=court),
        "peer": ParoleSupervisionFactory(officer=u["peer_officer"], parole_board=board),
        "south": SupervisionFactory(officer=u["south_officer"], court=court),
    }
    for name, case in w.cases.items():
        w.records[("offenders", name)] = case.offender
        w.records[("supervisions", name)] = case
        w.records[("check-ins", name)] = CheckInFactory(supervision=case)
        w.records[("drug-tests", name)] = DrugTestFactory(supervision=case)
        w.records[("case-notes", name)] = CaseNote.objects.create(supervision=case, author=case.officer, body="Seen.")
        w.records[("violations", name)] = ViolationFactory(supervision=case)
        w.records[("conditions", name)] = ConditionFactory(supervision=case)
        w.records[("draft-reports", name)] = ViolationReportFactory(supervision=case)
        w.records[("violation-reports", name)] = routed_report(case)
    return w


def token_for(user: User, scope: str = "read", unit=None) -> str:
    _record, token = api_token_issue(actor=None, system="tests", user=user, scope=scope, unit=unit)
    return token


@pytest.fixture
def client_for(world):
    """``client_for("officer")`` signs in with a session; ``client_for("integrator", token="write")``
    sends a token of that scope (``unit="north"`` limits it); ``client_for(None)`` is anonymous."""

    def make(name: str | None, *, token: str | None = None, unit: str | None = None) -> APIClient:
        client = APIClient()
        if name is None:
            return client
        user = User.objects.get(pk=world.users[name].pk)  # as the database has it, like a real sign-in
        if token is None:
            client.force_login(user)
        else:
            key = token_for(user, token, world.units[unit] if unit else None)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make
