"""Signing in: every sign-in event audited from Django's and django-axes' signals (wired in
``AgencyConfig.ready``): signed in, signed out, failed sign-in, lockout (per username and address, for 15
minutes). One account failing from many addresses alerts the administrators (``user_sign_in_alert``; the
e-mail itself is ``agency.sign_in_alert``, sent by a task). Unlocking and resetting two-factor are services
here, called from the admin, audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from agency.audit import audit_record
from agency.choices import AuditOutcome
from agency.middleware import current_request
from agency.security import (
    ACCESS_STAMP,
    HAS_TWO_FACTOR,
    LAST_SEEN_AT,
    SESSION_ENDED,
    SIGNED_IN_AT,
    access_stamp,
    has_confirmed_device,
)
from agency.tasks import user_sign_in_alert_send_task

if TYPE_CHECKING:
    from agency.models import User


# --- Sign-in signal handlers (auditing is not domain logic: see STYLE.md) --------------------------------


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(timezone.now().timestamp())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now
        request.session[ACCESS_STAMP] = access_stamp(user)
        request.session[HAS_TWO_FACTOR] = has_confirmed_device(user)
        request.session.pop(SESSION_ENDED, None)
    # Only sign-ins over HTTP are audited: the test client's force_login has no request context.
    if current_request.get() is not None:
        audit_record(actor=user, action="user.signed_in", obj=user)


def on_user_logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None and current_request.get() is not None:
        audit_record(actor=user, action="user.signed_out", obj=user)


def _attempted_user(credentials: dict[str, Any]) -> User | None:
    from agency.models import User

    username = str(credentials.get("username") or "")[:150]
    return User.objects.filter(username=username).first() if username else None


def on_user_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs):
    target = _attempted_user(credentials)
    audit_record(
        actor=None,
        actor_label="anonymous",
        action="user.sign_in_failed",
        obj=target,
        outcome=AuditOutcome.DENIED,
        detail={"username": str(credentials.get("username") or "")[:150], "known_user": target is not None},
    )
    # django-axes' own receiver ran first (its app is loaded before ours): this failure is counted already.
    if target is not None and request is not None:
        user_sign_in_alert(user=target)


def on_user_locked_out(sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any) -> None:
    target = _attempted_user({"username": username})
    audit_record(
        actor=None,
        actor_label="anonymous",
        action="user.locked_out",
        obj=target,
        outcome=AuditOutcome.DENIED,
        detail={"username": str(username or "")[:150], "failure_limit": settings.AXES_FAILURE_LIMIT},
    )


# --- Failures from many addresses: the administrators are alerted ------------------------------------------

SIGN_IN_ALERT_ACTION = "user.sign_in_alert"


def sign_in_lockouts(user: User) -> list[dict[str, Any]]:
    """The addresses this user is locked out from now (django-axes counts failures per username and
    address; a lock lasts ``AXES_COOLOFF_TIME`` from the last counted failure), each with its failure count
    and when its lock ends, soonest first."""
    from axes.models import AccessAttempt
    from django.db.models import Max, Sum

    cool_off = settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(username=user.username, attempt_time__gte=timezone.now() - cool_off)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("last", "ip_address")
    )
    return [
        {"address": row["ip_address"] or "unknown", "failures": row["failures"], "until": row["last"] + cool_off}
        for row in rows
    ]


@transaction.atomic
def user_sign_in_alert(*, user: User) -> bool:
    """Alert the administrators (an audit row, and an email to each active administrator after commit) when
    ``user``'s sign-in failed from ``CASELINE_SIGN_IN_ALERT_ADDRESSES`` or more addresses within the lock
    period: someone is guessing that account's password from many places, which the per-address lock alone
    would let go on. Once per account per lock period. Returns whether it alerted."""
    from axes.models import AccessAttempt
    from django.db.models import Sum

    from agency.models import AuditEvent

    window_start = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(username=user.username, attempt_time__gte=window_start)
    addresses = sorted({address or "unknown" for address in recent.values_list("ip_address", flat=True)})
    if len(addresses) < settings.CASELINE_SIGN_IN_ALERT_ADDRESSES:
        return False
    already = AuditEvent.objects.filter(
        action=SIGN_IN_ALERT_ACTION,
        object_type=user._meta.label_lower,
        object_id=str(user.pk),
        occurred_at__gte=window_start,
    ).exists()
    if already:
        return False
    failures = recent.aggregate(total=Sum("failures_since_start"))["total"] or 0
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    audit_record(
        actor=None,
        system="sign-in-monitor",
        action=SIGN_IN_ALERT_ACTION,
        obj=user,
        outcome=AuditOutcome.DENIED,
        detail={
            "username": user.username,
            "address_count": len(addresses),
            "addresses": addresses[:20],
            "failures": failures,
            "window_minutes": minutes,
        },
    )
    # robust: a broker that cannot be reached is logged, and the sign-in page still answers (the row is written)
    transaction.on_commit(
        lambda: user_sign_in_alert_send_task.delay(user.pk, addresses[:20], len(addresses), failures, minutes),
        robust=True,
    )
    return True


# --- Services the admin calls ---------------------------------------------------------------------------------


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> int:
    """Lift a sign-in lockout (django-axes' failure records for the username). Returns how many records
    were removed; audited even when there was none, as the administrator's act."""
    from axes.utils import reset

    removed = reset(username=user.username)
    audit_record(actor=actor, action="user.unlocked", obj=user, detail={"attempts_cleared": removed})
    return removed


@transaction.atomic
def user_two_factor_reset(*, actor: User, user: User) -> int:
    """Remove the user's authenticator and recovery codes (a lost phone): they enroll again at their next
    sign-in. A session verified with a removed device is unverified from its next request on."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    removed = 0
    for model in (TOTPDevice, StaticDevice):
        _count, per_model = model.objects.filter(user=user).delete()
        removed += per_model.get(model._meta.label, 0)
    audit_record(actor=actor, action="user.two_factor_reset", obj=user, detail={"devices_removed": removed})
    return removed
