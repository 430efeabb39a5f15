"""The attacker: bounds on every suppressed cell from everything published.

Independent of how the pattern was chosen (`protect.py` works in deviations
and reads duals; this module solves the plain problem): the unknowns are the
counts x ≥ 0 of every cell of the release (and of the previous release, if
one was published), published cells are fixed to their published values, the
relations of `model.Release.relations()` hold, and a cell present in both
releases differs by at most `change` between them. For each suppressed cell,
two LPs (HiGHS) give the smallest and largest value it could take.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .lp import INF, add_columns, add_rows, highspy, solver
from .model import Release, Table, Variable


def _release_of(protected, variables) -> tuple[Release, np.ndarray]:
    # Cell values are not needed to derive the relations (only the structure);
    # unknown cells get 0 so that Release's consistency check holds.
    tables = []
    for t in protected.tables:
        cells = {coords: (cell.value if cell.value is not None else 0) for coords, cell in t.cells.items()}
        tables.append(
            Table(
                key=t.key,
                variables=t.variables,
                codes=t.codes,
                cells=cells,
                population=t.population,
                hidden=frozenset(c for c, cell in t.cells.items() if cell.status == "hidden"),
            )
        )
    release = _StructureRelease(tables, variables)
    known = np.full(len(release), np.nan)
    for t in protected.tables:
        for coords, cell in t.cells.items():
            if cell.value is not None:
                known[release.where[(t.key, coords)]] = cell.value
    return release, known


class _StructureRelease(Release):
    """A Release that tolerates 0 placeholders differing from published values
    of the same cell (a cell suppressed in one table is published in none)."""

    def __init__(self, tables, variables):
        fixed = []
        seen: dict = {}
        from .model import cell_key

        for table in tables:
            for coords, value in table.cells.items():
                key = cell_key(table, coords, variables)
                seen[key] = max(seen.get(key, 0), value)
        for table in tables:
            cells = {coords: seen[cell_key(table, coords, variables)] for coords in table.cells}
            fixed.append(
                Table(
                    key=table.key,
                    variables=table.variables,
                    codes=table.codes,
                    cells=cells,
                    population=table.population,
                    hidden=table.hidden,
                )
            )
        super().__init__(fixed, variables)


def attack(
    protected,
    variables: Mapping[str, Variable],
    *,
    previous=None,
    change: int = 0,
    needed: Mapping[tuple[str, tuple[str, ...]], tuple[float, float]] | None = None,
    only: set | None = None,
) -> dict[tuple[str, tuple[str, ...]], tuple[float, float]]:
    """{(table key, coordinates): (lowest, highest)} for every suppressed cell.

    With `needed` ({cell: (low, high)}, to check a protection), a bound that a
    feasible point of an earlier LP already reaches is not optimised: the
    value returned is that point's (the attacker cannot do better than the
    true bound, and the check only asks whether `needed` is reached)."""
    release, known = _release_of(protected, variables)
    n = len(release)
    rows = [_row(rel, 0) for rel in release.relations()]
    lower = np.where(np.isnan(known), 0.0, known)
    upper = np.where(np.isnan(known), INF, known)
    if previous is not None:
        prev_release, prev_known = _release_of(previous, variables)
        rows += [_row(rel, n) for rel in prev_release.relations()]
        for key, i in release.index.items():
            j = prev_release.index.get(key)
            if j is not None:
                rows.append(({i: 1.0, n + j: -1.0}, -INF, float(change)))
                rows.append(({i: -1.0, n + j: 1.0}, -INF, float(change)))
        lower = np.concatenate([lower, np.where(np.isnan(prev_known), 0.0, prev_known)])
        upper = np.concatenate([upper, np.where(np.isnan(prev_known), INF, prev_known)])
    h = solver()
    add_columns(h, lower, upper)
    add_rows(h, rows)
    bounds = {}
    cache: dict[int, tuple[float, float]] = {}
    targets: dict[int, tuple[float, float]] = {}
    for (key, coords), target in (needed or {}).items():
        targets[release.where[(key, coords)]] = target
    seen_low: dict[int, float] = {}
    seen_high: dict[int, float] = {}

    def saw(x):
        for i, (lo, hi) in targets.items():
            if x[i] <= lo + 1e-9:
                seen_low[i] = min(seen_low.get(i, np.inf), x[i])
            if x[i] >= hi - 1e-9:
                seen_high[i] = max(seen_high.get(i, -np.inf), x[i])

    for t in protected.tables:
        for coords, cell in t.cells.items():
            if cell.value is not None or (only is not None and (t.key, coords) not in only):
                continue
            i = release.where[(t.key, coords)]
            if i not in cache:
                low = seen_low[i] if i in seen_low else _optimum(h, i, 1.0, saw if targets else None)
                high = seen_high[i] if i in seen_high else -_optimum(h, i, -1.0, saw if targets else None)
                cache[i] = (low, high)
            bounds[(t.key, coords)] = cache[i]
    return bounds


def _row(rel, offset):
    terms = {offset + i: float(c) for i, c in rel.terms}
    return (terms, 0.0 if rel.equality else -INF, 0.0)


def _optimum(h, col: int, sense: float, saw=None) -> float:
    h.changeColCost(col, sense)
    h.run()
    status = h.getModelStatus()
    value = h.getInfo().objective_function_value
    if saw is not None and status == highspy.HighsModelStatus.kOptimal:
        saw(np.asarray(h.getSolution().col_value))
    h.changeColCost(col, 0.0)
    if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return -np.inf
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"attacker LP: {h.modelStatusToString(status)}")
    return value
