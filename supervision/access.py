"""Who may see which case, which record of a case, which person and which violation report: one scoping
function per model family.

Every view, API endpoint and task builds its queryset from these, so an object out of scope and an
object that does not exist look the same (404). Writes check scope through the same functions.

A restricted case (``Supervision.is_restricted``: a staff member's relative, a high-profile case) is seen only
by its officer, the supervisors of its unit and the staff named in a live access grant (``CaseAccessGrant``):
everyone else with a wider scope (another supervisor's grant aside: administrators, integrators) is treated as
if it did not exist, everywhere these functions reach (caseload, case and record pages, dashboards, searches,
the API, exports). A grant opens a case only while it is restricted. The court or board holding a case still
sees the violation reports routed to it: the report is the authority's document, and it never lists another
case. Webhooks are unaffected (they carry ids, not a person's record). Every read of a restricted case is
audited as every read of a person's record is (the row names the case or record and the person, so the audit
viewer's person filter finds them all); restricting, lifting, granting and revoking have their own actions
(``supervision.restricted``, ``supervision.unrestricted``, ``case_access.granted``, ``case_access.revoked``).
"""

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from agency.access import AGENCY_WIDE_ROLES, CASE_ROLES, is_active_user, require_role, sees_whole_agency
from agency.choices import Role
from agency.errors import ApplicationError
from agency.models import User
from offenders.models import Offender
from supervision.lifecycle import REPORT_STATUSES_VISIBLE_TO_AUTHORITY
from supervision.models import (
    CaseNote,
    CheckIn,
    ClosureRequest,
    CommunityServiceEntry,
    Condition,
    CustodyEpisode,
    DrugTest,
    Referral,
    ReportDelivery,
    Supervision,
    Violation,
    ViolationReport,
)
from supervision.models.restriction import CaseAccessGrant

# The records of a case, by the path from each to its unit (the audit viewer shows a supervisor the rows
# about their unit's cases through it: agency/urls.py hands it to agency.audit_views).
CASE_RECORD_UNIT_PATHS = {
    Supervision: "unit_id",
    Condition: "supervision__unit_id",
    CheckIn: "supervision__unit_id",
    DrugTest: "supervision__unit_id",
    CaseNote: "supervision__unit_id",
    Referral: "supervision__unit_id",
    Violation: "supervision__unit_id",
    ViolationReport: "supervision__unit_id",
    CommunityServiceEntry: "condition__supervision__unit_id",
    ReportDelivery: "report__supervision__unit_id",
    CustodyEpisode: "supervision__unit_id",
    ClosureRequest: "supervision__unit_id",
}


def _granted(user: User, path: str = "") -> Q:
    """The restricted cases ``user`` is named on by a live grant (``path``: from the queried model to its case)."""
    grants = CaseAccessGrant.objects.filter(user=user, revoked_at__isnull=True).values("supervision_id")
    return Q(**{f"{path}is_restricted": True, f"{path}pk__in": grants})


def supervisions_visible_to(user: User | None) -> QuerySet[Supervision]:
    """Officer: their own caseload. Supervisor: their unit. Integrator: their unit, or the agency when
    not tied to one. Administrator: the agency. Court clerks and board staff: no case directly. A restricted
    case: only its officer, its unit's supervisors, and whoever a live grant names (added to any role's)."""
    qs = Supervision.objects.all()
    if not is_active_user(user):
        return qs.none()
    if user.role not in CASE_ROLES:  # court clerks and board staff: never named on a case either
        return qs.none()
    granted = _granted(user)
    if user.role == Role.OFFICER:
        return qs.filter(Q(officer=user) | granted)
    if user.role == Role.SUPERVISOR:
        return qs.filter(Q(unit_id=user.unit_id) | granted) if user.unit_id else qs.filter(granted)
    unrestricted = Q(is_restricted=False)
    if user.role in AGENCY_WIDE_ROLES:
        return qs.filter(unrestricted | granted)
    if user.role == Role.INTEGRATOR:
        return qs.filter((Q(unit_id=user.unit_id) & unrestricted) | granted if user.unit_id else unrestricted | granted)
    return qs.none()


CaseRecord = TypeVar("CaseRecord", bound=Model)


def case_records_visible_to(user: User | None, queryset: QuerySet[CaseRecord]) -> QuerySet[CaseRecord]:
    """Restrict any queryset of a case record with a ``supervision`` (check-ins, drug tests, notes,
    referrals, violations, conditions …) to the supervisions the user may see."""
    if sees_whole_agency(user) and user is not None:
        # Every case but the restricted ones the user is not named on: no subquery over the whole agency.
        return queryset.filter(Q(supervision__is_restricted=False) | _granted(user, "supervision__"))
    return queryset.filter(supervision__in=supervisions_visible_to(user).values("pk"))


def offenders_visible_to(user: User | None) -> QuerySet[Offender]:
    """The people whose supervisions the user may see (any of their supervisions): a person is seen
    through their cases, so their scope is the cases'. The whole agency also sees the people with no case yet
    (and not the person whose only cases are restricted to others)."""
    qs = Offender.objects.all()
    if not is_active_user(user):
        return qs.none()
    visible = Q(pk__in=supervisions_visible_to(user).values("offender_id"))
    if sees_whole_agency(user):
        return qs.filter(~Q(pk__in=Supervision.objects.filter(is_restricted=True).values("offender_id")) | visible)
    return qs.filter(visible)


def violation_reports_visible_to(user: User | None) -> QuerySet[ViolationReport]:
    """Agency roles: the reports of the cases they may see. Court clerk: the reports routed to their
    court. Parole board staff: the reports routed to their board."""
    qs = ViolationReport.objects.all()
    if not is_active_user(user):
        return qs.none()
    # A clerk always has a court and board staff a board (the constraints user_court_iff_court_clerk and
    # user_board_iff_board_staff); without one they see nothing, never the reports with no court (a filter
    # on None would match those).
    if user.role == Role.COURT_CLERK:
        if user.court_id is None:
            return qs.none()
        return qs.filter(court_id=user.court_id, status__in=REPORT_STATUSES_VISIBLE_TO_AUTHORITY)
    if user.role == Role.PAROLE_BOARD_STAFF:
        if user.parole_board_id is None:
            return qs.none()
        return qs.filter(parole_board_id=user.parole_board_id, status__in=REPORT_STATUSES_VISIBLE_TO_AUTHORITY)
    return case_records_visible_to(user, qs)


def case_change_require(actor: User, supervision: Supervision, doing: str) -> None:
    """A service's gate before it changes a case's orders or records: the case's officer, or a supervisor of
    its unit (an active user); anyone else a 403 saying what they may not do."""
    require_role(actor, (Role.OFFICER, Role.SUPERVISOR), doing)
    in_charge = is_active_user(actor) and (
        supervision.officer_id == actor.pk
        if actor.role == Role.OFFICER
        else actor.unit_id is not None and supervision.unit_id == actor.unit_id
    )
    if not in_charge:
        raise ApplicationError(
            f"Only the case's officer or a supervisor of its unit may {doing} on this case.", status_code=403
        )
