"""The keyboard alone (issue 14; WCAG 2.1.1, 2.1.2, 2.4.3, 2.4.7, 2.4.11): the officer's morning (caseload, case
page, a case note), the supervisor's review (return, approve) and the clerk's disposition (inbox, report,
receipt, disposition), done with Tab, Shift+Tab, Enter, Space and typing only. At every stop the focus is on
something, drawn (an outline or a ring), not covered by anything else, and later in the page than the stop before
(the order follows the page); Tab through a whole page leaves it at the end (no trap). Also the structure a
screen reader reads on the case page and the report form: one h1, no skipped heading level, the landmarks, the
timeline's filter as a polite live region that keeps the focus.

What this cannot tell is how a screen reader speaks it: docs/accessibility.md says what is still to be checked
by a person with NVDA, JAWS and VoiceOver."""

import re

import pytest
from playwright.sync_api import expect

from supervision.choices import ReportStatus
from supervision.models import CaseNote, ViolationReport
from tests.security.conftest import PASSWORD
from tests.security.matrix_world import extend_world

pytestmark = pytest.mark.django_db(transaction=True)

# The element with the focus: a name to find it by, whether its focus is drawn and not covered, and whether it
# comes after the previous stop in the page's order (the previous one is kept on window between presses).
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) { window.__clPrevious = null; return null; }
  const style = getComputedStyle(el);
  const drawn = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) ||
    (style.boxShadow && style.boxShadow !== "none");
  const box = el.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const name = (el.getAttribute("aria-label") || label || el.innerText || el.value || el.name || el.id || "")
    .replace(/\\s+/g, " ").trim().slice(0, 60);
  const previous = window.__clPrevious;
  // Tab inside one date field (month, day, year, the calendar button) stays on the same element: Chrome's own
  // parts, which Chrome draws; one stop for the checks.
  if (previous === el) return { name: name, tag: el.tagName.toLowerCase(), drawn: true, inOrder: true, covered: false };
  const inOrder = !previous || !previous.isConnected ||
    Boolean(previous.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  window.__clPrevious = el;
  return {
    name: name, tag: el.tagName.toLowerCase(), drawn: Boolean(drawn), inOrder: inOrder,
    covered: !(hit && (el.contains(hit) || (el.labels && Array.from(el.labels).some((l) => l.contains(hit))))),
  };
}"""
_TABBABLE = """() => Array.from(document.querySelectorAll(
  "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]"
)).filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length).length"""
_POSITIVE_TABINDEX = '() => document.querySelectorAll(\'[tabindex]:not([tabindex="0"]):not([tabindex^="-"])\').length'


class Keyboard:
    """Tab presses on one page, with what was wrong at any stop."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        self.stops = 0

    def _stop(self, where: str):
        info = self.page.evaluate(_FOCUSED)
        self.stops += 1
        if info is None:
            return None
        if not info["drawn"]:
            self.problems.append(f"{where}: the focus on {info['tag']} '{info['name']}' is not drawn")
        if info["covered"]:
            self.problems.append(f"{where}: {info['tag']} '{info['name']}' is covered by something else")
        if not info["inOrder"]:
            self.problems.append(f"{where}: {info['tag']} '{info['name']}' comes before the previous stop")
        return info

    def tab_to(self, pattern: str, *, where: str, limit: int = 120) -> None:
        """Tab until the focus is on an element whose name matches; fail if it never comes."""
        self.page.evaluate("() => { window.__clPrevious = null; }")
        for _press in range(limit):
            self.page.keyboard.press("Tab")
            info = self._stop(where)
            if info and re.search(pattern, info["name"], re.IGNORECASE):
                return
        raise AssertionError(f"{where}: Tab never reached '{pattern}'")

    def through_the_page(self, where: str) -> None:
        """Tab from the top: the focus must leave the page at its end (no trap) within the tabbable count."""
        assert self.page.evaluate(_POSITIVE_TABINDEX) == 0, f"{where}: a positive tabindex reorders the page"
        self.page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
        self.page.evaluate("() => { window.__clPrevious = null; }")
        limit = self.page.evaluate(_TABBABLE) + 5
        for _press in range(limit):
            self.page.keyboard.press("Tab")
            if self._stop(where) is None:
                return
        self.problems.append(f"{where}: {limit} presses of Tab never left the page (a trap?)")

    def enter(self) -> None:
        with self.page.expect_navigation(wait_until="load"):
            self.page.keyboard.press("Enter")


