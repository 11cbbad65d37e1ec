"""Security controls that span every page and endpoint (CJIS Security Policy / OWASP ASVS L2).

- ``access_stamp``: what a session was signed in with (role, organisation, status), checked on every request.
  Sign-in itself (its audit, the lockout alert, unlocking) is ``agency.sign_in``; what a change of access
  does at once (tokens revoked, audited) is ``agency.access_changes``.
- ``SessionLimitsMiddleware``: a session ends after 30 minutes idle and 12 hours in all, and as soon as
  the user's role, organisation or status changed since they signed in. Pages warn before the idle limit
  (static/js/session.js, "Stay signed in": ``session_touch``) and the sign-in page says why one ended.
- ``TwoFactorMiddleware``: a signed-in browser user who has not passed TOTP verification reaches only
  the verification and enrollment pages (when ``CASELINE_REQUIRE_2FA``, or once they enrolled).
- ``DeniedAccessAuditMiddleware``: every 403, and every 404 on a route that names an object, answered
  to a signed-in user (browser session or API token) leaves an audit row with outcome "denied".
- ``NoStoreMiddleware``: nothing answered to a signed-in user is kept in a browser or proxy cache.
- ``PageThrottleMiddleware``: searches and exports in the browser are rate limited per user (429).
- ``MaximumLengthValidator``: passwords of at most 128 characters.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import urlencode
from knox.models import AuthToken

from agency.api.throttling import SlidingWindowThrottle
from agency.audit import audit_record
from agency.choices import AuditOutcome

if TYPE_CHECKING:
    from agency.models import User

logger = logging.getLogger(__name__)

SIGNED_IN_AT = "caseline_signed_in_at"
LAST_SEEN_AT = "caseline_last_seen_at"
ACCESS_STAMP = "caseline_access_stamp"
HAS_TWO_FACTOR = "caseline_has_two_factor"

SESSION_ENDED = "caseline_session_ended"  # why the last session ended, for the sign-in page to say

# The session's last activity is written at most this often (seconds): an idle timeout exact to the
# minute without a database write on every request (less with a short idle limit: see ``_granularity``).
LAST_SEEN_GRANULARITY = 60
# Told to a browser after each request: how long its session lives on without another one.
SECONDS_LEFT_HEADER = "X-Session-Seconds-Left"


# --- The user's access stamp ------------------------------------------------------------------------------


def access_stamp(user: User) -> str:
    """A digest of everything that decides what the user may see. Saved in the session at sign-in; a
    session whose stamp no longer matches (role, organisation, status changed, by any path: see
    ``User.save``) is ended."""
    parts = (
        user.pk,
        user.role,
        user.unit_id,
        user.court_id,
        user.parole_board_id,
        user.is_active,
        user.is_staff,
        user.is_superuser,
        # set by every access change, even one undone before the session's next request
        *([user.access_changed_at.isoformat()] if user.access_changed_at else []),
    )
    return salted_hmac("caseline.access_stamp", "|".join(str(part) for part in parts), algorithm="sha256").hexdigest()[
        :32
    ]


def has_confirmed_device(user: User) -> bool:
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))


# --- Middleware ---------------------------------------------------------------------------------------------


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _granularity() -> int:
    """How stale the recorded last activity may be: a minute, or a thirtieth of a shorter idle limit."""
    return min(LAST_SEEN_GRANULARITY, settings.SESSION_IDLE_TIMEOUT // 30)


def session_seconds_left(session, *, now: int | None = None) -> tuple[int, bool]:
    """How many seconds the session lives on without another request, and whether a request extends it
    (False once the 12-hour limit is nearer than the idle limit). Never less than what the middleware
    allows: it counts in whole seconds and ends a session *over* the limit, so up to a second after it."""
    now = int(timezone.now().timestamp()) if now is None else now
    signed_in_at = session.get(SIGNED_IN_AT, now)
    idle_left = settings.SESSION_IDLE_TIMEOUT + 1 - (now - session.get(LAST_SEEN_AT, signed_in_at))
    absolute_left = settings.SESSION_ABSOLUTE_TIMEOUT + 1 - (now - signed_in_at)
    return max(0, min(idle_left, absolute_left)), idle_left < absolute_left


def duration_text(seconds: int) -> str:
    """30 minutes, 1 minute, 45 seconds, 12 hours: a limit as the pages say it."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def session_touch(request: HttpRequest) -> tuple[int, bool]:
    """Record activity now (the "Stay signed in" button): the idle limit starts again."""
    now = int(timezone.now().timestamp())
    request.session[LAST_SEEN_AT] = now
    return session_seconds_left(request.session, now=now)


