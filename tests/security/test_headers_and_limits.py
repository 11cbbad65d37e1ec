"""Headers (CSP without inline script, HSTS, nosniff, Referrer-Policy, no-store), no inline script or
style in the templates, `check --deploy` clean with production settings, and the limits: page size,
request body, throttles on searches and exports."""

import json
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from agency.api.tokens import api_token_issue
from agency.models import AuditEvent
from tests.agency.factories import AdministratorFactory, IntegratorFactory, OfficerFactory, SupervisorFactory
from tests.supervision.factories import SupervisionFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split(" ", 1)[1] if " " in part else "" for part in header.split("; ")}


def test_every_page_has_a_strict_content_security_policy(client):
    # given a signed-in officer
    client.force_login(OfficerFactory())
    # when they open their caseload
    response = client.get(reverse("supervision:caseload"))
    # then the policy allows no inline script, no plugin, no base change and no framing
    policy = _csp(response)
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert (policy["object-src"], policy["base-uri"], policy["frame-ancestors"]) == ("'none'", "'none'", "'none'")
    assert policy["default-src"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert policy["img-src"] == "'self' data:"


def test_the_api_docs_work_under_the_policy(client):
    # given the docs page: its script comes from a separate request, only styles may be inline
    client.force_login(OfficerFactory())
    page = client.get(reverse("api-docs"))
    script = client.get(reverse("api-docs") + "?script")
    assert page.status_code == 200
    assert _csp(page)["script-src"] == "'self'"
    assert _csp(page)["style-src"] == "'self' 'unsafe-inline'"
    assert b"<script>" not in page.content
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_other_security_headers(client):
    client.force_login(OfficerFactory())
    response = client.get(reverse("supervision:caseload"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store, private"


def test_hsts_is_on_without_debug():
    from agency import settings as production

    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS is True


def test_pages_with_personal_data_are_never_cached(client):
    # given an officer and their case
    officer = OfficerFactory()
    case = SupervisionFactory(officer=officer)
    client.force_login(officer)
    # when they open the case page
    response = client.get(reverse("supervision:case_detail", args=[case.pk]))
    # then no browser or proxy may keep it
    assert response["Cache-Control"] == "no-store, private"


def test_api_answers_are_never_cached():
    api = APIClient()
    api.force_authenticate(AdministratorFactory())
    assert api.get("/api/v1/supervisions/")["Cache-Control"] == "no-store, private"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


def test_no_template_has_inline_script_handlers_or_styles():
    # given every template of the project
    offenders = []
    for template in sorted((BASE_DIR / "templates").rglob("*.html")):
        text = template.read_text()
        for name, pattern in (("script", INLINE_SCRIPT), ("handler", INLINE_HANDLER), ("style", INLINE_STYLE)):
            if pattern.search(text):
                offenders.append(f"{template.relative_to(BASE_DIR)}: inline {name}")
    # then none would be blocked by the policy
    assert offenders == []


def test_every_post_form_carries_a_csrf_token():
    missing = []
    for template in sorted((BASE_DIR / "templates").rglob("*.html")):
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", template.read_text(), re.S | re.I):
            if "{% csrf_token %}" not in form:
                missing.append(str(template.relative_to(BASE_DIR)))
    assert missing == []


def test_check_deploy_passes_with_production_settings():
    # given production settings from the environment only
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(BASE_DIR / "var"),
        "DJANGO_SETTINGS_MODULE": "agency.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "caseline.example",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "DATABASE_URL": "postgres://caseline@db.invalid:5432/caseline",
    }
    # when Django's deployment checks run with warnings as failures
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # then there is nothing to report
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


# --- Limits ---------------------------------------------------------------------------------------------------


def test_api_pages_hold_at_most_100_rows():
    # given 105 cases and an administrator
    SupervisionFactory.create_batch(105)
    api = APIClient()
    api.force_authenticate(AdministratorFactory())
    # when a page of 1000 is asked for
    response = api.get("/api/v1/supervisions/", {"page_size": 1000})
    # then 100 come back
    assert response.status_code == 200
    assert len(response.json()["results"]) == 100


def test_a_body_over_1_mib_is_refused_with_413():
    # given an integrator with a write token
    integrator = IntegratorFactory()
    _record, token = api_token_issue(actor=None, system="tests", user=integrator, scope="write")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    # when it posts a 2 MiB body
    response = api.post(
        "/api/v1/case-notes/", data=json.dumps({"body": "x" * (2 * 1024 * 1024)}), content_type="application/json"
    )
    # then it is refused before being read, with a clear message
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large: at most 1024 KiB."}


def test_a_form_body_over_the_cap_is_refused_too(client):
    client.force_login(OfficerFactory())
    response = client.post(reverse("supervision:caseload"), {"q": "x" * (1024 * 1024 + 1)})
    assert response.status_code == 413


def test_browser_searches_are_throttled_and_audited(client, settings):
    # given a limit of 3 searches a minute and a supervisor
    settings.CASELINE_PAGE_RATES = {"search": 3, "export": 2}
    supervisor = SupervisorFactory()
    client.force_login(supervisor)
    # when they search 4 times in a minute
    answers = [client.get(reverse("supervision:caseload"), {"q": f"smith{n}"}).status_code for n in range(4)]
    # then the 4th is refused with 429; each search that ran is audited, and so is the refusal
    assert answers == [200, 200, 200, 429]
    assert AuditEvent.objects.filter(action="search.performed", actor=supervisor).count() == 3
    assert AuditEvent.objects.filter(action="search.throttled", outcome="denied").count() == 1


def test_browsing_a_list_without_searching_is_not_throttled(client, settings):
    settings.CASELINE_PAGE_RATES = {"search": 1, "export": 1}
    client.force_login(OfficerFactory())
    answers = [client.get(reverse("supervision:caseload")).status_code for _ in range(3)]
    assert answers == [200, 200, 200]


def test_exports_are_throttled(client, settings):
    settings.CASELINE_PAGE_RATES = {"search": 5, "export": 2}
    client.force_login(AdministratorFactory())
    answers = [client.get(reverse("audit:export")).status_code for _ in range(3)]
    assert answers == [200, 200, 429]


def test_api_searches_are_throttled_per_token(monkeypatch):
    # given a search budget of 2 a minute and a read token
    from agency.security import ApiSearchThrottle

    monkeypatch.setattr(ApiSearchThrottle, "THROTTLE_RATES", {"search": "2/minute"})
    integrator = IntegratorFactory()
    _record, token = api_token_issue(actor=None, system="tests", user=integrator, scope="read")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    # when it runs 3 filtered lists, then an unfiltered one
    answers = [api.get("/api/v1/supervisions/", {"status": "active"}).status_code for _ in range(3)]
    plain = api.get("/api/v1/supervisions/")
    # then the 3rd search is refused with 429; plain paging is not a search
    assert answers == [200, 200, 429]
    assert plain.status_code == 200


def test_token_use_is_throttled_per_token(monkeypatch):
    from agency.api.throttling import ApiRateThrottle

    monkeypatch.setattr(
        ApiRateThrottle, "THROTTLE_RATES", {"token": "2/minute", "user": "2/minute", "anon": "2/minute"}
    )
    _record, token = api_token_issue(actor=None, system="tests", user=IntegratorFactory(), scope="read")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert [api.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 429]
