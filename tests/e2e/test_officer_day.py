"""An officer's morning, in a real browser: sign in, find a person, complete a check-in, record a
positive drug test and see the violation it opened, draft a violation report and submit it."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from offenders.models import Alias, EmergencyContact
from supervision.choices import CheckInStatus, ReportStatus, ViolationStatus
from supervision.models import CheckIn, DrugTest, ViolationReport
from tests.agency.factories import OfficerFactory, UnitFactory
from tests.offenders.factories import AddressFactory, EmploymentFactory, OffenderFactory
from tests.supervision.factories import (
    CaseNoteFactory,
    CheckInFactory,
    ConditionFactory,
    ConditionTypeFactory,
    ParoleSupervisionFactory,
    ReferralFactory,
    SupervisionFactory,
    ViolationFactory,
)

PASSWORD = "correct-horse-battery"


@pytest.fixture
def morning(transactional_db):
    """An officer with a small caseload; Marcus Reyes has a check-in whose window is open now."""
    now = timezone.now()
    unit = UnitFactory(name="Franklin County North")
    officer = OfficerFactory(username="ofc.ramirez", first_name="Dana", last_name="Ramirez", unit=unit)
    names = [("Alicia", "Thompson"), ("Brandon", "Lee"), ("Carla", "Nguyen"), ("Derek", "Walsh"), ("Erin", "Okafor")]
    for i, (first, last) in enumerate(names):
        factory = ParoleSupervisionFactory if i % 2 else SupervisionFactory
        other = factory(
            officer=officer,
            offender=OffenderFactory(first_name=first, last_name=last),
            level=["high", "medium", "low"][i % 3],
        )
        CheckInFactory(
            supervision=other,
            window_start=now + datetime.timedelta(days=i - 3),
            due_at=now + datetime.timedelta(days=i - 1),
        )
    person = OffenderFactory(
        first_name="Marcus",
        middle_name="J",
        last_name="Reyes",
        date_of_birth=datetime.date(1990, 4, 12),
        phone="614-555-0182",
    )
    AddressFactory(offender=person, line1="1187 Parsons Avenue", city="Columbus", verified_on=timezone.localdate())
    EmploymentFactory(offender=person, employer_name="Acme Logistics", position="Warehouse associate")
    EmergencyContact.objects.create(offender=person, name="Rosa Reyes", relationship="Mother", phone="614-555-0110")
    Alias.objects.create(offender=person, first_name="Marc", last_name="Reyes", kind="nickname")
    case = SupervisionFactory(
        officer=officer, offender=person, docket_number="CR-2025-00042", offense="Burglary (F3)", level="high"
    )
    ConditionFactory(supervision=case, condition_type=ConditionTypeFactory(name="Report as directed"))
    ConditionFactory(
        supervision=case,
        condition_type=ConditionTypeFactory(name="No illegal drugs"),
        details="Submit to random testing.",
    )
    ConditionFactory(
        supervision=case,
        condition_type=ConditionTypeFactory(name="Community service", tracks_hours=True, category="special"),
        hours_required=Decimal("80"),
        hours_completed=Decimal("26.5"),
        compliance_status="in_progress",
    )
    check_in = CheckInFactory(
        supervision=case, window_start=now - datetime.timedelta(days=1), due_at=now + datetime.timedelta(hours=6)
    )
    CheckInFactory(
        supervision=case,
        window_start=now - datetime.timedelta(days=15),
        due_at=now - datetime.timedelta(days=12),
        status=CheckInStatus.COMPLETED,
        completed_at=now - datetime.timedelta(days=13),
        location="Field office",
        notes="Reported on time; job going well.",
    )
    CaseNoteFactory(
        supervision=case, created_at=now - datetime.timedelta(days=5), body="Called employer: attendance good."
    )
    ReferralFactory(supervision=case, kind="counselling", provider="Southside Counselling Center")
    ViolationFactory(
        supervision=case,
        occurred_on=timezone.localdate() - datetime.timedelta(days=20),
        description="Out after curfew (23:40).",
    )
    return {"officer": officer, "case": case, "check_in": check_in}


def _url(live_server, path: str) -> str:
    return f"{live_server.url}{path}"


def test_officer_runs_the_morning_in_the_browser(live_server, page, screenshot, morning):
    case = morning["case"]
    page.on("dialog", lambda dialog: dialog.accept())

    # Sign in (the use banner is there first).
    page.goto(_url(live_server, "/"))
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("#use-banner")).to_contain_text("use is monitored and audited", ignore_case=True)
    screenshot("01-login")
    page.get_by_label("Username").fill("ofc.ramirez")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # My caseload, most urgent first.
    expect(page).to_have_url(re.compile(r"/caseload/$"))
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(6)
    screenshot("02-caseload")

    # Find the person by name.
    page.get_by_placeholder("Name, agency number or date of birth").fill("reyes")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    screenshot("03-caseload-search")
    page.get_by_role("link", name="Reyes, Marcus").click()

    # The case page.
    expect(page.get_by_role("heading", name="Marcus J Reyes")).to_be_visible()
    expect(page.get_by_text("1187 Parsons Avenue")).to_be_visible()
    expect(page.get_by_text("26.5 of 80 h")).to_be_visible()
    screenshot("04-case")

    # The timeline filters by kind without reloading the page (htmx).
    page.get_by_role("link", name="Notes", exact=True).click()
    expect(page.locator("#timeline")).to_contain_text("Called employer: attendance good.")
    expect(page.locator("#timeline")).not_to_contain_text("Out after curfew")
    expect(page).to_have_url(re.compile(r"\?kind=note$"))
    page.get_by_role("link", name="Everything", exact=True).click()
    expect(page.locator("#timeline")).to_contain_text("Out after curfew")

    # Complete the check-in that is open today.
    page.get_by_role("link", name=re.compile(r"^Complete Office visit")).click()
    expect(page.get_by_role("heading", name="Complete a check-in")).to_be_visible()
    screenshot("05-check-in-complete")
    page.get_by_label("How the contact took place").select_option("home_visit")
    page.get_by_label("Where").fill("1187 Parsons Avenue")
    page.get_by_label("Notes").fill("Home visit; residence verified, roommate present.")
    page.get_by_role("button", name="Record as completed").click()
    expect(page.get_by_role("status").filter(has_text="Home visit recorded as completed.")).to_be_visible()
    assert CheckIn.objects.get(pk=morning["check_in"].pk).status == CheckInStatus.COMPLETED

    # Record a positive drug test: it opens a violation, shown on the case page.
    page.get_by_role("link", name="Drug test", exact=True).click()
    expect(page.get_by_role("heading", name="Record a drug test")).to_be_visible()
    page.get_by_label("Overall result").select_option("positive")
    page.get_by_label("Cocaine", exact=True).select_option("positive")
    page.get_by_label("Cannabinoids (THC)").select_option("negative")
    screenshot("06-drug-test")
    page.get_by_role("button", name="Record the test").click()
    expect(page.get_by_role("status").filter(has_text="It opened a violation")).to_be_visible()
    test = DrugTest.objects.get(supervision=case)
    violation = test.violations.get()
    assert violation.status == ViolationStatus.OPEN
    expect(page.locator("#timeline")).to_contain_text(violation.description)
    expect(page.locator("#timeline")).to_contain_text("Cocaine: positive")
    screenshot("07-case-after-drug-test")

    # Draft a violation report from the new violation and submit it.
    page.get_by_role("link", name="Violation report", exact=True).click()
    expect(page.get_by_role("heading", name="Draft a violation report")).to_be_visible()
    page.get_by_label(re.compile(re.escape(violation.description))).check()
    page.get_by_label("Recommendation").select_option("modify_conditions")
    page.get_by_label("Narrative").fill(
        "On the date above Mr. Reyes provided a urine specimen that tested positive for cocaine. "
        "He admitted use at a party. I recommend adding outpatient treatment to his conditions."
    )
    screenshot("08-report-draft")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("status").filter(has_text="saved as a draft")).to_be_visible()
    report = ViolationReport.objects.get(supervision=case)
    assert report.status == ReportStatus.DRAFT
    screenshot("09-report-edit")
    page.get_by_role("button", name="Submit to supervisor").click()
    expect(page.get_by_role("status").filter(has_text=f"Violation report #{report.pk} submitted")).to_be_visible()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert list(report.violations.all()) == [violation]
    screenshot("10-case-after-report")


def test_each_form_page_renders_and_shows_errors(live_server, page, screenshot, morning):
    """The remaining forms, for the screenshots and to see errors next to the fields in a browser."""
    case = morning["case"]
    page.goto(_url(live_server, "/accounts/login/"))
    page.get_by_label("Username").fill("ofc.ramirez")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/caseload/$"))

    for name, path in [
        ("11-contact", f"/cases/{case.pk}/contacts/new/"),
        ("12-note", f"/cases/{case.pk}/notes/new/"),
        ("13-referral", f"/cases/{case.pk}/referrals/new/"),
        ("14-community-service", f"/cases/{case.pk}/community-service/new/"),
        ("15-violation", f"/cases/{case.pk}/violations/new/"),
        ("16-check-in-excuse", f"/cases/{case.pk}/check-ins/{morning['check_in'].pk}/excuse/"),
    ]:
        page.goto(_url(live_server, path))
        expect(page.locator("form button[type=submit]").last).to_be_visible()
        screenshot(name)

    # Bad input in the browser: the error sits next to the field, nothing is saved.
    page.goto(_url(live_server, f"/cases/{case.pk}/community-service/new/"))
    page.get_by_label("Hours").fill("0")
    page.get_by_label("Organisation").fill("Food bank")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_hours_error")).to_contain_text("greater than or equal to 0.25")
    screenshot("17-form-error")


def test_pages_work_on_a_phone(live_server, page, screenshot, morning):
    """Responsive: on a phone the navigation collapses and the caseload and case page still read well."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(_url(live_server, "/accounts/login/"))
    page.get_by_label("Username").fill("ofc.ramirez")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.get_by_role("button", name="Show navigation")).to_be_visible()
    screenshot("20-phone-caseload")

    page.get_by_role("button", name="Show navigation").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Show navigation").click()

    page.get_by_role("link", name="Reyes, Marcus").click()
    expect(page.get_by_role("heading", name="Marcus J Reyes")).to_be_visible()
    screenshot("21-phone-case")

    # The check-ins due come first on a phone, right under the record buttons (once some 1,580 px down),
    # and the person's phone number dials.
    check_ins = page.locator("section[aria-labelledby=checkins-h]").bounding_box()
    person = page.locator("section[aria-labelledby=person-h]").bounding_box()
    assert check_ins["y"] < person["y"]
    assert check_ins["y"] < 600
    assert check_ins["width"] == person["width"]
    expect(page.locator('a[href^="tel:"]').first).to_be_visible()

    # At desktop width the two columns stand as before: the person on the left, the check-ins on the right.
    page.set_viewport_size({"width": 1366, "height": 900})
    check_ins = page.locator("section[aria-labelledby=checkins-h]").bounding_box()
    person = page.locator("section[aria-labelledby=person-h]").bounding_box()
    assert check_ins["x"] > person["x"] + person["width"]
    assert abs(check_ins["y"] - person["y"]) < 2


