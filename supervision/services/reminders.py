"""Reminders to the person of a check-in that opens tomorrow, through a pluggable sender.

The sender is ``settings.CASELINE["REMINDER_SENDER"]``, a dotted path to a ``ReminderSender`` class:
``EmailReminderSender`` (the default: to see reminders without sending them, use Django's console email
backend, ``EMAIL_URL=consolemail://``, the default with DEBUG), or a subclass of ``SmsReminderSender`` that
implements ``send_sms`` for the agency's SMS gateway (``ConsoleSmsReminderSender`` prints instead).
At most one reminder per check-in (``ReminderDelivery.check_in`` is unique), so
the hourly job can run as often as it likes.
"""

import logging
import sys
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from agency.audit import audit_record
from offenders.models import Offender
from supervision.choices import CheckInOrigin, CheckInStatus, SupervisionStatus
from supervision.models import CheckIn, ReminderDelivery, ReminderStatus
from supervision.windows import window_due_text

logger = logging.getLogger(__name__)

SYSTEM_LABEL = "send_check_in_reminders"
DEFAULT_SENDER = "supervision.services.reminders.EmailReminderSender"


class ReminderSender:
    """Sends one reminder. Subclasses say which address of the person they use and how they send."""

    channel = "base"

    def address_of(self, offender: Offender) -> str:
        raise NotImplementedError

    def send(self, *, to: str, subject: str, body: str) -> None:
        raise NotImplementedError


class EmailReminderSender(ReminderSender):
    channel = "email"

    def address_of(self, offender: Offender) -> str:
        return offender.email

    def send(self, *, to: str, subject: str, body: str) -> None:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[to])


class SmsReminderSender(ReminderSender):
    """Base for an SMS gateway: implement ``send_sms``. Text only, one short message."""

    channel = "sms"

    def address_of(self, offender: Offender) -> str:
        return offender.phone

    def send(self, *, to: str, subject: str, body: str) -> None:
        self.send_sms(to=to, text=body)

    def send_sms(self, *, to: str, text: str) -> None:
        raise NotImplementedError("Connect an SMS gateway: subclass SmsReminderSender and implement send_sms.")


class ConsoleSmsReminderSender(SmsReminderSender):
    """Prints what would be texted: to try the SMS channel without a gateway."""

    def send_sms(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"[sms to {to}] {text}\n")


def reminder_sender() -> ReminderSender:
    sender: ReminderSender = import_string(settings.CASELINE.get("REMINDER_SENDER", DEFAULT_SENDER))()
    return sender


def reminder_text(check_in: CheckIn) -> tuple[str, str]:
    """The reminder: when and how to check in, and whom to call. No case details."""
    opens = timezone.localtime(check_in.window_start)
    officer = check_in.supervision.officer
    subject = f"Reminder: {check_in.get_kind_display().lower()} check-in opens {opens:%a %d %b}"
    body = (
        f"Your {check_in.get_kind_display().lower()} check-in opens on {opens:%A %d %B} and must be completed "
        f"no later than {window_due_text(check_in.due_at, day_format='l j F')}.\n"
        f"Questions: your officer {officer.get_full_name() or officer.username}"
        f"{' at ' + officer.phone if officer.phone else ''}.\n"
    )
    return subject, body


def check_in_reminders_send(*, now: datetime | None = None, sender: ReminderSender | None = None) -> dict[str, int]:
    """Remind each person whose check-in opens tomorrow (local time), once per check-in."""
    now = now or timezone.now()
    sender = sender or reminder_sender()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, datetime.min.time()))
    due = (
        CheckIn.objects.filter(
            status=CheckInStatus.SCHEDULED,
            origin=CheckInOrigin.SCHEDULED,
            window_start__gte=start,
            window_start__lt=start + timedelta(days=1),
            supervision__status=SupervisionStatus.ACTIVE,
            reminder__isnull=True,
        )
        .select_related("supervision__offender", "supervision__officer")
        .order_by("window_start", "pk")
    )
    counts = {"due": 0, "sent": 0, "no_address": 0, "failed": 0, "skipped": 0}
    for check_in in due:
        counts["due"] += 1
        offender = check_in.supervision.offender
        address = sender.address_of(offender)
        try:
            with transaction.atomic():
                ReminderDelivery.objects.create(
                    check_in=check_in,
                    channel=sender.channel,
                    status=ReminderStatus.SENT if address else ReminderStatus.NO_ADDRESS,
                    sent_at=now,
                )
                audit_record(
                    actor=None,
                    system=SYSTEM_LABEL,
                    action="check_in.reminder_sent" if address else "check_in.reminder_no_address",
                    obj=check_in,
                    offender_id=offender.pk,
                    detail={"channel": sender.channel},
                )
                if address:
                    subject, body = reminder_text(check_in)
                    sender.send(to=address, subject=subject, body=body)
        except IntegrityError:
            counts["skipped"] += 1  # another run reminded this check-in meanwhile
        except Exception:
            # The row is rolled back with the failed send: the next hourly run tries again.
            logger.exception("Could not send the reminder for check-in %s via %s", check_in.pk, sender.channel)
            counts["failed"] += 1
        else:
            counts["sent" if address else "no_address"] += 1
    return counts
