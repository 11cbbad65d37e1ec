"""Token authentication with a price on wrong tokens: failures are counted per client address, audited,
and over ``CASELINE_API_FAILED_TOKENS_PER_MINUTE`` in a minute the address gets 429 with a Retry-After
for every token request until the minute is over, before any token is looked up. On Redis that check and
the token's throttle count (agency/api/throttling.py) are one round trip, a script that counts nothing for a
locked address.

What is audited, and why not more: each failure up to the limit is one ``api_token.authentication_failed``
row (when, from where, which path, why it failed: what an investigation needs), and the moment the limit
is reached one ``api_token.authentication_throttled`` row. The requests refused after that are not
written one by one, so a flood of wrong tokens adds at most limit + 1 rows per address per minute and the
audit trail stays readable. The token presented is never stored, not even in part.
"""

import binascii
import enum
import functools
from collections.abc import Sequence
from hmac import compare_digest
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, models, router
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken, get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

from agency.api.throttling import ApiRateThrottle, CountedRequest, window_member
from agency.audit import audit_record
from agency.cache import RedisCache
from agency.choices import AuditOutcome
from agency.middleware import client_address
from agency.models import ApiTokenScope

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


class Locked(enum.Enum):
    LOCKED = "locked"


LOCKED = Locked.LOCKED

# One round trip for a token request on Redis: the address's failures this minute, and when the address is
# under the limit, the request counted in the window of the token presented (agency/api/throttling.py). A
# locked address adds nothing to any window.
_FIRST_TRIP = """
local failures = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if failures >= tonumber(ARGV[1]) then return {1} end
if #KEYS < 2 then return {0} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
local count = redis.call('ZCARD', KEYS[2])
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
redis.call('EXPIRE', KEYS[2], ARGV[5])
return {0, count, oldest[2]}
"""


@functools.cache
def _first_trip(client: Any) -> Any:
    return client.register_script(_FIRST_TRIP)


