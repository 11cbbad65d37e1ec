"""Celery tasks: thin wrappers that take ids (never a person's data), call one service, and are safe to
run twice. Periodic ones are scheduled by django-celery-beat (see migrations 0003_beat_schedule and 0013); what
they must do is read from the database, so a lost message is made good by the next run."""

from celery import shared_task

from supervision import services
from supervision.services.missed_check_ins import check_ins_missed_emails_send
from supervision.services.notification_emails import notification_digests_send, notifications_email_at_once


@shared_task(acks_late=True)
def report_delivery_deliver_task(delivery_id: int) -> bool:
    # No Celery retries: a failed try is recorded on the row with its backoff, and the sweep (every
    # minute) tries it again when it is due (agency.outbox).
    return services.report_delivery_deliver(delivery_id=delivery_id)


@shared_task(acks_late=True)
def report_deliveries_sweep_task() -> dict[str, int]:
    return services.report_deliveries_sweep()


@shared_task(acks_late=True)
def check_ins_flag_missed_task() -> dict[str, int]:
    return services.check_ins_flag_missed().as_dict()


@shared_task(acks_late=True)
def check_ins_missed_emails_send_task(officers: list[list[int]], supervisors: list[list[int]]) -> int:
    # The (user id, count) pairs arrive as JSON lists.
    return check_ins_missed_emails_send(
        officers=[(user_id, count) for user_id, count in officers],
        supervisors=[(user_id, count) for user_id, count in supervisors],
    )


@shared_task(acks_late=True)
def check_ins_schedule_all_task() -> dict[str, int]:
    return services.check_ins_schedule_all()


@shared_task(acks_late=True)
def check_in_reminders_send_task() -> dict[str, int]:
    return services.check_in_reminders_send()


@shared_task(acks_late=True)
def supervisor_digest_send_task() -> dict[str, int]:
    return services.supervisor_digest_send()


@shared_task(acks_late=True)
def notifications_email_at_once_task() -> dict[str, int]:
    return notifications_email_at_once()


@shared_task(acks_late=True)
def notification_digests_send_task() -> dict[str, int]:
    return notification_digests_send()
