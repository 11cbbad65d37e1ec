"""Restricted cases (issue 15, item 9): a case marked restricted is seen only by its officer, the supervisors of
its unit and the staff a supervisor of the unit names (a live grant), on every page and in the API; everyone
else meets a 404, as for a case that does not exist. Marking, lifting, granting and revoking are a unit
supervisor's, each with the reason, the history and the audit row."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from agency.errors import ApplicationError
from agency.models import AuditEvent
from supervision.access import case_records_visible_to, offenders_visible_to, supervisions_visible_to
from supervision.models import CaseAccessGrant, CheckIn, Violation
from supervision.services.restriction import (
    case_access_grant,
    case_access_revoke,
    supervision_restrict,
    supervision_unrestrict,
)
from tests.agency.factories import (
    AdministratorFactory,
    IntegratorFactory,
    OfficerFactory,
    SupervisorFactory,
    UnitFactory,
)
from tests.supervision.factories import (
    CheckInFactory,
    ReferralFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    north, south = UnitFactory(code="north"), UnitFactory(code="south")
    users = {
        "officer": OfficerFactory(unit=north),
        "peer": OfficerFactory(unit=north),
        "supervisor": SupervisorFactory(unit=north),
        "granted": OfficerFactory(unit=south),
        "granted_supervisor": SupervisorFactory(unit=south),
        "revoked": OfficerFactory(unit=south),
        "south_supervisor": SupervisorFactory(unit=south),
        "administrator": AdministratorFactory(),
        "integrator": IntegratorFactory(unit=north),
        "agency_integrator": IntegratorFactory(),
    }
    case = SupervisionFactory(officer=users["officer"])
    records = {
        "check_in": CheckInFactory(supervision=case),
        "violation": ViolationFactory(supervision=case),
        "referral": ReferralFactory(supervision=case),
        "report": ViolationReportFactory(supervision=case),
    }
    supervisor = users["supervisor"]
    supervision_restrict(actor=supervisor, supervision=case, reason="The officer's cousin.")
    for name in ("granted", "granted_supervisor", "revoked"):
        case_access_grant(actor=supervisor, supervision=case, user=users[name], reason="Covers the hearing.")
    revoked = CaseAccessGrant.objects.get(user=users["revoked"])
    case_access_revoke(actor=supervisor, grant=revoked, reason="Hearing over.")
    case.refresh_from_db()
    return {"case": case, "users": users, "records": records}


SEES = {"officer", "supervisor", "granted", "granted_supervisor"}
PAGE_USERS = ("officer", "peer", "supervisor", "granted", "granted_supervisor", "revoked", "south_supervisor")
API_USERS = (*PAGE_USERS, "administrator", "integrator", "agency_integrator")


def _pages(world) -> list[str]:
    case, records = world["case"], world["records"]
    on_case = [
        "case_detail",
        "case_level",
        "case_status",
        "case_close",
        "contact_new",
        "drug_test_new",
        "note_new",
        "referral_new",
        "community_service_new",
        "violation_new",
        "report_new",
    ]
    urls = [reverse(f"supervision:{name}", args=[case.pk]) for name in on_case]
    urls += [
        reverse("supervision:check_in_complete", args=[case.pk, records["check_in"].pk]),
        reverse("supervision:check_in_excuse", args=[case.pk, records["check_in"].pk]),
        reverse("supervision:violation_correct", args=[case.pk, records["violation"].pk]),
        reverse("supervision:referral_status", args=[case.pk, records["referral"].pk]),
        reverse("supervision:report_detail", args=[case.pk, records["report"].pk]),
    ]
    return urls


def _api(world) -> list[str]:
    case, records = world["case"], world["records"]
    return [
        f"/api/v1/supervisions/{case.pk}/",
        f"/api/v1/offenders/{case.offender_id}/",
        f"/api/v1/check-ins/{records['check_in'].pk}/",
        f"/api/v1/violations/{records['violation'].pk}/",
        f"/api/v1/violation-reports/{records['report'].pk}/",
    ]


def _client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


# --- Who sees a restricted case -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", PAGE_USERS)
def test_every_page_of_a_restricted_case_answers_only_those_it_is_restricted_to(agency, who):
    # given a restricted case and a user of the workspace
    client = _client(agency["users"][who])
    # when they open the case page and every page of its records
    statuses = {url: client.get(url).status_code for url in _pages(agency)}
    # then those the case is restricted to get the pages, everyone else a 404 on each
    expected = 200 if who in SEES else 404
    assert {url: status for url, status in statuses.items() if status != expected} == {}


@pytest.mark.parametrize("who", API_USERS)
def test_the_api_shows_a_restricted_case_and_its_records_only_to_those_it_is_restricted_to(agency, who):
    # given a restricted case
    client = _client(agency["users"][who])
    # when the user asks the API for the case, the person and the records / then 200 or 404, never between
    expected = 200 if who in SEES else 404
    assert {url: client.get(url).status_code for url in _api(agency)} == dict.fromkeys(_api(agency), expected)
    # and an action on it is refused as if the case did not exist
    response = client.post(f"/api/v1/violations/{agency['records']['violation'].pk}/withdraw/", {"reason": "x"})
    if who not in SEES:
        assert response.status_code == 404
        assert Violation.objects.get(pk=agency["records"]["violation"].pk).status == "open"


@pytest.mark.parametrize("who", ("administrator", "integrator", "agency_integrator", "peer"))
def test_those_the_case_is_not_restricted_to_see_it_again_once_the_restriction_is_lifted(agency, who):
    # given a restricted case, then the restriction lifted
    case, users = agency["case"], agency["users"]
    supervision_unrestrict(actor=users["supervisor"], supervision=case, reason="The cousin moved away.")
    user = users[who]
    # then it is in their scope as any other case of theirs (an officer still sees only their caseload)
    assert supervisions_visible_to(user).filter(pk=case.pk).exists() is (who != "peer")
    # and a grant no longer opens anything beyond the role's scope
    assert not supervisions_visible_to(users["granted"]).filter(pk=case.pk).exists()


def test_lists_leave_the_restricted_case_out_for_everyone_else(agency):
    # given a restricted case and an ordinary one of the same unit
    case, users = agency["case"], agency["users"]
    ordinary = SupervisionFactory(officer=users["officer"])
    CheckInFactory(supervision=ordinary)
    for who in API_USERS:
        user = users[who]
        # then every list built from the scope has the restricted case (its records, its person) only for those
        # it is restricted to
        shows = who in SEES
        assert supervisions_visible_to(user).filter(pk=case.pk).exists() is shows, who
        assert case_records_visible_to(user, CheckIn.objects.filter(supervision=case)).exists() is shows, who
        assert offenders_visible_to(user).filter(pk=case.offender_id).exists() is shows, who
        data = _client(user).get("/api/v1/supervisions/").json()
        assert (case.pk in {row["id"] for row in data["results"]}) is shows, who


def test_the_list_of_cases_costs_the_same_queries_with_one_restricted_case_or_many(agency):
    # given an administrator and a granted officer, and one restricted case with a grant
    users = agency["users"]

    def count(user) -> int:
        client = _client(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/supervisions/").status_code == 200
            assert client.get(reverse("supervision:caseload")).status_code in (200, 403)
        return len(queries.captured_queries)

    SupervisionFactory(officer=users["peer"])  # one ordinary case: the administrator's list is not empty
    few = {who: count(users[who]) for who in ("administrator", "granted", "supervisor")}
    # when there are three more restricted cases, each with grants, and ordinary ones
    for _ in range(3):
        other = SupervisionFactory(officer=users["officer"])
        supervision_restrict(actor=users["supervisor"], supervision=other, reason="High-profile case.")
        case_access_grant(actor=users["supervisor"], supervision=other, user=users["granted"], reason="Cover.")
        SupervisionFactory(officer=users["peer"])
    # then the lists cost the same
    assert {who: count(users[who]) for who in few} == few


# --- Who restricts, and what is kept ---------------------------------------------------------------------------


def test_restricting_keeps_the_reason_in_the_history_and_the_audit_trail(agency):
    case, supervisor = agency["case"], agency["users"]["supervisor"]
    latest = case.history.filter(is_restricted=True).earliest("history_date")
    assert (latest.history_user, latest.history_change_reason) == (supervisor, "Restricted: The officer's cousin.")
    assert (case.is_restricted, case.restriction_reason) == (True, "The officer's cousin.")
    rows = AuditEvent.objects.filter(object_id=str(case.pk), actor=supervisor).order_by("pk")
    assert [(r.action, r.detail.get("reason")) for r in rows if r.action != "supervision.viewed"] == [
        ("supervision.restricted", "The officer's cousin."),
        ("case_access.granted", "Covers the hearing."),
        ("case_access.granted", "Covers the hearing."),
        ("case_access.granted", "Covers the hearing."),
        ("case_access.revoked", "Hearing over."),
    ]


@pytest.mark.parametrize("who", ("officer", "peer", "south_supervisor", "administrator", "granted_supervisor"))
def test_only_a_supervisor_of_the_unit_restricts_lifts_grants_and_revokes(agency, who):
    # given a restricted case, an ordinary one, a live grant, and someone who is not a supervisor of the unit
    case, users = agency["case"], agency["users"]
    ordinary = SupervisionFactory(officer=users["officer"])
    grant = CaseAccessGrant.objects.get(user=users["granted"])
    actor, audit_rows = users[who], AuditEvent.objects.count()
    # when they try each change / then each is refused with a 403 and nothing changes
    for attempt in (
        lambda: supervision_restrict(actor=actor, supervision=ordinary, reason="Why not."),
        lambda: supervision_unrestrict(actor=actor, supervision=case, reason="Why not."),
        lambda: case_access_grant(actor=actor, supervision=case, user=users["peer"], reason="Why not."),
        lambda: case_access_revoke(actor=actor, grant=grant, reason="Why not."),
    ):
        with pytest.raises(ApplicationError) as refused:
            attempt()
        assert refused.value.status_code == 403
    ordinary.refresh_from_db()
    grant.refresh_from_db()
    assert (ordinary.is_restricted, grant.revoked_at) == (False, None)
    assert AuditEvent.objects.count() == audit_rows


def test_the_rules_of_a_restriction_are_field_and_state_errors(agency):
    case, users = agency["case"], agency["users"]
    supervisor = users["supervisor"]
    ordinary = SupervisionFactory(officer=users["officer"])
    with pytest.raises(ValidationError) as no_reason:
        supervision_restrict(actor=supervisor, supervision=ordinary, reason="  ")
    assert no_reason.value.message_dict == {"reason": ["Say why access to the case is restricted."]}
    with pytest.raises(ApplicationError) as twice:
        supervision_restrict(actor=supervisor, supervision=case, reason="Again.")
    assert twice.value.status_code == 409
    with pytest.raises(ApplicationError) as not_restricted:
        case_access_grant(actor=supervisor, supervision=ordinary, user=users["peer"], reason="Cover.")
    assert not_restricted.value.status_code == 409
    with pytest.raises(ValidationError) as sees_already:
        case_access_grant(actor=supervisor, supervision=case, user=users["officer"], reason="Cover.")
    assert list(sees_already.value.message_dict) == ["user"]
    with pytest.raises(ValidationError):
        case_access_grant(actor=supervisor, supervision=case, user=users["granted"], reason="Twice.")
    grant = CaseAccessGrant.objects.get(user=users["revoked"])
    with pytest.raises(ApplicationError) as revoked_twice:
        case_access_revoke(actor=supervisor, grant=grant, reason="Again.")
    assert revoked_twice.value.status_code == 409


def test_a_revoked_person_may_be_granted_again_and_then_sees_the_case(agency):
    case, users = agency["case"], agency["users"]
    case_access_grant(actor=users["supervisor"], supervision=case, user=users["revoked"], reason="Second hearing.")
    assert supervisions_visible_to(users["revoked"]).filter(pk=case.pk).exists()
    assert CaseAccessGrant.objects.filter(user=users["revoked"]).count() == 2


# --- The page ----------------------------------------------------------------------------------------------


def test_the_supervisor_restricts_grants_and_revokes_on_the_restriction_page(agency):
    # given an ordinary case of the unit, and its supervisor on its restriction page
    users = agency["users"]
    case = SupervisionFactory(officer=users["officer"])
    client = _client(users["supervisor"])
    url = reverse("supervision:case_restriction", args=[case.pk])
    assert "Restrict access" in client.get(url).content.decode()
    # when they restrict it without a reason / then the form says why and nothing changes
    page = client.post(url, {"action": "restrict", "restrict-reason": ""}, format="multipart")
    assert page.status_code == 200 and "cl-error-summary" in page.content.decode()
    case.refresh_from_db()
    assert case.is_restricted is False
    # when they restrict it, name a member of staff, then revoke them
    assert (
        client.post(url, {"action": "restrict", "restrict-reason": "Judge's nephew."}, format="multipart").status_code
        == 302
    )
    assert (
        client.post(
            url, {"action": "grant", "grant-user": users["granted"].pk, "grant-reason": "Cover."}, format="multipart"
        ).url
        == url
    )
    grant = CaseAccessGrant.objects.get(supervision=case)
    page = client.get(url).content.decode()
    assert "Judge&#x27;s nephew." in page and users["granted"].get_full_name() in page
    response = client.post(
        url, {"action": "revoke", "revoke-grant": grant.pk, "revoke-reason": "Not needed."}, format="multipart"
    )
    # then the case is restricted, the grant revoked (on record), and the case page shows the badge
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.revoked_by, grant.revoke_reason) == (users["supervisor"], "Not needed.")
    assert "Restricted" in client.get(reverse("supervision:case_detail", args=[case.pk])).content.decode()


@pytest.mark.parametrize("who", ("officer", "granted_supervisor"))
def test_the_restriction_page_is_refused_to_all_but_the_units_supervisors(agency, who):
    url = reverse("supervision:case_restriction", args=[agency["case"].pk])
    assert _client(agency["users"][who]).get(url).status_code == 403


def test_a_violation_report_routed_to_the_court_stays_in_the_courts_inbox(agency):
    # given a restricted case's report routed to its court
    from tests.agency.factories import CourtClerkFactory

    case = agency["case"]
    report = ViolationReportFactory(
        supervision=case,
        status="routed",
        court=case.court,
        submitted_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
    )
    clerk = CourtClerkFactory(court=case.court)
    # then the clerk still sees it: the authority holding the case decides on it
    assert _client(clerk).get(f"/api/v1/violation-reports/{report.pk}/").status_code == 200
