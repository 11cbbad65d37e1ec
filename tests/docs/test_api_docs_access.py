"""The API's documentation (issue 12, finding 12): ``/api/schema/``, ``/api/docs/`` and ``/api/guide/`` are
for signed-in users (a session, or a token for the schema and the docs page) unless ``API_DOCS_PUBLIC``
opens them. Before the fix the schema and the docs page answered 200 to anyone with DEBUG off."""

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from agency.api.tokens import api_token_issue
from tests.agency.factories import IntegratorFactory, OfficerFactory

pytestmark = pytest.mark.django_db

PAGES = ("/api/docs/", "/api/docs/?script=", "/api/guide/")


def test_they_are_closed_unless_the_setting_opens_them():
    assert django_settings.DEBUG is False
    assert django_settings.API_DOCS_PUBLIC is False


def test_an_anonymous_caller_gets_401_from_the_schema():
    # when someone who is not signed in asks for the schema, in YAML or JSON
    client = APIClient()
    responses = [client.get("/api/schema/"), client.get("/api/schema/?format=json")]
    # then it is refused in the API's error shape, with the header that asks for a token
    assert [r.status_code for r in responses] == [401, 401]
    body = responses[1].json()
    assert (sorted(body), body["errors"]) == (["detail", "errors"], {})
    assert responses[1]["WWW-Authenticate"] == "Token"
    assert b"openapi" not in responses[0].content


@pytest.mark.parametrize("path", PAGES)
def test_an_anonymous_browser_is_sent_to_sign_in_and_back(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=" + path.replace("?", "%3F").replace("=", "%3D")


@pytest.mark.parametrize("path", ("/api/schema/", *PAGES))
def test_a_signed_in_user_reads_them(client, path):
    client.force_login(OfficerFactory())
    response = client.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("path", ("/api/schema/", "/api/docs/"))
def test_an_integrator_token_reads_the_schema_and_the_docs_page(path):
    # given a read token and no session
    _record, token = api_token_issue(actor=None, system="test", user=IntegratorFactory(), scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    # when it asks
    response = client.get(path)
    # then it gets the schema, or the page
    assert response.status_code == 200


@pytest.mark.parametrize("path", ("/api/schema/", "/api/docs/"))
def test_a_wrong_token_is_401_not_a_redirect(path):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token cl_" + "0" * 64)
    response = client.get(path)
    assert response.status_code == 401
    assert "Location" not in response
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("path", ("/api/schema/", *PAGES))
def test_api_docs_public_opens_them_to_anyone(settings, client, path):
    # given an installation that publishes its API documentation
    settings.API_DOCS_PUBLIC = True
    # when someone who is not signed in asks
    response = client.get(path)
    # then they get it
    assert response.status_code == 200


def test_the_public_schema_is_the_same_schema(settings):
    # given the schema read by a signed-in integrator
    signed_in = APIClient()
    signed_in.force_login(IntegratorFactory())
    expected = signed_in.get("/api/schema/?format=json").json()
    # when the documentation is public and an anonymous caller reads it
    settings.API_DOCS_PUBLIC = True
    public = APIClient().get("/api/schema/?format=json").json()
    # then both have every endpoint
    assert public["paths"].keys() == expected["paths"].keys()
    assert "/api/v1/offenders/" in public["paths"]