def _count_token_request(
    store: Any, header: list[bytes], failures_key: str, limit: int
) -> CountedRequest | Locked | None:
    """On Redis, before any token is looked up: LOCKED if the address has used up its failures this minute,
    else the request counted in the window of the token presented (keyed by its digest, as the throttle keys an
    authenticated token's: the throttle then decides on it without a round trip of its own), or None where no
    window applies. None on other caches, which take the generic path."""
    redis = getattr(store, "redis", None)
    if redis is None:
        return None
    failures = store.make_and_validate_key(failures_key)
    window = None
    if len(header) == 2:
        try:
            window = ApiRateThrottle.token_window(hash_token(header[1].decode("utf-8")))
        except (UnicodeDecodeError, TypeError, binascii.Error):
            window = None
    client = redis(failures)
    if window is None:
        return LOCKED if _first_trip(client)(keys=[failures], args=[limit], client=client)[0] else None
    key, _budget, duration = window
    now = ApiRateThrottle.timer()
    member = window_member(now)
    result = _first_trip(client)(
        keys=[failures, key], args=[limit, repr(now - duration), repr(now), member, duration], client=client
    )
    if result[0]:
        return LOCKED
    return CountedRequest(key, member, now, duration, int(result[1]), float(result[2]))


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
        failure_counts = ApiRateThrottle.cache  # the throttles' cache: on Redis, one round trip does both
        counted = _count_token_request(failure_counts, header, failures_key, limit)
        if counted is LOCKED or (counted is None and (failure_counts.get(failures_key) or 0) >= limit):
            if failure_counts.add(f"caseline:token-throttled:{address}:{window}", 1, timeout=2 * WINDOW_SECONDS):
                self._audit(request, "api_token.authentication_throttled", {"limit_per_minute": limit})
            raise FailedTokenThrottled(wait=wait)
        if isinstance(counted, CountedRequest):
            request._caseline_counted = counted  # the throttle (ApiRateThrottle) decides on it: no second trip
        try:
            try:
                return super().authenticate(request)
            except UnicodeDecodeError:  # knox decodes the token as UTF-8: bytes that are not are no token
                raise exceptions.AuthenticationFailed("Invalid token.") from None
        except exceptions.AuthenticationFailed as exc:
            if isinstance(counted, CountedRequest):  # no token has that digest: its window goes
                cast(RedisCache, failure_counts).redis(counted.key).zrem(counted.key, counted.member)
                request._caseline_counted = None
            failure_counts.add(failures_key, 0, timeout=2 * WINDOW_SECONDS)
            try:
                count = failure_counts.incr(failures_key)
            except ValueError:  # evicted between add and incr
                failure_counts.set(failures_key, 1, timeout=2 * WINDOW_SECONDS)
                count = 1
            if count <= limit:
                self._audit(
                    request,
                    "api_token.authentication_failed",
                    {"reason": _reason(exc), "failures_this_minute": count},
                )
            raise

    def authenticate_credentials(self, token):
        """knox's, with the token's ``ApiTokenScope`` read in the same query as the token and its user (the
        permissions ask for it on every call: agency/api/permissions.py), by :func:`tokens_with_key`."""
        msg = "Invalid token."
        token = token.decode("utf-8")
        for auth_token in tokens_with_key(token[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(token)
            except (TypeError, binascii.Error):
                raise exceptions.AuthenticationFailed(msg) from None
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(msg)

    def _cleanup_token(self, auth_token) -> bool:
        """Whether the token presented has expired (knox then refuses it), dropping its knox row as knox does.
        knox's own version also reads every other token of the user on every request to drop the expired ones:
        a query per API call for rows that are refused anyway when presented (their ``ApiTokenScope`` record
        stays either way), so it is left out."""
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        username = auth_token.user.get_username()
        auth_token.delete()
        token_expired.send(sender=self.__class__, username=username, source="auth_token")
        return True

    @staticmethod
    def _audit(request, action: str, detail: dict) -> None:
        audit_record(
            actor=None,
            actor_label="anonymous",
            action=action,
            outcome=AuditOutcome.DENIED,
            detail={"method": request.method, "path": request.path[:300], **detail},
        )


@functools.cache
def _tokens_sql(alias: str) -> str:
    """The SELECT of :func:`tokens_with_key` on database ``alias``: every column of the token, its user and its
    ``ApiTokenScope`` (if any), in that order, for one ``token_key``."""
    token_model, user_model = get_token_model(), get_user_model()
    quote_name = connections[alias].ops.quote_name

    def quote(field: Any) -> str:  # a concrete field's column, quoted
        return quote_name(str(field.column))

    parts = ((token_model, "t"), (user_model, "u"), (ApiTokenScope, "s"))
    columns = ", ".join(f"{alias_}.{quote(f)}" for model, alias_ in parts for f in model._meta.concrete_fields)
    token_field = token_model._meta.get_field
    scope_token = ApiTokenScope._meta.get_field("token")
    # Table and column names from the models, quoted; the key is a parameter.
    return (
        f"SELECT {columns} FROM {quote_name(token_model._meta.db_table)} t "  # noqa: S608
        f"INNER JOIN {quote_name(user_model._meta.db_table)} u "
        f"ON u.{quote(user_model._meta.pk)} = t.{quote(token_field('user'))} "
        f"LEFT OUTER JOIN {quote_name(ApiTokenScope._meta.db_table)} s "
        f"ON s.{quote(scope_token)} = t.{quote(token_field(scope_token.target_field.name))} "
        f"WHERE t.{quote(token_field('token_key'))} = %s"
    )


def tokens_with_key(token_key: str) -> list[AuthToken]:
    """The knox tokens whose key is ``token_key``, each with its user and its ``ApiTokenScope`` (None if it
    has none) already attached, as ``AuthToken.objects.filter(token_key=…).select_related("user", "api_scope")``
    reads them, in one query whose SQL is written once per process: building that queryset's SQL (some 40
    columns over three tables) took about half a millisecond of every API call, more than the query itself.
    tests/api/test_tokens.py compares the two."""
    token_model, user_model = get_token_model(), get_user_model()
    alias = router.db_for_read(token_model)
    with connections[alias].cursor() as cursor:
        cursor.execute(_tokens_sql(alias), [token_key])
        rows = cursor.fetchall()
    found = []
    for row in rows:
        token, user, scope = _instances(alias, (token_model, user_model, ApiTokenScope), row)
        token_model.user.field.set_cached_value(token, user)
        token_model.api_scope.related.set_cached_value(token, scope)
        if scope is not None:
            ApiTokenScope.token.field.set_cached_value(scope, token)
        found.append(token)
    return found


def _instances(alias: str, model_classes: Sequence[type[models.Model]], row: Sequence[Any]) -> list[Any]:
    """One instance of each of ``models`` from consecutive columns of ``row``; None for a model whose primary
    key is NULL (the outer join found no row)."""
    instances, start = [], 0
    for model in model_classes:
        fields = model._meta.concrete_fields
        values = row[start : start + len(fields)]
        start += len(fields)
        pk_value = values[fields.index(model._meta.pk)]
        attnames = [f.attname for f in fields]
        instances.append(None if pk_value is None else model.from_db(alias, attnames, values))
    return instances


class ThrottledTokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme stays knox's (``Authorization: Token cl_…``)."""

    target_class = "agency.api.authentication.ThrottledTokenAuthentication"
