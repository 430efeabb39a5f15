"""Primary and secondary cell suppression for all the tables of a release.

1. **Primary**: a count from 1 to `threshold − 1` (default 11, as CTDC and the
   French health data system) is suppressed. Zero is published (an empty cell
   says nothing about a person).
2. **Protection interval** of a suppressed count *a*: from what is published,
   the attacker must not narrow it below an interval of width `threshold`
   around it: lower bound ≤ a − L and upper bound ≥ a + U, with
   L = min(a, ⌈threshold / 2⌉) and U = threshold − L (so a count of 3 may be
   anything from 0 to 11, a count of 10 anything from 4 to 15).
3. **Secondary**: a MILP (HiGHS) chooses which other cells to suppress, at the
   least cost (the counts hidden), so that every primary cell keeps its
   protection interval given every relation between the published cells of
   all the tables together (`model.Release.relations`). The master problem
   starts with « no relation with a single unknown »; each candidate pattern is
   checked by the attacker's LPs (maximise and minimise each primary cell in
   deviation form), and an unprotected cell adds the Fischetti–Salazar cut
   read from the LP's dual, until every cell is protected. Patterns only grow
   from one round to the next (a protected cell stays protected), which keeps
   a national release within seconds at the price of strict optimality.
4. **Previous release**: for a corrected release, the cells of the release
   already published are in the attacker's model too, each linked to the same
   cell of the new release by |new − old| ≤ the number of records that changed;
   the primary cells of both releases must keep their intervals.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .lp import INF, add_columns, add_rows, highspy, solver
from .model import Release, Table, Variable

EPS = 1e-6


@dataclass(frozen=True)
class Rules:
    threshold: int = 11
    max_rounds: int = 60
    milp_time_limit: float = 5.0


def protection_interval(value: int, threshold: int) -> tuple[int, int]:
    """(L, U): the attacker's bounds must reach value − L and value + U."""
    lower = min(value, math.ceil(threshold / 2))
    return lower, threshold - lower


@dataclass(frozen=True)
class Cell:
    value: int | None  # None: suppressed
    status: str  # published | primary | secondary | hidden


@dataclass
class ProtectedTable:
    key: str
    title: str
    variables: tuple[str, ...]
    codes: tuple[tuple[str, ...], ...]
    population: Mapping[str, str]
    cells: dict[tuple[str, ...], Cell]
    true_values: dict[tuple[str, ...], int] = field(repr=False, default_factory=dict)

    def published(self) -> dict[tuple[str, ...], int | None]:
        return {coords: cell.value for coords, cell in self.cells.items() if cell.status != "hidden"}

    def as_table(self) -> Table:
        """The table with its true values (statistics area only)."""
        return Table(
            key=self.key,
            title=self.title,
            variables=self.variables,
            codes=self.codes,
            population=self.population,
            cells=dict(self.true_values),
            hidden=frozenset(c for c, cell in self.cells.items() if cell.status == "hidden"),
        )


@dataclass
class Protected:
    tables: list[ProtectedTable]
    rules: Rules
    rounds: int = 0
    primary: int = 0
    secondary: int = 0

    def table(self, key: str) -> ProtectedTable:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)


@dataclass
class _Previous:
    release: Release
    suppressed: np.ndarray  # bool per cell of the previous release
    change: int


def _previous(previous: Protected | None, variables, change: int | None) -> _Previous | None:
    if previous is None:
        return None
    tables = [t.as_table() for t in previous.tables]
    release = Release(tables, variables)
    suppressed = np.zeros(len(release), dtype=bool)
    for t in previous.tables:
        for coords, cell in t.cells.items():
            if cell.value is None:
                suppressed[release.where[(t.key, coords)]] = True
    return _Previous(release=release, suppressed=suppressed, change=int(change or 0))


class _Witness:
    """Feasible points the attacker's LPs have found: a cell shown at (or
    beyond) its bound in one of them needs no LP of its own for that bound.
    Patterns only grow, so a point stays feasible from one round to the next."""

    def __init__(self, sensitive, size: int):
        self.cols = np.array([c for c, _, _ in sensitive], dtype=np.int64)
        self.low = np.array([lo for _, lo, _ in sensitive], dtype=float)
        self.high = np.array([hi for _, _, hi in sensitive], dtype=float)
        self.has_high = np.zeros(size, dtype=bool)
        self.has_low = np.zeros(size, dtype=bool)

    def saw(self, z: np.ndarray) -> None:
        if not len(self.cols):
            return
        values = z[self.cols]
        self.has_high[self.cols[values >= self.high - EPS]] = True
        self.has_low[self.cols[values <= -self.low + EPS]] = True

    def reset(self, sensitive) -> None:
        self.__init__(sensitive, len(self.has_high))


