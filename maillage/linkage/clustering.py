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
    for that organisation; a negative unit is the record's own). `left[k]`,
    `right[k]` are the linked pairs, strongest first.

    Two groups are joined only if at least `min_density` of the pairs between
    their records (records of one unit counted once) are links themselves: a
    record that resembles two different people (a common name without a birth
    date) does not chain them into one."""
    n = len(organisations)
    # Only records that take part in a link or share a unit are touched: the
    # others (most of them, at scale) stay their own person at no cost.
    parent: dict[int, int] = {}
    # For each root: organisation -> the unit of that organisation in the cluster, and its records.
    members: dict[int, dict[int, int]] = {}
    records: dict[int, list[int]] = {}
    neighbours: dict[int, set[int]] = {}
    for a, b in zip(left, right):
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)

    def find(i: int) -> int:
        root = i
        while (up := parent.get(root, root)) != root:
            root = up
        while (up := parent.get(i, i)) != root:
            parent[i], i = root, up
        return root

    def members_of(root: int) -> dict[int, int]:
        found = members.get(root)
        if found is None:
            found = members[root] = {organisations[root]: units[root]}
        return found

    def records_of(root: int) -> list[int]:
        found = records.get(root)
        if found is None:
            found = records[root] = [root]
        return found

    def union(a: int, b: int) -> None:
        ma, mb = members_of(a), members_of(b)
        if len(ma) < len(mb):
            a, b, ma, mb = b, a, mb, ma
        parent[b] = a
        ma.update(mb)
        members.pop(b, None)
        records_of(a).extend(records_of(b))
        records.pop(b, None)

    def dense_enough(ra: int, rb: int) -> bool:
        group_a, group_b = records_of(ra), records_of(rb)
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
        if units[i] < 0:
            continue  # no local identifier: a unit of its own
        j = first_of_unit.setdefault((organisations[i], units[i]), i)
        if j != i:
            ri, rj = find(i), find(j)
            if ri != rj:
                union(rj, ri)

    kept = refused = 0
    for a, b in zip(left, right):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ma, mb = members_of(ra), members_of(rb)
        small, large = (ma, mb) if len(ma) <= len(mb) else (mb, ma)
        if any(org in large and large[org] != unit for org, unit in small.items()) or not dense_enough(ra, rb):
            refused += 1
            continue
        union(ra, rb)
        kept += 1
    return ClusterResult(roots=[find(i) for i in range(n)], links_kept=kept, links_refused=refused)
