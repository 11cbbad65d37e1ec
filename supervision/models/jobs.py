"""Background jobs: notifications and the keys that make periodic work idempotent."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from supervision.choices import (
    SupervisionLevel,
    SupervisionStatus,
)
from supervision.models.cases import USER, Supervision
from supervision.models.records import CheckIn
from supervision.models.violations import ViolationReport


class NotificationKind(models.TextChoices):
    MISSED_CHECK_IN = "missed_check_in", "Missed check-in"
    POSSIBLE_ABSCONDER = "possible_absconder", "Possible absconder"
    REPORT_DISPOSED = "report_disposed", "Violation report disposed"


class Notification(models.Model):
    """An in-app notification for a member of staff. ``key`` makes each one unique: a job that runs
    twice (or two workers at once) creates it once."""

    recipient = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    message = models.CharField(max_length=300)
    supervision = models.ForeignKey(
        Supervision, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    check_in = models.ForeignKey(CheckIn, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(ViolationReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=120, unique=True, help_text="Idempotency key, e.g. missed_check_in:42.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was e-mailed (at once or in a digest): at most once."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id}: {self.message}"


class NotificationChannel(models.TextChoices):
    IN_APP = "in_app", "In the app only"
    EMAIL = "email", "E-mail at once"
    DIGEST = "digest", "Daily digest"


class NotificationPreference(models.Model):
    """How one member of staff wants one kind of notification delivered. No row: in the app only."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="notification_preferences")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    channel = models.CharField(max_length=16, choices=NotificationChannel.choices, default=NotificationChannel.IN_APP)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once_per_user_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user_id}: {self.get_channel_display()}"


class CheckInPlan(models.Model):
    """The supervision level and status (the contact standard's keys besides the type, which a case keeps) a
    case's check-ins were last planned for: when either changes, the scheduler excuses the old standard's
    future check-ins and plans the new standard."""

    supervision = models.OneToOneField(Supervision, on_delete=models.PROTECT, related_name="check_in_plan")
    level = models.CharField(max_length=16, choices=SupervisionLevel.choices)
    status = models.CharField(max_length=16, choices=SupervisionStatus.choices, default=SupervisionStatus.ACTIVE)
    planned_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Check-ins of supervision {self.supervision_id} planned for {self.level} ({self.status})"


class ReminderStatus(models.TextChoices):
    SENT = "sent", "Sent"
    NO_ADDRESS = "no_address", "Not sent: no address for the channel"


class ReminderDelivery(models.Model):
    """One reminder of an upcoming check-in sent to the person: at most one per check-in."""

    check_in = models.OneToOneField(CheckIn, on_delete=models.PROTECT, related_name="reminder")
    channel = models.CharField(max_length=32, help_text="The sender's channel: email, sms, console …")
    status = models.CharField(max_length=16, choices=ReminderStatus.choices, default=ReminderStatus.SENT)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "reminder deliveries"
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"Reminder for check-in {self.check_in_id} ({self.channel}, {self.status})"


class DigestDelivery(models.Model):
    """The daily digest sent to a unit supervisor: at most one per supervisor and day."""

    supervisor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("agency.Unit", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    counts = models.JSONField(default=dict)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "digest deliveries"
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["supervisor", "unit", "day"], name="digest_once_per_supervisor_unit_day")
        ]

    def __str__(self) -> str:
        return f"Digest of {self.day} for {self.supervisor_id}"
