"""Version counters that tell cached views when what they show has changed.

Every audited write bumps the version of the organisations it touched and of
the acting person (maillage.core.audit.record), every notification bumps its
recipient's (maillage.notifications.services.notify), after commit. A cached
fragment keyed on these versions is therefore fresh after any change made
through a service, and its short TTL bounds what time alone changes (a task
becoming overdue).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

_TTL = 7 * 24 * 3600


def _key(scope: str, pk) -> str:
    return f"maillage:v:{scope}:{pk}"


def bump(scope: str, pk) -> None:
    if pk is None:
        return

    def _do():
        key = _key(scope, pk)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, _TTL)

    # Now (the writer's own next page must not be stale, even inside a test
    # transaction) and again after commit (a page rendered by another request
    # between the two would otherwise keep the old data under the new version).
    _do()
    transaction.on_commit(_do)


def version_keys(*pairs: tuple[str, object]) -> list[str]:
    """The cache keys of these versions (read with other keys in one
    `get_many`, maillage/core/cache.py)."""
    return [_key(scope, pk) for scope, pk in pairs if pk is not None]


def versions(*pairs: tuple[str, object]) -> str:
    keys = version_keys(*pairs)
    found = cache.get_many(keys)
    return ".".join(str(found.get(k, 0)) for k in keys)
