"""Persons from scored pairs: transitive clusters with a rule against chaining.

A cluster never holds two records of one organisation unless that
organisation said they are the same person (equal `local_person_key`, its own
duplicate detection). Links are taken from the strongest down; a link that
would join two clusters holding different persons of the same organisation is
refused. Without the rule, A–B and B–C links chain A and C together even when
A and C are two people of one organisation that the organisation knows apart.
A second rule keeps clusters dense: two groups join only when at least half of
the pairs between them are links, so that one weak record does not chain
several people together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Share of the pairs between two groups that must be links for the groups to join.
MIN_DENSITY = 0.5


@dataclass(frozen=True)
class ClusterResult:
    roots: list[int]  # for each record, the representative record of its person
    links_kept: int
    links_refused: int


def cluster(
    *,
    organisations: Sequence[int],
    units: Sequence[int],
    left: Sequence[int],
    right: Sequence[int],
    min_density: float = MIN_DENSITY,
) -> ClusterResult:
    """`organisations[i]` and `units[i]` give record i's organisation and its
    unit within it (records of one organisation sharing a unit are one person
    for that organisation; otherwise a record's unit is its own). `left[k]`,
    `right[k]` are the linked pairs, strongest first.

    Two groups are joined only if at least `min_density` of the pairs between
    their records (records of one unit counted once) are links themselves: a
    record that resembles two different people (a common name without a birth
    date) does not chain them into one."""
    n = len(organisations)
    parent = list(range(n))
    # For each root: organisation -> the unit of that organisation in the cluster.
    members: list[dict[int, int] | None] = [{organisations[i]: units[i]} for i in range(n)]
    # For each root: its records; for each record: the records it is linked to.
    records: list[list[int] | None] = [[i] for i in range(n)]
    neighbours: dict[int, set[int]] = {}
    for a, b in zip(left, right):
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)

    def find(i: int) -> int:
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def union(a: int, b: int) -> None:
        ma, mb = members[a], members[b]
        if len(ma) < len(mb):
            a, b, ma, mb = b, a, mb, ma
        parent[b] = a
        ma.update(mb)
        members[b] = None
        records[a].extend(records[b])
        records[b] = None

    def dense_enough(ra: int, rb: int) -> bool:
        group_a, group_b = records[ra], records[rb]
        if len(group_a) == 1 and len(group_b) == 1:
            return True
        # Records of one organisation's unit stand for one person: a pair of
        # persons is linked when any of their records are.
        units_a = {(organisations[i], units[i]) for i in group_a}
        units_b = {(organisations[i], units[i]) for i in group_b}
        linked = {
            ((organisations[i], units[i]), (organisations[j], units[j]))
            for i in group_a
            for j in neighbours.get(i, ())
            if find(j) == rb
        }
        return len(linked) >= min_density * len(units_a) * len(units_b)

    # The organisations' own duplicate detection first: records of one unit are one person.
    first_of_unit: dict[tuple[int, int], int] = {}
    for i in range(n):
        key = (organisations[i], units[i])
        j = first_of_unit.setdefault(key, i)
        if j != i:
            ri, rj = find(i), find(j)
            if ri != rj:
                union(rj, ri)

    kept = refused = 0
    for a, b in zip(left, right):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ma, mb = members[ra], members[rb]
        small, large = (ma, mb) if len(ma) <= len(mb) else (mb, ma)
        if any(org in large and large[org] != unit for org, unit in small.items()) or not dense_enough(ra, rb):
            refused += 1
            continue
        union(ra, rb)
        kept += 1
    return ClusterResult(roots=[find(i) for i in range(n)], links_kept=kept, links_refused=refused)
