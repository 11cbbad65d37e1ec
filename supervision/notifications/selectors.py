"""Reads of a member of staff's own notifications: nobody reads another's."""

from django.db.models import QuerySet
from django.urls import reverse

from agency.choices import Role
from agency.models import User
from supervision.models import Notification

# The roles that have a bell: signed-in staff (an integrator is a machine account and has none).
NOTIFIED_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.COURT_CLERK, Role.PAROLE_BOARD_STAFF, Role.ADMINISTRATOR)


def notification_unread_count(*, actor: User) -> int:
    """One query, on the partial index of unread notifications."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()


def notification_list(*, actor: User, unread_only: bool = False, kind: str = "") -> QuerySet[Notification]:
    """The actor's notifications, newest first, each with its case (its person's id, for the audit row): one
    query."""
    notifications = Notification.objects.filter(recipient=actor)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    if kind:
        notifications = notifications.filter(kind=kind)
    return notifications.select_related("supervision").order_by("-created_at", "-id")


def notification_link(notification: Notification) -> str:
    """The page of what the notification is about (its report, else its case), or "" when it has none."""
    if notification.report_id and notification.supervision_id:
        return reverse("supervision:report_detail", args=[notification.supervision_id, notification.report_id])
    if notification.supervision_id:
        return reverse("supervision:case_detail", args=[notification.supervision_id])
    return ""
