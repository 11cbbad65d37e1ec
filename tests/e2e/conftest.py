"""End-to-end tests: Playwright for Python driving Debian's chromium against pytest-django's live_server.

Playwright cannot download browsers here, so the tests use the system's /usr/bin/chromium (installed with
`apt-get install chromium`; .ci/run does it). Without it the tests fail and say so: they never skip.
"""

import os
from pathlib import Path

import pytest

from tests.api.conftest import world  # noqa: F401 (the API tests' agency, which the accessibility walk reuses)

CHROMIUM = Path(os.environ.get("CASELINE_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def chromium():
    """One headless chromium per module, stopped before other tests run: Playwright's sync API keeps
    an event loop running in this thread while it is open, and the tests' own database work
    (factories, assertions) is plain synchronous code that Django refuses next to a running loop
    unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set only while the browser is open."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"The end-to-end tests need Debian's chromium at {CHROMIUM}: install it with "
            "`apt-get update && apt-get install -y chromium` (.ci/run does this), "
            "or point CASELINE_CHROMIUM at a chromium binary.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                headless=True,
                args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
