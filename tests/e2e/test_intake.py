"""Intake in a real browser (issue 15, item 1): an officer finds the person first, sees a possible duplicate
with why it matches, registers a different person after confirming so, opens the probation case with the
standard condition ticked and a special condition in the order's wording, and lands on the case page with the
conditions and the first check-in."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from offenders.models import Offender
from supervision.choices import ConditionCategory
from supervision.models import CheckIn, Supervision
from tests.agency.factories import CourtFactory, OfficerFactory, UnitFactory
from tests.offenders.factories import OffenderFactory
from tests.supervision.factories import ConditionTypeFactory, ContactStandardFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture
def agency(transactional_db):
    unit = UnitFactory(name="Franklin County North")
    officer = OfficerFactory(username="ofc.intake", first_name="Dana", last_name="Ramirez", unit=unit)
    CourtFactory(name="Franklin County Common Pleas")
    ContactStandardFactory()
    ConditionTypeFactory(name="Report as directed")
    ConditionTypeFactory(name="Curfew", category=ConditionCategory.SPECIAL)
    # someone already registered, with no case: same last name and date of birth
    OffenderFactory(first_name="Grace", last_name="Okonkwo", date_of_birth=datetime.date(1985, 6, 1))
    return {"officer": officer}


def test_an_officer_takes_an_intake_in_the_browser(live_server, page, screenshot, agency):
    # Sign in (on a loaded machine the first pages can take longer than the usual 15 s).
    page.set_default_timeout(60_000)
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("ofc.intake")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/caseload/$"))

    # Find the person first: a possible match, and why.
    page.get_by_role("link", name="Intake").click()
    expect(page.get_by_role("heading", name="Intake: find the person")).to_be_visible()
    page.locator("#id_last_name").fill("Okonkwo")
    page.locator("#id_date_of_birth").fill("1985-06-01")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Same last name and date of birth")).to_be_visible()
    expect(page.get_by_text("Okonkwo, Grace")).to_be_visible()
    screenshot("intake-01-search")

    # Not her: register a new person, past the possible duplicate.
    page.get_by_role("link", name="None of them: register a new person").click()
    expect(page.locator("#id_last_name")).to_have_value("Okonkwo")
    page.locator("#id_first_name").fill("Daniel")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Possible duplicates: is this one of them?")).to_be_visible()
    page.get_by_label("I have checked the possible matches: this is a different person").check()
    screenshot("intake-02-duplicates")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Open a case")).to_be_visible()
    person = Offender.objects.get(first_name="Daniel", last_name="Okonkwo")

    # Open the probation case: the standard condition is ticked, the officer suggested.
    expect(page.get_by_role("checkbox", name="Report as directed")).to_be_checked()
    page.locator("#id_court").select_option(label="Franklin County Common Pleas")
    page.locator("#id_docket_number").fill("CR-2026-00901")
    page.locator("#id_offense").fill("Receiving stolen property (F4)")
    page.locator("#id_end_date").fill((timezone.localdate() + datetime.timedelta(days=365)).isoformat())
    page.locator("#id_order_reference").fill("Judgment entry 2026-901")
    page.locator("#id_special_type_1").select_option(label="Curfew")
    page.locator("#id_special_details_1").fill("Home from 22:00 to 06:00.")
    screenshot("intake-03-open")
    page.get_by_role("button", name="Open the case").click()

    # The case page: the conditions and the first check-in.
    case = Supervision.objects.get(offender=person)
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.get_by_role("heading", name="Daniel Okonkwo")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="is open for Daniel Okonkwo")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Report as directed"))).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Curfew"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Complete Office visit")).first).to_be_visible()
    screenshot("intake-04-case")
    assert case.officer == agency["officer"]
    assert CheckIn.objects.filter(supervision=case).exists()

    # The person page lists the case.
    page.get_by_role("link", name=re.compile("^Person page")).click()
    expect(page.get_by_role("link", name="Probation CR-2026-00901")).to_be_visible()
