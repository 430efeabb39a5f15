"""maillage/core/cache.py: one Redis client per pool, fragments read with
their freshness versions in one round trip (issue 17)."""

import socket
import uuid

import pytest

from maillage.core import cache as fresh_cache
from maillage.core import freshness


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.2):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis server on 127.0.0.1:6379")
def test_one_redis_client_per_pool_and_it_works():
    from maillage.core.cache import RedisCache

    backend = RedisCache("redis://127.0.0.1:6379/14", {"KEY_PREFIX": f"t-{uuid.uuid4().hex}"})
    client = backend._cache.get_client(write=True)
    assert backend._cache.get_client() is client
    backend.set("k", {"a": 1}, 30)
    assert backend.get("k") == {"a": 1}
    assert backend.get_many(["k", "missing"]) == {"k": {"a": 1}}
    backend.delete("k")
    assert backend.get("k") is None


def test_a_fragment_is_fresh_until_a_version_it_depends_on_moves(db):
    value, versions = fresh_cache.get_fresh("frag:1", ("user", 7), ("org", 3))
    assert value is None
    fresh_cache.set_fresh("frag:1", versions, "<p>panels</p>", 60)
    assert fresh_cache.get_fresh("frag:1", ("user", 7), ("org", 3))[0] == "<p>panels</p>"
    freshness.bump("org", 3)
    assert fresh_cache.get_fresh("frag:1", ("user", 7), ("org", 3))[0] is None
    # The same key for another organisation never answers with this one's.
    assert fresh_cache.get_fresh("frag:1", ("user", 7), ("org", None))[0] is None