class _Checker:
    """The attacker in deviation form: z = x − true value for every cell of
    the new release (and of the previous one), z = 0 for a published cell."""

    def __init__(self, release: Release, previous: _Previous | None):
        self.release = release
        self.previous = previous
        self.n = len(release)
        self.values = np.asarray(release.values, dtype=float)
        rows = []
        for rel in release.relations():
            rows.append(self._row(rel, self.values, 0))
        self.n_prev = 0
        if previous is not None:
            pv = np.asarray(previous.release.values, dtype=float)
            self.prev_values = pv
            self.n_prev = len(pv)
            for rel in previous.release.relations():
                rows.append(self._row(rel, pv, self.n))
            for key, i in release.index.items():
                j = previous.release.index.get(key)
                if j is None:
                    continue
                diff = self.values[i] - pv[j]
                # |x_i − x'_j| ≤ change, in deviations.
                rows.append(({i: 1.0, self.n + j: -1.0}, -INF, previous.change - diff))
                rows.append(({i: -1.0, self.n + j: 1.0}, -INF, previous.change + diff))
        self.rows = rows
        self.h = solver()
        total = self.n + self.n_prev
        add_columns(self.h, np.zeros(total), np.zeros(total))
        add_rows(self.h, rows)
        self.rhs = np.array([hi if hi < INF else lo for _, lo, hi in rows])
        self.witness: _Witness | None = None
        self.lower = np.zeros(total)
        self.upper = np.zeros(total)
        if previous is not None:
            idx = np.flatnonzero(previous.suppressed)
            self.lower[self.n + idx] = -self.prev_values[idx]
            self.upper[self.n + idx] = INF

    @staticmethod
    def _row(rel, values, offset):
        terms = {offset + i: float(c) for i, c in rel.terms}
        rhs = -sum(c * values[i] for i, c in rel.terms)
        return (terms, rhs if rel.equality else -INF, rhs)

    def set_pattern(self, unknown: np.ndarray) -> None:
        self.lower[: self.n] = np.where(unknown, -self.values, 0.0)
        self.upper[: self.n] = np.where(unknown, INF, 0.0)
        total = self.n + self.n_prev
        self.h.changeColsBounds(total, np.arange(total, dtype=np.int32), self.lower, self.upper)

    def check(self, col: int, low: float, high: float, sense: int):
        """Minimise sense·z_col with z_col ∈ [−low, high]. Returns (optimum,
        reduced costs, row duals)."""
        h = self.h
        h.changeColBounds(col, -low, high)
        h.changeColCost(col, float(sense))
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            # Unbounded is impossible (the column is boxed); anything else is a bug.
            raise RuntimeError(f"attacker LP: {h.modelStatusToString(status)}")
        solution = h.getSolution()
        value = h.getInfo().objective_function_value
        d = np.asarray(solution.col_dual)
        r = np.asarray(solution.row_dual)
        if self.witness is not None:
            self.witness.saw(np.asarray(solution.col_value))
        h.changeColCost(col, 0.0)
        h.changeColBounds(col, self.lower[col], self.upper[col])
        return value, d, r


