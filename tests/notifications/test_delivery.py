"""The sweep's e-mails at once follow each recipient's delivery preference (by default they are sent, as
before there were preferences)."""

import pytest
from django.core import mail

from supervision.models import NotificationKind, NotificationPreference
from supervision.services.missed_check_ins import check_ins_missed_emails_send
from supervision.services.notifications import notification_emailed_at_once

pytestmark = pytest.mark.django_db


def test_the_sweep_emails_only_those_who_want_it_at_once(officer, other_officer, supervisor):
    # given the officer chose the app only for missed check-ins, the colleague chose nothing, and the supervisor
    # chose the daily digest for possible absconders
    other_officer.email = "colleague@example.org"
    other_officer.save(update_fields=["email"])
    supervisor.email = "supervisor@example.org"
    supervisor.save(update_fields=["email"])
    NotificationPreference.objects.create(user=officer, kind=NotificationKind.MISSED_CHECK_IN, channel="in_app")
    NotificationPreference.objects.create(user=supervisor, kind=NotificationKind.POSSIBLE_ABSCONDER, channel="digest")
    # when the sweep's e-mails go out
    sent = check_ins_missed_emails_send(
        officers=[(officer.pk, 2), (other_officer.pk, 1)], supervisors=[(supervisor.pk, 1)]
    )
    # then only the colleague, who kept the default, is e-mailed
    assert sent == 1
    assert [m.to for m in mail.outbox] == [["colleague@example.org"]]


def test_who_is_emailed_at_once_takes_one_query(officer, other_officer, django_assert_num_queries):
    NotificationPreference.objects.create(user=officer, kind=NotificationKind.REPORT_DISPOSED, channel="email")
    with django_assert_num_queries(1):
        chosen = notification_emailed_at_once(
            kind=NotificationKind.REPORT_DISPOSED, user_ids=[officer.pk, other_officer.pk]
        )
    # a disposition is in the app only unless chosen
    assert chosen == {officer.pk}
