"""The user guide's pictures (docs/users.md), taken in a real browser by tests that also check what the
pages say: one test per role, each doing the steps the guide describes.

Every picture is written under test-artifacts/screenshots/guide-*.png. With ``UPDATE_DOCS_SCREENSHOTS=1``
the same pictures are also written to docs/images/, the copies the guide shows (commit them):

    UPDATE_DOCS_SCREENSHOTS=1 .venv/bin/pytest tests/e2e/test_user_guide.py

Pictures are the browser's viewport (1366x900, or 390 wide for a phone), not the full page, so that each
stays small.
"""

import datetime
import io
import json
import os
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from agency.models import ApiTokenScope, AuditEvent
from supervision.choices import ReportStatus, ViolationStatus
from supervision.models import DrugTest, ReportDelivery, Supervision, ViolationReport
from tests.agency.factories import (
    AdministratorFactory,
    BoardStaffFactory,
    CourtClerkFactory,
    CourtFactory,
    IntegratorFactory,
    OfficerFactory,
    ParoleBoardFactory,
    SupervisorFactory,
    UnitFactory,
)
from tests.e2e.conftest import SCREENSHOTS
from tests.inbox.conftest import make_report
from tests.offenders.factories import AddressFactory, EmploymentFactory, OffenderFactory
from tests.supervision.factories import (
    CaseNoteFactory,
    CheckInFactory,
    ConditionFactory,
    ConditionTypeFactory,
    ParoleSupervisionFactory,
    SupervisionFactory,
    ViolationFactory,
    ViolationReportFactory,
)

PASSWORD = "correct-horse-battery"
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
UPDATE_DOCS = os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1"
PHONE = {"width": 390, "height": 844}

# Every picture docs/users.md shows; test_every_guide_picture_is_taken_by_a_test checks the list.
GUIDE_PICTURES = (
    "guide-officer-1-caseload",
    "guide-officer-2-case",
    "guide-officer-3-drug-test",
    "guide-officer-4-violation-opened",
    "guide-officer-5-report-draft",
    "guide-officer-6-phone-case",
    "guide-supervisor-1-dashboard",
    "guide-supervisor-2-review-queue",
    "guide-supervisor-3-review",
    "guide-supervisor-4-reassign",
    "guide-clerk-1-inbox",
    "guide-clerk-2-report",
    "guide-clerk-3-disposition",
    "guide-board-1-inbox",
    "guide-board-2-received",
    "guide-integrator-1-home",
    "guide-integrator-2-api-docs",
    "guide-integrator-3-guide",
    "guide-admin-1-site",
    "guide-admin-2-locked-user",
    "guide-admin-3-issue-token",
    "guide-admin-4-audit",
)


