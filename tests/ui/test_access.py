"""Who may open the workspace pages: every role, on their own and on others' cases."""

import pytest
from django.urls import reverse

from agency.choices import AuditOutcome
from agency.models import AuditEvent
from supervision.models import CaseNote
from tests.supervision.factories import ReferralFactory, ViolationReportFactory

pytestmark = pytest.mark.django_db

CASE_PAGES = [
    ("supervision:case_detail", ()),
    ("supervision:contact_new", ()),
    ("supervision:drug_test_new", ()),
    ("supervision:note_new", ()),
    ("supervision:referral_new", ()),
    ("supervision:community_service_new", ()),
    ("supervision:violation_new", ()),
    ("supervision:report_new", ()),
    ("supervision:check_in_complete", ("check_in",)),
    ("supervision:check_in_excuse", ("check_in",)),
    ("supervision:referral_status", ("referral",)),
    ("supervision:report_detail", ("report",)),
]

# (who, which case) -> expected status of a GET
CASE_MATRIX = [
    ("officer", "own", 200),
    ("officer", "colleague", 404),
    ("officer", "other_unit", 404),
    ("supervisor", "own", 200),
    ("supervisor", "colleague", 200),
    ("supervisor", "other_unit", 404),
    ("other_unit_supervisor", "own", 404),
    ("court_clerk", "own", 403),
    ("board_staff", "own", 403),
    ("integrator", "own", 403),
    ("administrator", "own", 403),
    ("anonymous", "own", 302),
]


@pytest.fixture
def cases(case, colleague_case, other_unit_case):
    return {"own": case, "colleague": colleague_case, "other_unit": other_unit_case}


def _records_of(supervision):
    from tests.supervision.factories import CheckInFactory

    return {
        "check_in": CheckInFactory(supervision=supervision),
        "referral": ReferralFactory(supervision=supervision),
        "report": ViolationReportFactory(supervision=supervision),
    }


@pytest.mark.parametrize(("page", "record_names"), CASE_PAGES, ids=[p[0].split(":")[1] for p in CASE_PAGES])
@pytest.mark.parametrize(("who", "whose", "expected"), CASE_MATRIX, ids=[f"{w}-{c}" for w, c, _ in CASE_MATRIX])
def test_case_pages_by_role(client, make_user, cases, page, record_names, who, whose, expected):
    # given
    supervision = cases[whose]
    records = _records_of(supervision)
    url = reverse(page, args=[supervision.pk, *(records[name].pk for name in record_names)])
    user = make_user(who)
    if user is not None:
        client.force_login(user)
    audit_before = AuditEvent.objects.filter(action__endswith=".viewed").count()

    # when
    response = client.get(url)

    # then
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == f"{reverse('login')}?next={url}"
    # every page shown (it names the person) is one read row; a refusal is none
    viewed = AuditEvent.objects.filter(action__endswith=".viewed").count() - audit_before
    assert viewed == (1 if expected == 200 else 0)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("officer", 200),
        ("supervisor", 200),
        ("court_clerk", 403),
        ("board_staff", 403),
        ("integrator", 403),
        ("administrator", 403),
        ("anonymous", 302),
    ],
)
def test_caseload_by_role(client, make_user, who, expected):
    # given
    user = make_user(who)
    if user is not None:
        client.force_login(user)

    # when
    response = client.get(reverse("supervision:caseload"))

    # then
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("who", "whose"),
    [("officer", "colleague"), ("officer", "other_unit"), ("court_clerk", "own"), ("supervisor", "other_unit")],
)
def test_denied_post_changes_nothing(client, make_user, cases, who, whose):
    # given
    supervision = cases[whose]
    client.force_login(make_user(who))
    allowed_before = AuditEvent.objects.filter(outcome=AuditOutcome.ALLOWED).count()

    # when
    response = client.post(reverse("supervision:note_new", args=[supervision.pk]), {"body": "Sneaky note."})

    # then
    assert response.status_code in (403, 404)
    assert CaseNote.objects.count() == 0
    # nothing recorded as done (the refusal itself may be audited as denied)
    assert AuditEvent.objects.filter(outcome=AuditOutcome.ALLOWED).count() == allowed_before


@pytest.mark.parametrize(
    ("who", "expected_location"),
    [
        ("officer", "/caseload/"),
        ("supervisor", "/dashboard/"),  # the unit dashboard (its own issue)
        ("court_clerk", "/inbox/"),  # the authority inbox (its own issue)
        ("board_staff", "/inbox/"),
        ("administrator", "/admin/"),
    ],
)
def test_home_sends_each_role_where_it_belongs(client, make_user, who, expected_location):
    # given
    client.force_login(make_user(who))

    # when
    response = client.get(reverse("home"))

    # then
    assert response.status_code == 302
    assert response["Location"] == expected_location


def test_home_tells_an_integrator_what_the_account_is_for(client, make_user):
    # given
    client.force_login(make_user("integrator"))

    # when
    response = client.get(reverse("home"))

    # then
    assert response.status_code == 200
    assert "REST API" in response.content.decode()


def test_home_redirects_anonymous_to_sign_in(client):
    # when
    response = client.get(reverse("home"))

    # then
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_sign_in_page_shows_the_use_banner(client):
    # when
    response = client.get(reverse("login"))

    # then
    assert response.status_code == 200
    assert "This system contains criminal justice information" in response.content.decode()
    assert "Use is monitored and audited" in response.content.decode()


def test_sign_out_is_a_post(client, officer):
    # given
    client.force_login(officer)

    # when
    response = client.post(reverse("logout"))

    # then
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
