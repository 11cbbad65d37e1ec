"""Django's Redis cache backend, with one Redis client per process instead of one per call.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new ``redis.Redis`` around its
(shared) connection pool for every cache call, and building one fills its table of about 150 response
callbacks: measured at 0.15 to 0.2 ms a call, and an API request makes two or three (the failed-token count,
the throttle). A ``redis.Redis`` is safe to share between threads (each command takes a connection from
the pool, and the pool starts afresh in a forked process), so each pool's client is built once and kept.

``RedisCache.redis(key)`` gives that client to code that needs Redis itself, in one round trip, rather
than the cache's get/set (agency/api/throttling.py); it is None on the other backends (the tests' local
memory cache), which then take the cache's generic path.
"""

from collections.abc import Callable
from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    # Django's own (private) members, which django-stubs leaves out.
    _client: Callable[..., Any]
    _get_connection_pool_index: Callable[[bool], int]
    _get_connection_pool: Callable[[bool], Any]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def redis(self, key: str):
        """The Redis client that holds ``key`` (already made with ``make_and_validate_key``), for writing."""
        return self._cache.get_client(key, write=True)
