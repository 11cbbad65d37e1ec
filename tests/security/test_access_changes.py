"""Access changes by any path end access (issue 12, finding 6): whenever a user's role, unit, court,
parole board or status changes — in the admin's change form, by the admin's history "revert", by
``user.save()`` in a shell — their API tokens stop working at once, their browser sessions end at their
next request, and one ``user.access_changed`` row says who changed what. A bulk ``QuerySet.update`` of
those fields is refused."""

import pytest
from django.db import transaction
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from agency.api.tokens import api_token_issue
from agency.models import ApiTokenScope, AuditEvent, User
from tests.agency.factories import AdministratorFactory, OfficerFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _token_works(token: str) -> bool:
    return APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def _session_ended(client) -> bool:
    response = client.get(reverse("supervision:caseload"))
    if response.status_code == 200:
        return False
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    return AuditEvent.objects.filter(action="user.session_ended", detail__reason="access changed").exists()


def _signed_in(client, user):
    client.force_login(user)
    assert client.get(reverse("supervision:caseload")).status_code == 200
    return client


def _admin_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "unit": user.unit_id or "",
        "court": user.court_id or "",
        "parole_board": user.parole_board_id or "",
        "phone": user.phone,
        "badge_number": user.badge_number,
        "is_active": "on" if user.is_active else "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "09:00:00",
        **changes,
    }
    return {key: value for key, value in data.items() if value != ""}


@pytest.fixture
def administrator(client):
    admin = AdministratorFactory(username="admin.lee")
    admin_client = client.__class__()
    admin_client.force_login(admin)
    admin_client.user = admin
    return admin_client


@pytest.fixture
def officer():
    return OfficerFactory(unit=UnitFactory(code="north"))


def test_the_admin_change_form_ends_access(client, administrator, officer):
    # given an officer with a token and a browser session
    _record, token = api_token_issue(actor=None, system="tests", user=officer, scope="read")
    _signed_in(client, officer)
    south = UnitFactory(code="south")
    # when an administrator moves them to another unit
    response = administrator.post(
        reverse("admin:agency_user_change", args=[officer.pk]), _admin_form(officer, unit=south.pk)
    )
    # then the token stops, the session ends, and one row says who changed what
    assert response.status_code == 302, response.content
    assert not _token_works(token)
    assert _session_ended(client)
    event = AuditEvent.objects.get(action="user.access_changed")
    assert (event.actor, event.object_id) == (administrator.user, str(officer.pk))
    assert event.detail == {
        "changed": ["unit"],
        "before": {"unit": officer.unit_id},
        "after": {"unit": south.pk},
        "tokens_revoked": 1,
    }


def test_the_admin_history_revert_ends_access(client, administrator, officer):
    # given an officer moved from north to south in the admin, who then got a new token and signed in again
    north = officer.unit
    south = UnitFactory(code="south")
    administrator.post(reverse("admin:agency_user_change", args=[officer.pk]), _admin_form(officer, unit=south.pk))
    officer.refresh_from_db()
    assert officer.unit == south
    _record, token = api_token_issue(actor=None, system="tests", user=officer, scope="read")
    _signed_in(client, officer)
    assert _token_works(token)
    north_version = officer.history.filter(unit=north).order_by("history_id").last()
    # when the administrator reverts them to the version in north from the history page
    response = administrator.post(
        reverse("admin:agency_user_simple_history", args=[officer.pk, north_version.history_id]),
        _admin_form(officer, unit=north.pk),
    )
    # then they are back in north, the new token no longer works on north's cases, and the session is over
    assert response.status_code == 302, response.content
    officer.refresh_from_db()
    assert officer.unit == north
    assert not _token_works(token)
    assert _session_ended(client)
    reverted = AuditEvent.objects.filter(action="user.access_changed").order_by("id").last()
    assert (reverted.actor, reverted.detail["changed"], reverted.detail["after"]) == (
        administrator.user,
        ["unit"],
        {"unit": north.pk},
    )
    assert AuditEvent.objects.filter(action="user.access_changed").count() == 2


def test_a_save_from_the_shell_ends_access_and_names_the_process(client, officer):
    # given an officer with a token and a browser session
    _record, token = api_token_issue(actor=None, system="tests", user=officer, scope="read")
    _signed_in(client, officer)
    south = UnitFactory(code="south")
    # when someone moves them to another unit from a Python shell (no request, no signed-in user)
    user = User.objects.get(pk=officer.pk)
    user.unit = south
    user.save()
    # then the token stops, the session ends, and the row names the process that did it
    assert not _token_works(token)
    assert _session_ended(client)
    event = AuditEvent.objects.get(action="user.access_changed")
    assert event.actor is None
    assert event.actor_label.startswith("system:")
    assert (event.detail["changed"], event.detail["before"], event.detail["after"]) == (
        ["unit"],
        {"unit": officer.unit_id},
        {"unit": south.pk},
    )
    assert event.detail["tokens_revoked"] == 1
    assert "os_user" in event.detail
    revoked = AuditEvent.objects.get(action="api_token.revoked")
    assert revoked.actor_label == event.actor_label