def _sign_in(page, live_server, username: str, next_path: str) -> None:
    page.goto(_url(live_server, f"/accounts/login/?next={next_path}"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_supervisor_unit_caseload_and_a_returned_report(live_server, page, screenshot, morning):
    """The unit's caseload as its supervisor sees it; the officer reads the supervisor's comments on a
    returned report and revises it."""
    from tests.agency.factories import OfficerFactory as Officer
    from tests.agency.factories import SupervisorFactory
    from tests.supervision.factories import ViolationReportFactory

    case = morning["case"]
    unit = case.unit
    supervisor = SupervisorFactory(username="sup.chen", first_name="Grace", last_name="Chen", unit=unit)
    colleague = Officer(username="ofc.baker", first_name="Sam", last_name="Baker", unit=unit)
    SupervisionFactory(officer=colleague, offender=OffenderFactory(first_name="Tina", last_name="Marsh"))
    report = ViolationReportFactory(supervision=case, narrative="Missed the office visit.")
    ViolationReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RETURNED,
        reviewed_by=supervisor,
        reviewed_at=timezone.now(),
        review_comment="Add the dates of both missed visits and what he said when you called him.",
    )

    # The supervisor: the whole unit, with the officer of each case and a filter by officer.
    _sign_in(page, live_server, "sup.chen", "/caseload/")
    expect(page.get_by_role("heading", name="Franklin County North caseload")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(7)
    expect(page.locator("table")).to_contain_text("Sam Baker")
    screenshot("18-unit-caseload")
    page.get_by_label("Officer").select_option(label="Sam Baker")
    page.get_by_role("button", name="Apply filters").click()  # choosing alone does not submit (WCAG 3.2.2)
    expect(page.locator("table tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Sign out").click()

    # The officer: the returned report shows the supervisor's comments above the form.
    _sign_in(page, live_server, "ofc.ramirez", f"/cases/{case.pk}/reports/{report.pk}/")
    expect(page.get_by_role("note").filter(has_text="Returned by Grace Chen")).to_contain_text(
        "Add the dates of both missed visits"
    )
    screenshot("19-report-returned")
    page.get_by_label("Narrative").fill("Missed the office visits of Nov 3 and Nov 17; by phone he said he forgot.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").filter(has_text="Violation report saved.")).to_be_visible()
    report.refresh_from_db()
    assert report.narrative.startswith("Missed the office visits of Nov 3")
