"""Token authentication with a price on wrong tokens: failures are counted per client address, audited,
and over ``CASELINE_API_FAILED_TOKENS_PER_MINUTE`` in a minute the address gets 429 with a Retry-After
for every token request until the minute is over, before any token is looked up.

What is audited, and why not more: each failure up to the limit is one ``api_token.authentication_failed``
row (when, from where, which path, why it failed: what an investigation needs), and the moment the limit
is reached one ``api_token.authentication_throttled`` row. The requests refused after that are not
written one by one, so a flood of wrong tokens adds at most limit + 1 rows per address per minute and the
audit trail stays readable. The token presented is never stored, not even in part.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

from agency.audit import audit_record
from agency.choices import AuditOutcome
from agency.middleware import client_address

WINDOW_SECONDS = 60


class FailedTokenThrottled(exceptions.Throttled):
    default_detail = "Too many requests with a wrong API token from your address."
    extra_detail_singular = "Try again in {wait} second."
    extra_detail_plural = "Try again in {wait} seconds."


def _reason(exc: exceptions.AuthenticationFailed) -> str:
    text = str(exc.detail)
    if text.startswith("Invalid token header"):
        return "malformed Authorization header"
    if text.startswith("User inactive"):
        return "the token's user is deactivated"
    return "unknown, expired or revoked token"


class ThrottledTokenAuthentication(TokenAuthentication):
    """knox's ``TokenAuthentication`` (hashed ``cl_`` tokens), with failed attempts throttled and audited."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.authenticate_header(request).encode().lower():
            return None  # no token offered: another authenticator (the browser session) may apply
        address = client_address(request) or "unknown"
        now = int(timezone.now().timestamp())
        window = now // WINDOW_SECONDS
        failures_key = f"caseline:token-failures:{address}:{window}"
        limit = settings.CASELINE_API_FAILED_TOKENS_PER_MINUTE
        wait = WINDOW_SECONDS - now % WINDOW_SECONDS
        if (cache.get(failures_key) or 0) >= limit:
            if cache.add(f"caseline:token-throttled:{address}:{window}", 1, timeout=2 * WINDOW_SECONDS):
                self._audit(request, "api_token.authentication_throttled", {"limit_per_minute": limit})
            raise FailedTokenThrottled(wait=wait)
        try:
            try:
                return super().authenticate(request)
            except UnicodeDecodeError:  # knox decodes the token as UTF-8: bytes that are not are no token
                raise exceptions.AuthenticationFailed("Invalid token.") from None
        except exceptions.AuthenticationFailed as exc:
            cache.add(failures_key, 0, timeout=2 * WINDOW_SECONDS)
            try:
                count = cache.incr(failures_key)
            except ValueError:  # evicted between add and incr
                cache.set(failures_key, 1, timeout=2 * WINDOW_SECONDS)
                count = 1
            if count <= limit:
                self._audit(
                    request,
                    "api_token.authentication_failed",
                    {"reason": _reason(exc), "failures_this_minute": count},
                )
            raise

    @staticmethod
    def _audit(request, action: str, detail: dict) -> None:
        audit_record(
            actor=None,
            actor_label="anonymous",
            action=action,
            outcome=AuditOutcome.DENIED,
            detail={"method": request.method, "path": request.path[:300], **detail},
        )


class ThrottledTokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme stays knox's (``Authorization: Token cl_…``)."""

    target_class = "agency.api.authentication.ThrottledTokenAuthentication"
