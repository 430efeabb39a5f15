"""A thin layer over HiGHS (highspy) for the disclosure LPs and MILPs."""

from __future__ import annotations

from collections.abc import Sequence

import highspy
import numpy as np

INF = highspy.kHighsInf


def solver(*, time_limit: float | None = None, warm: bool = True) -> highspy.Highs:
    """A quiet single-threaded HiGHS. `warm`: no presolve, so that the many
    small re-solves of the attacker (one bound or cost changed) start from the
    previous basis instead of from scratch."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    if warm:
        h.setOptionValue("presolve", "off")
        h.setOptionValue("solver", "simplex")
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    return h


def add_columns(h: highspy.Highs, lower: Sequence[float], upper: Sequence[float], cost: Sequence[float] | None = None):
    n = len(lower)
    cost = np.zeros(n) if cost is None else np.asarray(cost, dtype=float)
    h.addCols(
        n,
        cost,
        np.asarray(lower, dtype=float),
        np.asarray(upper, dtype=float),
        0,
        np.zeros(0, dtype=np.int32),
        np.zeros(0, dtype=np.int32),
        np.zeros(0),
    )


def add_rows(h: highspy.Highs, rows: list[tuple[dict[int, float], float, float]]) -> None:
    """rows: (terms {column: coefficient}, lower, upper)."""
    if not rows:
        return
    starts, indices, values, lower, upper = [], [], [], [], []
    for terms, lo, hi in rows:
        starts.append(len(indices))
        for col, coef in terms.items():
            indices.append(col)
            values.append(coef)
        lower.append(lo)
        upper.append(hi)
    h.addRows(
        len(rows),
        np.asarray(lower, dtype=float),
        np.asarray(upper, dtype=float),
        len(indices),
        np.asarray(starts, dtype=np.int32),
        np.asarray(indices, dtype=np.int32),
        np.asarray(values, dtype=float),
    )
