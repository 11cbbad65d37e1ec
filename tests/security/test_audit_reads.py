"""Reads leave a trace (issue 12, finding 8): every response that shows a person's data writes one audit
row naming the people shown — a page about one case or record names its person (``offender_id``), a list
page names everyone on it (``offender_ids``) — before the response is built, so that no row means no
answer (fail closed). The viewer's per-person filter finds list reads too.

The last test walks every route of the role matrix (tests/security/test_route_matrix.py) as each role
allowed on it, reads which people the answer shows (their names in a page, their records in the API's
JSON), and checks that exactly one row of that request names exactly them."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse
from rest_framework.test import APIClient

from agency.audit import audit_people_named
from agency.models import AuditEvent
from offenders.models import Offender
from supervision import services
from supervision.models import Supervision, ViolationReport
from tests.api.test_audited_pages import audit_table_refusing_writes
from tests.offenders.record_world import PERSON_RECORD_API_CALLS, PERSON_RECORD_CALLS
from tests.security.matrix_world import OWN_CASE, OWN_USER, ROLES, extend_world
from tests.security.test_route_matrix import CALLS, MATRIX, O, _call
from tests.supervision.factories import SupervisionFactory

pytestmark = pytest.mark.django_db

# A last name no page shows by chance: a page shows the person iff their marker is in it.
MARKERS = {"mine": "Quillmarkmine", "peer": "Quillmarkpeer", "south": "Quillmarksouth"}


@pytest.fixture
def agency(world):
    """The role matrix's agency; each person has a name no other text contains, and the north unit's two
    cases were each lent to the other officer and given back (the dashboards' recent reassignments name
    their people)."""
    extend_world(world)
    for name, case in world.cases.items():
        Offender.objects.filter(pk=case.offender_id).update(last_name=MARKERS[name])
    supervisor, officer, peer_officer = world.users["supervisor"], world.users["officer"], world.users["peer_officer"]
    for name, holder, stand_in in (("mine", officer, peer_officer), ("peer", peer_officer, officer)):
        case = Supervision.objects.get(pk=world.cases[name].pk)
        services.supervision_reassign(actor=supervisor, supervisions=[case], officer=stand_in, reason="Cover")
        case.refresh_from_db()
        services.supervision_reassign(actor=supervisor, supervisions=[case], officer=holder, reason="Back")
    return world


def _client(agency, user_name: str) -> APIClient:
    client = APIClient()
    client.force_login(agency.users[user_name])
    return client


def _last_row() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _rows_since(last: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=last).order_by("id"))


def _person(agency, case_name: str) -> int:
    return agency.cases[case_name].offender_id


# --- Each page and endpoint that did not leave a trace -----------------------------------------------------


@pytest.mark.parametrize("report", ["draft-reports", "violation-reports"], ids=["draft", "routed"])
def test_the_officers_report_page_is_one_row_naming_the_person(agency, report):
    # given the officer and a report of their case (a draft they may edit, a routed one they may not)
    case, draft = agency.cases["mine"], agency.records[(report, "mine")]
    client = _client(agency, "officer")
    last = _last_row()
    # when they open the report page
    response = client.get(reverse("supervision:report_detail", args=[case.pk, draft.pk]))
    # then one row says who read which report of which person, on which page
    assert response.status_code == 200
    (row,) = _rows_since(last)
    assert (row.actor, row.action, row.object_type, row.object_id) == (
        agency.users["officer"],
        "violation_report.viewed",
        "supervision.violationreport",
        str(draft.pk),
    )
    assert (row.offender_id, row.offender_ids, row.detail) == (
        case.offender_id,
        [],
        {"page": "supervision:report_detail"},
    )


@pytest.mark.parametrize("user_name", ["officer", "supervisor"])
def test_the_case_assignments_page_is_one_row_naming_the_person(agency, user_name):
    # given the case's officer or the unit's supervisor
    case = agency.cases["mine"]
    client = _client(agency, user_name)
    last = _last_row()
    # when they open the case's assignment history
    response = client.get(reverse("dashboard:case_assignments", args=[case.pk]))
    # then one row names the case and its person
    assert response.status_code == 200
    (row,) = _rows_since(last)
    assert (row.actor, row.action, row.object_type, row.object_id, row.offender_id) == (
        agency.users[user_name],
        "supervision.viewed",
        "supervision.supervision",
        str(case.pk),
        case.offender_id,
    )
    assert row.detail == {"page": "dashboard:case_assignments"}


def test_the_caseload_without_a_search_is_one_row_naming_everyone_on_the_page(agency):
    # given the unit's supervisor and the unit's two cases
    client = _client(agency, "supervisor")
    last = _last_row()
    # when they open the unit caseload (no search)
    response = client.get(reverse("supervision:caseload"))
    # then one row names the two people and the cases shown, in the page's order
    shown = list(response.context["page_obj"])
    (row,) = _rows_since(last)
    assert (row.actor, row.action, row.object_type, row.offender_id) == (
        agency.users["supervisor"],
        "supervision.listed",
        "",
        None,
    )
    assert row.offender_ids == sorted([_person(agency, "mine"), _person(agency, "peer")])
    assert row.detail == {"page": "supervision:caseload", "ids": [case.pk for case in shown], "query": {}}


def test_a_caseload_page_names_the_people_of_that_page_only(agency):
    # given an officer with 27 more cases: two pages of 25
    officer = agency.users["officer"]
    for _ in range(27):
        SupervisionFactory(officer=officer, court=agency.court)
    client = _client(agency, "officer")
    last = _last_row()
    # when they open the second page
    response = client.get(reverse("supervision:caseload"), {"page": 2})
    # then the row names the three people on it, and the page number it was asked for
    shown = list(response.context["page_obj"])
    (row,) = _rows_since(last)
    assert len(shown) == 3
    assert row.offender_ids == sorted(case.offender_id for case in shown)
    assert row.detail == {"page": "supervision:caseload", "ids": [c.pk for c in shown], "query": {"page": "2"}}


def test_a_caseload_search_also_names_the_people_found(agency):
    # given the officer
    client = _client(agency, "officer")
    last = _last_row()
    # when they search their caseload by the person's name
    client.get(reverse("supervision:caseload"), {"q": MARKERS["mine"]})
    # then the search is recorded (by the throttle) and the list row names the person found
    rows = _rows_since(last)
    assert [row.action for row in rows] == ["supervision.listed", "search.performed"]
    assert rows[0].offender_ids == [_person(agency, "mine")]
    assert rows[0].detail["query"] == {"q": MARKERS["mine"]}


def test_the_dashboard_case_list_is_one_row_naming_everyone_on_it(agency):
    # given the unit's supervisor
    client = _client(agency, "supervisor")
    last = _last_row()
    # when they open the cases behind the "open cases" figure
    response = client.get(reverse("dashboard:cases"), {"figure": "open"})
    # then one row names the people of the cases listed
    shown = list(response.context["page_obj"])
    (row,) = _rows_since(last)
    assert (row.action, row.offender_id) == ("supervision.listed", None)
    assert row.offender_ids == sorted([_person(agency, "mine"), _person(agency, "peer")])
    assert row.detail == {"page": "dashboard:cases", "ids": [case.pk for case in shown], "query": {"figure": "open"}}


def test_the_inbox_is_one_row_naming_everyone_on_it(agency):
    # given the clerk of the court both probation cases were sentenced in
    client = _client(agency, "clerk")
    last = _last_row()
    # when they open their inbox
    response = client.get(reverse("inbox:inbox"))
    # then one row names the two people whose reports it lists
    shown = list(response.context["page_obj"])
    (row,) = _rows_since(last)
    assert (row.actor, row.action, row.offender_id) == (agency.users["clerk"], "violation_report.listed", None)
    assert row.offender_ids == sorted([_person(agency, "mine"), _person(agency, "south")])
    assert row.detail == {"page": "inbox:inbox", "ids": [report.pk for report in shown], "query": {}}


def test_the_review_queue_is_one_row_naming_everyone_on_it(agency):
    # given the supervisor, with a report under review on each of the unit's cases
    client = _client(agency, "supervisor")
    last = _last_row()
    # when they open the review queue
    response = client.get(reverse("dashboard:reviews"))
    # then one row names the two people
    (row,) = _rows_since(last)
    assert (row.action, row.detail["page"]) == ("violation_report.listed", "dashboard:reviews")
    assert row.offender_ids == sorted([_person(agency, "mine"), _person(agency, "peer")])
    assert row.detail["ids"] == [report.pk for report in response.context["reports"]]


@pytest.mark.parametrize(
    ("user_name", "route", "people"),
    [("supervisor", "dashboard:index", ["mine", "peer"]), ("officer", "dashboard:me", [])],
    ids=["unit", "me"],
)
def test_a_dashboard_names_the_people_of_its_recent_reassignments(agency, user_name, route, people):
    # given the unit's cases, each reassigned and given back
    client = _client(agency, user_name)
    last = _last_row()
    # when the supervisor opens the unit dashboard (the officer their own figures, without the list)
    response = client.get(reverse(route))
    # then one row names the people of the reassigned cases it lists (the figures are counts)
    assert response.status_code == 200
    (row,) = _rows_since(last)
    assert (row.action, row.detail["page"]) == ("dashboard.viewed", route)
    assert row.offender_ids == sorted(_person(agency, name) for name in people)


@pytest.mark.parametrize(
    ("table", "people"),
    [("cases", ["mine", "peer"]), ("reviews", ["mine", "peer"]), ("reassignments", ["mine", "peer"]), ("caseload", [])],
)
def test_a_dashboard_export_names_the_people_in_the_file(agency, table, people):
    # given the supervisor
    client = _client(agency, "supervisor")
    last = _last_row()
    # when they export a table
    response = client.get(reverse("dashboard:export", args=[table]))
    # then the export's row names the people of its rows (a table of counts names nobody)
    assert response.status_code == 200
    (row,) = _rows_since(last)
    assert (row.action, row.detail["table"]) == ("dashboard.exported", table)
    assert row.offender_ids == sorted(_person(agency, name) for name in people)


@pytest.mark.parametrize(
    ("user_name", "url", "data"),
    [
        ("clerk", "inbox:report_hearing", {"hearing_at": "", "location": ""}),
        ("clerk", "inbox:report_disposition", {"disposition": "hanged"}),
        ("supervisor", "dashboard:review_return", {"comment": ""}),
    ],
    ids=["hearing", "disposition", "return"],
)
def test_a_report_page_shown_again_with_a_forms_errors_is_a_read(agency, user_name, url, data):
    # given a report the user may act on (received by the court / under review)
    key = "violation-reports" if user_name == "clerk" else "review-reports"
    report = agency.records[(key, "mine")]
    ViolationReport.objects.filter(pk=report.pk, status="routed").update(status="received")
    client = _client(agency, user_name)
    last = _last_row()
    # when they post the form with errors: the report page comes back with them
    response = client.post(reverse(url, args=[report.pk]), data)
    # then that page is a read of the report like any other: one row
    assert response.status_code == 200
    assert MARKERS["mine"] in response.content.decode()
    (row,) = _rows_since(last)
    assert (row.action, row.object_id, row.offender_id) == (
        "violation_report.viewed",
        str(report.pk),
        _person(agency, "mine"),
    )


API_LISTS = ["offenders", "supervisions", "conditions", "check-ins", "drug-tests", "case-notes", "violations"]
API_RESOURCES = [
    "offender",
    "supervision",
    "condition",
    "check-in",
    "drug-test",
    "case-note",
    "violation",
    "violation-report",
    "risk-assessment",
]


@pytest.mark.parametrize("resource", [*API_LISTS, "violation-reports"])
def test_an_api_list_is_one_row_naming_everyone_on_it(agency, resource):
    # given an administrator (every case: three people)
    client = _client(agency, "admin")
    last = _last_row()
    # when they list a resource
    response = client.get(f"/api/v1/{resource}/")
    # then one row names the three people and the ids listed
    assert response.status_code == 200
    (row,) = _rows_since(last)
    assert row.offender_ids == sorted(case.offender_id for case in agency.cases.values())
    assert (row.offender_id, row.detail["via"]) == (None, "api")
    assert row.detail["ids"] == [item["id"] for item in response.json()["results"]]


def test_an_api_list_by_a_clerk_names_the_people_of_the_reports_routed_to_them(agency):
    # given the clerk of the court of two cases (and a clerk token-less session)
    client = _client(agency, "clerk")
    last = _last_row()
    # when they list violation reports
    response = client.get("/api/v1/violation-reports/")
    # then the row names those two people only
    (row,) = _rows_since(last)
    assert len(response.json()["results"]) == 2
    assert row.offender_ids == sorted([_person(agency, "mine"), _person(agency, "south")])


def test_the_per_person_filter_finds_an_api_list_read(agency):
    # given the officer listed their check-ins through the API, and the south officer theirs
    _client(agency, "officer").get("/api/v1/check-ins/")
    _client(agency, "south_officer").get("/api/v1/check-ins/")
    admin = _client(agency, "admin")
    # when an administrator looks up the officer's person in the audit trail
    response = admin.get(reverse("audit:events"), {"person": _person(agency, "mine"), "action": "check_in.listed"})
    # then the officer's list read is there, the south officer's is not
    assert [(event.actor_label, event.action) for event in response.context["page_obj"]] == [
        (agency.users["officer"].username, "check_in.listed")
    ]


def test_an_empty_list_is_still_one_row(agency):
    # given an officer whose filter matches nothing
    client = _client(agency, "officer")
    last = _last_row()
    # when they list
    response = client.get("/api/v1/supervisions/", {"status": "closed"})
    # then one row says they looked, naming nobody
    assert response.json()["results"] == []
    (row,) = _rows_since(last)
    assert (row.action, row.offender_ids, row.detail["ids"]) == ("supervision.listed", [], [])


LIST_READS = [
    ("officer", "supervision:caseload", None),
    ("supervisor", "dashboard:cases", None),
    ("supervisor", "dashboard:reviews", None),
    ("supervisor", "dashboard:index", None),
    ("supervisor", "dashboard:case_assignments", "case"),
    ("officer", "supervision:report_detail", "report"),
    ("clerk", "inbox:inbox", None),
    ("admin", "api:supervision-list", None),
    ("clerk", "api:violation-report-list", None),
]


@pytest.mark.parametrize(("user_name", "route", "needs"), LIST_READS, ids=[r[1] for r in LIST_READS])
def test_no_row_no_answer(agency, user_name, route, needs):
    # given a user allowed to read the page, and an audit table that refuses writes
    case = agency.cases["mine"]
    kwargs = {
        None: {},
        "case": {"case_id": case.pk},
        "report": {"case_id": case.pk, "report_id": agency.records[("draft-reports", "mine")].pk},
    }[needs]
    client = _client(agency, user_name)
    client.raise_request_exception = False
    # when they read it
    with (
        mock.patch.object(AuditEvent.objects, "create", side_effect=DatabaseError("audit table unavailable")),
        audit_table_refusing_writes(),  # the database too: an API list writes its row in its page's statement
    ):
        response = client.get(reverse(route, kwargs=kwargs))
    # then the request fails and no one's data left with it
    assert response.status_code == 500
    assert not any(marker in response.content.decode(errors="replace") for marker in MARKERS.values())


# --- Every route: one row naming exactly the people the answer shows ------------------------------------------


# The routes whose answer shows people in the walk below (as the roles allowed on them, on the matrix's
# agency): pages and API reads of one case or record, lists, forms shown with the person's case, the PDF,
# and the API's actions that answer with the record they changed.
ROUTES_THAT_SHOW_PEOPLE = {
    *(f"api:{resource}-{kind}" for resource in API_RESOURCES for kind in ("list", "detail")),
    "api:check-in-complete",
    "api:closure-request-detail",
    "api:closure-request-list",
    "api:condition-end",  # (the modification after it meets an ended condition: a 409 shows no one)
    "api:violation-dismiss",  # (the withdrawal after it meets a dismissed violation: likewise)
    "api:violation-report-acknowledge",
    "api:violation-report-approve",
    "api:violation-report-submit",
    "api:risk-assessment-approve-override",
    "dashboard:case_assignments",
    "dashboard:cases",
    "dashboard:closure_decline",
    "dashboard:closure_detail",
    "dashboard:index",
    # (dashboard:level_overrides: by its turn the override was decided through the API: the queue is empty;
    # its one list row naming the people shown: tests/ui/test_risk_pages.py)
    "dashboard:officer",
    "dashboard:review_detail",
    "dashboard:review_return",
    "dashboard:reviews",
    "inbox:inbox",
    "inbox:report_detail",
    "inbox:report_disposition",
    "inbox:report_hearing",
    "inbox:report_pdf",
    "supervision:case_close",
    "supervision:case_custody",
    "supervision:case_restriction",
    "supervision:case_detail",
    "supervision:case_level",
    "supervision:case_status",
    "supervision:caseload",
    "supervision:check_in_complete",
    "supervision:check_in_excuse",
    "supervision:community_service_new",
    "supervision:condition_end",
    "supervision:condition_modify",
    "supervision:condition_new",
    "supervision:contact_new",
    "supervision:drug_test_new",
    "supervision:intake_open",
    "supervision:note_new",
    "supervision:person_detail",
    "supervision:referral_new",
    "supervision:referral_status",
    "supervision:report_detail",
    "supervision:report_new",
    "supervision:report_preview",
    "supervision:risk_assessment_new",
    "supervision:violation_correct",
    "supervision:violation_new",
    # a person's record (issue 15, item 2): its overview and its forms (the photo shows no name; its own row,
    # photo.viewed, is tested in tests/ui/test_person_record.py)
    *(route for route in PERSON_RECORD_CALLS if route != "supervision:person_photo"),
    # the record over the API: its lists, details and actions (each action's own row names the person), but for
    # the two the walk meets after the record was ended (409: end/ sorts before make-primary/ and update/)
    *(
        route
        for route in PERSON_RECORD_API_CALLS
        if route not in ("api:phone-make-primary", "api:emergency-contact-update")
    ),
}


def _people_in_json(value, offender_of_case: dict[int, int]) -> set[int]:
    """The people an API answer shows: a case's ``offender``, a record's ``supervision``."""
    people: set[int] = set()
    if isinstance(value, list):
        for item in value:
            people |= _people_in_json(item, offender_of_case)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "offender" and isinstance(item, int):
                people.add(item)
            elif key == "supervision" and isinstance(item, int):
                people.add(offender_of_case[item])
            else:
                people |= _people_in_json(item, offender_of_case)
    return people


def _people_shown(agency, route: str, kwargs: dict | None, response) -> set[int]:
    if response.status_code != 200:
        return set()  # refused, or a redirect after a change (the change's own row names the person)
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/pdf"):
        return {ViolationReport.objects.get(pk=kwargs["report_id"]).supervision.offender_id}
    text = response.content.decode(errors="replace")
    people = {case.offender_id for name, case in agency.cases.items() if MARKERS[name] in text}
    if content_type.startswith("application/json"):
        offender_of_case = dict(Supervision.objects.values_list("pk", "offender_id"))
        people |= _people_in_json(response.json(), offender_of_case)
    return people


def test_every_answer_that_shows_people_is_one_row_naming_them(agency):
    # given every route of the role matrix, and each role allowed on it (on its own objects), in turn on
    # one agency (a change one call makes, e.g. a report submitted, is what the next call meets)
    showing, wrong = set(), []
    for route in sorted(MATRIX):
        _method, builder = CALLS[route]
        for role in (role for role in ROLES if MATRIX[route][role] == O and role in OWN_USER):
            kwargs = builder(agency, OWN_CASE[role]) if builder else None
            last = _last_row()
            # when the role calls the route
            response = _call(_client(agency, OWN_USER[role]), route, kwargs)
            # then if the answer shows people, exactly one row of the request names exactly them
            shown = _people_shown(agency, route, kwargs, response)
            naming = [audit_people_named(row) for row in _rows_since(last) if audit_people_named(row)]
            if shown:
                showing.add(route)
                if naming != [shown]:
                    wrong.append(f"{route} as {role}: shows {sorted(shown)}, rows name {naming}")
    assert wrong == []
    # and the walk met every route that shows people (a new one is added here, with its audit row)
    assert showing == ROUTES_THAT_SHOW_PEOPLE, " ".join(sorted(showing ^ ROUTES_THAT_SHOW_PEOPLE))


def test_the_walk_meets_every_kind_of_answer_that_shows_people(agency):
    # given the routes that show people: pages of one case or record, lists, the API, the PDF
    expected = {
        "supervision:case_detail": "supervision.viewed",
        "supervision:drug_test_new": "supervision.viewed",
        "supervision:check_in_complete": "check_in.viewed",
        "supervision:referral_status": "referral.viewed",
        "inbox:report_pdf": "violation_report.pdf_downloaded",
        "api:case-note-detail": "case_note.viewed",
        "api:violation-list": "violation.listed",
    }
    for route, action in expected.items():
        method, builder = CALLS[route]
        role = "court_clerk" if route.startswith("inbox:") else "officer"
        kwargs = builder(agency, OWN_CASE[role]) if builder else None
        last = _last_row()
        # when the role calls it (a form page by GET)
        client = _client(agency, OWN_USER[role])
        response = client.get(reverse(route, kwargs=kwargs)) if method == "POST" else _call(client, route, kwargs)
        # then one row of the expected kind names the person
        assert response.status_code == 200, route
        (row,) = _rows_since(last)
        assert row.action == action, route
        assert _person(agency, OWN_CASE[role]) in audit_people_named(row)


def test_nobody_is_named_twice_for_one_read_of_a_form_page(agency):
    # given the officer on their case's drug test form
    url = reverse("supervision:drug_test_new", args=[agency.cases["mine"].pk])
    client = _client(agency, "officer")
    last = _last_row()
    # when they open it, then post it with an error
    client.get(url)
    client.post(url, {})
    # then each showing of the page is one read
    assert [(row.action, row.offender_id) for row in _rows_since(last)] == [
        ("supervision.viewed", _person(agency, "mine")),
        ("supervision.viewed", _person(agency, "mine")),
    ]