SESSION_ENDED_MESSAGES = {
    "idle timeout": "You were signed out after {idle} without activity.",
    "absolute timeout": "You were signed out: a session lasts at most {absolute}.",
    "access changed": "You were signed out because your access was changed by an administrator.",
}


def session_ended_message(reason: str) -> str:
    template = SESSION_ENDED_MESSAGES.get(reason, "")
    return template.format(
        idle=duration_text(settings.SESSION_IDLE_TIMEOUT), absolute=duration_text(settings.SESSION_ABSOLUTE_TIMEOUT)
    )


class SessionLimitsMiddleware:
    """Ends a browser session 30 minutes after its last request, 12 hours after sign-in, or at once when
    the user's access changed since sign-in. The session's own cookie and row expire after
    ``SESSION_COOKIE_AGE`` (30 minutes) too; the last activity is refreshed at most once a minute.

    A page ended this way is sent to the sign-in page, which says why (the reason is kept in the new,
    anonymous session). Each answer to a signed-in browser request carries ``X-Session-Seconds-Left``, so
    the page's script (static/js/session.js) can warn before the idle limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        reason = self._reason_to_end(request, user)
        if reason:
            audit_record(actor=user, action="user.session_ended", obj=user, detail={"reason": reason})
            logout(request)
            if _is_api(request):
                return JsonResponse({"detail": "Your session has ended: sign in again."}, status=401)
            request.session[SESSION_ENDED] = reason
            return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        if not _is_api(request) and request.user.is_authenticated and SIGNED_IN_AT in request.session:
            response[SECONDS_LEFT_HEADER] = str(session_seconds_left(request.session)[0])
        return response

    @staticmethod
    def _reason_to_end(request: HttpRequest, user: User) -> str:
        session = request.session
        now = int(timezone.now().timestamp())
        signed_in_at = session.get(SIGNED_IN_AT)
        last_seen_at = session.get(LAST_SEEN_AT, signed_in_at)
        if signed_in_at is None or last_seen_at is None:
            return "no sign-in time"
        if now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT:
            return "absolute timeout"
        if now - last_seen_at > settings.SESSION_IDLE_TIMEOUT:
            return "idle timeout"
        if session.get(ACCESS_STAMP) != access_stamp(user):
            return "access changed"
        if now - last_seen_at >= _granularity():
            session[LAST_SEEN_AT] = now  # saves the session, which also renews its expiry
        return ""


TWO_FACTOR_EXEMPT_URL_NAMES = frozenset(
    {"login", "logout", "two_factor_verify", "two_factor_setup", "healthz", "session_keepalive"}
)


class TwoFactorMiddleware:
    """A signed-in browser user who has not passed two-factor verification reaches only the sign-in,
    sign-out, verification and enrollment pages. Required of everyone when ``CASELINE_REQUIRE_2FA``;
    otherwise of the users who enrolled. API tokens are not concerned (DRF authenticates them later,
    and they are issued by an administrator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            enrolled = bool(request.session.get(HAS_TWO_FACTOR))
            if (settings.CASELINE_REQUIRE_2FA or enrolled) and not self._exempt(request):
                if _is_api(request):
                    return JsonResponse(
                        {"detail": "Two-factor verification is required: finish signing in in the browser."},
                        status=403,
                    )
                target = "two_factor_verify" if enrolled else "two_factor_setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True
        return match.url_name in TWO_FACTOR_EXEMPT_URL_NAMES


class DeniedAccessAuditMiddleware:
    """Audits refusals answered to a signed-in user: every 403, and every 404 on a route that names an
    object (a missing object and one out of scope are the same 404, and both are worth an entry).
    Anonymous requests are refused with 401 or a redirect to sign in and are not audited (no actor);
    failed sign-ins are audited by their own signal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        if status not in (403, 404):
            return response
        user = getattr(request, "user", None)  # DRF puts the token's user here too
        if user is None or not user.is_authenticated:
            return response
        match = getattr(request, "resolver_match", None)
        if status == 404 and (match is None or not match.kwargs):
            return response
        audit_record(
            actor=user,
            action="access.denied",
            outcome=AuditOutcome.DENIED,
            detail={
                "status": status,
                "method": request.method,
                "path": request.path[:300],
                "route": match.view_name if match else "",
                "object": {key: str(value)[:64] for key, value in match.kwargs.items()} if match else {},
            },
        )
        return response


class NoStoreMiddleware:
    """Pages and API answers for a signed-in user hold personal data: no browser or proxy may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or _is_api(request):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response


# Browser routes whose use is limited per user, by kind: search (a list with a ``q``) and export.
THROTTLED_ROUTES = {
    "supervision:caseload": "search",
    "inbox:inbox": "search",
    "dashboard:cases": "search",
    "audit:events": "search",
    "dashboard:export": "export",
    "audit:export": "export",
}


class PageThrottleMiddleware:
    """At most ``CASELINE_PAGE_RATES[kind]`` searches or exports per user per minute in the browser
    (the API has DRF's scoped throttles): over it, 429 with a Retry-After. Counts live in Django's cache
    (Redis in production, so every web process shares them). A search also leaves an audit row."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        kind = self._kind(request)
        if kind and user is not None and user.is_authenticated:
            limit = settings.CASELINE_PAGE_RATES[kind]
            window = int(timezone.now().timestamp()) // 60
            key = f"caseline:throttle:{kind}:{user.pk}:{window}"
            cache.add(key, 0, timeout=120)
            try:
                count = cache.incr(key)
            except ValueError:  # evicted between add and incr
                cache.set(key, 1, timeout=120)
                count = 1
            if count > limit:
                audit_record(
                    actor=user,
                    action=f"{kind}.throttled",
                    outcome=AuditOutcome.DENIED,
                    detail={"path": request.path[:300], "limit_per_minute": limit},
                )
                response = HttpResponse(
                    f"Too many {kind}es in one minute: wait a minute and try again.",
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = "60"
                return response
        response = self.get_response(request)
        if kind == "search" and response.status_code == 200 and request.user.is_authenticated:
            match = request.resolver_match  # set: the search page answered
            audit_record(
                actor=request.user,
                action="search.performed",
                detail={"route": match.view_name if match else "", "query": request.GET.get("q", "")[:200]},
            )
        return response

    @staticmethod
    def _kind(request: HttpRequest) -> str:
        if request.method != "GET":
            return ""
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return ""
        kind = THROTTLED_ROUTES.get(match.view_name, "")
        if kind == "search" and not request.GET.get("q", "").strip():
            return ""  # browsing a list is not a search
        return kind


# --- Password validation ----------------------------------------------------------------------------------------


class MaximumLengthValidator:
    """Passwords of at most ``max_length`` characters (ASVS 2.1.2: at least 64 allowed, at most 128)."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long: use at most {self.max_length} characters.",
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self) -> str:
        return f"Your password can be at most {self.max_length} characters."


