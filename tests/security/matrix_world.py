"""The agency the route matrix runs against: the API tests' world (two units, a court, a board, every
kind of record on three cases) plus what the pages need: a report under review and a referral per case,
and an integrator limited to the south unit."""

import datetime

from supervision.choices import ClosureRequestStatus, ReferralKind, ReportStatus
from supervision.models import ClosureRequest, Referral
from tests.agency.factories import IntegratorFactory
from tests.supervision.factories import ViolationReportFactory

ROLES = (
    "officer",
    "supervisor",
    "court_clerk",
    "parole_board_staff",
    "integrator",
    "administrator",
    "anonymous",
)

# The world's user who plays each role on their own objects, and on someone else's.
OWN_USER = {
    "officer": "officer",
    "supervisor": "supervisor",
    "court_clerk": "clerk",
    "parole_board_staff": "board_staff",
    "integrator": "integrator",
    "administrator": "admin",
}
OTHER_USER = {
    "officer": "officer",
    "supervisor": "supervisor",
    "court_clerk": "clerk",
    "parole_board_staff": "board_staff",
    "integrator": "south_integrator",
}
# The case each role works on ("own"), and a case outside its caseload, court, board or unit ("other").
OWN_CASE = {
    "officer": "mine",
    "supervisor": "mine",
    "court_clerk": "mine",
    "parole_board_staff": "peer",
    "integrator": "mine",
    "administrator": "mine",
    "anonymous": "mine",
}
OTHER_CASE = {
    "officer": "south",
    "supervisor": "south",
    "court_clerk": "peer",
    "parole_board_staff": "mine",
    "integrator": "mine",
}


def extend_world(world) -> None:
    world.users["south_integrator"] = IntegratorFactory(unit=world.units["south"], username="integrator_south")
    for name, case in world.cases.items():
        # a routed report was approved by the unit's supervisor (the inbox page names them)
        routed = world.records[("violation-reports", name)]
        routed.reviewed_by = (
            world.users["supervisor"] if case.unit_id == world.units["north"].pk else world.users["south_supervisor"]
        )
        routed.save(update_fields=["reviewed_by"])
        world.records[("review-reports", name)] = ViolationReportFactory(
            supervision=case, status=ReportStatus.SUBMITTED
        )
        world.records[("referrals", name)] = Referral.objects.create(
            supervision=case,
            kind=ReferralKind.choices[0][0],
            provider="Work Ready",
            referred_on=datetime.date(2026, 1, 5),
            status_changed_on=datetime.date(2026, 1, 5),
            referred_by=case.officer,
        )
        # a closure asked for by the case's officer and declined by the unit's supervisor (issue 15)
        world.records[("closure-requests", name)] = ClosureRequest.objects.create(
            supervision=case,
            closure_reason="early_termination",
            closed_on=datetime.date(2026, 1, 5),
            requested_by=case.officer,
            requested_at=datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC),
            status=ClosureRequestStatus.DECLINED,
            decided_by=routed.reviewed_by,
            decided_at=datetime.datetime(2026, 1, 6, 9, 0, tzinfo=datetime.UTC),
            decision_reason="Not yet.",
        )
