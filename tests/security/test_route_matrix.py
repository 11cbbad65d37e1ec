"""Authorization matrix, complete by construction: every URL pattern (pages and API; the admin has its
own tests in tests/agency/test_admin.py) must have an entry here, or the first test fails. For each route
and each role: the expected outcome on the role's own object, and a refusal (403 or 404) on another
caseload's, court's, board's or unit's object, with nothing changed and the refusal audited."""

from collections.abc import Callable

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agency.models import AuditEvent
from supervision.models import CaseNote, CheckIn, Referral, Supervision, Violation, ViolationReport
from tests.offenders.record_world import PERSON_RECORD_API_CALLS, PERSON_RECORD_CALLS, person_record_api_bodies
from tests.security.matrix_world import OTHER_CASE, OTHER_USER, OWN_CASE, OWN_USER, ROLES, extend_world

pytestmark = pytest.mark.django_db

EXCLUDED_PREFIXES = ("admin/", "static/")


def _walk(patterns, namespace: str = "", prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield (
                (f"{namespace}{pattern.name}" if pattern.name else prefix + str(pattern.pattern)),
                prefix + str(pattern.pattern),
            )


def all_routes() -> set[str]:
    """Every named route of the project outside the admin (DRF's format-suffix twins share a name)."""
    return {name for name, path in _walk(get_resolver().url_patterns) if not path.startswith(EXCLUDED_PREFIXES)}


# --- How to call each route ------------------------------------------------------------------------------------
# kwargs(world, case_name) -> the route's URL arguments for that case's objects; None: the route names no object.


def _case(w, c):
    return {"case_id": w.cases[c].pk}


def _person(w, c):
    return {"person_id": w.cases[c].offender_id}


def _record(resource):
    return lambda w, c: {"pk": w.records[(resource, c)].pk}


def _page_record(key, resource):
    return lambda w, c: {"case_id": w.cases[c].pk, key: w.records[(resource, c)].pk}


def _report(resource):
    return lambda w, c: {"report_id": w.records[(resource, c)].pk}


def _risk_assessment(w, c) -> dict:
    """An assessment on the case whose override (to the case's own level) waits for the supervisor; made on
    first use (tests/supervision/risk_helpers.py)."""
    from supervision.services.risk import risk_assessment_record
    from tests.supervision.risk_helpers import answers_for, instrument_make

    if ("risk-assessments", c) not in w.records:
        case = w.cases[c]
        instrument = instrument_make(name=f"Screening {c}", code=f"screening-{c}")
        w.records[("risk-assessments", c)] = risk_assessment_record(
            actor=case.officer,
            supervision=case,
            instrument=instrument,
            answers=answers_for(instrument, "Yes", "Yes", "No"),
            assessed_on=case.start_date,
            override_level=case.level,
            override_reason="Stable work",
        )
    return {"pk": w.records[("risk-assessments", c)].pk}


def _notification(w, c) -> dict:
    """A notification of the case's officer (made on first use): theirs to mark read, anyone else's a 404."""
    from supervision.models import Notification, NotificationKind

    case = w.cases[c]
    notification, _created = Notification.objects.get_or_create(
        key=f"matrix:{c}",
        defaults={
            "recipient_id": case.officer_id,
            "kind": NotificationKind.MISSED_CHECK_IN,
            "message": f"Missed check-in ({case.docket_number})",
            "supervision": case,
        },
    )
    return {"notification_id": notification.pk}


def _override(w, c) -> int:
    _risk_assessment(w, c)
    return w.records[("risk-assessments", c)].level_override.pk


# Outcomes: "ok" (2xx, or a redirect elsewhere than sign-in; a page form answered with its errors is 200),
# "invalid" (400/405/409/422: let in, but the empty body or the object's state is refused), "deny" (403 or
# 404), "login" (401, or a redirect to sign in).
O, V, D, L = "ok", "invalid", "deny", "login"  # noqa: E741 (one letter each keeps the matrix rows readable)


def row(officer, supervisor, court_clerk, parole_board_staff, integrator, administrator, anonymous=L):
    return dict(
        zip(
            ROLES,
            (officer, supervisor, court_clerk, parole_board_staff, integrator, administrator, anonymous),
            strict=True,
        )
    )


# route -> expected outcome for each role on its own objects (columns: officer, supervisor, court clerk,
# parole board staff, integrator, administrator, anonymous). The requests are the ones in CALLS below, in
# this order of roles, so a POST one role makes may change what the next one meets (e.g. a report submitted).
MATRIX: dict[str, dict[str, str]] = {
    # the API's documentation: signed in (session or token) unless API_DOCS_PUBLIC (tests/docs/test_api_docs_access.py)
    "api-docs": row(O, O, O, O, O, O, L),
    "api-guide": row(O, O, O, O, O, O, L),
    "api-schema": row(O, O, O, O, O, O, L),
    "api:api-root": row(O, O, O, O, O, O, L),
    "api:case-note-detail": row(O, O, D, D, O, O, L),
    "api:case-note-list": row(O, O, D, D, O, O, L),
    "api:check-in-complete": row(O, V, D, D, V, V, L),
    "api:check-in-detail": row(O, O, D, D, O, O, L),
    "api:check-in-excuse": row(O, V, D, D, V, V, L),
    "api:check-in-list": row(O, O, D, D, O, O, L),
    "api:condition-detail": row(O, O, D, D, O, O, L),
    # orders and corrections: the case's officer or its unit's supervisor (the supervisor meets what the officer did)
    "api:condition-end": row(O, V, D, D, D, D, L),
    "api:condition-list": row(O, O, D, D, O, O, L),
    "api:condition-modify": row(O, V, D, D, D, D, L),
    "api:court-detail": row(O, O, O, O, O, O, L),
    "api:court-list": row(O, O, O, O, O, O, L),
    "api:drug-test-detail": row(O, O, D, D, O, O, L),
    "api:drug-test-list": row(O, O, D, D, O, O, L),
    "api:me": row(O, O, O, O, O, O, L),
    # risk assessments: recorded by the case's officer or supervisor; an override decided by a supervisor of the
    # unit other than the one who asked
    "api:risk-assessment-approve-override": row(D, O, D, D, D, D, L),
    "api:risk-assessment-decline-override": row(D, O, D, D, D, D, L),
    "api:risk-assessment-detail": row(O, O, D, D, O, O, L),
    "api:risk-assessment-list": row(O, O, D, D, O, O, L),
    "api:offender-detail": row(O, O, D, D, O, O, L),
    "api:offender-duplicates": row(V, V, D, D, V, V, L),  # (nothing to look for: 400)
    "api:offender-list": row(O, O, D, D, O, O, L),
    # a person's record over the API (issue 15, item 2): read as people are; changed by the officer or a supervisor
    # of one of the person's open cases (the supervisor meets what the officer did: 409, or 400 "nothing changed")
    **{route: row(O, O, D, D, O, O, L) for route in PERSON_RECORD_API_CALLS if route.endswith(("-list", "-detail"))},
    "api:address-correct": row(O, V, D, D, D, D, L),
    "api:address-verify": row(O, O, D, D, D, D, L),  # the same day again: audited, nothing changes
    "api:employment-end": row(O, V, D, D, D, D, L),
    "api:employment-verify": row(O, O, D, D, D, D, L),
    "api:phone-make-primary": row(O, V, D, D, D, D, L),
    "api:phone-end": row(O, V, D, D, D, D, L),
    "api:emergency-contact-update": row(O, V, D, D, D, D, L),
    "api:emergency-contact-end": row(O, V, D, D, D, D, L),
    "api:alias-end": row(O, V, D, D, D, D, L),
    "api:officer-detail": row(O, O, D, D, O, O, L),
    "api:officer-list": row(O, O, D, D, O, O, L),
    "api:parole-board-detail": row(O, O, O, O, O, O, L),
    "api:parole-board-list": row(O, O, O, O, O, O, L),
    "api:supervision-change-level": row(V, V, D, D, V, V, L),
    "api:supervision-change-status": row(V, V, D, D, V, V, L),
    "api:supervision-close": row(V, V, D, D, V, V, L),
    "api:supervision-detail": row(O, O, D, D, O, O, L),
    "api:supervision-reassign": row(V, V, D, D, V, V, L),
    "api:supervision-list": row(O, O, D, D, O, O, L),
    "api:unit-detail": row(O, O, D, D, O, O, L),
    "api:unit-list": row(O, O, D, D, O, O, L),
    "api:violation-detail": row(O, O, D, D, O, O, L),
    "api:violation-dismiss": row(O, V, D, D, D, D, L),
    "api:violation-list": row(O, O, D, D, O, O, L),
    "api:violation-withdraw": row(O, V, D, D, D, D, L),
    "api:violation-merge": row(V, V, D, D, V, V, L),  # an empty body: `into` is required
    "api:violation-report-acknowledge": row(D, D, O, O, D, D, L),
    "api:violation-report-approve": row(D, O, D, D, D, D, L),
    "api:violation-report-detail": row(O, O, O, O, O, O, L),
    "api:violation-report-disposition": row(D, D, V, V, D, D, L),
    "api:violation-report-hearing": row(D, D, V, V, D, D, L),
    "api:violation-report-list": row(O, O, O, O, O, O, L),
    "api:violation-report-return-": row(D, O, D, D, D, D, L),
    "api:violation-report-submit": row(O, D, D, D, D, D, L),  # only its author submits a report (issue 12, #4)
    # custody and four-eyes closures (issue 15): the world's closure requests are declined already (a 409 for the
    # unit's supervisor, who may decide; refused for anyone else)
    "api:supervision-custody": row(V, V, D, D, V, V, L),
    "api:supervision-custody-release": row(V, V, D, D, V, V, L),
    "api:closure-request-list": row(O, O, D, D, O, O, L),
    "api:closure-request-detail": row(O, O, D, D, O, O, L),
    "api:closure-request-approve": row(D, V, D, D, D, D, L),
    "api:closure-request-decline": row(D, V, D, D, D, D, L),
    "dashboard:closures": row(D, O, D, D, D, D, L),
    "dashboard:closure_detail": row(D, O, D, D, D, D, L),
    "dashboard:closure_approve": row(D, O, D, D, D, D, L),
    "dashboard:closure_decline": row(D, O, D, D, D, D, L),
    "supervision:case_custody": row(O, O, D, D, D, D, L),
    "audit:events": row(D, O, D, D, D, O, L),
    "audit:export": row(D, O, D, D, D, O, L),
    "dashboard:case_assignments": row(O, O, D, D, D, D, L),
    "dashboard:cases": row(O, O, D, D, D, D, L),
    "dashboard:export": row(O, O, D, D, D, D, L),
    "dashboard:index": row(D, O, D, D, D, D, L),
    "dashboard:level_override_approve": row(D, O, D, D, D, D, L),
    "dashboard:level_override_decline": row(D, O, D, D, D, D, L),
    "dashboard:level_overrides": row(D, O, D, D, D, D, L),
    "dashboard:me": row(O, D, D, D, D, D, L),
    "dashboard:officer": row(D, O, D, D, D, D, L),
    "dashboard:reassign": row(D, O, D, D, D, D, L),
    "dashboard:review_approve": row(D, O, D, D, D, D, L),
    "dashboard:review_detail": row(D, O, D, D, D, D, L),
    "dashboard:review_return": row(D, O, D, D, D, D, L),
    "dashboard:reviews": row(D, O, D, D, D, D, L),
    "healthz": row(O, O, O, O, O, O, O),
    "home": row(O, O, O, O, O, O, L),
    "inbox:inbox": row(D, D, O, O, D, D, L),
    "inbox:report_acknowledge": row(D, D, O, O, D, D, L),
    "inbox:report_detail": row(D, D, O, O, D, D, L),
    "inbox:report_disposition": row(D, D, O, O, D, D, L),
    "inbox:report_hearing": row(D, D, O, O, D, D, L),
    "inbox:report_pdf": row(D, D, O, O, D, D, L),
    "login": row(O, O, O, O, O, O, O),
    "logout": row(L, L, L, L, L, L, L),
    "password_change": row(O, O, O, O, O, O, L),
    "password_change_done": row(O, O, O, O, O, O, L),
    "supervision:case_close": row(O, O, D, D, D, D, L),
    # restricting a case: the supervisors of its unit only (an empty POST shows the page again)
    "supervision:case_restriction": row(D, O, D, D, D, D, L),
    "supervision:case_detail": row(O, O, D, D, D, D, L),
    "supervision:case_level": row(O, O, D, D, D, D, L),
    "supervision:case_status": row(O, O, D, D, D, D, L),
    "supervision:caseload": row(O, O, D, D, D, D, L),
    "supervision:check_in_complete": row(O, O, D, D, D, D, L),
    "supervision:check_in_excuse": row(O, O, D, D, D, D, L),
    "supervision:community_service_new": row(O, O, D, D, D, D, L),
    "supervision:condition_end": row(O, O, D, D, D, D, L),
    "supervision:condition_modify": row(O, O, D, D, D, D, L),
    "supervision:condition_new": row(O, O, D, D, D, D, L),
    "supervision:contact_new": row(O, O, D, D, D, D, L),
    "supervision:drug_test_new": row(O, O, D, D, D, D, L),
    "supervision:intake": row(O, O, D, D, D, D, L),
    "supervision:intake_open": row(O, O, D, D, D, D, L),
    "supervision:intake_register": row(O, O, D, D, D, D, L),
    "supervision:note_new": row(O, O, D, D, D, D, L),
    "supervision:person_detail": row(O, O, D, D, D, D, L),
    "supervision:referral_new": row(O, O, D, D, D, D, L),
    "supervision:referral_status": row(O, O, D, D, D, D, L),
    "supervision:report_detail": row(O, O, D, D, D, D, L),
    "supervision:report_new": row(O, O, D, D, D, D, L),
    "supervision:report_submit": row(O, D, D, D, D, D, L),  # only its author submits a report (issue 12, #4)
    "supervision:report_preview": row(O, O, D, D, D, D, L),  # the PDF the court will see (issue 16, item 6)
    "supervision:risk_assessment_new": row(O, O, D, D, D, D, L),
    "supervision:violation_correct": row(O, O, D, D, D, D, L),
    "supervision:violation_new": row(O, O, D, D, D, D, L),
    # a person's record (issue 15, item 2): the staff of the person's cases
    **{route: row(O, O, D, D, D, D, L) for route in PERSON_RECORD_CALLS},
    # notifications (issue 16, item 2): every member of staff has their own (an integrator, a machine, has none);
    # the notification marked read is the case officer's, so anyone else (their supervisor included) meets a 404
    "notifications:list": row(O, O, O, O, D, O, L),
    "notifications:read": row(O, D, D, D, D, D, L),
    "notifications:read_all": row(O, O, O, O, D, O, L),
    "notifications:preferences": row(O, O, O, O, D, O, L),
    "session_keepalive": row(O, O, O, O, O, O, L),
    "two_factor_setup": row(O, O, O, O, O, O, L),
    "two_factor_verify": row(O, O, O, O, O, O, L),
}

# Reference data every signed-in role reads: no "other" object to be refused.
REFERENCE_DATA = {"api:court-detail", "api:parole-board-detail"}

CALLS: dict[str, tuple[str, Callable | None]] = {
    # public
    "healthz": ("GET", None),
    "login": ("GET", None),
    "logout": ("POST", None),
    # signed in
    "api-schema": ("GET", None),
    "api-docs": ("GET", None),
    "api-guide": ("GET", None),
    "home": ("GET", None),
    "password_change": ("GET", None),
    "password_change_done": ("GET", None),
    "two_factor_verify": ("GET", None),
    "two_factor_setup": ("GET", None),
    "session_keepalive": ("POST", None),
    "audit:events": ("GET", None),
    "audit:export": ("GET", None),
    # the officer's workspace
    "supervision:caseload": ("GET", None),
    "supervision:case_detail": ("GET", _case),
    "supervision:case_level": ("POST", _case),
    "supervision:case_status": ("POST", _case),
    "supervision:case_close": ("POST", _case),
    "supervision:case_restriction": ("POST", _case),
    "supervision:check_in_complete": ("POST", _page_record("check_in_id", "check-ins")),
    "supervision:check_in_excuse": ("POST", _page_record("check_in_id", "check-ins")),
    "supervision:contact_new": ("POST", _case),
    "supervision:drug_test_new": ("POST", _case),
    "supervision:note_new": ("POST", _case),
    "supervision:referral_new": ("POST", _case),
    "supervision:referral_status": ("POST", _page_record("referral_id", "referrals")),
    "supervision:community_service_new": ("POST", _case),
    "supervision:condition_new": ("POST", _case),
    "supervision:condition_modify": ("POST", _page_record("condition_id", "conditions")),
    "supervision:condition_end": ("POST", _page_record("condition_id", "conditions")),
    "supervision:violation_new": ("POST", _case),
    "supervision:violation_correct": ("POST", _page_record("violation_id", "violations")),
    "supervision:report_new": ("POST", _case),
    "supervision:report_detail": ("GET", _page_record("report_id", "draft-reports")),
    "supervision:report_submit": ("POST", _page_record("report_id", "draft-reports")),
    "supervision:report_preview": ("GET", _page_record("report_id", "draft-reports")),
    **PERSON_RECORD_CALLS,
    "supervision:risk_assessment_new": ("POST", _case),
    # intake and the person page (a person is found through their cases: another caseload's is a 404)
    "supervision:intake": ("GET", None),
    "supervision:intake_register": ("POST", None),
    "supervision:intake_open": ("POST", _person),
    "supervision:person_detail": ("GET", _person),
    # the supervisor's dashboard
    "dashboard:index": ("GET", None),
    "dashboard:me": ("GET", None),
    "dashboard:officer": ("GET", lambda w, c: {"officer_id": w.cases[c].officer_id}),
    "dashboard:cases": ("GET", None),
    "dashboard:case_assignments": ("GET", _case),
    "dashboard:reassign": ("POST", None),
    "dashboard:reviews": ("GET", None),
    "dashboard:review_detail": ("GET", _report("review-reports")),
    "dashboard:review_approve": ("POST", _report("review-reports")),
    "dashboard:review_return": ("POST", _report("review-reports")),
    "dashboard:export": ("GET", None),
    "dashboard:level_overrides": ("GET", None),
    "dashboard:level_override_approve": ("POST", lambda w, c: {"override_id": _override(w, c)}),
    "dashboard:level_override_decline": ("POST", lambda w, c: {"override_id": _override(w, c)}),
    # the inbox
    "inbox:inbox": ("GET", None),
    "inbox:report_detail": ("GET", _report("violation-reports")),
    "inbox:report_pdf": ("GET", _report("violation-reports")),
    "inbox:report_acknowledge": ("POST", _report("violation-reports")),
    "inbox:report_hearing": ("POST", _report("violation-reports")),
    "inbox:report_disposition": ("POST", _report("violation-reports")),
    # notifications
    "notifications:list": ("GET", None),
    "notifications:read": ("POST", _notification),
    "notifications:read_all": ("POST", None),
    "notifications:preferences": ("GET", None),
    # the API
    "api:api-root": ("GET", None),
    "api:me": ("GET", None),
    "api:court-list": ("GET", None),
    "api:court-detail": ("GET", lambda w, c: {"pk": w.court.pk}),
    "api:parole-board-list": ("GET", None),
    "api:parole-board-detail": ("GET", lambda w, c: {"pk": w.board.pk}),
    "api:unit-list": ("GET", None),
    "api:unit-detail": ("GET", lambda w, c: {"pk": w.cases[c].unit_id}),
    "api:officer-list": ("GET", None),
    "api:officer-detail": ("GET", lambda w, c: {"pk": w.cases[c].officer_id}),
    "api:offender-list": ("GET", None),
    "api:offender-detail": ("GET", _record("offenders")),
    "api:offender-duplicates": ("GET", None),
    **PERSON_RECORD_API_CALLS,
    "api:supervision-list": ("GET", None),
    "api:supervision-detail": ("GET", _record("supervisions")),
    "api:supervision-change-level": ("POST", _record("supervisions")),
    "api:supervision-change-status": ("POST", _record("supervisions")),
    "api:supervision-close": ("POST", _record("supervisions")),
    "api:supervision-reassign": ("POST", _record("supervisions")),
    "api:condition-list": ("GET", None),
    "api:condition-detail": ("GET", _record("conditions")),
    "api:condition-modify": ("POST", _record("conditions")),
    "api:condition-end": ("POST", _record("conditions")),
    "api:check-in-list": ("GET", None),
    "api:check-in-detail": ("GET", _record("check-ins")),
    "api:check-in-complete": ("POST", _record("check-ins")),
    "api:check-in-excuse": ("POST", _record("check-ins")),
    "api:drug-test-list": ("GET", None),
    "api:drug-test-detail": ("GET", _record("drug-tests")),
    "api:case-note-list": ("GET", None),
    "api:case-note-detail": ("GET", _record("case-notes")),
    "api:violation-list": ("GET", None),
    "api:violation-detail": ("GET", _record("violations")),
    "api:violation-withdraw": ("POST", _record("violations")),
    "api:violation-merge": ("POST", _record("violations")),
    "api:violation-dismiss": ("POST", _record("violations")),
    "api:violation-report-list": ("GET", None),
    "api:violation-report-detail": ("GET", _record("violation-reports")),
    "api:violation-report-submit": ("POST", _record("draft-reports")),
    "api:violation-report-approve": ("POST", _record("review-reports")),
    "api:violation-report-return-": ("POST", _record("review-reports")),
    "api:violation-report-acknowledge": ("POST", _record("violation-reports")),
    "api:violation-report-hearing": ("POST", _record("violation-reports")),
    "api:violation-report-disposition": ("POST", _record("violation-reports")),
    "api:supervision-custody": ("POST", _record("supervisions")),
    "api:supervision-custody-release": ("POST", _record("supervisions")),
    "api:closure-request-list": ("GET", None),
    "api:closure-request-detail": ("GET", _record("closure-requests")),
    "api:closure-request-approve": ("POST", _record("closure-requests")),
    "api:closure-request-decline": ("POST", _record("closure-requests")),
    "dashboard:closures": ("GET", None),
    "dashboard:closure_detail": ("GET", lambda w, c: {"request_id": w.records[("closure-requests", c)].pk}),
    "dashboard:closure_approve": ("POST", lambda w, c: {"request_id": w.records[("closure-requests", c)].pk}),
    "dashboard:closure_decline": ("POST", lambda w, c: {"request_id": w.records[("closure-requests", c)].pk}),
    "supervision:case_custody": ("POST", _case),
    "api:risk-assessment-list": ("GET", None),
    "api:risk-assessment-detail": ("GET", _risk_assessment),
    "api:risk-assessment-approve-override": ("POST", _risk_assessment),
    "api:risk-assessment-decline-override": ("POST", _risk_assessment),
}


@pytest.fixture
def agency(world):
    extend_world(world)
    return world


def _client(agency, user_name: str | None):
    client = APIClient()
    if user_name is not None:
        client.force_login(agency.users[user_name])
    return client


def _outcome(response) -> str:
    status = response.status_code
    if status == 401 or (status == 302 and reverse("login") in response.get("Location", "")):
        return L
    if status in (403, 404):
        return D
    assert status < 500, f"server error {status}"
    if status in (400, 405, 409, 422):
        return V
    return O


def _fingerprint() -> tuple:
    """Everything a request could change on a case."""
    return (
        tuple(Supervision.objects.order_by("pk").values_list("pk", "officer_id", "status", "level")),
        tuple(CheckIn.objects.order_by("pk").values_list("pk", "status")),
        tuple(ViolationReport.objects.order_by("pk").values_list("pk", "status")),
        tuple(Referral.objects.order_by("pk").values_list("pk", "status")),
        Violation.objects.count(),
        CaseNote.objects.count(),
    )


FIXED_KWARGS = {"dashboard:export": {"table": "caseload"}}
_TODAY = timezone.localdate().isoformat()  # the clock the run is at (CASELINE_TEST_CLOCK moves it before import)
_ORDER = {"order_date": _TODAY, "order_reference": "Order 7"}
# Valid bodies for the API actions, so that the role is what decides (an empty body would stop at validation).
BODIES = {
    "api:check-in-excuse": {"reason": "In hospital."},
    "api:violation-report-return-": {"comment": "Add the test results."},
    "api:violation-report-hearing": {"hearing_at": "2030-03-01T09:30:00Z", "location": "Courtroom 2"},
    "api:violation-report-disposition": {"disposition": "dismissed"},
    "api:condition-modify": {"details": "Home by 23:00.", **_ORDER},
    "api:condition-end": {"ended_on": _TODAY, **_ORDER},
    "api:violation-withdraw": {"reason": "Recorded in error."},
    "api:violation-dismiss": {"reason": "Not sustained."},
    "api:closure-request-decline": {"reason": "Not yet."},
    "api:risk-assessment-decline-override": {"reason": "The score stands."},
    "dashboard:level_override_decline": {"reason": "The score stands."},
    **person_record_api_bodies(_TODAY),
}


def _call(client, route: str, kwargs: dict | None):
    method, _builder = CALLS[route]
    url = reverse(route, kwargs=kwargs or FIXED_KWARGS.get(route))
    return client.post(url, BODIES.get(route, {}), format="json") if method == "POST" else client.get(url)


def _denied_rows(user) -> int:
    return AuditEvent.objects.filter(actor=user, action="access.denied", outcome="denied").count()


def test_every_route_is_in_the_matrix():
    # given every URL pattern of the project outside the admin
    routes = all_routes()
    # then each has an expected outcome per role and a way to call it, and the matrix names no stale route
    assert routes - set(MATRIX) == set(), "routes missing from the role matrix"
    assert set(MATRIX) - routes == set(), "routes in the matrix that no longer exist"
    assert set(CALLS) == set(MATRIX)
    assert all(set(expected) == set(ROLES) for expected in MATRIX.values())


def test_a_route_missing_from_the_matrix_fails_the_check(monkeypatch):
    # given a new route nobody added to the matrix
    from django.urls import path

    from agency import urls

    monkeypatch.setattr(urls, "urlpatterns", [*urls.urlpatterns, path("new-page/", lambda r: None, name="new_page")])
    from django.urls import clear_url_caches

    clear_url_caches()
    try:
        # then the completeness check names it
        assert all_routes() - set(MATRIX) == {"new_page"}
    finally:
        monkeypatch.undo()
        clear_url_caches()


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_route_matrix(agency, route):
    _method, builder = CALLS[route]
    # when each role calls the route on its own objects
    seen = {}
    for role in ROLES:
        user = agency.users[OWN_USER[role]] if role in OWN_USER else None
        before, denied_before = _fingerprint(), _denied_rows(user) if user else 0
        response = _call(
            _client(agency, OWN_USER.get(role)), route, builder(agency, OWN_CASE[role]) if builder else None
        )
        seen[role] = _outcome(response)
        # then a refusal changed nothing, and a signed-in user's refusal is audited
        if seen[role] in (D, L):
            assert _fingerprint() == before, f"{role} was refused {route} but something changed"
        if seen[role] == D:
            assert _denied_rows(user) == denied_before + 1, f"{role} refused {route} without an audit row"
    assert seen == MATRIX[route], f"{route}: {seen}"
    if builder is None or route in REFERENCE_DATA:
        return
    # when each role calls it on someone else's object (another caseload, unit, court or board)
    for role, user_name in OTHER_USER.items():
        user = agency.users[user_name]
        before, denied_before = _fingerprint(), _denied_rows(user)
        response = _call(_client(agency, user_name), route, builder(agency, OTHER_CASE[role]))
        # then it is refused, nothing changed, and the refusal is audited
        assert _outcome(response) == D, f"{role} reached another's object through {route}"
        assert _fingerprint() == before
        assert _denied_rows(user) == denied_before + 1