# --- Limits ------------------------------------------------------------------------------------------------------


class BodySizeLimitMiddleware:
    """Refuse a request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with 413 before anything reads it (DRF's
    parsers read the stream directly, so Django's own check on ``request.body`` does not cover the API).
    An upload page named in ``UPLOAD_BODY_LIMITS`` (path pattern -> bytes) takes a multipart body up to its own
    limit instead (a person's photo)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.upload_limits = [
            (re.compile(pattern), limit) for pattern, limit in getattr(settings, "UPLOAD_BODY_LIMITS", {}).items()
        ]

    def _limit(self, request: HttpRequest) -> int | None:
        if request.method == "POST" and request.content_type == "multipart/form-data":
            for pattern, limit in self.upload_limits:
                if pattern.match(request.path_info):
                    return limit
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = self._limit(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            message = f"Request body too large: at most {limit // 1024} KiB."
            if _is_api(request):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class ApiSearchThrottle(SlidingWindowThrottle):
    """API lists filtered or searched (any query parameter other than paging): ``search`` rate per user or
    token, on top of the per-token budget."""

    scope = "search"
    PAGING = frozenset({"page", "page_size", "ordering", "format"})

    def get_cache_key(self, request, view):
        if getattr(view, "action", None) != "list" or not (set(request.query_params) - self.PAGING):
            return None
        if isinstance(request.auth, AuthToken):
            ident = f"token:{request.auth.digest[:64]}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