@pytest.fixture
def agency(world):
    extend_world(world)
    return world


def _sign_in_by_keyboard(page, live_server, username: str) -> None:
    # Without smooth scrolling a focused element is in view at once, where the "covered" check looks for it
    # (Bootstrap scrolls smoothly unless the user asks for reduced motion, as many keyboard users do).
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/accounts/login/")
    keys = Keyboard(page)
    keys.tab_to("^Username", where="sign-in")
    page.keyboard.type(username)
    keys.tab_to("^Password", where="sign-in")
    page.keyboard.type(PASSWORD)
    keys.enter()
    assert keys.problems == []


def test_the_officers_morning_by_keyboard(agency, live_server, page):
    # given an officer at the sign-in page, with a case on the caseload
    case = agency.cases["mine"]
    notes_before = CaseNote.objects.filter(supervision=case).count()
    _sign_in_by_keyboard(page, live_server, agency.users["officer"].username)
    keys = Keyboard(page)
    # when they go through the caseload to the case, and from the case to a new note, and save it
    keys.through_the_page("caseload")
    keys.tab_to(re.escape(case.offender.last_name), where="caseload")
    keys.enter()
    expect(page.locator("h1")).to_have_text(case.offender.full_name)
    keys.through_the_page("case page")
    keys.tab_to("^Case note$", where="case page")
    keys.enter()
    keys.through_the_page("note form")
    keys.tab_to("^Note", where="note form")
    page.keyboard.type("Seen at home; employed, no concerns.")
    keys.tab_to("^Save$", where="note form")
    keys.enter()
    # then the note is saved, the case page says so, and every stop had a drawn, uncovered focus in order
    assert CaseNote.objects.filter(supervision=case).count() == notes_before + 1
    expect(page.locator("#messages")).to_contain_text("note")
    assert keys.problems == [], "\n".join(keys.problems)


def test_the_supervisors_review_by_keyboard(agency, live_server, page):
    # given a supervisor with two submitted reports of the unit
    returned, approved = agency.records[("review-reports", "mine")], agency.records[("review-reports", "peer")]
    page.on("dialog", lambda dialog: dialog.accept())  # "Approve this report?"
    _sign_in_by_keyboard(page, live_server, agency.users["supervisor"].username)
    keys = Keyboard(page)
    # when they return one with a comment, from the review queue, by keyboard
    page.goto(f"{live_server.url}/dashboard/reviews/")
    keys.through_the_page("review queue")
    keys.tab_to(f"^Report #{returned.pk}$", where="review queue")
    keys.enter()
    keys.through_the_page("review page")
    keys.tab_to("^Comments for the officer", where="review page")
    page.keyboard.type("Add the drug test results of March 3.")
    keys.tab_to("^Return to the officer$", where="review page")
    keys.enter()
    # and approve the other one
    page.goto(f"{live_server.url}/dashboard/reviews/{approved.pk}/")
    keys.tab_to("^Approve and send$", where="review page")
    keys.enter()
    # then the first is back with the officer, the second went on, and the focus was right all along
    returned.refresh_from_db()
    approved.refresh_from_db()
    assert (returned.status, approved.status) == (ReportStatus.RETURNED, ReportStatus.APPROVED)
    assert keys.problems == [], "\n".join(keys.problems)


