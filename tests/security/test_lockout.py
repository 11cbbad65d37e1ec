"""Sign-in lockout (issue 12, finding 9): five failures lock a username *from that address* for fifteen
minutes, so nobody can lock someone else out from elsewhere or for ever; an administrator can still unlock
at once; one account failing from many addresses alerts the administrators."""

import datetime
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from agency import tasks
from agency.models import AuditEvent
from tests.agency.factories import AdministratorFactory, OfficerFactory
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HOME = "192.0.2.10"  # the officer's office
ELSEWHERE = ["198.51.100.7", "203.0.113.9", "203.0.113.77", "198.51.100.200"]
NOW = datetime.datetime(2027, 3, 2, 14, 0, tzinfo=datetime.UTC)


def _sign_in(client, username: str, password: str = PASSWORD, address: str = HOME):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(client, username: str, times: int, address: str) -> None:
    for _ in range(times):
        _sign_in(client, username, "not-the-password", address)


@pytest.fixture
def alerts_inline():
    """The alert's email is queued after commit: run the task here, as a worker would."""

    def run(*args):
        return tasks.user_sign_in_alert_send_task.apply(args=args).get()

    with mock.patch.object(tasks.user_sign_in_alert_send_task, "delay", side_effect=run) as delay:
        yield delay


def test_five_failures_from_one_address_do_not_lock_the_owner_out_from_theirs(client):
    # given someone who typed five wrong passwords for the administrator's account from their own address
    administrator = AdministratorFactory(username="admin")
    _fail(client, "admin", 5, ELSEWHERE[0])
    # when the administrator signs in from the office, and the stranger tries the right password too
    owner = _sign_in(client.__class__(), "admin", address=HOME)
    stranger = _sign_in(client.__class__(), "admin", address=ELSEWHERE[0])
    # then the owner is in; only the stranger's address is locked, and the lock is audited against it
    assert owner.status_code == 302
    assert stranger.status_code == 429
    assert b"Account locked" in stranger.content
    locked = AuditEvent.objects.filter(action="user.locked_out").order_by("id")
    assert [(row.object_id, row.source_ip) for row in locked] == [(str(administrator.pk), ELSEWHERE[0])] * 2
    assert list(AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")) == [
        ("admin", ELSEWHERE[0], 5)
    ]


@pytest.mark.time_machine(NOW, tick=False)
def test_the_lock_lifts_by_itself_after_15_minutes(client, time_machine):
    # given an officer who locked themselves out at 14:00
    officer = OfficerFactory()
    _fail(client, officer.username, 5, HOME)
    # when they try again at 14:14, then at 14:15:01
    time_machine.move_to(NOW + datetime.timedelta(minutes=14), tick=False)
    still_locked = _sign_in(client, officer.username)
    time_machine.move_to(NOW + datetime.timedelta(minutes=15, seconds=1), tick=False)
    free = _sign_in(client, officer.username)
    # then the first is refused (and does not extend the lock), the second lets them in
    assert still_locked.status_code == 429
    assert free.status_code == 302
    assert client.get(reverse("supervision:caseload")).status_code == 200


@pytest.mark.time_machine(NOW, tick=False)
def test_the_limit_and_the_lock_period_are_settings(client, settings, time_machine):
    # given an agency that locks after 3 failures for 2 minutes
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=2)
    officer = OfficerFactory()
    _fail(client, officer.username, 3, HOME)
    # when the officer tries at once, and after 2 minutes
    locked = _sign_in(client, officer.username)
    time_machine.move_to(NOW + datetime.timedelta(minutes=2, seconds=1), tick=False)
    free = _sign_in(client, officer.username)
    # then the page names the period, and the lock is over after it
    assert locked.status_code == 429
    assert b"locked here for\n        2 minutes" in locked.content
    assert free.status_code == 302


def test_the_lockout_page_says_for_how_long_and_who_can_unlock(client):
    officer = OfficerFactory()
    _fail(client, officer.username, 5, HOME)
    page = _sign_in(client, officer.username)
    assert page.status_code == 429
    text = " ".join(page.content.decode().split())
    assert "failed 5 times from this address, so it is locked here for 15 minutes" in text
    assert "ask your agency's administrator to unlock it now" in text


@pytest.mark.time_machine(NOW, tick=False)
def test_the_user_page_shows_the_addresses_and_the_end_of_the_lock(client):
    # given an officer locked out from two addresses
    officer = OfficerFactory()
    _fail(client, officer.username, 5, ELSEWHERE[0])
    _fail(client, officer.username, 5, ELSEWHERE[1])
    admin_client = client.__class__()
    admin_client.force_login(AdministratorFactory())
    # when an administrator opens the officer's page
    page = admin_client.get(reverse("admin:agency_user_change", args=[officer.pk]))
    # then it says from where and until when (the agency's time), with the one-click unlock
    text = " ".join(page.content.decode().split())
    assert (
        f"Locked after 5 failed attempts. From 2 addresses ({ELSEWHERE[0]}, {ELSEWHERE[1]}) "
        "until March 2, 2027, 9:15 a.m., or until unlocked here." in text
    )
    assert "Unlock sign-in" in text


