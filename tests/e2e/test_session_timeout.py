"""The idle limit in a real browser (issue 12, finding 15; WCAG 2.2.1 "Timing adjustable"): the page warns
before the session ends, "Stay signed in" (keyboard only) extends it, and a narrative typed into a draft
report survives the end of the session: after signing in again it is back in the form and can be saved.

The idle limit is 12 seconds here and the warning comes 4 seconds before it."""

import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from agency.models import AuditEvent
from agency.security import LAST_SEEN_AT
from supervision.models import ViolationReport
from tests.agency.factories import OfficerFactory
from tests.supervision.factories import SupervisionFactory, ViolationReportFactory

PASSWORD = "correct-horse-battery"
IDLE = 12
WARNING = 4
NARRATIVE = "On March 1 the supervisee missed his office check-in and did not answer three calls."


@pytest.fixture
def draft(transactional_db, settings):
    settings.SESSION_IDLE_TIMEOUT = IDLE
    settings.SESSION_IDLE_WARNING = WARNING
    officer = OfficerFactory(username="ofc.ramirez")
    case = SupervisionFactory(officer=officer)
    report = ViolationReportFactory(supervision=case, narrative="Draft.")
    return report


def _sign_in(page, username: str = "ofc.ramirez") -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _open_report(page, live_server, report) -> float:
    page.on("dialog", lambda dialog: dialog.accept())  # e.g. "leave the page with unsaved changes?"
    url = f"{live_server.url}/cases/{report.supervision_id}/reports/{report.pk}/"
    page.goto(url)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    _sign_in(page)
    expect(page).to_have_url(url)
    return time.monotonic()


def test_the_warning_comes_before_the_limit_and_stay_signed_in_extends_it(live_server, page, draft):
    # given an officer typing a narrative into a draft report
    opened = _open_report(page, live_server, draft)
    narrative = page.locator("#id_narrative")
    narrative.fill(NARRATIVE)
    narrative.focus()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_hidden()
    # when the warning comes (4 seconds before the 12-second limit)
    expect(dialog).to_be_visible(timeout=(IDLE + 2) * 1000)
    assert IDLE - WARNING - 1 <= time.monotonic() - opened < IDLE
    expect(dialog).to_contain_text("Are you still there?")
    expect(dialog).to_contain_text("signed out after 12 seconds without activity")
    # then focus is on "Stay signed in", Tab keeps it inside the dialog, and Enter extends the session
    stay = page.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    page.keyboard.press("Tab")
    expect(stay).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(narrative).to_be_focused()  # back where the officer was typing
    assert AuditEvent.objects.filter(action="user.session_extended").count() == 1
    # and past the first limit the session lives on: saving works
    page.wait_for_timeout(max(0, (opened + IDLE + 1.5 - time.monotonic()) * 1000))
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Violation report saved.")).to_be_visible()
    draft.refresh_from_db()
    assert draft.narrative == NARRATIVE


def test_when_the_session_ends_the_typed_narrative_comes_back_after_signing_in(live_server, page, draft):
    # given an officer who typed a narrative and walked away
    _open_report(page, live_server, draft)
    page.locator("#id_narrative").fill(NARRATIVE)
    # when the limit passes, the dialog says the session ended and offers to sign in again
    ended = page.get_by_role("alertdialog", name="Your session has ended")
    expect(ended).to_be_visible(timeout=(IDLE + 3) * 1000)
    expect(page.get_by_role("button", name="Sign in again")).to_be_focused()
    page.get_by_role("button", name="Sign in again").click()
    # then the sign-in page says why, and that the text is kept
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.locator("#session-ended")).to_contain_text("You were signed out after 12 seconds without activity.")
    expect(page.locator("#unsent-notice")).to_be_visible()
    # and after signing in the narrative is back in the form, said so, and can be saved
    _sign_in(page)
    expect(page).to_have_url(re.compile(rf"/cases/{draft.supervision_id}/reports/{draft.pk}/$"))
    expect(page.locator("#id_narrative")).to_have_value(NARRATIVE)
    expect(page.locator("#unsent-restored")).to_contain_text("back in the form")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Violation report saved.")).to_be_visible()
    assert ViolationReport.objects.get(pk=draft.pk).narrative == NARRATIVE
    assert page.evaluate("window.sessionStorage.getItem('caseline:unsent')") is None


def test_a_save_after_the_session_ended_unseen_is_not_lost(live_server, page, draft):
    # given an officer typing, whose session the server ended while the page could not tell (a laptop
    # asleep: the page's timer did not run)
    _open_report(page, live_server, draft)
    page.locator("#id_narrative").fill(NARRATIVE)
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[LAST_SEEN_AT] -= 3600
    session.save()
    # when they press "Save changes"
    page.get_by_role("button", name="Save changes").click()
    # then the sign-in page says the session ended and that the text is kept; nothing was saved
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.locator("#session-ended")).to_contain_text("signed out after 12 seconds without activity")
    expect(page.locator("#unsent-notice")).to_be_visible()
    assert ViolationReport.objects.get(pk=draft.pk).narrative == "Draft."
    # and after signing in, the narrative is back, and saving it works
    _sign_in(page)
    expect(page.locator("#id_narrative")).to_have_value(NARRATIVE)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Violation report saved.")).to_be_visible()
    assert ViolationReport.objects.get(pk=draft.pk).narrative == NARRATIVE


def test_signing_out_drops_what_was_kept(live_server, page, draft):
    # given text kept in the tab from a session that ended (not yet put back anywhere)
    _open_report(page, live_server, draft)
    page.evaluate(
        """window.sessionStorage.setItem("caseline:unsent", JSON.stringify({
            page: "/caseload/", action: "/caseload/", index: 0, fields: [["narrative", "kept"]],
            savedAt: Date.now(), expired: true}))"""
    )
    page.reload()
    assert page.evaluate("window.sessionStorage.getItem('caseline:unsent')") is not None  # not this page's
    # when the officer signs out
    page.get_by_role("button", name="Sign out").click()
    # then nothing typed stays in the browser
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    kept = page.evaluate("Object.keys(window.sessionStorage)")
    assert [key for key in kept if key.startswith("caseline:")] == []
