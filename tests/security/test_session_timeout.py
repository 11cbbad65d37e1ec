"""The idle limit, announced and extendable (issue 12, finding 15; WCAG 2.2.1): what the server gives the
page's script, the "Stay signed in" endpoint, and the sign-in page saying why a session ended. The browser
side is tests/e2e/test_session_timeout.py."""

import datetime
import re

import pytest
from django.urls import reverse

from agency.models import AuditEvent
from agency.security import LAST_SEEN_AT, SIGNED_IN_AT
from tests.agency.factories import OfficerFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(datetime.datetime(2027, 3, 2, 14, 0, 0, tzinfo=datetime.UTC), tick=False),
]

KEEPALIVE = "/accounts/session/keepalive/"


@pytest.fixture
def officer_client(client):
    client.force_login(OfficerFactory())
    return client


def _age(client, **seconds) -> None:
    """Move the session's sign-in and last activity back, as if that much time had passed."""
    session = client.session
    for key, value in seconds.items():
        session[{"idle": LAST_SEEN_AT, "signed_in": SIGNED_IN_AT}[key]] -= value
    session.save()


def _dialog(response) -> dict[str, str]:
    html = response.content.decode()
    match = re.search(r'<div id="session-timeout"(.*?)>', html, flags=re.DOTALL)
    assert match, "no idle warning on the page"
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', match.group(1)))


def test_a_page_carries_the_warning_with_the_time_left(officer_client):
    # given an officer whose last request was 10 minutes ago
    _age(officer_client, idle=10 * 60, signed_in=10 * 60)
    # when they open a page
    response = officer_client.get(reverse("supervision:caseload"))
    # then the page's warning knows the session lives on 30 minutes (the request just now counted), and says so
    assert _dialog(response) == {
        "seconds-left": "1801",
        "extendable": "true",
        "warning-seconds": "120",
        "keepalive-url": KEEPALIVE,
        "logout-url": "/accounts/logout/",
    }
    assert response["X-Session-Seconds-Left"] == "1801"
    html = response.content.decode()
    assert 'role="alertdialog"' in html
    assert "you will be signed out after 30 minutes without activity" in html
    assert '<script src="/static/js/session.js" defer></script>' in html


def test_a_page_within_the_last_minute_before_writing_the_activity_shows_the_exact_time_left(officer_client):
    # the last activity is written at most once a minute: a request 30 seconds later does not move it
    _age(officer_client, idle=30, signed_in=30)
    response = officer_client.get(reverse("supervision:caseload"))
    assert _dialog(response)["seconds-left"] == str(1800 + 1 - 30)


def test_near_the_12_hour_limit_the_warning_cannot_extend(officer_client):
    _age(officer_client, signed_in=12 * 3600 - 600)
    response = officer_client.get(reverse("supervision:caseload"))
    assert (_dialog(response)["seconds-left"], _dialog(response)["extendable"]) == ("601", "false")


def test_pages_for_nobody_signed_in_have_no_warning(client):
    html = client.get(reverse("login")).content.decode()
    assert 'id="session-timeout"' not in html
    assert '<script src="/static/js/session.js" defer></script>' in html  # it restores unsent text


def test_stay_signed_in_starts_the_idle_limit_again_audited(officer_client):
    # given an officer idle for 29 minutes
    _age(officer_client, idle=29 * 60, signed_in=29 * 60)
    # when they press "Stay signed in"
    response = officer_client.post(KEEPALIVE)
    # then the session lives on another 30 minutes, and the extension is on record
    assert response.status_code == 200
    assert response.json() == {"seconds_left": 1801, "extendable": True}
    assert AuditEvent.objects.filter(action="user.session_extended").count() == 1
    # and 20 minutes later (49 minutes after their last page) they are still signed in
    _age(officer_client, idle=20 * 60, signed_in=20 * 60)
    assert officer_client.get(reverse("supervision:caseload")).status_code == 200


def test_stay_signed_in_does_not_move_the_12_hour_limit(officer_client):
    _age(officer_client, signed_in=12 * 3600 - 300)
    assert officer_client.post(KEEPALIVE).json() == {"seconds_left": 301, "extendable": False}


def test_stay_signed_in_too_late_is_refused_and_does_not_revive_the_session(officer_client):
    # given an officer idle for 31 minutes
    _age(officer_client, idle=31 * 60, signed_in=31 * 60)
    # when the page's button is pressed anyway
    response = officer_client.post(KEEPALIVE)
    # then the answer is the way to sign in, the session is over, and nothing was extended
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not AuditEvent.objects.filter(action="user.session_extended").exists()
    assert officer_client.get(reverse("supervision:caseload")).status_code == 302


@pytest.mark.parametrize(("method", "status"), [("get", 405), ("put", 405)])
def test_stay_signed_in_is_a_post(officer_client, method, status):
    assert getattr(officer_client, method)(KEEPALIVE).status_code == status
    assert not AuditEvent.objects.filter(action="user.session_extended").exists()


def test_nobody_signed_in_cannot_extend_anything(client):
    response = client.post(KEEPALIVE)
    assert (response.status_code, response["Location"].startswith(reverse("login"))) == (302, True)
    assert not AuditEvent.objects.filter(action="user.session_extended").exists()


def test_after_the_idle_limit_the_sign_in_page_says_why_once(officer_client):
    # given an officer idle for 31 minutes who saves a form
    _age(officer_client, idle=31 * 60, signed_in=31 * 60)
    response = officer_client.post(reverse("supervision:caseload"), {"narrative": "half-written"})
    # when they follow the way to sign in
    page = officer_client.get(response["Location"])
    again = officer_client.get(reverse("login"))
    # then the sign-in page says what happened, the first time only
    assert response["Location"] == f"{reverse('login')}?next=/caseload/"
    assert "You were signed out after 30 minutes without activity. Sign in again to go on." in page.content.decode()
    assert 'id="session-ended"' not in again.content.decode()


@pytest.mark.parametrize(
    ("idle", "signed_in", "message"),
    [
        (0, 12 * 3600 + 60, "You were signed out: a session lasts at most 12 hours."),
        (31 * 60, 31 * 60, "You were signed out after 30 minutes without activity."),
    ],
)
def test_the_sign_in_page_names_the_limit_that_ended_the_session(officer_client, idle, signed_in, message):
    _age(officer_client, idle=idle, signed_in=signed_in)
    response = officer_client.get(reverse("supervision:caseload"))
    assert message in officer_client.get(response["Location"]).content.decode()


def test_a_short_idle_limit_counts_every_request(officer_client, settings, time_machine):
    # given an idle limit of 12 seconds (the browser tests use one)
    settings.SESSION_IDLE_TIMEOUT = 12
    settings.SESSION_IDLE_WARNING = 4
    # when the officer makes a request every 8 seconds for 40 seconds
    start = datetime.datetime(2027, 3, 2, 14, 0, 0, tzinfo=datetime.UTC)
    statuses = []
    for step in range(1, 6):
        time_machine.move_to(start + datetime.timedelta(seconds=8 * step), tick=False)
        statuses.append(officer_client.get(reverse("supervision:caseload")).status_code)
    # then they are never signed out, and the page's warning comes 4 seconds before the end
    assert statuses == [200] * 5
    response = officer_client.get(reverse("supervision:caseload"))
    assert (_dialog(response)["seconds-left"], _dialog(response)["warning-seconds"]) == ("13", "4")
    assert "signed out after 12 seconds without activity" in response.content.decode()
