"""Webhooks: events sent to the systems an administrator subscribed (``WebhookSubscription``).

An outbox: ``webhook_event_emit`` writes one ``WebhookDelivery`` row per subscriber in the transaction
of the change it tells about (so an event exists exactly when its change does) and queues the delivery
task after commit. ``webhook_delivery_deliver`` POSTs the JSON body, signed like the report deliveries
(``agency.signing``), with the headers ``X-Caseline-Event``, ``X-Caseline-Delivery`` (the event's key,
the same on every try, for the receiver to recognise a repeat) and ``X-Caseline-Signature``.

A failed try is recorded on the row (attempts, last_error) and the next one waits for a growing
backoff (``next_attempt_at``); after ``CASELINE["WEBHOOK_MAX_ATTEMPTS"]`` tries the row is failed for
good and stays on record (an administrator re-queues it with the admin's "retry" action). Nothing is
lost with a broker message: ``webhook_deliveries_sweep`` (every minute) re-queues every pending row
past its backoff. Delivery is at least once (a worker dying between the POST and its commit sends it
again), once per row otherwise: the row is locked (``skip_locked``) and its status checked.

The missed check-in sweep writes its ``check_in.missed`` rows set-based, in its own statement
(``supervision.services.missed_check_ins``); their ``event_id`` follows ``event_key`` below.
"""

import json
import logging
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agency.audit import audit_record
from agency.models import (
    User,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEvent,
    WebhookSubscription,
)
from agency.signing import SIGNATURE_HEADER, webhook_signature

logger = logging.getLogger(__name__)

SYSTEM_LABEL = "deliver_webhooks"
EVENT_HEADER = "X-Caseline-Event"
DELIVERY_HEADER = "X-Caseline-Delivery"
WEBHOOK_TIMEOUT = (3.05, 10)  # connect, read (seconds)
SWEEP_MIN_AGE = timedelta(minutes=1)
DEFAULT_MAX_ATTEMPTS = 8


def webhook_max_attempts() -> int:
    return int(settings.CASELINE.get("WEBHOOK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def webhook_backoff(attempts: int) -> timedelta:
    """30 s after the first failed try, doubling, at most 6 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def event_key(*, event: str, obj_type: str, obj_id: int) -> str:
    """The event's key: one delivery per subscriber and key (``webhook_delivery_once_per_subscription``)."""
    return f"{event}:{obj_type}:{obj_id}"


def subscriptions_for(event: str) -> list[WebhookSubscription]:
    """Active subscriptions to ``event`` (few rows: filtered here, the same on SQLite and PostgreSQL)."""
    return [s for s in WebhookSubscription.objects.filter(is_active=True) if event in (s.events or [])]


@transaction.atomic
def webhook_event_emit(*, event: str, obj_type: str, obj_id: int, data: dict[str, Any]) -> list[int]:
    """Queue ``event`` about ``obj_type`` #``obj_id`` for every active subscriber to it, in the caller's
    transaction. ``data`` holds ids only. Returns the ids of the deliveries written (none when no
    subscription wants the event, or when it was already emitted)."""
    if event not in WebhookEvent.values:
        raise ValueError(f"Unknown webhook event {event!r}.")
    subscriptions = subscriptions_for(event)
    if not subscriptions:
        return []
    now = timezone.now()
    key = event_key(event=event, obj_type=obj_type, obj_id=obj_id)
    payload = {
        "event": event,
        "event_id": key,
        "occurred_at": now.isoformat(),
        "object": {"type": obj_type, "id": obj_id},
        "data": data,
    }
    already = set(
        WebhookDelivery.objects.filter(event_id=key, subscription__in=subscriptions).values_list(
            "subscription_id", flat=True
        )
    )
    rows = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(subscription=s, event=event, event_id=key, payload=payload, created_at=now)
            for s in subscriptions
            if s.pk not in already
        ]
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: webhook_deliveries_queue(ids))
    return ids


