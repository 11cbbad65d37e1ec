"""A supervisor's review in a real browser: sign in, read the dashboard, drill into an officer, return a
report with a comment; the officer reads it and resubmits; the supervisor approves."""

import re

import pytest
from playwright.sync_api import expect

from supervision.choices import ReportStatus
from supervision.models import ViolationReport
from tests.e2e.conftest import chromium, page, screenshot  # noqa: F401  (the browser fixtures)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"


def _sign_in(page, live_server, username: str) -> None:  # noqa: F811
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page) -> None:  # noqa: F811
    page.get_by_role("button", name="Sign out").click()


def test_supervisor_returns_a_report_and_approves_it_once_resubmitted(live_server, page, screenshot, known_unit):  # noqa: F811
    report = known_unit["r1"]
    case = known_unit["a1"]
    page.on("dialog", lambda dialog: dialog.accept())

    # The supervisor signs in and lands on the unit dashboard, charts drawn.
    _sign_in(page, live_server, "sup.north")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="North Field Unit dashboard")).to_be_visible()
    expect(page.locator("a[data-figure=open] .cl-stat-value")).to_have_text("6")
    expect(page.locator("a[data-figure=overdue] .cl-stat-value")).to_have_text("1")
    expect(page.locator("canvas[data-chart=chart-check-ins-data]")).to_have_attribute("data-drawn", "true")
    screenshot("dash-01-unit-dashboard")

    # A figure leads to the cases behind it.
    page.locator("a[data-figure=overdue]").click()
    expect(page.get_by_role("heading", name="Cases with an overdue check-in")).to_be_visible()
    expect(page.locator("#case-table tbody tr")).to_have_count(1)
    screenshot("dash-02-overdue-cases")
    page.go_back()

    # Drill into Ann's figures.
    page.locator("#caseload-table").get_by_role("link", name="Ann Able").click()
    expect(page.get_by_role("heading", name="Ann Able")).to_be_visible()
    expect(page.locator("a[data-figure=open] .cl-stat-value")).to_have_text("4")
    screenshot("dash-03-officer")

    # Return the report with a comment.
    page.get_by_role("link", name=re.compile(r"^Review queue")).click()
    expect(page.locator("#review-table tbody tr")).to_have_count(2)
    screenshot("dash-04-review-queue")
    page.get_by_role("link", name=f"Report #{report.pk}").click()
    page.get_by_label("Comments for the officer").fill("Add the dates of both missed visits.")
    screenshot("dash-05-review")
    page.get_by_role("button", name="Return to the officer").click()
    expect(page.get_by_role("status").filter(has_text=f"Violation report #{report.pk} returned")).to_be_visible()
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (ReportStatus.RETURNED, "Add the dates of both missed visits.")
    _sign_out(page)

    # The officer reads the comments and resubmits.
    _sign_in(page, live_server, "ann")
    page.goto(f"{live_server.url}/cases/{case.pk}/reports/{report.pk}/")
    expect(page.get_by_text("Add the dates of both missed visits.")).to_be_visible()
    page.get_by_label("Narrative").fill("Missed the office visits of the 3rd and the 17th; tested positive.")
    page.get_by_role("button", name="Save changes").click()
    screenshot("dash-06-officer-returned-report")
    page.get_by_role("button", name="Submit to supervisor").click()
    expect(page.get_by_role("status").filter(has_text=f"Violation report #{report.pk} submitted")).to_be_visible()
    assert ViolationReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    _sign_out(page)

    # The supervisor sees the whole history and approves.
    _sign_in(page, live_server, "sup.north")
    page.goto(f"{live_server.url}/dashboard/reviews/{report.pk}/")
    history = page.locator("#report-history")
    expect(history).to_contain_text("Returned to the officer")
    expect(history).to_contain_text("Add the dates of both missed visits.")
    expect(history).to_contain_text("Submitted for review")
    screenshot("dash-07-review-history")
    page.get_by_role("button", name="Approve and send").click()
    expect(page.get_by_role("status").filter(has_text=f"Violation report #{report.pk} approved")).to_be_visible()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert report.parole_board_id == case.parole_board_id
    screenshot("dash-08-approved")
