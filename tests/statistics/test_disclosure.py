"""Disclosure control: primary and secondary suppression, and the attacker.

The attacker test: for every suppressed cell of a release, two linear
programs over everything published (cells, margins, every other table of the
release, the previous version) bound the cell; the interval must contain the
protection interval. Hypothesis generates the releases (bounded examples: the
whole suite must stay fast)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.statistics import tables
from maillage.statistics.disclosure import TOTAL, Rules, Table, attack, protect, protection_interval
from maillage.statistics.disclosure.model import Release, variable

from .helpers import Q, record

T = TOTAL


def all_suppressed(protected):
    from dataclasses import replace

    from maillage.statistics.disclosure import Cell

    return replace(
        protected,
        tables=[
            replace(t, cells={c: Cell(None, cell.status if cell.status != "published" else "secondary")
                              for c, cell in t.cells.items()})
            for t in protected.tables
        ],
    )  # fmt: skip


def assert_protected(protected, variables, *, previous=None, change=0, threshold=11):
    """Every primary cell keeps its protection interval; with a previous
    release, or what that release and the size of the correction already
    allow (the same bounds with every new cell suppressed), if narrower."""
    needed = {}
    for table in protected.tables:
        for coords, cell in table.cells.items():
            if cell.status == "primary":
                value = table.true_values[coords]
                low, high = protection_interval(value, threshold)
                needed[(table.key, coords)] = (value - low, value + high)
    bounds = attack(protected, variables, previous=previous, change=change, needed=needed)
    short = {
        cell
        for cell, (lo, hi) in needed.items()
        if not (bounds[cell][0] <= lo + 1e-6 and bounds[cell][1] >= hi - 1e-6)
    }
    if short and previous is not None:
        # What the previous release and the size of the correction already give
        # away (every new cell suppressed) is the most that can be asked.
        limits = attack(all_suppressed(protected), variables, previous=previous, change=change, only=short)
        for cell in short:
            lo, hi = needed[cell]
            needed[cell] = (max(lo, limits[cell][0]), min(hi, limits[cell][1]))
    checked = 0
    for table in protected.tables:
        for coords, cell in table.cells.items():
            value = table.true_values[coords]
            if cell.status == "primary":
                lo_needed, hi_needed = needed[(table.key, coords)]
                lo, hi = bounds[(table.key, coords)]
                assert lo <= lo_needed + 1e-6 and hi >= hi_needed - 1e-6, (table.key, coords, value, lo, hi)
                checked += 1
            elif cell.status == "published":
                assert cell.value == value
                assert not 0 < value < threshold, (table.key, coords, value)
    return checked


def test_protection_interval_is_as_wide_as_the_threshold():
    assert protection_interval(1, 11) == (1, 10)
    assert protection_interval(6, 11) == (6, 5)
    assert protection_interval(10, 11) == (6, 5)
    for a in range(1, 11):
        low, high = protection_interval(a, 11)
        assert low + high == 11 and a - low >= 0


def two_way(inner):
    cells = dict(inner)
    rows = sorted({r for r, _ in inner})
    cols = sorted({c for _, c in inner})
    for r in rows:
        cells[(r, T)] = sum(v for (a, _), v in inner.items() if a == r)
    for c in cols:
        cells[(T, c)] = sum(v for (_, b), v in inner.items() if b == c)
    cells[(T, T)] = sum(inner.values())
    return rows, cols, cells


def test_a_single_small_cell_is_not_given_back_by_its_margins():
    variables = {"sex": variable("sex", ["F", "M"]), "age": variable("age", ["C", "A", "U"])}
    rows, cols, cells = two_way(
        {("F", "C"): 3, ("F", "A"): 40, ("F", "U"): 20, ("M", "C"): 15, ("M", "A"): 30, ("M", "U"): 25}
    )
    table = Table(key="t", variables=("sex", "age"), codes=(tuple(rows), tuple(cols)), cells=cells)
    protected = protect([table], variables)
    cells_out = protected.tables[0].cells
    assert cells_out[("F", "C")].status == "primary"
    assert protected.secondary >= 3  # a row, a column and their crossing at least
    assert cells_out[(T, T)].value == 133
    assert assert_protected(protected, variables) == 1


def test_a_table_request_revealing_a_small_cell_gets_it_suppressed_never_an_error():
    variables = {"x": variable("x", ["a", "b"])}
    table = Table(key="t", variables=("x",), codes=(("a", "b"),), cells={("a",): 1, ("b",): 2, (T,): 3})
    protected = protect([table], variables)
    assert [c.value for c in protected.tables[0].cells.values()] == [None, None, None]


def test_the_referrals_shape_a_total_of_7_with_5_accepted_does_not_show_2():
    """By territory: sent = accepted + declined + a remainder never shown."""
    variables = {
        "dep": variable("dep", ["75", "93", "13"]),
        "outcome": variable("outcome", ["accepted", "declined", "other"]),
    }
    inner = {
        ("75", "accepted"): 5, ("75", "declined"): 2, ("75", "other"): 0,
        ("93", "accepted"): 40, ("93", "declined"): 30, ("93", "other"): 12,
        ("13", "accepted"): 25, ("13", "declined"): 14, ("13", "other"): 20,
    }  # fmt: skip
    rows, cols, cells = two_way(inner)
    hidden = frozenset(c for c in cells if c[1] == "other")
    table = Table(key="referrals", variables=("dep", "outcome"), codes=(tuple(rows), tuple(cols)), cells=cells,
                  hidden=hidden)  # fmt: skip
    protected = protect([table], variables)
    out = protected.tables[0].cells
    assert out[("75", "declined")].value is None and out[("75", "accepted")].value is None
    assert assert_protected(protected, variables) == 3  # the total of 7 is small too


def test_linked_tables_are_protected_together():
    """The margin by sex of a second table is the same cell as the first's."""
    variables = {"sex": variable("sex", ["F", "M"]), "age": variable("age", ["C", "A"])}
    rows, cols, cells = two_way({("F", "C"): 4, ("F", "A"): 50, ("M", "C"): 30, ("M", "A"): 60})
    first = Table(key="a", variables=("sex", "age"), codes=(tuple(rows), tuple(cols)), cells=cells)
    second = Table(key="b", variables=("sex",), codes=(("F", "M"),), cells={("F",): 54, ("M",): 90, (T,): 144})
    release = Release([first, second], variables)
    assert release.where[("a", ("F", T))] == release.where[("b", ("F",))]
    protected = protect([first, second], variables)
    assert assert_protected(protected, variables) == 1


