"""A member of staff's notifications: marked read one at a time or all at once, and how each kind is
delivered (in the app only, e-mail at once, daily digest). Only the recipient acts on a notification:
someone else's is the same 404 as one that does not exist (``notification_get_own``)."""

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from agency.audit import audit_record
from agency.models import User
from supervision.models import Notification, NotificationChannel, NotificationKind, NotificationPreference


def notification_get_own(*, actor: User, notification_id: int | str) -> Notification:
    """The actor's own notification; another's, or none, is a 404 (the same answer for both)."""
    notification = Notification.objects.filter(recipient=actor, pk=notification_id).first()
    if notification is None:
        raise Http404("No such notification of yours.")
    return notification


@transaction.atomic
def notification_mark_read(*, actor: User, notification_id: int | str, now: datetime | None = None) -> Notification:
    """Mark one of the actor's notifications read (again: nothing changes and nothing is audited)."""
    notification = Notification.objects.select_for_update().filter(recipient=actor, pk=notification_id).first()
    if notification is None:
        raise Http404("No such notification of yours.")
    if notification.read_at is not None:
        return notification
    notification.read_at = now or timezone.now()
    notification.save(update_fields=["read_at"])
    audit_record(actor=actor, action="notification.read", obj=notification, detail={"kind": notification.kind})
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: User, now: datetime | None = None) -> int:
    """Mark every unread notification of the actor read; one audit row names them. Returns how many."""
    unread = Notification.objects.select_for_update(of=("self",)).filter(recipient=actor, read_at__isnull=True)
    rows = list(unread.order_by("pk").values_list("pk", "supervision__offender_id"))
    if not rows:
        return 0
    Notification.objects.filter(pk__in=[pk for pk, _person in rows]).update(read_at=now or timezone.now())
    audit_record(
        actor=actor,
        action="notification.all_read",
        obj=actor,
        offender_ids=[person for _pk, person in rows],
        detail={"ids": [pk for pk, _person in rows]},
    )
    return len(rows)


# The channel of a kind its recipient chose nothing for: in the app only, except where Caseline e-mailed at
# once before there were preferences (the missed check-in sweep e-mails the officers and the supervisors,
# supervision/services/missed_check_ins.py): nobody silently stops receiving those.
DEFAULT_CHANNELS: dict[str, str] = {
    NotificationKind.MISSED_CHECK_IN: NotificationChannel.EMAIL,
    NotificationKind.POSSIBLE_ABSCONDER: NotificationChannel.EMAIL,
    NotificationKind.REPORT_DISPOSED: NotificationChannel.IN_APP,
}


def notification_preferences(*, user: User) -> dict[str, str]:
    """The channel of every kind for ``user`` (a kind without a row: its ``DEFAULT_CHANNELS``)."""
    channels = {kind: str(DEFAULT_CHANNELS.get(kind, NotificationChannel.IN_APP)) for kind in NotificationKind.values}
    channels.update(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return channels


def notification_emailed_at_once(*, kind: str, user_ids: Iterable[int]) -> set[int]:
    """Of ``user_ids``, those who receive ``kind`` by e-mail at once (one query)."""
    user_ids = set(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list("user_id", "channel")
    )
    default = DEFAULT_CHANNELS.get(kind, NotificationChannel.IN_APP)
    return {user_id for user_id in user_ids if chosen.get(user_id, default) == NotificationChannel.EMAIL}


@transaction.atomic
def notification_preferences_save(*, actor: User, channels: Mapping[str, str]) -> dict[str, str]:
    """Save the actor's channel per kind; unknown kinds or channels are refused with field errors."""
    errors = {
        kind: f"Unknown kind of notification: {kind}." for kind in channels if kind not in NotificationKind.values
    }
    errors |= {
        kind: f"Choose one of: {', '.join(NotificationChannel.labels)}."
        for kind, channel in channels.items()
        if kind in NotificationKind.values and channel not in NotificationChannel.values
    }
    if errors:
        raise ValidationError(errors)
    before = notification_preferences(user=actor)
    changed = {kind: channel for kind, channel in channels.items() if before[kind] != channel}
    now = timezone.now()
    for kind, channel in changed.items():
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"channel": channel, "updated_at": now}
        )
    if changed:
        audit_record(
            actor=actor,
            action="notification.preferences_changed",
            obj=actor,
            detail={kind: {"from": before[kind], "to": channel} for kind, channel in changed.items()},
        )
    return before | changed
