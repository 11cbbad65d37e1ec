"""The per-token throttle on Redis (agency/api/throttling.py): DRF's count, kept in a sorted set in one
round trip. (The other tests run on a local memory cache, where DRF's own path is taken.)"""

import datetime
import os
import uuid

import pytest
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
