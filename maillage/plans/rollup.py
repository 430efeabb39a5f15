"""Pure progress arithmetic (Decidim accountability: a parent's progress is
computed from its children; each status carries a default progress)."""

from __future__ import annotations

from collections.abc import Iterable


def weighted_progress(items: Iterable[tuple[int, int | None]]) -> int | None:
    """Roll up (progress, weight) pairs into a whole percentage.

    Weighted when every item has a weight; a plain mean otherwise (mixing
    weighted and unweighted items would give the unweighted ones an arbitrary
    weight, so we refuse to guess). None when there is nothing to roll up.
    Rounded half up so that 3 sub-actions at 50/50/51 give 50, not 50.33."""
    items = list(items)
    if not items:
        return None
    if all(weight for _p, weight in items):
        total = sum(weight for _p, weight in items)
        value = sum(progress * weight for progress, weight in items) / total
    else:
        value = sum(progress for progress, _w in items) / len(items)
    return max(0, min(100, int(value + 0.5)))


def mean_progress(values: Iterable[int]) -> int | None:
    values = list(values)
    if not values:
        return None
    return int(sum(values) / len(values) + 0.5)
