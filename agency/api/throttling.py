"""Throttling per token: each integrator token has its own budget, browser users one each, anonymous
callers one per address. Rates are in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``.

The count is DRF's (``SimpleRateThrottle``): at most N requests in any window of the rate's length, the
refused ones not counted, the wait until the oldest counted request leaves the window. On Redis it is kept
in a sorted set, one member per request scored by its time, read and written in one atomic round trip
(:class:`SlidingWindowThrottle`). DRF keeps the window as a pickled list that each request reads and
writes back whole (two round trips, and a list as long as the budget: 600 floats, or the whole minute's
traffic when the budget is opened); and two web processes answering at once both read the same list and
the later write drops the other's request, so the budget could be overrun under load. The sorted set has
neither cost nor race. On another cache (the tests' local memory) DRF's own path is taken.

A token request is counted in its token's window by the token's authentication, in the same round trip that
reads the address's failed tokens (agency/api/authentication.py), keyed by the digest of the token presented
(the key the throttle gives an authenticated token); the throttle then decides on that count without a
round trip of its own. A token request refused by a permission is therefore counted too.
"""

import secrets
from typing import NamedTuple, cast

from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle

from agency.cache import RedisCache


class CountedRequest(NamedTuple):
    """A request counted in a window: the sorted set, the request's member and time, the window's length, and
    what the window held once it was added (how many it held, the oldest time)."""

    key: str
    member: str
    now: float
    duration: int
    held: int
    oldest: float


def window_member(now: float) -> str:
    return f"{now!r}:{secrets.token_hex(4)}"  # unique even for two requests in the same instant


class SlidingWindowThrottle(SimpleRateThrottle):
    """DRF's ``SimpleRateThrottle`` with its window as a Redis sorted set (see the module's docstring)."""

    # Set by SimpleRateThrottle.__init__ (or ApiRateThrottle.allow_request) from the rate; the stubs leave them out.
    num_requests: int | None
    duration: int | None

    def allow_request(self, request, view):
        redis = getattr(self.cache, "redis", None)  # agency.cache.RedisCache
        limit, duration = self.num_requests, self.duration
        if redis is None or self.rate is None or limit is None or duration is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        counted = getattr(request, "_caseline_counted", None)  # by the token's authentication, same window
        if counted is not None and counted.key == self.window_key(self.key) and counted.duration == duration:
            self.now = counted.now
            return self.decide(counted, limit)
        self.now = self.timer()
        key = self.window_key(self.key)
        member = window_member(self.now)
        pipeline = redis(key).pipeline(transaction=True)
        pipeline.zremrangebyscore(key, "-inf", self.now - duration)  # DRF drops times <= now - duration
        pipeline.zadd(key, {member: self.now})
        pipeline.zcard(key)
        pipeline.zrange(key, 0, 0, withscores=True)
        pipeline.expire(key, duration)
        _removed, _added, count, oldest, _expiry = pipeline.execute()
        return self.decide(CountedRequest(key, member, self.now, duration, count, oldest[0][1]), limit)

    def window_key(self, key: str) -> str:
        """The sorted set of the window whose DRF key is ``key``. Not DRF's key: a process still on DRF's path
        would find a sorted set where it expects a list."""
        return self.cache.make_and_validate_key(f"{key}:window")

    def decide(self, counted: "CountedRequest", limit: int) -> bool:
        if counted.held <= limit:
            return True
        # A refused request is not counted (DRF's throttle_failure).
        cast(RedisCache, self.cache).redis(counted.key).zrem(counted.key, counted.member)
        self._counted, self._oldest = counted.held - 1, counted.oldest
        return self.throttle_failure()

    def wait(self):
        """DRF's: the time until the oldest counted request leaves the window, shared by the requests left."""
        if not hasattr(self, "_counted") or self.num_requests is None or self.duration is None:
            return super().wait()
        available = self.num_requests - self._counted + 1
        return None if available <= 0 else (self.duration - (self.now - self._oldest)) / available


class ApiRateThrottle(SlidingWindowThrottle):
    def __init__(self):  # the rate depends on the caller: chosen in allow_request
        pass

    def allow_request(self, request, view):
        if isinstance(request.auth, AuthToken):
            self.scope = "token"
        elif request.user and request.user.is_authenticated:
            self.scope = "user"
        else:
            self.scope = "anon"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if self.scope == "token":
            ident = request.auth.digest[:64]
        elif self.scope == "user":
            ident = str(request.user.pk)
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    @classmethod
    def token_window(cls, digest: str) -> tuple[str, int, int] | None:
        """The window key, budget and length of the token whose digest is ``digest``, on Redis (else None):
        what ``allow_request`` will count it in once the token is authenticated."""
        throttle = cls()
        throttle.scope = "token"
        throttle.rate = throttle.get_rate()
        limit, duration = throttle.parse_rate(throttle.rate)
        if getattr(throttle.cache, "redis", None) is None or limit is None or duration is None:
            return None
        return throttle.window_key(throttle.cache_format % {"scope": "token", "ident": digest[:64]}), limit, duration
