"""Fixtures for the inbox tests: two courts and two parole boards with their staff, one case under each,
and reports in every state; a helper that builds a report as its authority receives it."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from agency.choices import AuditOutcome
from agency.models import AuditEvent
from supervision.choices import DeliveryStatus, Disposition, ReportStatus
from supervision.models import CaseNote, Notification, ReportDelivery, Supervision, ViolationReport
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

# The browser fixtures of the end-to-end suite (Debian's chromium, headless) for test_browser.py.
from tests.e2e.conftest import chromium, page, screenshot  # noqa: F401
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import ParoleSupervisionFactory, SupervisionFactory, ViolationReportFactory

PASSWORD = "correct-horse-battery"

AUTHORITY_STATUSES = (
    ReportStatus.ROUTED,
    ReportStatus.RECEIVED,
    ReportStatus.HEARING_SCHEDULED,
    ReportStatus.DISPOSED,
)
AGENCY_ONLY_STATUSES = (ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.RETURNED)


def make_report(supervision: Supervision, status: str = ReportStatus.ROUTED, **fields) -> ViolationReport:
    """A report on ``supervision`` in ``status`` with what that status carries: from approval on its
    authority, the supervisor's approval and a delivered delivery; from receipt on who received it …"""
    now = timezone.now()
    supervisor = supervision.unit.supervisor or SupervisorFactory(unit=supervision.unit)
    values = {"submitted_at": now - datetime.timedelta(days=2)} if status != ReportStatus.DRAFT else {}
    if status in (ReportStatus.APPROVED, *AUTHORITY_STATUSES, ReportStatus.RETURNED):
        values |= {"reviewed_by": supervisor, "reviewed_at": now - datetime.timedelta(days=1)}
    if status in (ReportStatus.APPROVED, *AUTHORITY_STATUSES):
        values |= {"court": supervision.court, "parole_board": supervision.parole_board}
    if status in (ReportStatus.RECEIVED, ReportStatus.HEARING_SCHEDULED, ReportStatus.DISPOSED):
        clerk = (
            CourtClerkFactory(court=supervision.court)
            if supervision.court
            else BoardStaffFactory(parole_board=supervision.parole_board)
        )
        values |= {"received_by": clerk, "received_at": now - datetime.timedelta(hours=20)}
    if status in (ReportStatus.HEARING_SCHEDULED, ReportStatus.DISPOSED):
        values |= {"hearing_at": now + datetime.timedelta(days=7), "hearing_location": "Courtroom 2"}
    if status == ReportStatus.DISPOSED:
        values |= {"disposition": Disposition.CONTINUED, "disposition_on": timezone.localdate()}
    report = ViolationReportFactory(supervision=supervision, status=status, **(values | fields))
    if status in AUTHORITY_STATUSES:
        ReportDelivery.objects.create(
            report=report,
            court=report.court,
            parole_board=report.parole_board,
            status=DeliveryStatus.DELIVERED,
            attempts=1,
            delivered_at=now - datetime.timedelta(days=1),
            emailed_at=now - datetime.timedelta(days=1),
        )
    return report


@dataclass
class World:
    users: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)
    reports: dict = field(default_factory=dict)


@pytest.fixture
def world() -> World:
    """Court A and court B, board P and board Q; one probation case under each court and one parole case
    under each board, all supervised by one officer of a unit whose supervisor approves the reports.
    Reports: one routed report on every case; on court A's case and on board P's case one more in each
    of the other states, and drafts, submitted, approved and returned reports."""
    court_a, court_b = CourtFactory(name="Court of Common Pleas A"), CourtFactory(name="Court of Common Pleas B")
    board_p, board_q = ParoleBoardFactory(name="Parole Board P"), ParoleBoardFactory(name="Parole Board Q")
    unit = UnitFactory(name="North Field Unit")
    supervisor = SupervisorFactory(unit=unit, username="supervisor", first_name="Sam", last_name="Soto")
    unit.supervisor = supervisor
    unit.save()
    officer = OfficerFactory(unit=unit, username="officer", first_name="Dana", last_name="Ramirez")
    w = World()
    w.users = {
        "officer": officer,
        "supervisor": supervisor,
        "clerk_a": CourtClerkFactory(court=court_a, username="clerk_a"),
        "clerk_b": CourtClerkFactory(court=court_b, username="clerk_b"),
        "staff_p": BoardStaffFactory(parole_board=board_p, username="staff_p"),
        "staff_q": BoardStaffFactory(parole_board=board_q, username="staff_q"),
        "integrator": IntegratorFactory(),
        "administrator": AdministratorFactory(),
    }
    w.cases = {
        "a": SupervisionFactory(
            officer=officer,
            court=court_a,
            docket_number="CR-2025-00042",
            offender=OffenderFactory(first_name="Marcus", last_name="Reyes"),
        ),
        "b": SupervisionFactory(officer=officer, court=court_b, docket_number="CR-2025-00777"),
        "p": ParoleSupervisionFactory(
            officer=officer,
            parole_board=board_p,
            docket_number="P-104233",
            offender=OffenderFactory(first_name="Alicia", last_name="Thompson"),
        ),
        "q": ParoleSupervisionFactory(officer=officer, parole_board=board_q, docket_number="P-200001"),
    }
    for name, case in w.cases.items():
        w.reports[(name, ReportStatus.ROUTED)] = make_report(case, ReportStatus.ROUTED)
    for name in ("a", "p"):
        for status in (*AUTHORITY_STATUSES[1:], *AGENCY_ONLY_STATUSES):
            w.reports[(name, status)] = make_report(w.cases[name], status)
    return w


def snapshot() -> dict:
    """What a denied request must leave as it was. (A refusal itself may be audited with outcome
    "denied", and a page shown again with a form's errors as a read; nothing else is written.)"""
    return {
        "audit": AuditEvent.objects.exclude(outcome=AuditOutcome.DENIED).exclude(action__endswith=".viewed").count(),
        "notes": CaseNote.objects.count(),
        "notifications": Notification.objects.count(),
        "reports": list(
            ViolationReport.objects.order_by("pk").values_list(
                "pk", "status", "received_at", "hearing_at", "disposition", "updated_at"
            )
        ),
        "cases": list(Supervision.objects.order_by("pk").values_list("pk", "status", "closure_reason")),
    }
