"""Notifications by e-mail as each recipient chose: at once (every few minutes) or in the daily digest; each
one e-mailed at most once, and only those made after the choice. No test depends on today's date: the
times are relative to one fixed instant."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from agency.models import AuditEvent
from supervision.models import Notification, NotificationKind, NotificationPreference
from supervision.services.notification_emails import notification_digests_send, notifications_email_at_once
from tests.notifications.conftest import notify

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 6, 10, 9, 0))
DAY = datetime.date(2026, 6, 10)


def _made(notification, when):
    Notification.objects.filter(pk=notification.pk).update(created_at=when)
    return notification


def _choose(user, kind, channel, when=NOW - datetime.timedelta(days=7)):
    NotificationPreference.objects.create(user=user, kind=kind, channel=channel, updated_at=when)


def test_a_disposition_is_emailed_at_once_to_who_chose_it_and_once_only(officer, other_officer, case, report):
    # given the officer chose e-mail at once for dispositions, the colleague kept the app only
    _choose(officer, NotificationKind.REPORT_DISPOSED, "email")
    other_officer.email = "colleague@example.org"
    other_officer.save(update_fields=["email"])
    mine = _made(notify(officer, kind=NotificationKind.REPORT_DISPOSED, supervision=case, report=report), NOW)
    _made(notify(other_officer, kind=NotificationKind.REPORT_DISPOSED), NOW)
    # when the job runs twice
    first = notifications_email_at_once(now=NOW)
    second = notifications_email_at_once(now=NOW + datetime.timedelta(minutes=5))
    # then the officer got one e-mail linking to the report, the colleague none, and it is audited
    assert (first["notifications"], second["notifications"]) == (1, 0)
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert f"/cases/{case.pk}/reports/{report.pk}/" in mail.outbox[0].body
    mine.refresh_from_db()
    assert mine.emailed_at == NOW
    row = AuditEvent.objects.get(action="notification.emailed")
    assert (row.actor_label, row.detail) == ("system:send_notification_emails", {"ids": [mine.pk]})


def test_at_once_leaves_the_sweeps_kinds_and_the_backlog(officer):
    # given e-mail chosen for missed check-ins (the sweep e-mails those) and for dispositions only today
    _choose(officer, NotificationKind.MISSED_CHECK_IN, "email")
    _choose(officer, NotificationKind.REPORT_DISPOSED, "email", when=NOW - datetime.timedelta(hours=1))
    _made(notify(officer), NOW)
    _made(notify(officer, kind=NotificationKind.REPORT_DISPOSED), NOW - datetime.timedelta(days=2))
    # when the job runs
    result = notifications_email_at_once(now=NOW)
    # then nothing is sent: the sweep's kind is its own, and the older disposition predates the choice
    assert result["notifications"] == 0 and mail.outbox == []


def test_the_digest_gathers_the_unread_of_the_kinds_chosen(officer, case):
    # given the officer chose the digest for missed check-ins; yesterday's two, one read, and one made today
    _choose(officer, NotificationKind.MISSED_CHECK_IN, "digest")
    yesterday = NOW - datetime.timedelta(days=1)
    unread = _made(notify(officer, supervision=case), yesterday)
    _made(notify(officer, read=True), yesterday)
    today = _made(notify(officer), NOW)
    # when the digest is sent, twice
    first = notification_digests_send(day=DAY, now=NOW)
    second = notification_digests_send(day=DAY, now=NOW)
    # then one e-mail holds yesterday's unread one only
    assert (first["notifications"], second["notifications"]) == (1, 0)
    (message,) = mail.outbox
    assert message.subject == "Caseline daily digest, Wed Jun 10: 1 unread notification"
    assert unread.message in message.body and today.message not in message.body
    assert f"/cases/{case.pk}/" in message.body


def test_nobody_who_chose_the_app_gets_a_digest(officer):
    _made(notify(officer), NOW - datetime.timedelta(days=1))
    assert notification_digests_send(day=DAY, now=NOW)["notifications"] == 0
    assert mail.outbox == []