def protect(
    tables: list[Table],
    variables: Mapping[str, Variable],
    rules: Rules = Rules(),
    *,
    previous: Protected | None = None,
    change: int | None = None,
) -> Protected:
    """Protect all `tables` together; see the module docstring."""
    release = Release(tables, variables)
    n = len(release)
    values = np.asarray(release.values, dtype=float)
    hidden = np.asarray(release.hidden, dtype=bool)
    primary = (values > 0) & (values < rules.threshold) & ~hidden
    prev = _previous(previous, variables, change)
    checker = _Checker(release, prev)

    # Cells whose interval must hold: (column, value, L, U).
    sensitive = []
    for i in np.flatnonzero(primary):
        low, high = protection_interval(int(values[i]), rules.threshold)
        sensitive.append((int(i), low, high))
    if prev is not None:
        pv = np.asarray(prev.release.values)
        for j in np.flatnonzero((pv > 0) & (pv < rules.threshold) & ~np.asarray(prev.release.hidden)):
            low, high = protection_interval(int(pv[j]), rules.threshold)
            sensitive.append((n + int(j), low, high))

    checker.witness = _Witness(sensitive, checker.n + checker.n_prev)
    if prev is not None:
        sensitive = _achievable(checker, sensitive)
        # The requirements changed and the pattern below starts smaller.
        checker.witness.reset(sensitive)

    unknown = primary | hidden
    if prev is not None:
        # Start from the pattern already published: what was hidden stays hidden.
        for key, j in prev.release.index.items():
            i = release.index.get(key)
            if i is not None and prev.suppressed[j]:
                unknown[i] = True
    master = _Master(release, values, primary, hidden)
    rounds = 0
    pending = list(sensitive)
    if pending:
        while True:
            rounds += 1
            unknown = master.solve(unknown, rules.milp_time_limit)
            checker.set_pattern(unknown)
            failing = []
            for col, low, high in pending:
                cuts = _check_cell(checker, col, low, high, unknown)
                if cuts:
                    failing.append((col, low, high))
                    for cut in cuts:
                        master.add_cut(*cut)
            pending = failing
            if not pending:
                break
            if rounds >= rules.max_rounds:
                unknown = _fallback(release, checker, unknown, pending)
                break
    return _result(tables, release, values, primary, hidden, unknown, rules, rounds)


def _achievable(checker: _Checker, sensitive):
    """With a release already published, a cell of the new one cannot be
    hidden better than the old release and the size of the correction allow
    (the old value ± the records changed): the requirement is the protection
    interval or that limit, whichever is narrower — reached by suppressing
    every cell of the new release."""
    checker.set_pattern(np.ones(checker.n, dtype=bool))
    witness = checker.witness
    pinned = set()
    prev = checker.previous
    for key, j in prev.release.index.items():
        i = checker.release.index.get(key)
        if i is not None and not prev.suppressed[j]:
            pinned.add(i)
    out = []
    for col, low, high in sensitive:
        if col not in pinned:
            # Not published before (or a cell of the previous release, protected then):
            # the full interval is asked.
            out.append((col, low, high))
            continue
        reach_high = high if witness.has_high[col] else -checker.check(col, low, high, -1)[0]
        reach_low = low if witness.has_low[col] else -checker.check(col, low, high, 1)[0]
        out.append((col, min(low, math.floor(reach_low + EPS)), min(high, math.floor(reach_high + EPS))))
    return out


def _check_cell(checker: _Checker, col: int, low: int, high: int, unknown: np.ndarray) -> list:
    """Cuts for the cell's unmet bounds (empty when protected)."""
    cuts = []
    witness = checker.witness
    for sense, need in ((-1, high), (1, low)):
        if witness is not None and (witness.has_high if sense < 0 else witness.has_low)[col]:
            continue
        value, d, r = checker.check(col, low, high, sense)
        # sense −1: −value = max z, which must reach `high`; sense +1: −value = −min z, which must reach `low`.
        reached = -value
        if reached >= need - EPS:
            continue
        cuts.append(_cut(checker, col, low, high, value, d, r, need, unknown))
    return cuts


def _cut(checker: _Checker, col: int, low: int, high: int, value: float, d, r, need: int, unknown: np.ndarray):
    """Fischetti–Salazar cut from the LP dual: Σ coef_j·y_j ≥ rhs over the new
    release's cells. Any dual solution bounds the attacker's optimum for every
    pattern, so a pattern must make that bound reach `need`."""
    n = checker.n
    dplus = np.maximum(d, 0.0)
    dminus = np.maximum(-d, 0.0)
    # Constant part: the rows, the tested column, the previous release's cells.
    constant = float(np.dot(r, checker.rhs))
    lower = checker.lower.copy()
    upper = checker.upper.copy()
    lower[col], upper[col] = -low, high
    fixed = np.ones(len(lower), dtype=bool)
    fixed[:n] = False
    fixed[col] = True
    with np.errstate(invalid="ignore"):
        fixed_part = np.where(fixed & (dplus > EPS), lower * dplus, 0.0) - np.where(
            fixed & (dminus > EPS), upper * dminus, 0.0
        )
    constant += float(np.sum(fixed_part))
    rhs = need + constant
    values = checker.values
    with np.errstate(invalid="ignore"):
        coef = values * dplus[:n] + np.where(dminus[:n] > EPS, np.inf, 0.0)
    if col < n:
        coef[col] = 0.0
    # Weak duality at the current pattern gives back the LP optimum; if it does
    # not (numerical trouble), fall back to a plain « one more cell » cut.
    mask = unknown.copy()
    if col < n:
        mask[col] = False
    current = (
        constant - float(np.sum(values[mask] * dplus[:n][mask])) - (np.inf if np.any(dminus[:n][mask] > EPS) else 0.0)
    )
    consistent = bool(np.isfinite(current)) and abs(current - value) <= 1e-5 * max(1.0, abs(value))
    coef = np.minimum(coef, max(rhs, 1.0))
    candidates = np.flatnonzero((coef > EPS) & ~unknown)
    if not consistent or rhs <= EPS or len(candidates) == 0:
        # Numerical trouble or no published cell helps: ask for any neighbour.
        candidates = np.flatnonzero((np.abs(d[:n]) > EPS) & ~unknown)
        return ({int(j): 1.0 for j in candidates}, 1.0)
    return ({int(j): float(coef[j]) for j in np.flatnonzero(coef > EPS)}, float(rhs))


