"""The Redis cache backend (agency/cache.py): Django's, with one Redis client kept per process."""

import os
import uuid

import pytest

from agency.cache import RedisCache


@pytest.fixture
def redis_cache():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}"})
    yield cache
    client = cache.redis(cache.make_and_validate_key("any"))
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*"))
    if keys:
        client.delete(*keys)


def test_every_call_uses_the_same_client(redis_cache):
    # when the cache is used for a read, a write and a count
    first = redis_cache._cache.get_client("a")
    redis_cache.set("a", {"x": 1}, timeout=30)
    redis_cache.add("n", 0, timeout=30)
    # then one client served them all
    assert redis_cache._cache.get_client("b", write=True) is first
    assert redis_cache.redis(redis_cache.make_and_validate_key("n")) is first
    assert (redis_cache.get("a"), redis_cache.incr("n"), redis_cache.get_many(["a", "n", "none"])) == (
        {"x": 1},
        1,
        {"a": {"x": 1}, "n": 1},
    )


def test_a_forked_process_gets_its_own_connections(redis_cache):
    # given a client used in this process
    client = redis_cache.redis(redis_cache.make_and_validate_key("k"))
    redis_cache.set("k", 1, timeout=30)
    pool = client.connection_pool
    # when the pool is asked for a connection from another process id (what gunicorn's fork looks like)
    pool.pid = -1
    # then it starts afresh rather than sharing the parent's sockets, and the cache still answers
    assert redis_cache.get("k") == 1
    assert pool.pid == os.getpid()
