"""Small counts on the national view cannot be read nor worked out from the
rest of the row (selectors.suppressed_row)."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from maillage.referrals.selectors import suppressed_row

KEYS = ("accepted", "declined", "expired", "waiting")


def deducible(row: dict[str, str], rest: int, bound: int) -> dict[str, set[int]]:
    """What a reader who also knows the remainder (withdrawn referrals) can
    deduce: each cell's possible values, « < 5 » meaning 1–4 and « — »
    anything."""

    def values(shown):
        return range(1, 5) if shown == "< 5" else range(bound + 1) if shown == "—" else [int(shown)]

    seen: dict[str, set[int]] = {key: set() for key in KEYS}
    totals = set(values(row["total"]))
    for combo in itertools.product(*(values(row[key]) for key in KEYS)):
        if sum(combo) + rest in totals:
            for key, value in zip(KEYS, combo, strict=True):
                seen[key].add(value)
    return seen


@given(st.lists(st.integers(min_value=0, max_value=9), min_size=4, max_size=4), st.integers(min_value=0, max_value=6))
def test_no_small_count_can_be_worked_out(counts, rest):
    parts = dict(zip(KEYS, counts, strict=True))
    total = sum(counts) + rest
    row = suppressed_row(total, parts)
    deduced = deducible(row, rest, bound=total + 8)  # « — » can be anything
    for key, n in parts.items():
        if 0 < n < 5:
            assert row[key] == "< 5"
            assert len(deduced[key]) > 1, (parts, rest, row)
        elif row[key] != "—":
            assert row[key] == str(n)  # nothing else is hidden or altered


def test_a_single_small_cell_hides_the_next_smallest():
    row = suppressed_row(18, {"accepted": 11, "declined": 6, "expired": 1, "waiting": 0})
    assert row == {"total": "18", "accepted": "11", "declined": "—", "expired": "< 5", "waiting": "0"}
    # Two small cells whose sum does not pin them down: nothing more hidden.
    assert suppressed_row(20, {"accepted": 11, "declined": 6, "expired": 1, "waiting": 2})["declined"] == "6"
    # Every cell small: the total goes.
    assert suppressed_row(9, {"accepted": 1, "declined": 0, "expired": 0, "waiting": 0})["total"] == "—"
