"""The per-token throttle on Redis (agency/api/throttling.py): DRF's count, kept in a sorted set in one
round trip. (The other tests run on a local memory cache, where DRF's own path is taken.)"""

import datetime
import os
import re
import uuid

import pytest
from django.urls import get_resolver, reverse
from rest_framework.test import APIClient

from agency.api.throttling import ApiRateThrottle
from agency.api.tokens import api_token_issue
from agency.cache import RedisCache
from agency.security import ApiSearchThrottle

NOW = datetime.datetime(2027, 3, 2, 14, 0, 0, tzinfo=datetime.UTC)
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture
def redis_throttle(monkeypatch):
    """The throttle counts in Redis, at two requests a minute per token."""
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-throttle-{uuid.uuid4().hex}"})
    monkeypatch.setattr(ApiRateThrottle, "cache", cache)
    monkeypatch.setitem(ApiRateThrottle.THROTTLE_RATES, "token", "2/minute")
    yield cache
    client = cache.redis(cache.make_and_validate_key("any"))
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*"))
    if keys:
        client.delete(*keys)


def _client(world) -> APIClient:
    _record, token = api_token_issue(actor=None, system="tests", user=world.users["integrator"], scope="read")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _at(time_machine, seconds: float) -> None:
    time_machine.move_to(NOW + datetime.timedelta(seconds=seconds), tick=False)


def test_two_a_minute_per_token_then_429_with_the_wait_until_the_oldest_leaves(world, redis_throttle, time_machine):
    # given two tokens
    client, other = _client(world), _client(world)
    # when the first calls at 0 s and 30 s, then again at 45 s
    first = client.get("/api/v1/me/").status_code
    _at(time_machine, 30)
    second = client.get("/api/v1/me/").status_code
    _at(time_machine, 45)
    refused = client.get("/api/v1/me/")
    # then the third is refused until the call at 0 s is a minute old; the other token has its own budget
    assert (first, second, refused.status_code) == (200, 200, 429)
    assert refused["Retry-After"] == "15"
    assert refused.json() == {"detail": "Request was throttled. Expected available in 15 seconds.", "errors": {}}
    assert other.get("/api/v1/me/").status_code == 200


def test_refused_requests_are_not_counted_and_the_window_slides(world, redis_throttle, time_machine):
    # given a token that used its two calls at 0 s and 30 s, and was refused ten times at 40 s
    client = _client(world)
    client.get("/api/v1/me/")
    _at(time_machine, 30)
    client.get("/api/v1/me/")
    _at(time_machine, 40)
    assert {client.get("/api/v1/me/").status_code for _ in range(10)} == {429}
    # when it calls at 61 s (the call at 0 s has left the window) and again at 62 s
    _at(time_machine, 61)
    after_first = client.get("/api/v1/me/").status_code
    _at(time_machine, 62)
    again = client.get("/api/v1/me/")
    # then one more call fits, and the next waits for the call at 30 s to leave: 28 s
    assert (after_first, again.status_code, again["Retry-After"]) == (200, 429, "28")


def test_the_count_lives_in_one_sorted_set_that_expires(world, redis_throttle):
    # when a token calls once
    client = _client(world)
    client.get("/api/v1/me/")
    # then Redis holds one key for it: a sorted set with that call, kept no longer than the window
    redis = redis_throttle.redis(redis_throttle.make_and_validate_key("any"))
    (key,) = redis.scan_iter(match=f"{redis_throttle.key_prefix}:*")
    assert (redis.type(key), redis.zcard(key)) == (b"zset", 1)
    assert 0 < redis.ttl(key) <= 60


def test_api_searches_count_in_redis_too(world, redis_throttle, monkeypatch):
    # given a search budget of two a minute, counted in Redis
    monkeypatch.setattr(ApiSearchThrottle, "cache", redis_throttle)
    monkeypatch.setitem(ApiSearchThrottle.THROTTLE_RATES, "search", "2/minute")
    monkeypatch.setitem(ApiRateThrottle.THROTTLE_RATES, "token", "100/minute")
    client = _client(world)
    # when the token runs three filtered lists, then an unfiltered one
    searches = [client.get("/api/v1/supervisions/", {"status": "active"}).status_code for _ in range(3)]
    plain = client.get("/api/v1/supervisions/").status_code
    # then the third search waits a minute; paging is not a search
    assert (searches, plain) == ([200, 200, 429], 200)
    redis = redis_throttle.redis(redis_throttle.make_and_validate_key("any"))
    (searched,) = redis.scan_iter(match=f"{redis_throttle.key_prefix}:*throttle_search_*")
    assert (redis.type(searched), redis.zcard(searched)) == (b"zset", 2)