def webhook_deliveries_queue(ids: list[int]) -> int:
    """Hand each delivery to a worker. A broker that is down loses nothing: the rows stay pending and
    the sweep queues them later. Returns how many were queued."""
    from agency.tasks import webhook_delivery_deliver_task

    queued = 0
    for delivery_id in ids:
        try:
            webhook_delivery_deliver_task.delay(delivery_id)
        except Exception:  # kombu.exceptions.OperationalError and the like
            logger.warning("Could not queue webhook delivery %s; the sweep will.", delivery_id, exc_info=True)
        else:
            queued += 1
    return queued


def webhook_body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()


def webhook_delivery_deliver(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Try to deliver one event (see the module doc). Returns True when this call delivered it, False
    when it did not: nothing to do (delivered, failed for good, not yet due, held by another worker)
    or the try failed (recorded on the row)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription")
            .filter(pk=delivery_id)
            .first()
        )
        now = now or timezone.now()
        if delivery is None or delivery.status != WebhookDeliveryStatus.PENDING:
            return False
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return False
        subscription = delivery.subscription
        delivery.attempts += 1
        error = _post(delivery, subscription) if subscription.is_active else "The subscription is inactive."
        if error is None:
            delivery.status = WebhookDeliveryStatus.DELIVERED
            delivery.delivered_at = now
            delivery.last_error = ""
            delivery.next_attempt_at = None
        else:
            delivery.last_error = error[:2000]
            if delivery.attempts >= webhook_max_attempts():
                delivery.status = WebhookDeliveryStatus.FAILED
                delivery.next_attempt_at = None
                audit_record(
                    actor=None,
                    system=SYSTEM_LABEL,
                    action="webhook_delivery.failed",
                    obj=delivery,
                    detail={"attempts": delivery.attempts, "error": delivery.last_error},
                )
            else:
                delivery.next_attempt_at = now + webhook_backoff(delivery.attempts)
        delivery.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "delivered_at"])
    return error is None


def _post(delivery: WebhookDelivery, subscription: WebhookSubscription) -> str | None:
    """POST the signed body; the error (None when the receiver accepted it)."""
    body = webhook_body(delivery)
    headers = {
        "Content-Type": "application/json",
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: delivery.event_id,
        SIGNATURE_HEADER: webhook_signature(secret=subscription.secret, body=body),
    }
    try:
        response = requests.post(
            subscription.url, data=body, headers=headers, timeout=WEBHOOK_TIMEOUT, allow_redirects=False
        )
    except requests.RequestException as exc:
        return f"{subscription.url} unreachable: {exc}"
    if not 200 <= response.status_code < 300:
        return f"{subscription.url} answered {response.status_code}."
    return None


def webhook_deliveries_due(*, now: datetime | None = None, min_age: timedelta = SWEEP_MIN_AGE):
    """Pending deliveries written at least ``min_age`` ago and past their backoff."""
    now = now or timezone.now()
    return (
        WebhookDelivery.objects.filter(status=WebhookDeliveryStatus.PENDING, created_at__lte=now - min_age)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "pk")
    )


def webhook_deliveries_sweep(
    *, now: datetime | None = None, min_age: timedelta = SWEEP_MIN_AGE, limit: int = 1000
) -> dict[str, int]:
    """Re-queue every pending delivery past its backoff (derived from the database, so that a message
    lost with the broker is delivered later)."""
    ids = list(webhook_deliveries_due(now=now, min_age=min_age).values_list("pk", flat=True)[:limit])
    return {"due": len(ids), "queued": webhook_deliveries_queue(ids)}


@transaction.atomic
def webhook_deliveries_retry(*, actor: User, deliveries) -> int:
    """An administrator re-queues failed deliveries (attempts start again). Audited per row."""
    rows = list(WebhookDelivery.objects.select_for_update().filter(pk__in=[d.pk for d in deliveries]))
    retried = [row for row in rows if row.status == WebhookDeliveryStatus.FAILED]
    for row in retried:
        previous = row.attempts
        row.status = WebhookDeliveryStatus.PENDING
        row.attempts = 0
        row.next_attempt_at = None
        row.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit_record(actor=actor, action="webhook_delivery.retried", obj=row, detail={"previous_attempts": previous})
    ids = [row.pk for row in retried]
    if ids:
        transaction.on_commit(lambda: webhook_deliveries_queue(ids))
    return len(retried)
