"""Lists whose cost does not grow with an organisation's data (issue 17).

- `capped_count` / `capped_counts`: COUNT(*) over at most `cap + 1` rows read
  through the list's index, instead of every row an organisation ever had
  (a case list's count went from 0.44 ms to 7.1 ms between demo and national
  size; an inbox's per-state counts read 7,609 referrals). Above the cap the
  count is an `AtLeast`, shown « 2000+ ». Several counts go in one statement.
- `CappedPaginator`: Django's paginator on a capped count (pages up to the
  cap; beyond it the filters narrow the list).
- `choice_labels`: a choices enum's labels translated once per language and
  process, instead of `get_FOO_display()` rebuilding and translating the
  choices for every row.
"""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.translation import get_language

DEFAULT_CAP = 2000


class AtLeast(int):
    """A count known to be at least this value (a capped count)."""

    def __str__(self) -> str:
        return f"{int(self)}+"

    __repr__ = __str__


def _limited_sql(qs, cap: int):
    limited = qs.order_by().values("pk")[: cap + 1]
    sql, params = limited.query.sql_with_params()
    return sql, params, limited.db


def capped_counts(querysets: dict, cap: int = DEFAULT_CAP) -> dict:
    """{key: count} for several querysets in one statement, each count read
    over at most cap + 1 rows (an `AtLeast(cap)` above)."""
    parts, params, alias = [], [], None
    keys = []
    for key, qs in querysets.items():
        if qs.query.is_empty():
            continue
        try:
            sql, p, alias = _limited_sql(qs, cap)
        except EmptyResultSet:  # e.g. pk__in=[]: nothing to count
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) capped_{len(parts)})")  # noqa: S608 - ORM-compiled SQL, values are parameters
        params.extend(p)
        keys.append(key)
    counts = dict.fromkeys(querysets, 0)
    if parts:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = cursor.fetchone()
        for key, n in zip(keys, row, strict=True):
            counts[key] = AtLeast(cap) if n > cap else n
    return counts


def capped_count(qs, cap: int = DEFAULT_CAP) -> int:
    return capped_counts({"n": qs}, cap)["n"]


class CappedPaginator(Paginator):
    cap = DEFAULT_CAP

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list, self.cap)

    @cached_property
    def num_pages(self) -> int:
        pages = super().num_pages
        return AtLeast(pages) if isinstance(self.count, AtLeast) else pages


_labels: dict[tuple, dict] = {}


def choice_labels(choices) -> dict[str, str]:
    """{value: translated label} of a choices enum, in the active language,
    computed once per language and process."""
    key = (choices, get_language())
    labels = _labels.get(key)
    if labels is None:
        labels = _labels[key] = {value: str(label) for value, label in choices.choices}
    return labels