# --- The failed-token lock and the token's throttle share one round trip on Redis (agency/api/authentication.py)

ATTACKER = "203.0.113.66"
WRONG = "cl_" + "0" * 64


def _lock(address: str) -> None:
    """Ten wrong tokens from ``address`` (the limit), then one more: the address is locked for the minute."""
    client = APIClient(REMOTE_ADDR=address)
    statuses = [client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {WRONG}").status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]


def test_a_locked_address_is_refused_with_any_token_before_a_lookup(world, redis_throttle, django_assert_num_queries):
    # given a good token, and an address that used up its wrong tokens for the minute (counted in Redis)
    good = _client(world)
    _lock(ATTACKER)
    # when the address sends another wrong token, then the good one
    with django_assert_num_queries(0):  # no token looked up, nothing audited again
        wrong = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {WRONG}", REMOTE_ADDR=ATTACKER)
        right = good.get("/api/v1/me/", REMOTE_ADDR=ATTACKER)
    # then both wait for the minute; the good token from elsewhere is served, and its window counts only that call
    assert (wrong.status_code, wrong["Retry-After"], right.status_code, right["Retry-After"]) == (429, "60", 429, "60")
    assert good.get("/api/v1/me/", REMOTE_ADDR="192.0.2.20").status_code == 200
    redis = redis_throttle.redis(redis_throttle.make_and_validate_key("any"))
    assert [redis.zcard(key) for key in redis.scan_iter(match=f"{redis_throttle.key_prefix}:*:window")] == [1]


def test_a_wrong_token_leaves_no_window_behind(world, redis_throttle):
    # when an address sends three wrong tokens
    for _ in range(3):
        APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {WRONG}", REMOTE_ADDR=ATTACKER)
    # then Redis holds the address's failures and no window for the digest of the token presented
    redis = redis_throttle.redis(redis_throttle.make_and_validate_key("any"))
    keys = [key.decode() for key in redis.scan_iter(match=f"{redis_throttle.key_prefix}:*")]
    minute = int(NOW.timestamp()) // 60
    assert keys == [f"{redis_throttle.key_prefix}:1:caseline:token-failures:{ATTACKER}:{minute}"]
    assert int(redis.get(keys[0])) == 3


def test_the_throttle_counts_a_token_request_once(world, redis_throttle, time_machine):
    # given a budget of two a minute
    client = _client(world)
    # when the token calls three times
    statuses = [client.get("/api/v1/me/").status_code for _ in range(3)]
    # then the third is refused, and the window holds the two served calls (each counted once, the refused one not)
    assert statuses == [200, 200, 429]
    redis = redis_throttle.redis(redis_throttle.make_and_validate_key("any"))
    (key,) = redis.scan_iter(match=f"{redis_throttle.key_prefix}:*:window")
    assert redis.zcard(key) == 2


def _api_routes() -> list[tuple[str, str, str]]:
    """Every API route of the role matrix (tests/security/test_route_matrix.py), its method there, and a URL for
    it (every argument 1: the lock answers before any object is read)."""
    from tests.security.test_route_matrix import CALLS, _walk

    routes = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.startswith("api:") and name not in routes:
            params = [p for p in re.findall(r"\(\?P<(\w+)>|<(?:\w+:)?(\w+)>", pattern)]
            kwargs = {a or b: "1" for a, b in params if (a or b) != "format"}
            routes[name] = (CALLS[name][0], reverse(name, kwargs=kwargs))
    return sorted((name, method, url) for name, (method, url) in routes.items())


@pytest.mark.parametrize(("route", "method", "url"), _api_routes())
def test_every_api_route_meets_the_lock(world, redis_throttle, route, method, url):
    # given a good token and an address locked for the minute
    good = _client(world)
    _lock(ATTACKER)
    # when the good token calls the route from that address
    response = getattr(good, method.lower())(url, REMOTE_ADDR=ATTACKER)
    # then it waits for the minute, whatever the route
    assert (response.status_code, response["Retry-After"]) == (429, "60")
