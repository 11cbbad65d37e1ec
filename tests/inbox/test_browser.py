"""A court clerk's morning in a real browser (Debian's chromium, headless): sign in, open an unread
violation report, download its PDF, acknowledge receipt, schedule the hearing, record the disposition;
then the officer signs in and sees the outcome on the case page."""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from supervision.choices import CheckInStatus, ReportStatus, SupervisionStatus
from supervision.models import DrugTestSubstanceResult, ReportDelivery, Supervision, ViolationReport
from tests.agency.factories import CourtClerkFactory, CourtFactory, OfficerFactory, SupervisorFactory, UnitFactory
from tests.e2e.conftest import SCREENSHOTS
from tests.inbox.conftest import PASSWORD, make_report
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import (
    CheckInFactory,
    ConditionFactory,
    ConditionTypeFactory,
    DrugTestFactory,
    SupervisionFactory,
    ViolationFactory,
)


@pytest.fixture
def courthouse(transactional_db):
    """Franklin County's court with its clerk; a unit whose supervisor approved Marcus Reyes's report;
    a few older reports already in the inbox."""
    now = timezone.now()
    court = CourtFactory(name="Franklin County Court of Common Pleas", jurisdiction="Franklin County, Ohio")
    clerk = CourtClerkFactory(court=court, username="clerk.morgan", first_name="Pat", last_name="Morgan")
    unit = UnitFactory(name="Franklin County North")
    unit.supervisor = SupervisorFactory(unit=unit, username="sup.soto", first_name="Sam", last_name="Soto")
    unit.save()
    officer = OfficerFactory(
        unit=unit, username="ofc.ramirez", first_name="Dana", last_name="Ramirez", badge_number="4471"
    )
    person = OffenderFactory(
        first_name="Marcus",
        middle_name="J",
        last_name="Reyes",
        date_of_birth=datetime.date(1990, 4, 12),
        state_id="OH1234567",
        fbi_number="FBI-889900",
    )
    case = SupervisionFactory(
        officer=officer, court=court, offender=person, docket_number="CR-2025-00042", offense="Burglary (F3)"
    )
    drugs = ConditionFactory(
        supervision=case,
        condition_type=ConditionTypeFactory(name="No illegal drugs"),
        details="Submit to random testing.",
    )
    missed = CheckInFactory(
        supervision=case,
        window_start=now - datetime.timedelta(days=12),
        due_at=now - datetime.timedelta(days=9),
        status=CheckInStatus.MISSED,
    )
    test = DrugTestFactory(supervision=case, result="positive", notes="Admitted use at a party.")
    DrugTestSubstanceResult.objects.create(
        drug_test=test, substance="cocaine", result="positive", level_ng_ml=Decimal("412.5")
    )
    DrugTestSubstanceResult.objects.create(drug_test=test, substance="thc", result="negative")
    violations = [
        ViolationFactory(
            supervision=case,
            check_in=missed,
            occurred_on=timezone.localdate(missed.due_at),
            description="Missed the scheduled office visit; no call.",
            recorded_by=None,
        ),
        ViolationFactory(
            supervision=case,
            drug_test=test,
            condition=drugs,
            severity="high",
            occurred_on=timezone.localdate(),
            description="Urine specimen positive for cocaine.",
        ),
    ]
    report = make_report(
        case,
        ReportStatus.ROUTED,
        violations=violations,
        recommendation="revoke",
        narrative=(
            "Mr. Reyes missed his office visit and then tested positive for cocaine. He admitted use.\n\n"
            "Given the earlier warnings I recommend revocation."
        ),
    )
    for first, last, status in [
        ("Alicia", "Thompson", ReportStatus.RECEIVED),
        ("Brandon", "Lee", ReportStatus.HEARING_SCHEDULED),
        ("Carla", "Nguyen", ReportStatus.DISPOSED),
    ]:
        other = SupervisionFactory(
            officer=officer, court=court, offender=OffenderFactory(first_name=first, last_name=last)
        )
        make_report(other, status)
    ReportDelivery.objects.filter(report=report).update(delivered_at=now - datetime.timedelta(hours=1))
    return {"clerk": clerk, "officer": officer, "case": case, "report": report}


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _status(page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def test_clerk_receives_decides_and_the_officer_sees_the_outcome(live_server, page, screenshot, courthouse):
    report, case = courthouse["report"], courthouse["case"]
    page.on("dialog", lambda dialog: dialog.accept())

    # The clerk signs in and lands on the inbox, newest first, the unread report marked.
    _sign_in(page, live_server, "clerk.morgan")
    expect(page).to_have_url(re.compile(r"/inbox/$"))
    expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(4)
    expect(page.locator("table tbody tr").first).to_contain_text("Unread")
    screenshot("inbox-01-list")

    # Unread only, then search by docket number.
    page.get_by_role("link", name=re.compile(r"^Unread")).click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    page.get_by_role("link", name=re.compile(r"^All")).click()
    page.get_by_placeholder("Docket number or name").fill("CR-2025-00042")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    screenshot("inbox-02-search")

    # The report, as the court needs it.
    page.get_by_role("link", name=re.compile(r"^Reyes, Marcus")).click()
    expect(page.get_by_role("heading", name=f"Violation report #{report.pk}")).to_be_visible()
    expect(page.locator("main")).to_contain_text("FBI-889900")
    expect(page.locator("main")).to_contain_text("Cocaine: positive, 412.5 ng/mL")
    expect(page.locator("main")).to_contain_text("Missed the scheduled office visit; no call.")
    screenshot("inbox-03-report")

    # Download the PDF.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"violation-report-{report.pk}-cr-2025-00042.pdf"
    pdf_path = Path(download.path())
    (SCREENSHOTS.parent / "inbox-report.pdf").write_bytes(pdf_path.read_bytes())
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages).split())
    assert "Docket No. CR-2025-00042" in text
    assert "MARCUS J REYES" in text

    # Acknowledge receipt.
    page.get_by_role("button", name="Acknowledge receipt").click()
    expect(_status(page, f"Receipt of violation report #{report.pk} acknowledged.")).to_be_visible()
    expect(page.locator("#proceedings")).to_contain_text("by Pat Morgan")

    # A hearing in the past is refused next to the field; in the future it is scheduled.
    page.get_by_label("Date and time").fill("2020-01-06T09:00")
    page.get_by_label("Place or courtroom").fill("Courtroom 4B")
    page.get_by_role("button", name="Schedule the hearing").click()
    expect(page.locator("#id_hearing_at_error")).to_contain_text("in the future")
    hearing = (timezone.localtime() + datetime.timedelta(days=14)).replace(hour=9, minute=30)
    page.get_by_label("Date and time").fill(hearing.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule the hearing").click()
    expect(_status(page, "Hearing on violation report")).to_be_visible()
    expect(page.locator("#proceedings")).to_contain_text("Courtroom 4B")
    screenshot("inbox-04-hearing-scheduled")

    # Record the disposition: revoked.
    page.get_by_label("Decision").select_option("revoked")
    page.get_by_label("Note").fill("Probation revoked; remanded to the sheriff for 18 months.")
    screenshot("inbox-05-disposition-form")
    page.get_by_role("button", name="Record the disposition").click()
    expect(_status(page, "have been notified")).to_be_visible()
    expect(page.locator("#proceedings")).to_contain_text("Revoked")
    screenshot("inbox-06-disposed")
    report = ViolationReport.objects.get(pk=report.pk)
    assert (report.status, report.disposition, report.hearing_location) == (
        ReportStatus.DISPOSED,
        "revoked",
        "Courtroom 4B",
    )
    assert Supervision.objects.get(pk=case.pk).status == SupervisionStatus.CLOSED

    # On a phone the inbox and the report still read well.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/inbox/")
    expect(page.locator("table tbody tr")).to_have_count(4)
    screenshot("inbox-07-phone-list")
    page.goto(f"{live_server.url}/inbox/reports/{report.pk}/")
    expect(page.get_by_role("heading", name=f"Violation report #{report.pk}")).to_be_visible()
    screenshot("inbox-08-phone-report")
    page.set_viewport_size({"width": 1366, "height": 900})

    # The officer signs in and sees the outcome on the case page.
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, live_server, "ofc.ramirez")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_role("heading", name="Marcus J Reyes")).to_be_visible()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text(
        f"Violation report #{report.pk} disposed by Franklin County Court of Common Pleas: revoked"
    )
    expect(timeline).to_contain_text("remanded to the sheriff for 18 months")
    expect(timeline).to_contain_text(f"Violation report #{report.pk} received by Franklin County Court of Common Pleas")
    expect(page.locator("main")).to_contain_text("Closed")
    screenshot("inbox-09-officer-case")
