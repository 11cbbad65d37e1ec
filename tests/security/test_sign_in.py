"""Sign-in: lockout at the 5th failure (more in test_lockout.py), idle and absolute session limits,
password length, TOTP two-factor with recovery codes, and access changes that end sessions and tokens."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from agency.api.tokens import api_token_issue
from agency.models import ApiTokenScope, AuditEvent
from agency.security import LAST_SEEN_AT, SIGNED_IN_AT
from tests.agency.factories import AdministratorFactory, IntegratorFactory, OfficerFactory, UnitFactory
from tests.security.conftest import sign_in

pytestmark = pytest.mark.django_db


# --- Lockout -------------------------------------------------------------------------------------------------


def _fail(client, username: str, times: int) -> None:
    for _ in range(times):
        sign_in(client, username, "not-the-password")


def test_four_failures_do_not_lock_the_account(client):
    # given an officer who mistyped their password four times
    officer = OfficerFactory()
    _fail(client, officer.username, 4)
    # when they type it right
    response = sign_in(client, officer.username)
    # then they are in
    assert response.status_code == 302
    assert client.get(reverse("supervision:caseload")).status_code == 200


def test_the_fifth_failure_locks_the_account_even_for_the_right_password(client):
    # given an officer with five failed attempts
    officer = OfficerFactory()
    _fail(client, officer.username, 5)
    # when the right password is typed
    response = sign_in(client, officer.username)
    # then the account stays locked (429, django-axes' answer), the page says why, and the lockout is audited
    assert response.status_code == 429
    assert b"Account locked" in response.content
    assert not client.session.get("_auth_user_id")
    assert AuditEvent.objects.filter(action="user.sign_in_failed").count() == 6
    # (one lockout row when the 5th failure locked it, one for the attempt refused while locked)
    locked = AuditEvent.objects.filter(action="user.locked_out").order_by("id")
    assert [(row.object_id, row.outcome) for row in locked] == [(str(officer.pk), "denied")] * 2


def test_an_administrator_unlocks_in_the_admin_and_it_is_audited(client):
    # given a locked-out officer
    officer = OfficerFactory()
    _fail(client, officer.username, 5)
    admin = AdministratorFactory()
    admin_client = client.__class__()
    admin_client.force_login(admin)
    # when the administrator runs the unlock action on them
    response = admin_client.post(
        reverse("admin:agency_user_changelist"), {"action": "unlock_selected", "_selected_action": [officer.pk]}
    )
    # then it is audited and the officer can sign in again
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.unlocked")
    assert (event.actor, event.object_id, event.detail) == (admin, str(officer.pk), {"attempts_cleared": 1})
    assert sign_in(client, officer.username).status_code == 302


# --- Passwords ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short-pass1", "password_too_short"),
        ("x7" * 64 + "y", "password_too_long"),
        ("password1234", "password_too_common"),
    ],
)
def test_passwords_are_12_to_128_characters_and_not_common(password, code):
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    assert code in {error.code for error in caught.value.error_list}


def test_a_128_character_passphrase_is_accepted():
    assert validate_password("x7" * 64) is None


def test_passwords_are_hashed_with_argon2():
    from agency import settings as production  # the test settings use a fast hasher

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


# --- Sessions --------------------------------------------------------------------------------------------------


def _later(**delta):
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(**delta))


def test_a_session_ends_after_30_minutes_idle(client):
    # given a signed-in officer
    officer = OfficerFactory()
    client.force_login(officer)
    # when they come back after 31 minutes
    with _later(minutes=31):
        response = client.get(reverse("supervision:caseload"))
    # then the session has expired and they must sign in again
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_idle_limit_holds_even_if_the_session_row_lives_on(client):
    # given a session whose last request was 31 minutes ago (its row kept alive by some other means)
    client.force_login(OfficerFactory())
    session = client.session
    session[LAST_SEEN_AT] -= 31 * 60
    session.save()
    # when the officer comes back
    response = client.get(reverse("supervision:caseload"))
    # then the middleware ends it, audited
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="user.session_ended").detail == {"reason": "idle timeout"}


def test_activity_keeps_a_session_alive(client):
    # given a signed-in officer active every 20 minutes
    client.force_login(OfficerFactory())
    with _later(minutes=20):
        assert client.get(reverse("supervision:caseload")).status_code == 200
    # when 40 minutes have passed since sign-in (20 since the last request)
    with _later(minutes=40):
        response = client.get(reverse("supervision:caseload"))
    # then the session goes on
    assert response.status_code == 200


def test_a_session_ends_12_hours_after_sign_in_however_active(client):
    # given a session signed in 12 hours and 1 minute ago, active a minute ago
    client.force_login(OfficerFactory())
    session = client.session
    session[SIGNED_IN_AT] -= 12 * 3600 + 60
    session.save()
    # when the officer goes on working
    response = client.get(reverse("supervision:caseload"))
    # then they must sign in again
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="user.session_ended").detail == {"reason": "absolute timeout"}


def test_the_session_cookie_is_http_only_secure_and_short(settings):
    assert (settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SECURE) == (True, True)
    assert settings.SESSION_COOKIE_AGE == 1800


# --- Access changes -------------------------------------------------------------------------------------------


def _change_role_in_admin(admin_client, user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "unit": user.unit_id or "",
        "court": "",
        "parole_board": "",
        "phone": "",
        "badge_number": "",
        "is_active": "on" if user.is_active else "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "09:00:00",
        **changes,
    }
    data = {key: value for key, value in data.items() if value != ""}
    return admin_client.post(reverse("admin:agency_user_change", args=[user.pk]), data)


def test_a_role_change_ends_the_users_session_and_revokes_their_tokens(client):
    # given an officer signed in in a browser, with an API token
    officer = OfficerFactory()
    client.force_login(officer)
    record, token = api_token_issue(actor=None, system="tests", user=officer, scope="read")
    admin_client = client.__class__()
    admin_client.force_login(AdministratorFactory())
    # when an administrator makes them an integrator
    response = _change_role_in_admin(admin_client, officer, role="integrator")
    # then the change is audited, the token no longer works and the session ends on the next request
    assert response.status_code == 302, response.content
    assert AuditEvent.objects.get(action="user.access_changed").detail["changed"] == ["role"]
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert not AuthToken.objects.filter(user=officer).exists()
    api = client.__class__().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert api.status_code == 401
    page = client.get(reverse("supervision:caseload"))
    assert page.status_code == 302
    assert AuditEvent.objects.get(action="user.session_ended").detail == {"reason": "access changed"}


def test_deactivating_a_user_ends_their_session_and_tokens(client):
    # given an integrator with a token and a browser session
    integrator = IntegratorFactory(unit=UnitFactory())
    client.force_login(integrator)
    _record, token = api_token_issue(actor=None, system="tests", user=integrator, scope="read")
    admin_client = client.__class__()
    admin_client.force_login(AdministratorFactory())
    # when an administrator unticks "active"
    response = _change_role_in_admin(admin_client, integrator, is_active="")
    # then the token is revoked and the session is over
    assert response.status_code == 302, response.content
    assert ApiTokenScope.objects.get(user=integrator).revoked_at is not None
    assert client.__class__().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert client.get(reverse("home")).status_code == 302


# --- Two-factor ------------------------------------------------------------------------------------------------


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_two_factor_is_required_by_default_without_debug():
    from agency import settings as production

    assert production.CASELINE_REQUIRE_2FA is (not production.DEBUG)


def test_with_two_factor_required_a_user_without_it_must_enroll_first(client, settings):
    # given two-factor required, and an officer who never enrolled
    settings.CASELINE_REQUIRE_2FA = True
    officer = OfficerFactory()
    sign_in(client, officer.username)
    # when they open their caseload after the password
    response = client.get(reverse("supervision:caseload"))
    api = client.get("/api/v1/me/")
    # then they are sent to enroll, and the API refuses the half-signed-in session
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    assert api.status_code == 403


def test_enrolling_gives_ten_recovery_codes_and_opens_the_app(client, settings):
    # given two-factor required and a signed-in officer on the enrollment page
    settings.CASELINE_REQUIRE_2FA = True
    officer = OfficerFactory()
    sign_in(client, officer.username)
    page = client.get(reverse("two_factor_setup"))
    assert page.context["qr"].startswith("data:image/svg+xml;base64,")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    # when they confirm a code from the app
    response = client.post(reverse("two_factor_setup"), {"code": _code(device)})
    # then they get 10 single-use recovery codes, the enrollment is audited, and the caseload opens
    assert len(response.context["codes"]) == 10
    assert StaticToken.objects.filter(device__user=officer).count() == 10
    assert AuditEvent.objects.filter(action="user.two_factor_enrolled", actor=officer).count() == 1
    assert client.get(reverse("supervision:caseload")).status_code == 200


def _enrolled(officer) -> tuple[TOTPDevice, str]:
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    from django_otp.plugins.otp_static.models import StaticDevice

    static = StaticDevice.objects.create(user=officer, name="recovery", confirmed=True)
    static.token_set.create(token="recover123")
    return device, "recover123"


def test_an_enrolled_user_must_give_a_code_after_the_password(client, settings):
    # given two-factor required and an enrolled officer who typed their password
    settings.CASELINE_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries after a failure; not timed here
    officer = OfficerFactory()
    device, _recovery = _enrolled(officer)
    sign_in(client, officer.username)
    # when they try the app without a code, then with a wrong code, then with the right one
    before = client.get(reverse("supervision:caseload"))
    wrong = client.post(reverse("two_factor_verify"), {"code": "000000" if _code(device) != "000000" else "111111"})
    right = client.post(reverse("two_factor_verify"), {"code": _code(device), "next": "/caseload/"})
    # then they are asked for a code, the wrong one is refused and audited, the right one lets them in
    assert before.status_code == 302
    assert before["Location"].startswith(reverse("two_factor_verify"))
    assert wrong.status_code == 200
    assert AuditEvent.objects.filter(action="user.two_factor_failed", outcome="denied").count() == 1
    assert right.status_code == 302
    assert right["Location"] == "/caseload/"
    assert client.get(reverse("supervision:caseload")).status_code == 200


def test_a_recovery_code_works_once(client, settings):
    # given an enrolled officer who lost their phone
    settings.CASELINE_REQUIRE_2FA = True
    officer = OfficerFactory()
    _device, recovery = _enrolled(officer)
    sign_in(client, officer.username)
    # when they use a recovery code, sign out, and use it again
    first = client.post(reverse("two_factor_verify"), {"code": recovery})
    client.post(reverse("logout"))
    sign_in(client, officer.username)
    second = client.post(reverse("two_factor_verify"), {"code": recovery})
    # then it worked the first time only
    assert first.status_code == 302
    assert second.status_code == 200
    assert AuditEvent.objects.get(action="user.two_factor_verified").detail == {"method": "recovery_code"}


def test_an_enrolled_user_is_asked_for_a_code_even_where_two_factor_is_optional(client, settings):
    settings.CASELINE_REQUIRE_2FA = False
    officer = OfficerFactory()
    _enrolled(officer)
    sign_in(client, officer.username)
    assert client.get(reverse("supervision:caseload")).status_code == 302


def test_without_two_factor_required_a_password_is_enough(client, settings):
    settings.CASELINE_REQUIRE_2FA = False
    officer = OfficerFactory()
    sign_in(client, officer.username)
    assert client.get(reverse("supervision:caseload")).status_code == 200


def test_an_administrator_resets_two_factor_audited(client):
    officer = OfficerFactory()
    _enrolled(officer)
    admin = AdministratorFactory()
    client.force_login(admin)
    client.post(
        reverse("admin:agency_user_changelist"),
        {"action": "reset_two_factor_selected", "_selected_action": [officer.pk]},
    )
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEvent.objects.get(action="user.two_factor_reset").detail == {"devices_removed": 2}
    assert not StaticToken.objects.filter(device__user=officer).exists()


def test_the_sign_in_page_shows_the_use_banner(client):
    response = client.get(reverse("login"))
    assert b'id="use-banner"' in response.content
    assert b"Use is monitored and audited" in response.content


def test_the_user_page_unlocks_in_one_click(client):
    # given a locked-out officer and an administrator on their page
    officer = OfficerFactory()
    _fail(client, officer.username, 5)
    admin_client = client.__class__()
    admin_client.force_login(AdministratorFactory())
    page = admin_client.get(reverse("admin:agency_user_change", args=[officer.pk]))
    assert b"Unlock sign-in" in page.content
    # when they press the button
    response = admin_client.post(reverse("admin:agency_user_unlock", args=[officer.pk]))
    # then the officer is unlocked, audited, and the page says so
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="user.unlocked", object_id=str(officer.pk)).count() == 1
    assert b"Not locked" in admin_client.get(reverse("admin:agency_user_change", args=[officer.pk])).content
    assert sign_in(client, officer.username).status_code == 302
