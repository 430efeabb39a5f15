"""Persons beside records (issue 13): a person followed by several
organisations counts once in the persons' tables, under the same disclosure
control as the records' tables."""

import dataclasses

import pytest

from maillage.statistics import release, tables
from maillage.statistics.disclosure import TOTAL
from maillage.statistics.tables import frame_from_records, national_tables, persons_tables

from .helpers import Q
from .helpers import record as anonymous


def record(person_id=None, **changes):
    return dataclasses.replace(anonymous(**changes), person_id=person_id)


# Three organisations; Blessing is followed by the first two (one person id),
# reported by one and identified by the other.
KNOWN = [
    (record(status="reported", person_id="p-blessing"), 1),
    (record(status="identified", identified_by="police", person_id="p-blessing"), 2),
    (record(sex="M", citizenships="RO", person_id="p-ion"), 2),
    (record(citizenships="CN", person_id=None), 3),
]


def test_four_records_of_three_organisations_are_three_persons():
    persons = tables.persons_of(KNOWN)
    assert len(KNOWN) == 4 and len(persons.records) == 3
    assert sorted(persons.organisations) == [1, 1, 2]
    frame = frame_from_records(persons.records, Q, year=2025)
    made, _variables, _specs = persons_tables(frame, persons.organisations)
    by_key = {t.key: t for t in made}
    status_sex = by_key["persons.status_sex"].cells
    assert status_sex[(TOTAL, TOTAL)] == 3
    # The person counts once, with the furthest status any organisation reached.
    assert status_sex[("identified", "F")] == 1 and status_sex[("reported", TOTAL)] == 0
    assert by_key["persons.several"].cells[("several",)] == 1
    assert by_key["persons.followed_by"].cells == {("1",): 2, ("2",): 1, ("3+",): 0, (TOTAL,): 3}
    records_tables, _v, _s = national_tables(frame_from_records([r for r, _ in KNOWN], Q, year=2025))
    assert {t.key: t for t in records_tables}["miprof.status_sex"].cells[(TOTAL, TOTAL)] == 4


def test_persons_cells_are_protected_with_the_records_cells(settings):
    settings.STATISTICS_SMALL_COUNT_THRESHOLD = 3
    rows = [(record(person_id=f"p{i}"), 1 + i % 3) for i in range(40)]
    rows += [(record(person_id="p0"), 2), (record(person_id="p1"), 3)]  # two persons seen twice
    frame = frame_from_records([r for r, _ in rows], Q, year=2025)
    persons = tables.persons_of(rows)
    pframe = frame_from_records(persons.records, Q, year=2025)
    protected, _variables, _specs = release.protect_frame(frame, persons=(pframe, persons.organisations))
    by_key = {t.key: t for t in protected.tables}
    assert by_key["miprof.status_sex"].cells[(TOTAL, TOTAL)].value == 42
    assert by_key["persons.status_sex"].cells[(TOTAL, TOTAL)].value == 40
    # Two persons followed by several organisations: under the threshold, masked,
    # and so is its complement (40 - 38 would give it away).
    several = by_key["persons.several"].cells
    assert several[("several",)].value is None and several[("1",)].value is None


@pytest.mark.parametrize("code", tables.FOLLOWED_BY)
def test_every_followed_by_code_has_a_label(code):
    from maillage.statistics.presentation import label

    assert label(Q, "followed_by", code, "fr") != code
