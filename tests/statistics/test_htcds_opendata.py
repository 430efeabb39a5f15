"""HTCDS export k-anonymised like CTDC; differentially private open data."""

from collections import Counter

from maillage.statistics import htcds, opendata, tables
from maillage.statistics.disclosure import TOTAL

from .helpers import Q, record


def test_htcds_rows_use_iom_codings():
    row = htcds.row(record(sex="X", forms="PROX|MENDICITE", status="identified", identified_by="police"),
                    on=__import__("datetime").date(2025, 12, 31))  # fmt: skip
    assert row["prs_Gender"] == "Transgender/NonConforming"
    assert row["vic_TypeOfExploitation"] == "SexualExploitation;ForcedBegging"
    assert row["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"
    assert row["hte_ExploitationCountry"] == "FR"


def test_every_combination_of_the_export_has_at_least_k_records():
    people = [record(citizenships="NG") for _ in range(20)]
    people += [record(citizenships=c, sex="M", age=a) for c, a in (("CN", 40), ("BR", 19), ("AL", 60))]
    content, dropped = htcds.export(people, year=2025, k=11)
    lines = content.decode().splitlines()[1:]
    counts = Counter(lines)
    assert all(n >= 11 for n in counts.values())
    assert len(lines) + dropped == len(people)
    assert "CN" not in content.decode()


def test_open_data_counts_are_non_negative_integers_consistent_with_their_margins():
    people = [record(sex=s, age=a, minor="N") for s, a in (("F", 30), ("M", 40), ("F", 50))] * 30
    frame = tables.frame_from_records(people, Q, year=2025)
    built, _variables, _ = tables.national_tables(frame)
    chosen = [t for t in built if t.key in opendata.TABLES]
    noisy, budget = opendata.release(chosen, epsilon=1.0)
    assert budget["total"] == 4.0 and budget["per_table"]["miprof.status_sex"]["epsilon"] == 1.0
    for table in noisy.tables:
        values = {c: cell.value for c, cell in table.cells.items()}
        assert all(isinstance(v, int) and v >= 0 for v in values.values())
        if len(table.variables) == 2:
            rows = {c[0] for c in values if c[0] != TOTAL}
            for r in rows:
                assert values[(r, TOTAL)] == sum(v for c, v in values.items() if c[0] == r and c[1] != TOTAL)
