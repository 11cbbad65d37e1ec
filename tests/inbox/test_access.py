"""Who may use the inbox, and which reports each court clerk and board member may list, open, download
and act on. Out of scope is the same 404 as missing; every denied request leaves everything as it was."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agency.models import AuditEvent
from supervision.choices import ReportStatus
from tests.inbox.conftest import AGENCY_ONLY_STATUSES, AUTHORITY_STATUSES, snapshot

pytestmark = pytest.mark.django_db

# Whose reports each member of an authority sees: their own court's or board's, from routing on.
OWN_CASE = {"clerk_a": "a", "clerk_b": "b", "staff_p": "p", "staff_q": "q"}
AGENCY_ROLES = ("officer", "supervisor", "integrator", "administrator")


def _expected_keys(world, who: str) -> set:
    return {key for key in world.reports if key[0] == OWN_CASE[who] and key[1] in AUTHORITY_STATUSES}


def _listed(response) -> set[int]:
    return {report.pk for report in response.context["page_obj"].object_list}


@pytest.mark.parametrize("who", sorted(OWN_CASE))
def test_the_inbox_lists_only_the_reports_routed_to_the_users_own_court_or_board(client, world, who):
    # given
    client.force_login(world.users[who])

    # when
    response = client.get(reverse("inbox:inbox"))

    # then
    assert response.status_code == 200
    assert _listed(response) == {world.reports[key].pk for key in _expected_keys(world, who)}


@pytest.mark.parametrize("who", AGENCY_ROLES)
@pytest.mark.parametrize(
    "page",
    ["inbox", "report_detail", "report_pdf"],
)
def test_agency_roles_get_403_on_the_inbox_pages(client, world, who, page):
    # given
    client.force_login(world.users[who])
    args = [] if page == "inbox" else [world.reports[("a", ReportStatus.ROUTED)].pk]
    before = snapshot()

    # when
    response = client.get(reverse(f"inbox:{page}", args=args))

    # then
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("who", AGENCY_ROLES)
@pytest.mark.parametrize("action", ["report_acknowledge", "report_hearing", "report_disposition"])
def test_agency_roles_get_403_on_the_authority_actions_and_nothing_changes(client, world, who, action):
    # given
    client.force_login(world.users[who])
    report = world.reports[("a", ReportStatus.RECEIVED)]
    before = snapshot()

    # when
    response = client.post(reverse(f"inbox:{action}", args=[report.pk]), _valid_data(action))

    # then
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("method", "page"),
    [
        ("get", "inbox"),
        ("get", "report_detail"),
        ("get", "report_pdf"),
        ("post", "report_acknowledge"),
        ("post", "report_hearing"),
        ("post", "report_disposition"),
    ],
)
def test_anonymous_is_sent_to_sign_in_and_nothing_changes(client, world, method, page):
    # given
    args = [] if page == "inbox" else [world.reports[("a", ReportStatus.ROUTED)].pk]
    url = reverse(f"inbox:{page}", args=args)
    before = snapshot()

    # when
    response = getattr(client, method)(url, _valid_data(page) if method == "post" else None)

    # then
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert snapshot() == before


def _all_keys_not_visible_to(world, who: str) -> list:
    own = _expected_keys(world, who)
    return sorted((key for key in world.reports if key not in own), key=str)


@pytest.mark.parametrize("who", sorted(OWN_CASE))
@pytest.mark.parametrize("page", ["report_detail", "report_pdf"])
def test_a_report_outside_the_users_inbox_is_404_and_leaves_no_trace(client, world, who, page):
    """Another court's or board's report, a report of the other kind of supervision, and a report of
    the user's own court or board still in the agency's hands (draft, submitted, approved, returned)."""
    # given
    client.force_login(world.users[who])
    keys = _all_keys_not_visible_to(world, who)
    assert len(keys) == len(world.reports) - len(_expected_keys(world, who))
    before = snapshot()

    # when
    statuses = {key: client.get(reverse(f"inbox:{page}", args=[world.reports[key].pk])).status_code for key in keys}

    # then
    assert statuses == dict.fromkeys(keys, 404)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["clerk_a", "staff_p"])
@pytest.mark.parametrize("status", AGENCY_ONLY_STATUSES)
def test_a_report_of_the_users_own_case_still_in_the_agency_is_404(client, world, who, status):
    # given
    client.force_login(world.users[who])
    report = world.reports[(OWN_CASE[who], status)]

    # when
    detail = client.get(reverse("inbox:report_detail", args=[report.pk]))
    pdf = client.get(reverse("inbox:report_pdf", args=[report.pk]))

    # then
    assert (detail.status_code, pdf.status_code) == (404, 404)


@pytest.mark.parametrize("who", sorted(OWN_CASE))
@pytest.mark.parametrize("action", ["report_acknowledge", "report_hearing", "report_disposition"])
def test_acting_on_a_report_outside_the_users_inbox_is_404_and_changes_nothing(client, world, who, action):
    # given
    client.force_login(world.users[who])
    keys = _all_keys_not_visible_to(world, who)
    before = snapshot()

    # when
    statuses = {
        key: client.post(reverse(f"inbox:{action}", args=[world.reports[key].pk]), _valid_data(action)).status_code
        for key in keys
    }

    # then
    assert statuses == dict.fromkeys(keys, 404)
    assert snapshot() == before


@pytest.mark.parametrize("who", sorted(OWN_CASE))
def test_a_report_that_does_not_exist_is_the_same_404(client, world, who):
    # given
    client.force_login(world.users[who])

    # when
    response = client.get(reverse("inbox:report_detail", args=[999_999]))

    # then
    assert response.status_code == 404


OFFICER_PAGES = [
    ("supervision:case_detail", lambda case, report: [case.pk]),
    ("supervision:report_detail", lambda case, report: [case.pk, report.pk]),
    ("supervision:note_new", lambda case, report: [case.pk]),
    ("supervision:caseload", lambda case, report: []),
]


@pytest.mark.parametrize("who", sorted(OWN_CASE))
@pytest.mark.parametrize(("page", "args"), OFFICER_PAGES, ids=[name for name, _ in OFFICER_PAGES])
def test_no_officer_page_opens_for_the_authority_even_for_the_case_of_its_own_report(client, world, who, page, args):
    """The officer's workspace refuses the clerk's and the board's role outright (403 for every case,
    existing or not, so it reveals nothing); the report page links to none of it."""
    # given
    client.force_login(world.users[who])
    case = world.cases[OWN_CASE[who]]
    report = world.reports[(OWN_CASE[who], ReportStatus.ROUTED)]
    before = snapshot()

    # when
    own = client.get(reverse(page, args=args(case, report)))
    missing = client.get(reverse(page, args=[999_999 for _ in args(case, report)]))

    # then
    assert (own.status_code, missing.status_code) == (403, 403)
    assert snapshot() == before


def test_the_report_page_links_to_no_officer_page(client, world):
    # given
    client.force_login(world.users["clerk_a"])
    report = world.reports[("a", ReportStatus.DISPOSED)]

    # when
    content = client.get(reverse("inbox:report_detail", args=[report.pk])).content.decode()

    # then
    assert "/cases/" not in content
    assert "/caseload/" not in content


@pytest.mark.parametrize("who", sorted(OWN_CASE))
def test_home_sends_the_authority_to_its_inbox(client, world, who):
    # given
    client.force_login(world.users[who])

    # when
    response = client.get(reverse("home"))

    # then
    assert (response.status_code, response["Location"]) == (302, reverse("inbox:inbox"))


def test_viewing_and_downloading_a_report_are_audited(client, world):
    # given
    clerk = world.users["clerk_a"]
    client.force_login(clerk)
    report = world.reports[("a", ReportStatus.ROUTED)]
    before = AuditEvent.objects.count()

    # when
    client.get(reverse("inbox:report_detail", args=[report.pk]))
    client.get(reverse("inbox:report_pdf", args=[report.pk]))

    # then
    rows = list(AuditEvent.objects.order_by("pk")[before:].values_list("actor", "action", "object_id", "offender_id"))
    assert rows == [
        (clerk.pk, "violation_report.viewed", str(report.pk), world.cases["a"].offender_id),
        (clerk.pk, "violation_report.pdf_downloaded", str(report.pk), world.cases["a"].offender_id),
    ]


def _valid_data(page: str) -> dict:
    if page == "report_hearing":
        return {
            "hearing_at": (timezone.localtime() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "location": "Courtroom 4",
        }
    if page == "report_disposition":
        return {"disposition": "revoked", "disposed_on": timezone.localdate().isoformat(), "note": ""}
    return {}
