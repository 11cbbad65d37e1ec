"""Webhooks: events sent to the systems an administrator subscribed (``WebhookSubscription``).

An outbox: ``webhook_event_emit`` writes one ``WebhookDelivery`` row per subscriber in the transaction
of the change it tells about (so an event exists exactly when its change does) and queues the delivery
task after commit. ``webhook_delivery_deliver`` POSTs the JSON body, signed like the report deliveries,
with the headers ``X-Caseline-Event``, ``X-Caseline-Delivery`` (the event's key, the same on every try,
for the receiver to recognise a repeat) and ``X-Caseline-Signature``. Claiming, sending outside any lock,
recording, the backoff, the timeouts and the signature are ``agency.outbox``'s, shared with the report
deliveries.

A failed try is recorded on the row (attempts, last_error) and the next one waits for a growing
backoff (``next_attempt_at``: 30 s, doubling, at most 6 hours); after ``CASELINE["WEBHOOK_MAX_ATTEMPTS"]``
tries the row is failed for good and stays on record (an administrator re-queues it with the admin's
"retry" action). Nothing is lost with a broker message: ``webhook_deliveries_sweep`` (every minute)
re-queues every pending row past its backoff, and a row whose worker died when its claim runs out.
Delivery is at least once (a worker dying between the POST and recording it sends it again), once per
row otherwise: a claimed row is not due for any other worker.

The missed check-in sweep writes its ``check_in.missed`` rows set-based, in its own statement
(``supervision.services.missed_check_ins``); their ``event_id`` follows ``event_key`` below.
"""

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agency.audit import audit_record
from agency.models import (
    User,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEvent,
    WebhookSubscription,
)
from agency.outbox import Claim, Failure, Outbox, Outcome, SendError, backoff, signed_post
from agency.queueing import task_queue

logger = logging.getLogger(__name__)

SYSTEM_LABEL = "deliver_webhooks"
EVENT_HEADER = "X-Caseline-Event"
DELIVERY_HEADER = "X-Caseline-Delivery"
SWEEP_MIN_AGE = timedelta(minutes=1)
DEFAULT_MAX_ATTEMPTS = 8
DELIVER_TASK = "agency.tasks.webhook_delivery_deliver_task"


def webhook_max_attempts() -> int:
    return int(settings.CASELINE.get("WEBHOOK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def webhook_backoff(attempts: int) -> timedelta:
    """30 s after the first failed try, doubling, at most 6 hours."""
    return backoff(attempts, cap=OUTBOX.backoff_cap)


def event_key(*, event: str, obj_type: str, obj_id: int) -> str:
    """The event's key: one delivery per subscriber and key (``webhook_delivery_once_per_subscription``)."""
    return f"{event}:{obj_type}:{obj_id}"


def subscriptions_for(event: str) -> list[WebhookSubscription]:
    """Active subscriptions to ``event`` (few rows: filtered here in Python)."""
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
    return sum(task_queue(DELIVER_TASK, delivery_id, unavailable="the sweep will.") for delivery_id in ids)


def webhook_body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()


# WebhookDelivery is an OutboxRow: mypy checks a base's type argument before django-stubs types the model's fields.
class WebhookOutbox(Outbox[WebhookDelivery]):  # type: ignore[type-var]
    model = WebhookDelivery
    name = "webhook delivery"
    due_statuses = (WebhookDeliveryStatus.PENDING,)
    delivered_status = WebhookDeliveryStatus.DELIVERED
    retry_status = WebhookDeliveryStatus.PENDING
    exhausted_status = WebhookDeliveryStatus.FAILED  # kept; an administrator re-queues it in the admin
    related = ("subscription",)

    def max_attempts(self) -> int | None:
        return webhook_max_attempts()

    def send(self, row: WebhookDelivery, claim: Claim) -> None:
        subscription = row.subscription
        if not subscription.is_active:
            raise SendError("The subscription is inactive.")
        status = signed_post(
            url=subscription.url,
            body=webhook_body(row),
            headers={EVENT_HEADER: row.event, DELIVERY_HEADER: row.event_id},
            secret=subscription.secret,
        )
        if not 200 <= status < 300:
            raise SendError(f"{subscription.url} answered {status}.")

    def on_failed(self, row: WebhookDelivery, claim: Claim, failure: Failure, *, last: bool) -> None:
        if row.status == WebhookDeliveryStatus.FAILED:
            audit_record(
                actor=None,
                system=SYSTEM_LABEL,
                action="webhook_delivery.failed",
                obj=row,
                detail={"attempts": row.attempts, "error": row.last_error},
            )


OUTBOX = WebhookOutbox()


def webhook_delivery_deliver(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Try to deliver one event (see the module doc and ``agency.outbox``). Returns True when this call
    delivered it, False when it did not: nothing to do (delivered, failed for good, not yet due, held by
    another worker) or the try failed (recorded on the row)."""
    return OUTBOX.deliver(delivery_id, now=now) is Outcome.DELIVERED


def webhook_deliveries_due(*, now: datetime | None = None, min_age: timedelta = SWEEP_MIN_AGE):
    """Pending deliveries written at least ``min_age`` ago, past their backoff and not claimed by a worker."""
    return OUTBOX.due(now=now or timezone.now(), min_age=min_age)


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