def test_a_deactivation_from_the_shell_revokes_tokens_and_signs_out(client, officer):
    _record, token = api_token_issue(actor=None, system="tests", user=officer, scope="read")
    _signed_in(client, officer)
    officer.is_active = False
    officer.save()
    assert not _token_works(token)
    response = client.get(reverse("supervision:caseload"))  # Django no longer finds an inactive user
    assert (response.status_code, response["Location"].startswith(reverse("login"))) == (302, True)
    assert AuditEvent.objects.get(action="user.access_changed").detail["after"] == {"is_active": False}


def test_a_save_naming_the_access_fields_is_checked_too(client, officer):
    client = _signed_in(client, officer)
    officer.role = "supervisor"
    officer.save(update_fields=["role"])
    assert _session_ended(client)
    assert AuditEvent.objects.get(action="user.access_changed").detail["changed"] == ["role"]


def test_a_change_undone_before_the_next_request_still_ends_the_session(client, officer):
    # given a signed-in officer
    _signed_in(client, officer)
    north = officer.unit
    # when they are moved to south and straight back to north, with no request of theirs in between
    officer.unit = UnitFactory(code="south")
    officer.save()
    officer.unit = north
    officer.save()
    # then the session signed in before the changes is over all the same
    assert _session_ended(client)
    assert AuditEvent.objects.filter(action="user.access_changed").count() == 2


def test_other_changes_leave_access_alone(client, administrator, officer, django_assert_num_queries):
    # given an officer with a token and a session
    _record, token = api_token_issue(actor=None, system="tests", user=officer, scope="read")
    _signed_in(client, officer)
    # when their phone number is changed in the admin, and their last sign-in time is recorded
    administrator.post(reverse("admin:agency_user_change", args=[officer.pk]), _admin_form(officer, phone="555-0100"))
    with django_assert_num_queries(2):  # the UPDATE and its history row: no comparison, nothing decided
        officer.save(update_fields=["last_login"])
    # then nothing about their access changed
    assert _token_works(token)
    assert client.get(reverse("supervision:caseload")).status_code == 200
    assert not AuditEvent.objects.filter(action="user.access_changed").exists()
    assert User.objects.get(pk=officer.pk).access_changed_at is None


@pytest.mark.parametrize(
    "update",
    [
        lambda qs, unit: qs.update(unit=unit),
        lambda qs, unit: qs.update(unit_id=unit.pk),
        lambda qs, unit: qs.update(is_active=False),
        lambda qs, unit: qs.update(role="supervisor", unit=unit),
        lambda qs, unit: User.objects.bulk_update([qs.get()], ["is_active"]),
    ],
    ids=["unit", "unit_id", "is_active", "role", "bulk_update"],
)
def test_a_bulk_update_of_access_is_refused_and_changes_nothing(client, officer, update):
    # given an officer with a token and a session
    _record, token = api_token_issue(actor=None, system="tests", user=officer, scope="read")
    _signed_in(client, officer)
    # when code tries to change their access with a bulk UPDATE
    south = UnitFactory(code="south")
    with pytest.raises(ValueError, match="not changed in bulk: save each user"), transaction.atomic():
        update(User.objects.filter(pk=officer.pk), south)
    # then nothing changed: same unit, token and session work, no audit row
    stored = User.objects.get(pk=officer.pk)
    assert (stored.unit_id, stored.role, stored.is_active) == (officer.unit_id, "officer", True)
    assert _token_works(token)
    assert client.get(reverse("supervision:caseload")).status_code == 200
    assert not AuditEvent.objects.filter(
        action__in=["user.access_changed", "api_token.revoked", "user.session_ended"]
    ).exists()


def test_a_bulk_update_of_other_fields_is_allowed(officer):
    assert User.objects.filter(pk=officer.pk).update(phone="555-0100") == 1
    assert User.objects.get(pk=officer.pk).phone == "555-0100"


def test_every_token_of_the_user_is_revoked_even_one_without_a_record(officer):
    # given a recorded token and a bare knox token (issued outside Caseline's services)
    record, _token = api_token_issue(actor=None, system="tests", user=officer, scope="read")
    AuthToken.objects.create(user=officer)
    # when the officer is made a supervisor
    officer.role = "supervisor"
    officer.save()
    # then both are gone, and the record says it was revoked
    assert not AuthToken.objects.filter(user=officer).exists()
    assert ApiTokenScope.objects.get(pk=record.pk).revoked_at is not None