# --- generated releases ----------------------------------------------------------------------

SEXES = st.sampled_from(["F", "F", "M", "X", "U"])
CITIZENSHIPS = st.sampled_from(["NG", "RO", "FR", "CN", "DZ|FR", "BG", "GR", "XX", "ZZ", "GB"])
FORMS = st.sampled_from(["PROX", "TRAV_FORCE", "PROX|TRAV_FORCE", "MENDICITE", "DELITS_FORCES", "INCONNUE", "GPA"])
PLACES = st.sampled_from(["FR-75", "FR-93", "FR-13", "FR-971", "FR", "NG", "ZZ"])
SERVICES = st.sampled_from(["", "accommodation", "legal|health", "acse|accommodation"])


@st.composite
def persons(draw):
    minor = draw(st.sampled_from(["O", "N", "I"]))
    age = {"O": draw(st.integers(5, 17)), "N": draw(st.integers(18, 80)), "I": ""}[minor]
    status = draw(st.sampled_from(["reported", "presumed", "identified"]))
    return record(
        sex=draw(SEXES),
        age=age,
        minor=minor,
        citizenships=draw(CITIZENSHIPS),
        forms=draw(FORMS),
        exploitation_place=draw(PLACES),
        status=status,
        identified_by=draw(st.sampled_from(["police", "gendarmerie"])) if status == "identified" else "",
        services=draw(SERVICES),
        year_first_followed=draw(st.sampled_from([2024, 2025])),
    )


def release_of(people):
    frame = tables.frame_from_records(people, Q, year=2025)
    built, variables, _ = tables.national_tables(frame)
    return built, variables


@settings(max_examples=8, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.lists(persons(), min_size=3, max_size=90))
def test_attacker_cannot_narrow_any_suppressed_cell_of_a_national_release(people):
    built, variables = release_of(people)
    protected = protect(built, variables, Rules())
    assert_protected(protected, variables)


@settings(max_examples=3, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.lists(persons(), min_size=10, max_size=30), st.lists(persons(), min_size=1, max_size=2))
def test_a_corrected_release_keeps_both_versions_protected(people, added):
    built, variables = release_of(people)
    first = protect(built, variables)
    corrected_tables, corrected_variables = release_of(people + added)
    change = len(added)
    # The top-N tables may list other countries after the correction: the
    # classification of the new release is a superset of codes.
    variables_all = {**variables, **corrected_variables}
    variables_all["citizenship"] = _merged_citizenships(variables["citizenship"], corrected_variables["citizenship"])
    second = protect(corrected_tables, variables_all, previous=first, change=change)
    assert second.rounds < Rules().max_rounds
    assert_protected(second, variables_all, previous=first, change=change)
    assert_protected(first, variables_all, previous=second, change=change)


def _merged_citizenships(a, b):
    from maillage.statistics.disclosure.model import Variable

    return Variable(name=a.name, leaves=a.leaves, codes={**a.codes, **b.codes})
