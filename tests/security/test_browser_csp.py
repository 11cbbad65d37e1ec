"""The Content-Security-Policy in a real browser (Debian's chromium, as in tests/e2e): the pages, the
dashboard's charts, htmx and the API docs run without one violation, and two-factor enrollment works."""

import pytest

from tests.agency.factories import AdministratorFactory, SupervisorFactory
from tests.e2e.conftest import chromium, page  # noqa: F401 (the browser fixtures)
from tests.security.conftest import PASSWORD
from tests.supervision.factories import SupervisionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _violations(page) -> list[str]:  # noqa: F811
    found: list[str] = []
    page.on(
        "console",
        lambda message: found.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return found


def _sign_in(page, live_server, username: str) -> None:  # noqa: F811
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_pages_and_api_docs_run_under_the_policy(live_server, page):  # noqa: F811
    # given a supervisor with a case in their unit
    supervisor = SupervisorFactory()
    case = SupervisionFactory(unit=supervisor.unit)
    violations = _violations(page)
    # when they use the dashboard, the caseload, a case page, the audit trail and the API docs
    _sign_in(page, live_server, supervisor.username)
    for path in ("/dashboard/", "/caseload/", f"/cases/{case.pk}/", "/audit/", "/api/docs/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    # then the API docs rendered (their script ran) and the browser reported no violation
    assert page.locator(".swagger-ui").count() == 1
    page.wait_for_selector(".opblock", timeout=15_000)
    assert violations == []


def test_two_factor_enrollment_in_the_browser(live_server, page, settings):  # noqa: F811
    # given two-factor required and an administrator who never enrolled
    settings.CASELINE_REQUIRE_2FA = True
    admin = AdministratorFactory()
    violations = _violations(page)
    # when they sign in
    _sign_in(page, live_server, admin.username)
    # then they land on the enrollment page with the QR code drawn locally, and nothing was blocked
    assert "/accounts/two-factor/setup/" in page.url
    assert page.locator("img.cl-qr").evaluate("img => img.naturalWidth") > 0
    assert violations == []
