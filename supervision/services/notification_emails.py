"""Notifications by e-mail, as each recipient chose (``NotificationPreference``): at once, or gathered in one
daily digest. A notification is e-mailed at most once (``Notification.emailed_at``, set under a row lock that
a concurrent run skips), so a retried or doubled run sends nothing twice. Only notifications made after the
choice are e-mailed: choosing e-mail does not send a backlog.

The missed check-in sweep e-mails its own kinds at once (a count per sweep,
``check_ins_missed_emails_send``, which reads the same preferences): they are not e-mailed again here."""

import logging
from collections import defaultdict
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from agency.audit import audit_record
from agency.models import User
from supervision.models import Notification, NotificationChannel, NotificationKind, NotificationPreference
from supervision.notifications.selectors import notification_link

logger = logging.getLogger(__name__)

SYSTEM_LABEL = "send_notification_emails"
# E-mailed at once by the job that writes them (supervision/services/missed_check_ins.py).
SENT_BY_THEIR_JOB = (NotificationKind.MISSED_CHECK_IN, NotificationKind.POSSIBLE_ABSCONDER)


def _chosen(channel: str) -> Exists:
    """The notification's recipient chose ``channel`` for its kind before it was made."""
    return Exists(
        NotificationPreference.objects.filter(
            user=OuterRef("recipient"), kind=OuterRef("kind"), channel=channel, updated_at__lte=OuterRef("created_at")
        )
    )


def _line(notification: Notification) -> str:
    link = notification_link(notification)
    when = timezone.localtime(notification.created_at)
    return f"- {when:%a %b %-d, %-I:%M %p}: {notification.message}" + (f"\n  {settings.SITE_URL}{link}" if link else "")


def _send(*, pending: QuerySet[Notification], subject: str, now: datetime, action: str) -> dict[str, int]:
    """E-mail each recipient their ``pending`` notifications (one e-mail each), mark them e-mailed and audit it."""
    result = {"recipients": 0, "notifications": 0, "failed": 0}
    with transaction.atomic():
        rows = list(
            pending.select_for_update(of=("self",), skip_locked=True)
            .select_related("recipient")
            .order_by("recipient_id", "created_at", "id")
        )
        by_recipient: dict[User, list[Notification]] = defaultdict(list)
        for notification in rows:
            by_recipient[notification.recipient].append(notification)
        for recipient, notifications in by_recipient.items():
            ids = [notification.pk for notification in notifications]
            Notification.objects.filter(pk__in=ids).update(emailed_at=now)
            audit_record(actor=None, system=SYSTEM_LABEL, action=action, obj=recipient, detail={"ids": ids})
            if not recipient.email:
                continue  # nowhere to send it: marked, so that it is not tried again forever
            try:
                send_mail(
                    subject=subject.format(count=len(notifications), s="s" if len(notifications) != 1 else ""),
                    message="\n".join(_line(notification) for notification in notifications)
                    + f"\n\nAll your notifications: {settings.SITE_URL}/notifications/\n",
                    from_email=None,
                    recipient_list=[recipient.email],
                )
            except Exception:
                logger.exception("Could not e-mail notifications %s; they stay in the app.", ids)
                result["failed"] += 1
                continue
            result["recipients"] += 1
            result["notifications"] += len(notifications)
    return result


def notifications_email_at_once(*, now: datetime | None = None) -> dict[str, int]:
    """E-mail the unread notifications whose recipient chose "e-mail at once" for their kind."""
    now = now or timezone.now()
    pending = Notification.objects.filter(_chosen(NotificationChannel.EMAIL), emailed_at__isnull=True).filter(
        read_at__isnull=True
    )
    pending = pending.exclude(kind__in=SENT_BY_THEIR_JOB)
    return _send(
        pending=pending, subject="Caseline: {count} new notification{s}", now=now, action="notification.emailed"
    )


def notification_digests_send(*, day: date | None = None, now: datetime | None = None) -> dict[str, int]:
    """E-mail each recipient who chose the daily digest for some kind their notifications of those kinds made
    before ``day`` (default today) and still unread and not e-mailed."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    pending = Notification.objects.filter(
        _chosen(NotificationChannel.DIGEST), emailed_at__isnull=True, read_at__isnull=True, created_at__lt=start
    )
    subject = f"Caseline daily digest, {day:%a %b %-d}: " + "{count} unread notification{s}"
    return _send(pending=pending, subject=subject, now=now, action="notification.digest_sent")
