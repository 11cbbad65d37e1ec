"""Celery tasks: thin wrappers that take ids, reload, and call one service."""

from celery import shared_task

from supervision import services


@shared_task(acks_late=True, ignore_result=False)
def report_delivery_deliver_task(delivery_id: int) -> bool:
    return services.report_delivery_deliver(delivery_id=delivery_id)
