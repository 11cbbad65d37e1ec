"""Leaving a page with unsaved changes asks first (issue 12, finding 14; static/js/unsaved.js), in a real
browser: a changed report is not left without the browser's "Leave site?" prompt, an unchanged one is,
saving is not leaving, and *Submit to supervisor* (after its confirmation) submits what is on the screen."""

import re

import pytest
from playwright.sync_api import expect

from supervision.choices import ReportStatus
from supervision.models import ViolationReport
from supervision.services import violation_report_draft
from tests.agency.factories import OfficerFactory
from tests.supervision.factories import SupervisionFactory, ViolationFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture
def draft(transactional_db):
    officer = OfficerFactory(username="ofc.okafor")
    case = SupervisionFactory(officer=officer)
    violations = [ViolationFactory(supervision=case), ViolationFactory(supervision=case)]
    return violation_report_draft(
        actor=officer, supervision=case, violations=violations, narrative="Draft.", recommendation="continue"
    )


class Dialogs:
    """The dialogs the page opened, by type ("beforeunload", "confirm"), each answered as told."""

    def __init__(self, page):
        self.seen: list[str] = []
        self.accept = {"beforeunload": False, "confirm": True}
        page.on("dialog", self._answer)

    def _answer(self, dialog) -> None:
        self.seen.append(dialog.type)
        if self.accept.get(dialog.type, True):
            dialog.accept()
        else:
            dialog.dismiss()


def _open(page, live_server, report) -> str:
    url = f"{live_server.url}/cases/{report.supervision_id}/reports/{report.pk}/"
    page.goto(url)
    page.get_by_label("Username").fill("ofc.okafor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(url)
    return url


def test_leaving_a_changed_report_asks_first_and_staying_keeps_the_text(live_server, page, draft):
    # given the officer typing into the narrative
    dialogs = Dialogs(page)
    url = _open(page, live_server, draft)
    narrative = page.locator("#id_narrative")
    narrative.click()
    page.keyboard.press("End")
    page.keyboard.type(" He has not called back.")
    # when they follow a link away and answer "stay"
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_timeout(500)
    # then the browser asked, the page stays, and the text is still there
    assert dialogs.seen == ["beforeunload"]
    expect(page).to_have_url(url)
    expect(narrative).to_have_value("Draft. He has not called back.")
    # and answering "leave" leaves
    dialogs.accept["beforeunload"] = True
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(rf"/cases/{draft.supervision_id}/$"))
    assert dialogs.seen == ["beforeunload", "beforeunload"]


def test_a_page_changed_back_or_never_changed_is_left_without_asking(live_server, page, draft):
    dialogs = Dialogs(page)
    _open(page, live_server, draft)
    narrative = page.locator("#id_narrative")
    narrative.click()
    page.keyboard.press("End")
    page.keyboard.type("!")
    page.keyboard.press("Backspace")  # back to what was loaded
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(rf"/cases/{draft.supervision_id}/$"))
    assert dialogs.seen == []


def test_saving_is_not_leaving(live_server, page, draft):
    dialogs = Dialogs(page)
    _open(page, live_server, draft)
    page.locator("#id_narrative").click()
    page.keyboard.press("End")
    page.keyboard.type(" Seen on May 2.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Violation report saved.")).to_be_visible()
    assert dialogs.seen == []
    assert ViolationReport.objects.get(pk=draft.pk).narrative == "Draft. Seen on May 2."


def test_the_finding_submit_to_supervisor_submits_what_is_on_the_screen(live_server, page, draft):
    # given the officer unticks a violation and adds a sentence, without saving
    dialogs = Dialogs(page)
    _open(page, live_server, draft)
    kept, dropped = sorted(draft.violations.all(), key=lambda v: v.pk)
    page.locator(f"input[name='violations'][value='{dropped.pk}']").uncheck()
    page.locator("#id_narrative").click()
    page.keyboard.press("End")
    page.keyboard.type(" He reports daily since.")
    # when they press "Submit to supervisor" and confirm
    page.get_by_role("button", name="Submit to supervisor").click()
    # then they were asked to confirm (not about leaving), and the report submitted is the one on the screen
    expect(page).to_have_url(re.compile(rf"/cases/{draft.supervision_id}/$"))
    assert dialogs.seen == ["confirm"]
    draft.refresh_from_db()
    assert (draft.status, draft.narrative) == (ReportStatus.SUBMITTED, "Draft. He reports daily since.")
    assert list(draft.violations.all()) == [kept]


def test_declining_the_submit_confirmation_keeps_the_page_and_its_prompt(live_server, page, draft):
    dialogs = Dialogs(page)
    dialogs.accept["confirm"] = False
    url = _open(page, live_server, draft)
    page.locator("#id_narrative").click()
    page.keyboard.press("End")
    page.keyboard.type(" Not yet.")
    page.get_by_role("button", name="Submit to supervisor").click()
    page.wait_for_timeout(300)
    expect(page).to_have_url(url)
    assert ViolationReport.objects.get(pk=draft.pk).status == ReportStatus.DRAFT
    # and the changes still ask before leaving
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_timeout(500)
    assert dialogs.seen == ["confirm", "beforeunload"]
    expect(page).to_have_url(url)