def test_the_administrators_unlock_lifts_every_address_at_once(client):
    # given an officer locked out from two addresses
    officer = OfficerFactory()
    _fail(client, officer.username, 5, HOME)
    _fail(client, officer.username, 5, ELSEWHERE[0])
    admin = AdministratorFactory()
    admin_client = client.__class__()
    admin_client.force_login(admin)
    # when the administrator presses "Unlock sign-in" on their page
    response = admin_client.post(reverse("admin:agency_user_unlock", args=[officer.pk]))
    # then both locks are gone, audited once, and the officer signs in from the office
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.unlocked")
    assert (event.actor, event.object_id, event.detail) == (admin, str(officer.pk), {"attempts_cleared": 2})
    assert not AccessAttempt.objects.exists()
    assert _sign_in(client, officer.username).status_code == 302


def test_failures_from_three_addresses_alert_the_administrators_once(
    client, alerts_inline, django_capture_on_commit_callbacks
):
    # given two administrators (one without an email address) and an officer
    AdministratorFactory(username="admin.lee", email="lee@agency.example")
    AdministratorFactory(username="admin.ray", email="")
    officer = OfficerFactory(username="ofc.baker")
    # when wrong passwords for the officer arrive from two addresses, then a third, then a fourth
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, "ofc.baker", 2, ELSEWHERE[0])
        _fail(client, "ofc.baker", 1, ELSEWHERE[1])
    assert not AuditEvent.objects.filter(action="user.sign_in_alert").exists()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, "ofc.baker", 1, ELSEWHERE[2])
        _fail(client, "ofc.baker", 3, ELSEWHERE[3])
    # then one alert: an audit row naming the addresses, and one email to the administrator who has an address
    alert = AuditEvent.objects.get(action="user.sign_in_alert")
    assert (alert.actor_label, alert.object_id, alert.outcome, alert.source_ip) == (
        "system:sign-in-monitor",
        str(officer.pk),
        "denied",
        ELSEWHERE[2],
    )
    assert alert.detail == {
        "username": "ofc.baker",
        "address_count": 3,
        "addresses": sorted(ELSEWHERE[:3]),
        "failures": 4,
        "window_minutes": 15,
    }
    assert alerts_inline.call_count == 1
    assert [(message.to, message.subject) for message in mail.outbox] == [
        (["lee@agency.example"], "Caseline: sign-in failures for ofc.baker from 3 addresses")
    ]
    assert "failed 4 times from 3 different addresses" in mail.outbox[0].body


@pytest.mark.time_machine(NOW, tick=False)
def test_a_new_wave_after_the_lock_period_alerts_again(
    client, time_machine, alerts_inline, django_capture_on_commit_callbacks
):
    AdministratorFactory(email="lee@agency.example")
    officer = OfficerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for address in ELSEWHERE[:3]:
            _fail(client, officer.username, 1, address)
        time_machine.move_to(NOW + datetime.timedelta(minutes=16), tick=False)
        for address in ELSEWHERE[1:4]:
            _fail(client, officer.username, 1, address)
    assert AuditEvent.objects.filter(action="user.sign_in_alert").count() == 2
    assert len(mail.outbox) == 2


def test_failures_for_an_unknown_username_raise_no_alert(client, alerts_inline):
    AdministratorFactory(email="lee@agency.example")
    for address in ELSEWHERE:
        _fail(client, "no-such-user", 1, address)
    assert not AuditEvent.objects.filter(action="user.sign_in_alert").exists()
    assert alerts_inline.call_count == 0
    assert mail.outbox == []


def test_the_lock_counts_the_address_the_audit_trail_records(client):
    officer = OfficerFactory()
    _sign_in(client, officer.username, "not-the-password", ELSEWHERE[0])
    failed = AuditEvent.objects.get(action="user.sign_in_failed")
    assert failed.source_ip == AccessAttempt.objects.get().ip_address == ELSEWHERE[0]


def test_the_address_lockout_needs_no_silenced_check(settings):
    from django.core.checks import run_checks

    assert "axes.W006" not in getattr(settings, "SILENCED_SYSTEM_CHECKS", [])
    assert [message.id for message in run_checks() if message.id.startswith("axes.")] == []


def test_an_unreachable_broker_does_not_break_the_sign_in_page(client, django_capture_on_commit_callbacks):
    # given three addresses failing for an officer, and a broker that cannot be reached
    AdministratorFactory(email="lee@agency.example")
    officer = OfficerFactory()
    unreachable = mock.patch.object(tasks.user_sign_in_alert_send_task, "delay", side_effect=OSError("no broker"))
    # when the third address fails
    with unreachable, django_capture_on_commit_callbacks(execute=True):
        _fail(client, officer.username, 1, ELSEWHERE[0])
        _fail(client, officer.username, 1, ELSEWHERE[1])
        response = _sign_in(client, officer.username, "not-the-password", ELSEWHERE[2])
    # then the page answers as for any wrong password, and the alert is on record all the same
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="user.sign_in_alert", object_id=str(officer.pk)).count() == 1
