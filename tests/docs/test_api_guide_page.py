"""``/api/guide/``: docs/api.md as a page of the site for signed-in users, under the strict
Content-Security-Policy, linked from the schema's description (shown on /api/docs/)."""

import re

import pytest
from django.urls import reverse

from agency.api_guide import GETTING_STARTED
from tests.agency.factories import IntegratorFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def test_a_signed_in_user_reads_the_guide_in_the_site_template(client):
    # given a signed-in integrator
    client.force_login(IntegratorFactory(username="court-cms"))
    # when they open the guide
    response = client.get("/api/guide/")
    # then it is docs/api.md in the site's base template, with the "Getting started" anchor
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("api-guide") == "/api/guide/"
    assert '<h2 id="getting-started">Getting started</h2>' in html
    assert "python manage.py create_api_token court-cms --scope read" in html
    assert 'href="#skip' not in html and "Skip to main content" in html  # base.html
    assert "court-cms" in html  # the navigation bar names the user
    assert '<table class="table table-sm table-bordered">' in html
    assert response["Cache-Control"] == "no-store, private"


def test_the_guide_page_needs_no_inline_script_or_style(client):
    client.force_login(OfficerFactory())
    response = client.get("/api/guide/")
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    # the site's strict policy, not the API docs page's relaxed one
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html
    assert re.findall(r"\sstyle=", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []


def test_anonymous_callers_are_sent_to_sign_in(client):
    response = client.get("/api/guide/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/api/guide/"


def test_the_schema_description_links_to_getting_started(client):
    # when a signed-in user reads the schema (the API docs page shows its description at the top)
    client.force_login(IntegratorFactory())
    response = client.get("/api/schema/?format=json")
    description = response.json()["info"]["description"]
    # then it links to the guide's "Getting started", and the anchor exists on the guide page
    assert GETTING_STARTED == "/api/guide/#getting-started"
    assert f"[Getting started]({GETTING_STARTED})" in description
    assert description.startswith("Case management for probation and parole agencies.")


def test_relative_links_to_other_docs_become_text_on_the_page():
    from agency.api_guide import _RELATIVE_FILE_LINK

    html = (
        '<p>See <a href="operations.md#api-tokens">operations</a>, <a href="#errors">errors</a>, '
        '<a href="https://example.org/">x</a> and <a href="/api/docs/">docs</a>.</p>'
    )
    assert _RELATIVE_FILE_LINK.sub(r"\1", html) == (
        '<p>See operations, <a href="#errors">errors</a>, <a href="https://example.org/">x</a> and '
        '<a href="/api/docs/">docs</a>.</p>'
    )
