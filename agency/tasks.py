"""Celery tasks for webhooks (see agency.webhooks) and the sign-in alert (agency.sign_in): thin, ids only,
safe to run twice."""

from celery import shared_task

from agency.sign_in_alert import user_sign_in_alert_send
from agency.webhooks import webhook_deliveries_sweep, webhook_delivery_deliver


@shared_task(acks_late=True)
def webhook_delivery_deliver_task(delivery_id: int) -> bool:
    # No Celery retries: a failed try is recorded on the row with its backoff, and the sweep retries it.
    return webhook_delivery_deliver(delivery_id=delivery_id)


@shared_task(acks_late=True)
def webhook_deliveries_sweep_task(min_age_seconds: int | None = None) -> dict[str, int]:
    if min_age_seconds is None:
        return webhook_deliveries_sweep()
    from datetime import timedelta

    return webhook_deliveries_sweep(min_age=timedelta(seconds=min_age_seconds))


@shared_task(acks_late=True)
def user_sign_in_alert_send_task(
    user_id: int, addresses: list[str], address_count: int, failures: int, minutes: int
) -> int:
    return user_sign_in_alert_send(
        user_id=user_id, addresses=addresses, address_count=address_count, failures=failures, minutes=minutes
    )
