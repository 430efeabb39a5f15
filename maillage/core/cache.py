"""Cache backend and helpers (issue 17).

`RedisCache`: Django's Redis backend makes a new `redis.Redis` client on every
call (`RedisCacheClient.get_client`), ~50 µs each, five times per home page.
A client is only a thin object around its connection pool and is safe to
share, so this subclass keeps one per pool. A cache object is per thread
(django.core.cache.caches), hence so are its clients.

`get_fresh` / `set_fresh`: a fragment stored with the freshness versions it
was rendered under (maillage/core/freshness.py), read together with the
current versions in one round trip (`get_many`) instead of two (versions,
then a key built from them).
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

from . import freshness


class PooledRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._pools.get(index)
            if pool is None:
                pool = self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledRedisCacheClient


def get_fresh(key: str, *pairs: tuple[str, object]):
    """(value, versions): the value stored under `key` if it was stored under
    the current versions of `pairs` (else None), and those versions — one
    round trip to the cache."""
    version_keys = freshness.version_keys(*pairs)
    found = cache.get_many([*version_keys, key])
    versions = ".".join(str(found.get(k, 0)) for k in version_keys)
    stored = found.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == versions:
        return stored[1], versions
    return None, versions


def set_fresh(key: str, versions: str, value, timeout: int) -> None:
    cache.set(key, (versions, value), timeout)
