"""Wrong API tokens (issue 12, finding 10): counted per address, audited without flooding the trail, and
answered 429 with a Retry-After once an address has used up its failures for the minute."""

import datetime
import json

import pytest
from django.db import connection
from rest_framework.test import APIClient

from agency.api.tokens import api_token_issue
from agency.models import AuditEvent
from tests.agency.factories import IntegratorFactory, OfficerFactory

NOW = datetime.datetime(2027, 3, 2, 14, 0, 0, tzinfo=datetime.UTC)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]

ATTACKER = "203.0.113.66"
INTEGRATOR = "192.0.2.20"
WRONG = "cl_" + "0" * 64


def _me(token: str, address: str, client: APIClient | None = None):
    return (client or APIClient()).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}", REMOTE_ADDR=address)


def test_280_wrong_tokens_get_10_answers_then_429_with_retry_after_and_11_audit_rows():
    # given nothing but an address sending wrong tokens
    client = APIClient()
    # when it sends 280 of them within one minute
    statuses = [_me(WRONG, ATTACKER, client).status_code for _ in range(280)]
    last = _me(WRONG, ATTACKER, client)
    # then the first 10 are 401 and every later one 429, with a Retry-After to the end of the minute
    assert statuses == [401] * 10 + [429] * 270
    assert last.status_code == 429
    assert last["Retry-After"] == "60"
    assert last.json() == {
        "detail": "Too many requests with a wrong API token from your address. Try again in 60 seconds.",
        "errors": {},
    }
    # and the trail has one row per failure up to the limit, then one saying the address is throttled
    rows = list(AuditEvent.objects.order_by("id").values_list("action", "outcome", "actor_label", "source_ip"))
    assert rows == [("api_token.authentication_failed", "denied", "anonymous", ATTACKER)] * 10 + [
        ("api_token.authentication_throttled", "denied", "anonymous", ATTACKER)
    ]
    first = AuditEvent.objects.order_by("id").first()
    assert first.detail == {
        "method": "GET",
        "path": "/api/v1/me/",
        "reason": "unknown, expired or revoked token",
        "failures_this_minute": 1,
    }
    # never the token itself, nor its start
    stored = json.dumps(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert WRONG not in stored
    assert "cl_0" not in stored


def test_the_next_minute_starts_afresh(time_machine):
    for _ in range(11):
        _me(WRONG, ATTACKER)
    assert _me(WRONG, ATTACKER).status_code == 429
    time_machine.move_to(NOW + datetime.timedelta(minutes=1), tick=False)
    assert _me(WRONG, ATTACKER).status_code == 401


def test_a_retry_after_counts_down_to_the_end_of_the_minute(time_machine):
    for _ in range(10):
        _me(WRONG, ATTACKER)
    time_machine.move_to(NOW + datetime.timedelta(seconds=45), tick=False)
    response = _me(WRONG, ATTACKER)
    assert (response.status_code, response["Retry-After"]) == (429, "15")


def test_other_addresses_keep_working_the_throttled_one_waits():
    # given an integrator with a good token, and an attacker who used up their failures
    integrator = IntegratorFactory()
    _record, token = api_token_issue(actor=None, system="tests", user=integrator, scope="read")
    for _ in range(10):
        _me(WRONG, ATTACKER)
    audit_rows = AuditEvent.objects.count()
    # when the integrator calls from their own address, and the good token comes from the attacker's
    own = _me(token, INTEGRATOR)
    shared = _me(token, ATTACKER)
    # then the integrator is served; from the throttled address even a good token waits for the minute
    assert own.status_code == 200
    assert shared.status_code == 429
    assert AuditEvent.objects.filter(action="api_token.authentication_throttled").count() == 1
    assert AuditEvent.objects.count() == audit_rows + 1


def test_the_limit_is_a_setting(settings):
    settings.CASELINE_API_FAILED_TOKENS_PER_MINUTE = 3
    assert [_me(WRONG, ATTACKER).status_code for _ in range(5)] == [401, 401, 401, 429, 429]


def test_browser_sessions_are_not_counted_or_throttled():
    for _ in range(10):
        _me(WRONG, ATTACKER)
    client = APIClient()
    client.force_login(OfficerFactory())
    assert client.get("/api/v1/me/", REMOTE_ADDR=ATTACKER).status_code == 200


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Token", "malformed Authorization header"),
        ("Token a b", "malformed Authorization header"),
        ("Token cl_\xff\xfe", "unknown, expired or revoked token"),  # not UTF-8 once decoded: no 500
    ],
)
def test_malformed_tokens_are_failures_too(header, reason):
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=header, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 401
    assert AuditEvent.objects.get().detail["reason"] == reason


def test_a_deactivated_users_token_is_a_failure_with_its_reason():
    # given a token whose user was deactivated behind Caseline's back (raw SQL: every Caseline path that
    # deactivates a user revokes their tokens too)
    integrator = IntegratorFactory()
    _record, token = api_token_issue(actor=None, system="tests", user=integrator, scope="read")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE agency_user SET is_active = false WHERE id = %s", [integrator.pk])
    # when it is used
    response = _me(token, ATTACKER)
    # then it is refused, and the trail says why
    assert response.status_code == 401
    assert AuditEvent.objects.get(action="api_token.authentication_failed").detail["reason"] == (
        "the token's user is deactivated"
    )