def test_the_clerks_disposition_by_keyboard(agency, live_server, page):
    # given a court clerk with a report routed to the court
    report = agency.records[("violation-reports", "mine")]
    page.on("dialog", lambda dialog: dialog.accept())  # "Record this disposition?"
    _sign_in_by_keyboard(page, live_server, agency.users["clerk"].username)
    keys = Keyboard(page)
    # when they open it from the inbox, acknowledge it, and record a disposition, by keyboard
    keys.through_the_page("inbox")
    keys.tab_to(re.escape(report.supervision.offender.last_name), where="inbox")
    keys.enter()
    keys.through_the_page("report page")
    keys.tab_to("^Acknowledge receipt$", where="report page")
    keys.enter()
    keys.tab_to("^Decision", where="report page")
    page.keyboard.type("Dismissed")  # a closed select picks by typing, as a person would
    keys.tab_to("^Record the disposition$", where="report page")
    keys.enter()
    # then the disposition is recorded
    report.refresh_from_db()
    assert (report.status, report.disposition) == (ReportStatus.DISPOSED, "dismissed")
    assert keys.problems == [], "\n".join(keys.problems)


_OUTLINE = """() => ({
  headings: Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"))
    .filter((h) => h.getClientRects().length && !h.closest("[hidden]"))
    .map((h) => [Number(h.tagName[1]), h.innerText.replace(/\\s+/g, " ").trim()]),
  landmarks: ["header", "nav", "main", "footer"].filter((tag) => document.querySelector(tag) !== null),
  headerless: Array.from(document.querySelectorAll("main table"))
    .filter((table) => !table.querySelector("th")).length,
})"""


def _outline_problems(page, where: str) -> list[str]:
    outline = page.evaluate(_OUTLINE)
    levels = [level for level, _text in outline["headings"]]
    problems = []
    if levels.count(1) != 1:
        problems.append(f"{where}: {levels.count(1)} h1 headings")
    problems += [
        f"{where}: '{text}' (h{level}) skips a level after h{before}"
        for before, (level, text) in zip(levels, outline["headings"][1:], strict=False)
        if level > before + 1
    ]
    if outline["landmarks"] != ["header", "nav", "main", "footer"]:
        problems.append(f"{where}: landmarks {outline['landmarks']}")
    if outline["headerless"]:
        problems.append(f"{where}: {outline['headerless']} tables without header cells")
    return problems


def test_the_case_page_and_the_report_form_read_in_order(agency, live_server, page):
    # given an officer's case with a draft report
    case, draft = agency.cases["mine"], agency.records[("draft-reports", "mine")]
    _sign_in_by_keyboard(page, live_server, agency.users["officer"].username)
    # when a screen reader's user lists the headings and landmarks of the case page and the report form
    problems = []
    for where, path in (
        ("case page", f"/cases/{case.pk}/"),
        ("new report form", f"/cases/{case.pk}/reports/new/"),
        ("draft report", f"/cases/{case.pk}/reports/{draft.pk}/"),
    ):
        page.goto(f"{live_server.url}{path}")
        problems += _outline_problems(page, where)
    # then each has one h1, no skipped level, a banner, navigation, main and footer, and tables with headers
    assert problems == [], "\n".join(problems)
    assert ViolationReport.objects.filter(pk=draft.pk, status=ReportStatus.DRAFT).exists()


def test_the_timeline_filter_is_announced_and_keeps_the_focus(agency, live_server, page):
    # given the case page, the timeline showing everything
    case = agency.cases["mine"]
    _sign_in_by_keyboard(page, live_server, agency.users["officer"].username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    keys = Keyboard(page)
    # when the officer picks "Notes" in the timeline's filter with the keyboard (htmx replaces the timeline)
    keys.tab_to("^Notes?$", where="timeline filter")
    with page.expect_response(lambda response: "kind=" in response.url):
        page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#timeline [aria-current]')?.innerText.trim() !== 'Everything'"
    )
    # then the new timeline is inside a polite live region, and the focus is on the filter now current
    assert page.locator("#timeline").get_attribute("aria-live") == "polite"
    focused = page.evaluate(
        "() => [document.activeElement.innerText.trim(), document.activeElement.closest('#timeline') !== null]"
    )
    assert focused == [page.locator("#timeline [aria-current]").inner_text().strip(), True]
    assert keys.problems == []