@pytest.fixture
def picture(page):
    """picture(name): the viewport as test-artifacts/screenshots/<name>.png, and as docs/images/<name>.png
    when UPDATE_DOCS_SCREENSHOTS=1."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        assert name in GUIDE_PICTURES, f"{name} is not one of the guide's pictures"
        page.wait_for_load_state("networkidle")
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=False, animations="disabled", caret="hide")
        if UPDATE_DOCS:
            DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
            (DOCS_IMAGES / f"{name}.png").write_bytes(_small_png(path.read_bytes()))
        return path

    return take


def _small_png(data: bytes) -> bytes:
    """The screenshot with a 256-colour palette (Pillow comes with reportlab): a third of the size, and
    plain pages lose nothing visible."""
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, format="PNG", optimize=True
    )
    return out.getvalue()


@pytest.fixture
def agency(transactional_db):
    """A small agency with one of each role: a unit (supervisor, two officers), a court and its clerk, a
    parole board and its staff, an integrator and an administrator; cases with work waiting for each."""
    now = timezone.now()
    court = CourtFactory(name="Franklin County Court of Common Pleas", jurisdiction="Franklin County, Ohio")
    board = ParoleBoardFactory(name="Ohio Parole Board", jurisdiction="Ohio")
    unit = UnitFactory(name="Franklin County North", code="north")
    supervisor = SupervisorFactory(unit=unit, username="sup.chen", first_name="Grace", last_name="Chen")
    unit.supervisor = supervisor
    unit.save()
    officer = OfficerFactory(unit=unit, username="ofc.ramirez", first_name="Dana", last_name="Ramirez")
    colleague = OfficerFactory(unit=unit, username="ofc.baker", first_name="Sam", last_name="Baker")
    CourtClerkFactory(court=court, username="clerk.morgan", first_name="Pat", last_name="Morgan")
    BoardStaffFactory(parole_board=board, username="board.ellis", first_name="Jordan", last_name="Ellis")
    IntegratorFactory(username="court-cms", first_name="", last_name="")
    AdministratorFactory(username="admin.lee", first_name="Kim", last_name="Lee")

    # The officer's caseload: Marcus Reyes (probation) has a check-in open now; others around him.
    person = OffenderFactory(
        first_name="Marcus", middle_name="J", last_name="Reyes", date_of_birth=datetime.date(1990, 4, 12)
    )
    AddressFactory(offender=person, line1="1187 Parsons Avenue", city="Columbus", verified_on=timezone.localdate())
    EmploymentFactory(offender=person, employer_name="Acme Logistics", position="Warehouse associate")
    case = SupervisionFactory(
        officer=officer,
        court=court,
        offender=person,
        docket_number="CR-2025-00042",
        offense="Burglary (F3)",
        level="high",
    )
    ConditionFactory(supervision=case, condition_type=ConditionTypeFactory(name="Report as directed"))
    ConditionFactory(
        supervision=case, condition_type=ConditionTypeFactory(name="No illegal drugs"), details="Random testing."
    )
    CheckInFactory(
        supervision=case, window_start=now - datetime.timedelta(days=1), due_at=now + datetime.timedelta(hours=6)
    )
    CaseNoteFactory(
        supervision=case, created_at=now - datetime.timedelta(days=4), body="Called employer: attendance good."
    )
    for i, (first, last) in enumerate([("Alicia", "Thompson"), ("Brandon", "Lee"), ("Carla", "Nguyen")]):
        factory = ParoleSupervisionFactory if i % 2 else SupervisionFactory
        extra = {"parole_board": board} if i % 2 else {"court": court}
        other = factory(officer=officer, offender=OffenderFactory(first_name=first, last_name=last), **extra)
        CheckInFactory(
            supervision=other,
            window_start=now + datetime.timedelta(days=i - 2),
            due_at=now + datetime.timedelta(days=i + 1),
        )

    # The supervisor's review queue: Sam Baker submitted a report on Erin Okafor's case.
    erin = SupervisionFactory(
        officer=colleague, court=court, offender=OffenderFactory(first_name="Erin", last_name="Okafor")
    )
    submitted = ViolationReportFactory(
        supervision=erin,
        violations=[ViolationFactory(supervision=erin, description="Missed the office visit; no call.")],
        narrative="Ms. Okafor missed her office visit and did not answer two calls. I recommend continuing "
        "supervision with a written warning.",
        recommendation="continue",
    )
    ViolationReport.objects.filter(pk=submitted.pk).update(status=ReportStatus.SUBMITTED, submitted_at=now)

    # The court's inbox: a routed probation report; the board's: a routed parole report.
    derek = SupervisionFactory(
        officer=officer,
        court=court,
        offender=OffenderFactory(first_name="Derek", last_name="Walsh"),
        docket_number="CR-2024-00917",
    )
    routed = make_report(
        derek,
        ReportStatus.ROUTED,
        violations=[ViolationFactory(supervision=derek, description="Positive test for methamphetamine.")],
        narrative="Mr. Walsh tested positive for methamphetamine on a random test and admitted use.",
        recommendation="modify_conditions",
    )
    make_report(
        SupervisionFactory(officer=officer, court=court, offender=OffenderFactory(first_name="Gina", last_name="Park")),
        ReportStatus.HEARING_SCHEDULED,
    )
    frank = ParoleSupervisionFactory(
        officer=officer,
        parole_board=board,
        offender=OffenderFactory(first_name="Frank", last_name="Ito"),
        docket_number="P-2024-0311",
    )
    paroled = make_report(
        frank,
        ReportStatus.ROUTED,
        violations=[ViolationFactory(supervision=frank, description="Left the state without permission.")],
        narrative="Mr. Ito travelled to Kentucky without a travel permit.",
        recommendation="revoke",
    )
    # The routed report reached the court an hour ago: the newest in its inbox.
    ReportDelivery.objects.filter(report=routed).update(delivered_at=now - datetime.timedelta(hours=1))
    return {
        "case": case,
        "officer": officer,
        "colleague": colleague,
        "submitted": submitted,
        "routed": routed,
        "paroled": paroled,
        "erin": erin,
    }


def _sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _status(page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def test_officer(live_server, page, picture, agency):
    case = agency["case"]
    page.on("dialog", lambda dialog: dialog.accept())

    # Sign in: an officer lands on My caseload, most urgent first.
    _sign_in(page, live_server, "ofc.ramirez")
    expect(page).to_have_url(re.compile(r"/caseload/$"))
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(7)
    picture("guide-officer-1-caseload")

    # Find the person, open the case page.
    page.get_by_placeholder("Name, agency number or date of birth").fill("reyes")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Reyes, Marcus").click()
    expect(page.get_by_role("heading", name="Marcus J Reyes")).to_be_visible()
    expect(page.get_by_text("1187 Parsons Avenue")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("Called employer: attendance good.")
    picture("guide-officer-2-case")

    # Record a positive drug test: it opens a violation.
    page.get_by_role("link", name="Drug test", exact=True).click()
    expect(page.get_by_role("heading", name="Record a drug test")).to_be_visible()
    page.get_by_label("Overall result").select_option("positive")
    page.get_by_label("Cocaine", exact=True).select_option("positive")
    picture("guide-officer-3-drug-test")
    page.get_by_role("button", name="Record the test").click()
    expect(_status(page, "It opened a violation")).to_be_visible()
    violation = DrugTest.objects.get(supervision=case).violations.get()
    assert violation.status == ViolationStatus.OPEN
    expect(page.locator("#timeline")).to_contain_text("Cocaine: positive")
    picture("guide-officer-4-violation-opened")

    # Draft a violation report from the violation, then submit it to the supervisor.
    page.get_by_role("link", name="Violation report", exact=True).click()
    expect(page.get_by_role("heading", name="Draft a violation report")).to_be_visible()
    page.get_by_label(re.compile(re.escape(violation.description))).check()
    page.get_by_label("Recommendation").select_option("modify_conditions")
    page.get_by_label("Narrative").fill(
        "Mr. Reyes provided a urine specimen that tested positive for cocaine and admitted use. "
        "I recommend adding outpatient treatment to his conditions."
    )
    picture("guide-officer-5-report-draft")
    page.get_by_role("button", name="Save as draft").click()
    expect(_status(page, "saved as a draft")).to_be_visible()
    page.get_by_role("button", name="Submit to supervisor").click()
    report = ViolationReport.objects.get(supervision=case)
    expect(_status(page, f"Violation report #{report.pk} submitted")).to_be_visible()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    # On a phone the case page reads the same, the navigation folded away.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_role("heading", name="Marcus J Reyes")).to_be_visible()
    expect(page.get_by_role("button", name="Show navigation")).to_be_visible()
    picture("guide-officer-6-phone-case")


def test_supervisor(live_server, page, picture, agency):
    report, erin = agency["submitted"], agency["erin"]
    page.on("dialog", lambda dialog: dialog.accept())

    # Sign in: a supervisor lands on the unit dashboard.
    _sign_in(page, live_server, "sup.chen")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="Franklin County North dashboard")).to_be_visible()
    expect(page.locator("#caseload-table")).to_contain_text("Dana Ramirez")
    expect(page.locator("#caseload-table")).to_contain_text("Sam Baker")
    picture("guide-supervisor-1-dashboard")

    # The review queue, then one report: approve it.
    page.get_by_role("link", name=re.compile(r"^Review queue")).click()
    expect(page.locator("#review-table tbody tr")).to_have_count(1)
    expect(page.locator("#review-table")).to_contain_text("Okafor")
    picture("guide-supervisor-2-review-queue")
    page.get_by_role("link", name=f"Report #{report.pk}").click()
    expect(page.get_by_role("heading", name=f"Violation report #{report.pk}")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Missed the office visit; no call.")
    picture("guide-supervisor-3-review")
    page.get_by_role("button", name="Approve and send").click()
    expect(
        _status(page, f"Violation report #{report.pk} approved: it is being sent to the sentencing court, ")
    ).to_be_visible()
    report.refresh_from_db()
    assert report.status in (ReportStatus.APPROVED, ReportStatus.ROUTED)
    assert report.court_id == erin.court_id
    assert ReportDelivery.objects.filter(report=report, court=erin.court).count() == 1

    # Reassign a case to another officer of the unit, with a reason.
    page.goto(f"{live_server.url}/dashboard/cases/{erin.pk}/assignments/")
    expect(page.get_by_role("heading", name="Assignments of Erin Okafor")).to_be_visible()
    page.get_by_label("Reason").fill("Sam Baker moves to the courts unit.")
    page.locator("#reassign-title").locator("..").get_by_role("combobox").select_option(label="Dana Ramirez")
    picture("guide-supervisor-4-reassign")
    page.get_by_role("button", name="Reassign", exact=True).click()
    expect(_status(page, "1 case reassigned to Dana Ramirez.")).to_be_visible()
    assert Supervision.objects.get(pk=erin.pk).officer == agency["officer"]


def test_court_clerk(live_server, page, picture, agency):
    report = agency["routed"]
    page.on("dialog", lambda dialog: dialog.accept())

    # Sign in: a clerk lands on the inbox of the reports routed to their court, and only those.
    _sign_in(page, live_server, "clerk.morgan")
    expect(page).to_have_url(re.compile(r"/inbox/$"))
    expect(page.locator("table tbody tr")).to_have_count(2)
    expect(page.locator("table tbody tr").first).to_contain_text("Unread")
    expect(page.locator("table")).not_to_contain_text("Ito")
    picture("guide-clerk-1-inbox")

    # Open the report; acknowledge receipt; schedule the hearing.
    page.get_by_role("link", name=re.compile(r"^Walsh, Derek")).click()
    expect(page.get_by_role("heading", name=f"Violation report #{report.pk}")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Positive test for methamphetamine.")
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    picture("guide-clerk-2-report")
    page.get_by_role("button", name="Acknowledge receipt").click()
    expect(_status(page, f"Receipt of violation report #{report.pk} acknowledged.")).to_be_visible()
    hearing = (timezone.localtime() + datetime.timedelta(days=14)).replace(hour=9, minute=30)
    page.get_by_label("Date and time").fill(hearing.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Place or courtroom").fill("Courtroom 4B")
    page.get_by_role("button", name="Schedule the hearing").click()
    expect(_status(page, "Hearing on violation report")).to_be_visible()

    # Record the disposition: it flows back to the case.
    page.get_by_label("Decision").select_option("conditions_modified")
    page.get_by_label("Note").fill("Outpatient drug treatment added; report weekly for 90 days.")
    page.locator("#proceedings").scroll_into_view_if_needed()
    picture("guide-clerk-3-disposition")
    page.get_by_role("button", name="Record the disposition").click()
    expect(_status(page, "have been notified")).to_be_visible()
    report.refresh_from_db()
    assert (report.status, report.disposition, report.hearing_location) == (
        ReportStatus.DISPOSED,
        "conditions_modified",
        "Courtroom 4B",
    )
    assert report.supervision.case_notes.filter(body__contains="Conditions of supervision modified").exists()


def test_parole_board_staff(live_server, page, picture, agency):
    report = agency["paroled"]

    # Sign in: board staff see the parole reports routed to their board, none of the court's.
    _sign_in(page, live_server, "board.ellis")
    expect(page).to_have_url(re.compile(r"/inbox/$"))
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table")).to_contain_text("P-2024-0311")
    expect(page.locator("table")).not_to_contain_text("Walsh")
    picture("guide-board-1-inbox")

    page.get_by_role("link", name=re.compile(r"^Ito, Frank")).click()
    page.get_by_role("button", name="Acknowledge receipt").click()
    expect(_status(page, f"Receipt of violation report #{report.pk} acknowledged.")).to_be_visible()
    expect(page.locator("#proceedings")).to_contain_text("by Jordan Ellis")
    picture("guide-board-2-received")
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED


def test_integrator(live_server, page, picture, agency):
    # Sign in: the integrator's home page says what the account is for.
    _sign_in(page, live_server, "court-cms")
    expect(page.get_by_role("heading", name="Welcome, court-cms")).to_be_visible()
    expect(page.locator("main")).to_contain_text("/api/v1/")
    picture("guide-integrator-1-home")

    # The API docs (Swagger UI) link to the guide's "Getting started".
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=15_000)
    link = page.locator(".swagger-ui .info").get_by_role("link", name="Getting started")
    expect(link).to_have_attribute("href", "/api/guide/#getting-started")
    picture("guide-integrator-2-api-docs")
    page.goto(f"{live_server.url}{link.get_attribute('href')}")  # Swagger UI opens it in a new tab
    expect(page).to_have_url(re.compile(r"/api/guide/#getting-started$"))
    expect(page.get_by_role("heading", name="Getting started", exact=True)).to_be_visible()
    expect(page.locator("article")).to_contain_text("create_api_token")
    picture("guide-integrator-3-guide")

    # A read token from the command in the guide, and the guide's first call with it.
    out = io.StringIO()
    call_command("create_api_token", "court-cms", "--scope", "read", stdout=out, stderr=io.StringIO())
    token = out.getvalue().strip()
    assert token.startswith("cl_")
    answer = page.request.get(f"{live_server.url}/api/v1/me/", headers={"Authorization": f"Token {token}"})
    assert answer.status == 200
    me = json.loads(answer.text())
    assert (me["username"], me["role"], me["token"]["scope"]) == ("court-cms", "integrator", "read")
    refused = page.request.post(
        f"{live_server.url}/api/v1/case-notes/",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        data=json.dumps({"supervision": agency["case"].pk, "body": "From the court system."}),
    )
    assert refused.status == 403
    assert set(json.loads(refused.text())) == {"detail", "errors"}


def test_administrator(live_server, page, picture, agency, chromium):
    # Five wrong passwords lock an account (in another browser, as its owner would).
    other = chromium.new_context()
    try:
        stranger = other.new_page()
        for _ in range(5):
            _sign_in(stranger, live_server, "ofc.baker", password="not-the-password")
        expect(stranger.locator("main")).to_contain_text("locked", ignore_case=True)
    finally:
        other.close()
    assert AccessAttempt.objects.filter(username="ofc.baker", failures_since_start__gte=5).exists()

    # The administrator signs in and lands on the admin site.
    _sign_in(page, live_server, "admin.lee")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("link", name="Users")).to_be_visible()
    picture("guide-admin-1-site")

    # Unlock the account from the user's page (one click, audited).
    colleague = agency["colleague"]
    page.goto(f"{live_server.url}/admin/agency/user/{colleague.pk}/change/")
    expect(page.get_by_text("Locked after 5 failed attempts.")).to_be_visible()
    page.get_by_role("button", name="Unlock sign-in").scroll_into_view_if_needed()
    picture("guide-admin-2-locked-user")
    page.get_by_role("button", name="Unlock sign-in").click()
    expect(page.get_by_text("Sign-in unlocked for ofc.baker.")).to_be_visible()
    assert not AccessAttempt.objects.filter(username="ofc.baker").exists()
    assert AuditEvent.objects.filter(action="user.unlocked", object_id=str(colleague.pk)).count() == 1

    # Issue a read token for the integrator; it is shown once.
    page.goto(f"{live_server.url}/admin/agency/apitokenscope/add/")
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("court-cms")
    page.locator(".select2-results__option", has_text="court-cms").click()
    page.get_by_label("Label").fill("County court case system")
    page.get_by_label("Scope").select_option("read")
    picture("guide-admin-3-issue-token")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("copy it now")).to_be_visible()
    record = ApiTokenScope.objects.get(label="County court case system")
    assert (record.user.username, record.scope, record.is_active) == ("court-cms", "read", True)

    # The audit trail: who did what, including the unlock and the token.
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    expect(page.locator("main")).to_contain_text("user.unlocked")
    expect(page.locator("main")).to_contain_text("api_token.issued")
    picture("guide-admin-4-audit")


def test_every_guide_picture_is_taken_by_a_test():
    """The pictures docs/users.md shows are exactly the ones these tests take."""
    guide = (DOCS_IMAGES.parent / "users.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\]\(images/(guide-[a-z0-9-]+)\.png\)", guide))
    assert shown == set(GUIDE_PICTURES)
    source = Path(__file__).read_text(encoding="utf-8")
    taken = set(re.findall(r'picture\("(guide-[a-z0-9-]+)"\)', source))
    assert taken == set(GUIDE_PICTURES)
    for name in GUIDE_PICTURES:
        image = DOCS_IMAGES / f"{name}.png"
        assert image.exists(), f"{image} is missing: run with UPDATE_DOCS_SCREENSHOTS=1"
        assert image.stat().st_size < 250_000, f"{image} is {image.stat().st_size} bytes"
