"""The client's address that the audit trail, the sign-in lockout and the token throttle share:
X-Forwarded-For is believed only from a trusted reverse proxy, and read from the right."""

import pytest
from django.test import RequestFactory

from agency.middleware import client_address

PROXY = "172.18.0.1"  # the Docker bridge's gateway, as compose's web service sees the host's proxy


def _request(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_the_header_is_never_believed(settings):
    # given no trusted proxy
    settings.TRUSTED_PROXIES = []
    # when a client sends its own X-Forwarded-For
    # then the connection's address is the client's
    assert client_address(_request("203.0.113.7", "10.1.1.1")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),  # the proxy added the client
        ("198.51.100.66, 203.0.113.7", "203.0.113.7"),  # the client forged an address on the left
        ("203.0.113.7, 172.18.0.9", "203.0.113.7"),  # a second trusted proxy (in 172.18.0.0/16) in between
        ("2001:db8::5", "2001:db8::5"),
        ("", PROXY),  # no header: the proxy itself
        ("not-an-address", PROXY),  # a malformed header: never the client's text
        ("172.18.0.9", PROXY),  # only proxies: the connection's address
    ],
)
def test_behind_a_trusted_proxy_the_first_untrusted_address_from_the_right_is_the_client(settings, forwarded, expected):
    # given the proxies' network is trusted
    settings.TRUSTED_PROXIES = ["172.18.0.0/16"]
    # when a request comes from the proxy
    # then the client's address is read from the right of X-Forwarded-For
    assert client_address(_request(PROXY, forwarded)) == expected


def test_a_request_that_does_not_come_from_a_trusted_proxy_keeps_its_own_address(settings):
    # given a trusted proxy, and a client connecting directly with a forged header
    settings.TRUSTED_PROXIES = ["172.18.0.0/16"]
    # then the header is ignored
    assert client_address(_request("203.0.113.7", "10.1.1.1")) == "203.0.113.7"


@pytest.mark.django_db
def test_the_audit_trail_records_the_client_behind_the_proxy(settings, client):
    # given a trusted proxy in front of Caseline
    from agency.models import AuditEvent

    settings.TRUSTED_PROXIES = ["172.18.0.0/16"]
    # when a sign-in fails through it
    client.post(
        "/accounts/login/",
        {"username": "nobody", "password": "wrong-password-123"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.7",
    )
    # then the audit row names the client, not the proxy or the forged address
    event = AuditEvent.objects.filter(action="user.sign_in_failed").get()
    assert event.source_ip == "203.0.113.7"
