"""Differentially private open data (after CTDC's synthetic data).

For the public open-data files, a release can instead publish noisy counts:
each table's inner cells get discrete Laplace noise from OpenDP
(`make_laplace` over integer vectors, L1 sensitivity = the number of cells
one person can count in), are made non-negative, then rescaled to one noisy
total per table and rounded (largest remainders) so that the margins are the
sums of their parts. No small-cell suppression is needed: the guarantee is
ε-differential privacy per table, and the budget is the sum over tables
(basic composition), recorded on the release and shown on its page.
"""

from __future__ import annotations

from itertools import product

import numpy as np
import opendp.prelude as dp

from .disclosure import Cell, Protected, ProtectedTable, Rules
from .disclosure.model import TOTAL, Table

dp.enable_features("contrib")

# The open-data tables: single-valued classifications (a person counts once).
TABLES = ("miprof.status_sex", "miprof.age_sex", "miprof.citizenship_sex", "unodc.sex_age")


def _mechanism(size: int, epsilon: float, sensitivity: int):
    """A discrete Laplace mechanism over integer vectors, calibrated by OpenDP."""
    space = dp.vector_domain(dp.atom_domain(T=int), size=size), dp.l1_distance(T=int)
    scale = dp.binary_search_param(lambda s: dp.m.make_laplace(*space, scale=s), d_in=sensitivity, d_out=epsilon)
    return dp.m.make_laplace(*space, scale=scale), scale


def _round_to(values: np.ndarray, total: int) -> np.ndarray:
    """Non-negative integers proportional to `values` adding up to `total`."""
    values = np.maximum(values.astype(float), 0.0)
    if total <= 0 or values.sum() == 0:
        out = np.zeros(len(values), dtype=np.int64)
        if total > 0 and len(values):
            out[0] = total
        return out
    scaled = values * total / values.sum()
    floor = np.floor(scaled).astype(np.int64)
    rest = total - int(floor.sum())
    order = np.argsort(-(scaled - floor), kind="stable")
    floor[order[:rest]] += 1
    return floor


def noisy_table(table: Table, epsilon: float) -> tuple[Table, float]:
    """A table of noisy counts consistent with its margins; returns the scale used."""
    inner_codes = [tuple(c) for c in table.codes]
    inner = list(product(*inner_codes))
    true = np.array([table.cells.get(coords, 0) for coords in inner], dtype=np.int64)
    # Half the budget for the cells, half for the total: a person counts in
    # one inner cell (sensitivity 1) and in the total (sensitivity 1).
    cells_mech, scale = _mechanism(len(inner), epsilon / 2, 1)
    noisy = np.array(cells_mech([int(v) for v in true]), dtype=np.int64)
    total_mech, _ = _mechanism(1, epsilon / 2, 1)
    total = max(0, int(total_mech([int(table.cells[(TOTAL,) * len(table.codes)])])[0]))
    values = _round_to(noisy, total)
    cells = {}
    for coords, value in zip(inner, values, strict=True):
        cells[coords] = int(value)
    # Margins: sums of their parts (every combination with TOTAL).
    choices = [(*codes, TOTAL) for codes in inner_codes]
    for coords in product(*choices):
        if TOTAL not in coords:
            continue
        cells[coords] = int(sum(
            v for inner_coords, v in zip(inner, values, strict=True)
            if all(c in (TOTAL, ic) for c, ic in zip(coords, inner_coords, strict=True))
        ))  # fmt: skip
    return (
        Table(key=table.key, variables=table.variables, codes=table.codes, cells=cells,
              population=table.population, title=table.title),
        scale,
    )  # fmt: skip


def release(tables: list[Table], *, epsilon: float) -> tuple[Protected, dict]:
    """Noisy versions of `tables`, ε per table; the budget spent."""
    out, budget = [], {"per_table": {}, "mechanism": "discrete Laplace (OpenDP make_laplace)", "composition": "basic"}
    for table in tables:
        noisy, scale = noisy_table(table, epsilon)
        budget["per_table"][table.key] = {"epsilon": epsilon, "scale": round(float(scale), 4)}
        out.append(
            ProtectedTable(
                key=noisy.key,
                title=noisy.title,
                variables=noisy.variables,
                codes=noisy.codes,
                population=dict(noisy.population),
                cells={c: Cell(v, "published") for c, v in noisy.cells.items()},
                true_values={},
            )
        )
    budget["total"] = round(epsilon * len(tables), 6)
    return Protected(tables=out, rules=Rules()), budget
