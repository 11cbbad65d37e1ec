"""The bell, the list of one's notifications (newest first, filters, pages), mark one or all read, and the
delivery preferences: each member of staff sees and changes only their own notifications."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agency.models import AuditEvent
from supervision.models import Notification, NotificationKind, NotificationPreference
from supervision.notifications.views import PAGE_SIZE
from tests.agency.factories import IntegratorFactory
from tests.notifications.conftest import notify

pytestmark = pytest.mark.django_db


def _bell_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "supervision_notification" in q["sql"] and "COUNT(" in q["sql"].upper()]


# --- The bell -------------------------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_with_one_query(signed_in, officer, other_officer):
    # given two unread and one read notification of the officer, and one of a colleague
    notify(officer)
    notify(officer)
    notify(officer, read=True)
    notify(other_officer)
    # when the officer opens a page with the top bar
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get(reverse("notifications:preferences"))
    # then the bell shows their two unread, read with one query
    assert response.status_code == 200
    assert 'data-unread="2"' in response.content.decode()
    assert len(_bell_queries(queries.captured_queries)) == 1


def test_the_bell_without_unread_notifications_says_none(signed_in):
    # when the officer without notifications opens a page
    response = signed_in.get(reverse("notifications:preferences"))
    # then the bell is there, without a count
    content = response.content.decode()
    assert reverse("notifications:list") in content and "data-unread" not in content
    assert "none unread" in content


def test_a_page_without_the_top_bar_does_not_count(client, officer):
    # given a signed-out visitor's sign-in page and a signed-in JSON answer
    notify(officer)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("login"))
    client.force_login(officer)
    with CaptureQueriesContext(connection) as json_queries:
        client.post(reverse("session_keepalive"))
    # then neither reads the count
    assert _bell_queries(queries.captured_queries) == []
    assert _bell_queries(json_queries.captured_queries) == []


def test_an_integrator_has_no_bell_and_no_list(client):
    # given an integrator signed in
    client.force_login(IntegratorFactory())
    # when they open the notifications
    response = client.get(reverse("notifications:list"))
    # then they are refused
    assert response.status_code == 403


# --- The list -------------------------------------------------------------------------------------------------


def _shown(response) -> list[int]:
    return [notification.pk for notification in response.context["page_obj"].object_list]


def test_the_list_is_newest_first_and_links_to_the_object(signed_in, officer, other_officer, case, report):
    # given notifications about a report, a case and nothing, and a colleague's
    about_report = notify(
        officer, kind=NotificationKind.REPORT_DISPOSED, supervision=case, report=report, minutes_ago=1
    )
    about_case = notify(officer, supervision=case, minutes_ago=5)
    about_nothing = notify(officer, minutes_ago=10)
    notify(other_officer)
    # when the officer opens the list
    response = signed_in.get(reverse("notifications:list"))
    # then theirs show newest first, each linked to what it is about
    assert _shown(response) == [about_report.pk, about_case.pk, about_nothing.pk]
    content = response.content.decode()
    assert f'href="{reverse("supervision:report_detail", args=[case.pk, report.pk])}"' in content
    assert f'href="{reverse("supervision:case_detail", args=[case.pk])}"' in content
    # and the read is audited, naming the person of the case
    row = AuditEvent.objects.filter(action="notification.listed").get()
    assert row.actor == officer and row.detail["ids"] == [about_report.pk, about_case.pk, about_nothing.pk]


def test_the_list_filters_unread_and_kind(signed_in, officer):
    # given read and unread notifications of two kinds
    unread_missed = notify(officer, minutes_ago=1)
    notify(officer, minutes_ago=2, read=True)
    unread_absconder = notify(officer, kind=NotificationKind.POSSIBLE_ABSCONDER, minutes_ago=3)
    read_absconder = notify(officer, kind=NotificationKind.POSSIBLE_ABSCONDER, minutes_ago=4, read=True)
    url = reverse("notifications:list")
    # then each filter shows what it says
    assert _shown(signed_in.get(url, {"unread": "on"})) == [unread_missed.pk, unread_absconder.pk]
    assert _shown(signed_in.get(url, {"kind": "possible_absconder"})) == [unread_absconder.pk, read_absconder.pk]
    assert _shown(signed_in.get(url, {"unread": "on", "kind": "possible_absconder"})) == [unread_absconder.pk]
    # and an unknown kind is ignored rather than an error
    assert len(_shown(signed_in.get(url, {"kind": "nonsense"}))) == 4


def test_the_list_pages(signed_in, officer):
    # given one more notification than a page holds
    notifications = [notify(officer, minutes_ago=minute) for minute in range(PAGE_SIZE + 1)]
    url = reverse("notifications:list")
    # then the first page holds the newest, the second the oldest
    first = signed_in.get(url)
    assert len(_shown(first)) == PAGE_SIZE and first.context["page_obj"].paginator.num_pages == 2
    assert _shown(signed_in.get(url, {"page": 2})) == [notifications[-1].pk]


def test_the_list_runs_the_same_queries_for_few_and_many(signed_in, officer, case, report, django_assert_num_queries):
    # given a few notifications
    notify(officer, supervision=case)
    url = reverse("notifications:list")
    with CaptureQueriesContext(connection) as few:
        signed_in.get(url)
    # when there are many, of every kind, about cases and reports
    for minute in range(40):
        kind = NotificationKind.values[minute % 3]
        notify(officer, kind=kind, supervision=case, report=report if minute % 2 else None, minutes_ago=minute)
    # then the page runs as many queries
    with django_assert_num_queries(len(few.captured_queries)):
        response = signed_in.get(url)
    assert len(_shown(response)) == PAGE_SIZE


# --- Mark read ------------------------------------------------------------------------------------------------


def test_mark_read_marks_one_and_audits_it(signed_in, officer, case):
    # given two unread notifications
    one = notify(officer, supervision=case)
    other = notify(officer)
    # when the officer marks one read
    response = signed_in.post(reverse("notifications:read", args=[one.pk]), {"next": "/notifications/?unread=on"})
    # then only it is read, audited with the case's person, and the list comes back with its filters
    assert response.status_code == 302 and response["Location"] == "/notifications/?unread=on"
    one.refresh_from_db()
    other.refresh_from_db()
    assert one.read_at is not None and other.read_at is None
    row = AuditEvent.objects.get(action="notification.read")
    assert (row.actor, row.object_id, row.offender_id) == (officer, str(one.pk), case.offender_id)


def test_mark_read_twice_changes_nothing_more(signed_in, officer):
    notification = notify(officer)
    url = reverse("notifications:read", args=[notification.pk])
    signed_in.post(url)
    notification.refresh_from_db()
    first_read = notification.read_at
    # when it is marked read again
    signed_in.post(url)
    # then the time stays, and there is one audit row
    notification.refresh_from_db()
    assert notification.read_at == first_read
    assert AuditEvent.objects.filter(action="notification.read").count() == 1


def test_mark_read_elsewhere_goes_back_to_the_list(signed_in, officer):
    notification = notify(officer)
    response = signed_in.post(reverse("notifications:read", args=[notification.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:list")


def test_marking_someone_elses_notification_is_404_and_changes_nothing(signed_in, other_officer):
    # given a colleague's unread notification
    theirs = notify(other_officer)
    # when the officer tries to mark it read
    response = signed_in.post(reverse("notifications:read", args=[theirs.pk]))
    # then it is not found, it is still unread, and the refusal (only) is audited
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert not AuditEvent.objects.filter(action="notification.read").exists()
    assert AuditEvent.objects.filter(action="access.denied", outcome="denied").count() == 1


def test_mark_read_is_post_only(signed_in, officer):
    notification = notify(officer)
    assert signed_in.get(reverse("notifications:read", args=[notification.pk])).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_marks_only_ones_own(signed_in, officer, other_officer, case):
    # given the officer's two unread and a read one, and a colleague's unread one
    mine = [notify(officer, supervision=case), notify(officer)]
    already = notify(officer, read=True)
    theirs = notify(other_officer)
    # when the officer marks all read
    response = signed_in.post(reverse("notifications:read_all"))
    # then their unread ones are read, the colleague's is not, and one audit row names them
    assert response.status_code == 302
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == {theirs.pk}
    row = AuditEvent.objects.get(action="notification.all_read")
    assert row.actor == officer and row.detail["ids"] == sorted(n.pk for n in mine)
    assert already.pk not in row.detail["ids"]


def test_mark_all_read_with_nothing_unread_writes_nothing(signed_in, officer):
    notify(officer, read=True)
    signed_in.post(reverse("notifications:read_all"))
    assert not AuditEvent.objects.filter(action="notification.all_read").exists()


# --- Preferences ----------------------------------------------------------------------------------------------


def test_preferences_default_to_what_caseline_did_before_there_were_preferences(signed_in):
    # the sweep e-mailed missed check-ins and possible absconders at once; a disposition was in the app only
    response = signed_in.get(reverse("notifications:preferences"))
    assert response.context["form"].initial == {
        "missed_check_in": "email",
        "possible_absconder": "email",
        "report_disposed": "in_app",
    }


def test_preferences_are_saved_and_audited(signed_in, officer):
    # when the officer chooses the app only for missed check-ins and the digest for dispositions
    choice = {"missed_check_in": "in_app", "possible_absconder": "email", "report_disposed": "digest"}
    response = signed_in.post(reverse("notifications:preferences"), choice)
    # then the two changes are stored (the default is no row) and audited once
    assert response.status_code == 302
    assert dict(NotificationPreference.objects.filter(user=officer).values_list("kind", "channel")) == {
        "missed_check_in": "in_app",
        "report_disposed": "digest",
    }
    row = AuditEvent.objects.get(action="notification.preferences_changed")
    assert row.detail == {
        "missed_check_in": {"from": "email", "to": "in_app"},
        "report_disposed": {"from": "in_app", "to": "digest"},
    }
    # and the page shows them chosen
    assert signed_in.get(reverse("notifications:preferences")).context["form"].initial == choice


def test_preferences_refuse_an_unknown_channel(signed_in, officer):
    # when the form is sent with a channel that does not exist and a kind missing
    response = signed_in.post(reverse("notifications:preferences"), {"missed_check_in": "pigeon"})
    # then the page comes back with the errors next to the fields, and nothing is stored
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"missed_check_in", "possible_absconder", "report_disposed"}
    assert not NotificationPreference.objects.exists()
    assert not AuditEvent.objects.filter(action="notification.preferences_changed").exists()


def test_preferences_are_each_users_own(client, officer, other_officer):
    # given the colleague chose the digest
    NotificationPreference.objects.create(user=other_officer, kind="missed_check_in", channel="digest")
    client.force_login(officer)
    # then the officer still sees the default
    assert client.get(reverse("notifications:preferences")).context["form"].initial["missed_check_in"] == "email"
