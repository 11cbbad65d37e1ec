"""Integrator tokens: issued by ``create_api_token`` or in the admin, stored hashed, shown once,
scoped (read / write, optionally one unit), revocable, expiring, throttled per token."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from agency.api.throttling import ApiRateThrottle
from agency.api.tokens import api_token_revoke
from agency.models import ApiTokenScope, AuditEvent, User

pytestmark = pytest.mark.django_db


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def _token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_create_api_token_prints_a_token_that_authenticates_and_is_stored_hashed(world):
    # when
    token, message = _run("integrator", "--scope", "read")

    # then: the token works …
    me = _token_client(token).get("/api/v1/me/")
    assert me.status_code == 200
    assert (me.json()["username"], me.json()["token"]["scope"], me.json()["token"]["unit"]) == (
        "integrator",
        "read",
        None,
    )
    # … only its hash is stored, and issuing it is audited
    stored = AuthToken.objects.get(user=world.users["integrator"])
    assert token.startswith("cl_")
    assert stored.digest != token
    assert token not in stored.digest
    assert len(stored.digest) == 128  # SHA-512 hex
    record = ApiTokenScope.objects.get(token=stored)
    assert (record.scope, record.unit, record.token_key) == ("read", None, token[:15])
    event = AuditEvent.objects.get(action="api_token.issued")
    assert (event.actor, event.actor_label, event.detail["scope"]) == (None, "system:create_api_token", "read")
    assert "Copy it now" in message


def test_create_api_token_with_a_unit_and_expiry(world):
    token, _ = _run("integrator", "--scope", "write", "--unit", "south", "--expires-days", "30")

    record = ApiTokenScope.objects.get(user=world.users["integrator"])
    assert (record.scope, record.unit) == ("write", world.units["south"])
    expected = timezone.now() + datetime.timedelta(days=30)
    assert abs(record.expires_at - expected) < datetime.timedelta(minutes=1)
    ids = {row["id"] for row in _token_client(token).get("/api/v1/supervisions/").json()["results"]}
    assert ids == {world.cases["south"].pk}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nobody", "--scope", "read"), "No user named 'nobody': create the user in the admin first."),
        (("integrator", "--scope", "read", "--unit", "east"), "No unit with code 'east' (units: north, south)."),
        (
            ("officer_of_north", "--scope", "read", "--unit", "south"),
            "own cannot see unit south: a token limited to it would see nothing.",
        ),
        (("integrator", "--scope", "read", "--expires-days", "0"), "A token must stay valid for at least one day."),
    ],
)
def test_create_api_token_refuses_with_a_clear_message(world, args, message):
    args = tuple("own" if a == "officer_of_north" else a for a in args)

    with pytest.raises(CommandError) as error:
        _run(*args)

    assert str(error.value) == message
    assert ApiTokenScope.objects.count() == 0
    assert AuthToken.objects.count() == 0


def test_a_revoked_token_stops_working_and_its_record_stays(world):
    token, _ = _run("integrator", "--scope", "write")
    record = ApiTokenScope.objects.get()

    api_token_revoke(actor=world.users["admin"], record=record)

    assert _token_client(token).get("/api/v1/me/").status_code == 401
    record.refresh_from_db()
    assert (record.token, record.revoked_at is not None) == (None, True)
    assert AuditEvent.objects.filter(action="api_token.revoked", actor=world.users["admin"]).count() == 1


def test_an_expired_token_is_refused(world):
    token, _ = _run("integrator", "--scope", "read", "--expires-days", "1")
    AuthToken.objects.update(expiry=timezone.now() - datetime.timedelta(seconds=1))

    response = _token_client(token).get("/api/v1/me/")

    assert response.status_code == 401


def test_a_token_sees_no_more_than_its_user(world):
    # an officer's write token limited to the officer's own unit still sees only the officer's cases
    token, _ = _run("own", "--scope", "write", "--unit", "north")

    ids = {row["id"] for row in _token_client(token).get("/api/v1/supervisions/").json()["results"]}

    assert ids == {world.cases["mine"].pk}


def test_administrator_issues_a_token_in_the_admin_and_sees_it_once(world):
    # given
    client = Client()  # the admin takes form posts
    client.force_login(User.objects.get(pk=world.users["admin"].pk))

    # when
    response = client.post(
        "/admin/agency/apitokenscope/add/",
        {
            "user": world.users["integrator"].pk,
            "label": "Court case system",
            "scope": "read",
            "unit": world.units["north"].pk,
            "expires_days": "90",
        },
        follow=True,
    )

    # then
    assert response.status_code == 200
    record = ApiTokenScope.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    with_token = [m for m in shown if "<code>" in m]
    assert len(with_token) == 1
    token = with_token[0].split("<code>")[1].split("</code>")[0]
    assert shown == [
        f"Token for integrator: <code>{token}</code> — copy it now. It is stored hashed and will not be shown again.",
        f"The API token “Court case system ({record.token_key}…, read only)” was added successfully.",
    ]
    assert (record.label, record.scope, record.unit, record.created_by) == (
        "Court case system",
        "read",
        world.units["north"],
        world.users["admin"],
    )
    assert _token_client(token).get("/api/v1/me/").json()["token"]["unit"] == world.units["north"].pk
    assert AuditEvent.objects.filter(action="api_token.issued", actor=world.users["admin"]).count() == 1
    # the list does not show it again
    listing = client.get("/admin/agency/apitokenscope/")
    assert token not in listing.content.decode()


def test_the_admin_form_refuses_a_unit_the_user_cannot_see(world):
    client = Client()  # the admin takes form posts
    client.force_login(User.objects.get(pk=world.users["admin"].pk))

    response = client.post(
        "/admin/agency/apitokenscope/add/",
        {"user": world.users["officer"].pk, "label": "x", "scope": "read", "unit": world.units["south"].pk},
    )

    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors == {
        "unit": ["own cannot see unit south: a token limited to it would see nothing."]
    }
    assert ApiTokenScope.objects.count() == 0


def test_throttling_is_per_token(world, monkeypatch):
    # given: two tokens, and a budget of two requests a minute per token
    monkeypatch.setitem(ApiRateThrottle.THROTTLE_RATES, "token", "2/minute")
    first, _ = _run("integrator", "--scope", "read")
    second, _ = _run("integrator", "--scope", "read")
    client = _token_client(first)

    # when
    statuses = [client.get("/api/v1/me/").status_code for _ in range(3)]
    other = _token_client(second).get("/api/v1/me/")

    # then
    assert statuses == [200, 200, 429]
    assert other.status_code == 200
    throttled = client.get("/api/v1/me/")
    assert throttled.json()["detail"].startswith("Request was throttled. Expected available in ")
    assert throttled.json()["errors"] == {}


def test_a_knox_token_issued_without_a_scope_is_refused(world):
    # e.g. made in a shell with knox directly: it has no ApiTokenScope, so it may do nothing
    _token, plain = AuthToken.objects.create(user=world.users["admin"])

    response = _token_client(plain).get("/api/v1/supervisions/")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "This token has no scope: ask an administrator to issue one with create_api_token.",
        "errors": {},
    }
