"""A case from intake to closure in a real browser (issue 15): the officer opens it, imposes a condition by a
later order, changes its level and status, records custody and the release, and asks to close it early; the
supervisor approves the early termination (four eyes) and the closed case is read-only."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from supervision.choices import ClosureReason, ConditionCategory, SupervisionLevel, SupervisionStatus
from supervision.models import CheckIn, ClosureRequest, CustodyEpisode, Supervision
from tests.agency.factories import CourtFactory, OfficerFactory, SupervisorFactory, UnitFactory
from tests.supervision.factories import ConditionTypeFactory, ContactStandardFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture
def agency(transactional_db):
    unit = UnitFactory(name="Franklin County South")
    officer = OfficerFactory(username="ofc.lifecycle", first_name="Ana", last_name="Ruiz", unit=unit)
    supervisor = SupervisorFactory(username="sup.lifecycle", first_name="Lee", last_name="Park", unit=unit)
    CourtFactory(name="Franklin County Common Pleas")
    for level in SupervisionLevel.values:
        ContactStandardFactory(level=level)
    ConditionTypeFactory(name="Report as directed")
    ConditionTypeFactory(name="No contact with the victim", category=ConditionCategory.SPECIAL)
    return {"officer": officer, "supervisor": supervisor}


def _sign_in(page: Page, url: str, username: str, home: str) -> None:
    page.set_default_timeout(60_000)  # a loaded machine can take longer than 15 s for the first pages
    page.goto(f"{url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"{home}$"))


def _save(page: Page, case: Supervision, message: str) -> None:
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.get_by_role("status").filter(has_text=message)).to_be_visible()


def test_a_case_from_intake_to_closure(live_server, chromium, page, screenshot, agency):
    today = timezone.localdate()

    # The officer registers the person and opens the probation case.
    _sign_in(page, live_server.url, "ofc.lifecycle", "/caseload/")
    page.get_by_role("link", name="Intake").click()
    page.locator("#id_last_name").fill("Whitfield")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="None of them: register a new person").click()
    page.locator("#id_first_name").fill("Marcus")
    page.locator("#id_date_of_birth").fill("1990-02-14")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Open a case")).to_be_visible()
    page.locator("#id_court").select_option(label="Franklin County Common Pleas")
    page.locator("#id_docket_number").fill("CR-2026-01411")
    page.locator("#id_offense").fill("Theft (M1)")
    page.locator("#id_end_date").fill((today + datetime.timedelta(days=730)).isoformat())
    page.locator("#id_order_reference").fill("Judgment entry 2026-1411")
    page.get_by_role("button", name="Open the case").click()
    case = Supervision.objects.get(docket_number="CR-2026-01411")
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    assert CheckIn.objects.filter(supervision=case, status="scheduled").exists()

    # A later order adds a condition.
    page.get_by_role("link", name="Impose a condition").first.click()
    page.locator("#id_condition_type").select_option(label="No contact with the victim (special)")
    page.locator("#id_details").fill("No contact with J.D., directly or through others.")
    page.locator("#id_imposed_on").fill(today.isoformat())
    page.locator("#id_order_date").fill(today.isoformat())
    page.locator("#id_order_reference").fill("Entry 2026-1411-2")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.get_by_role("cell", name=re.compile("No contact with the victim"))).to_be_visible()

    # The level goes up, with a reason the history keeps.
    page.get_by_role("link", name="Change the level").click()
    page.locator("#id_level").select_option(SupervisionLevel.HIGH)
    page.locator("#id_reason").fill("New arrest reported by the police")
    _save(page, case, "level")
    case.refresh_from_db()
    assert case.level == SupervisionLevel.HIGH
    assert case.history.first().history_change_reason.startswith("New arrest reported")

    # He is taken into custody: the schedule stands down; then released, and it is planned again.
    page.goto(f"{live_server.url}/cases/{case.pk}/custody/")
    page.locator("#id_facility").fill("Franklin County Jail")
    page.locator("#id_reason").fill("Held on a new charge (burglary)")
    _save(page, case, "custody")
    case.refresh_from_db()
    assert case.status == SupervisionStatus.IN_CUSTODY
    assert not CheckIn.objects.filter(supervision=case, status="scheduled").exists()
    screenshot("lifecycle-01-custody")
    page.goto(f"{live_server.url}/cases/{case.pk}/custody/")
    page.locator("#id_release_reason").fill("Charge dropped")
    page.locator("#id_status").select_option(SupervisionStatus.ACTIVE)
    _save(page, case, "release")
    case.refresh_from_db()
    assert case.status == SupervisionStatus.ACTIVE
    assert CustodyEpisode.objects.get(supervision=case).released_on == today
    assert CheckIn.objects.filter(supervision=case, status="scheduled").exists()

    # The officer asks to close it early: it waits for the supervisor.
    page.get_by_role("link", name="Close the case").click()
    page.locator("#id_closure_reason").select_option(ClosureReason.EARLY_TERMINATION)
    page.locator("#id_note").fill("The court granted early termination at the review hearing.")
    _save(page, case, "waits for a supervisor")
    case.refresh_from_db()
    assert case.status == SupervisionStatus.ACTIVE
    assert ClosureRequest.objects.get(supervision=case).decided_at is None
    screenshot("lifecycle-02-closure-requested")

    # The supervisor approves it from the dashboard's queue.
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    supervisor = context.new_page()
    try:
        _sign_in(supervisor, live_server.url, "sup.lifecycle", "/dashboard/")
        supervisor.get_by_role("link", name="Closures to approve").click()
        supervisor.get_by_role("link", name=re.compile("Early termination")).click()
        supervisor.once("dialog", lambda dialog: dialog.accept())  # "Approve? The case is closed …"
        supervisor.get_by_role("button", name="Approve and close the case").click()
        expect(supervisor.get_by_role("status").filter(has_text="Closure approved")).to_be_visible()
    finally:
        context.close()
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (SupervisionStatus.CLOSED, ClosureReason.EARLY_TERMINATION)
    assert not CheckIn.objects.filter(supervision=case, status="scheduled").exists()

    # The closed case stays visible and reads only.
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_text("Closed on")).to_be_visible()
    expect(page.get_by_role("link", name="Close the case")).to_have_count(0)
    expect(page.get_by_role("link", name="Change the level")).to_have_count(0)
    expect(page.get_by_role("link", name="Impose a condition")).to_have_count(0)
    screenshot("lifecycle-03-closed")