class _Master:
    """min Σ cost·y over binary y (1 = suppressed), primary and hidden cells
    fixed to 1, cells already suppressed kept (patterns only grow)."""

    def __init__(self, release: Release, values, primary, hidden):
        self.release = release
        self.n = len(values)
        self.cost = np.where(hidden, 0.0, values + 1.0)
        self.rows: list[tuple[dict[int, float], float]] = []
        fixed = primary | hidden
        # No equality relation may hold a single unknown cell.
        for rel in release.relations():
            if not rel.equality:
                continue
            cells = [i for i, _ in rel.terms]
            for p in cells:
                if primary[p]:
                    others = {j: 1.0 for j in cells if j != p}
                    self.rows.append((others, 1.0))
        self.fixed = fixed

    def add_cut(self, terms: dict[int, float], rhs: float) -> None:
        self.rows.append((terms, rhs))

    def solve(self, current: np.ndarray, time_limit: float) -> np.ndarray:
        h = solver(time_limit=time_limit, warm=False)
        lower = np.where(current | self.fixed, 1.0, 0.0)
        add_columns(h, lower, np.ones(self.n), self.cost)
        h.changeColsIntegrality(
            self.n,
            np.arange(self.n, dtype=np.int32),
            np.full(self.n, highspy.HighsVarType.kInteger),
        )
        add_rows(h, [(terms, rhs, INF) for terms, rhs in self.rows])
        h.setOptionValue("mip_rel_gap", 0.01)
        h.run()
        solution = h.getSolution()
        if not solution.value_valid:
            # No incumbent within the time limit: suppress every cell of the rows.
            pattern = current | self.fixed
            for terms, _ in self.rows:
                pattern[list(terms)] = True
            return pattern
        return np.asarray(solution.col_value) > 0.5


def _fallback(release: Release, checker: _Checker, unknown: np.ndarray, pending) -> np.ndarray:
    """After too many rounds: suppress every cell related to an unprotected one."""
    unknown = unknown.copy()
    for _ in range(len(release)):
        related = set()
        cols = {col for col, _, _ in pending if col < checker.n}
        for rel in release.relations():
            cells = {i for i, _ in rel.terms}
            if cells & cols:
                related |= cells
        before = unknown.sum()
        unknown[list(related)] = True
        checker.set_pattern(unknown)
        pending = [(c, lo, hi) for c, lo, hi in pending if _check_cell(checker, c, lo, hi, unknown)]
        if not pending or unknown.sum() == before:
            break
    if pending:
        unknown[:] = True
    return unknown


def _result(tables, release, values, primary, hidden, unknown, rules, rounds) -> Protected:
    out = []
    for table in tables:
        cells, true_values = {}, {}
        for coords, value in table.cells.items():
            i = release.where[(table.key, coords)]
            true_values[coords] = int(value)
            if coords in table.hidden:
                cells[coords] = Cell(None, "hidden")
            elif primary[i]:
                cells[coords] = Cell(None, "primary")
            elif unknown[i]:
                cells[coords] = Cell(None, "secondary")
            else:
                cells[coords] = Cell(int(value), "published")
        out.append(
            ProtectedTable(
                key=table.key,
                title=table.title,
                variables=table.variables,
                codes=table.codes,
                population=dict(table.population),
                cells=cells,
                true_values=true_values,
            )
        )
    return Protected(
        tables=out,
        rules=rules,
        rounds=rounds,
        primary=int(primary.sum()),
        secondary=int((unknown & ~primary & ~hidden).sum()),
    )
