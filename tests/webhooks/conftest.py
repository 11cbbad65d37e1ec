"""Fixtures for the webhook tests: a local receiver (127.0.0.1) and subscriptions to it."""

import hashlib
import hmac

import pytest

from agency.models import WebhookEvent, WebhookSubscription
from tests.jobs.conftest import WebhookReceiver

SECRET = "whsec-test-0123456789"


@pytest.fixture
def receiver():
    hook = WebhookReceiver()
    hook.thread.start()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


@pytest.fixture
def subscribe(receiver):
    """Subscribe the receiver to some events (all five by default)."""

    def make(events=None, **kwargs) -> WebhookSubscription:
        subscription = WebhookSubscription(
            name=kwargs.pop("name", f"Receiver {WebhookSubscription.objects.count() + 1}"),
            url=kwargs.pop("url", receiver.url),
            secret=kwargs.pop("secret", SECRET),
            events=list(WebhookEvent.values) if events is None else events,
            **kwargs,
        )
        subscription.full_clean()
        subscription.save()
        return subscription

    return make


def signature_valid(request: dict, secret: str = SECRET) -> bool:
    """What a receiver does: recompute the HMAC-SHA256 of the raw body and compare in constant time."""
    expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request["headers"].get("X-Caseline-Signature", ""))
