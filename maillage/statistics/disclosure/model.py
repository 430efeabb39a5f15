"""Tables, classifications and the linear relations that link published cells.

A `Variable` is a classification: its leaves (the finest codes a record can
carry) and the codes tables publish, each standing for a set of leaves (a
région for its départements, « registered » for presumed + identified, the
other citizenships of a top-N table for every leaf not listed). A
multi-valued variable (forms of exploitation, services) counts a person in
every code one of whose leaves the person has.

A `Table` holds counts per combination of codes (`TOTAL` for a margin) for one
population (fixed codes, e.g. status = registered). Two cells of any two
tables that count the same population with the same codes are the same
unknown for the attacker (linked tables).

`Release.relations()` lists every linear relation between published cells that
follows from the definitions: margins (equal to the sum of their parts, or for
a multi-valued variable each part ≤ margin ≤ sum of parts), codes nested in
other codes of the same variable (a country ≤ its citizenship group, a child
band ≤ « child »), and the complements of top-N tables. The protection and the
attacker both use these relations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

TOTAL = "_T"


@dataclass(frozen=True)
class Variable:
    name: str
    leaves: tuple[str, ...]
    codes: Mapping[str, frozenset[str]]
    multi: bool = False
    # Multi-valued only: every person carries at least one leaf, so the margin
    # is at most the sum of its parts (false for services: some get none).
    exhaustive: bool = True

    def leafset(self, code: str) -> frozenset[str]:
        if code == TOTAL:
            return frozenset(self.leaves)
        return self.codes[code]

    def canonical(self, code: str) -> str:
        """Two codes for the same leaves (Eurostat's « sexual » and GRETA's) are one cell."""
        leaves = self.leafset(code)
        for other, members in self.codes.items():
            if members == leaves:
                return other
        return code

    def is_total(self, code: str) -> bool:
        # A single-valued code covering every leaf counts everyone: it is the margin.
        return code == TOTAL or (not self.multi and self.codes.get(code) == frozenset(self.leaves))


def variable(
    name: str, leaves: Iterable[str], groups: Mapping[str, Iterable[str]] | None = None, **kwargs
) -> Variable:
    """A variable whose codes are its leaves plus named groups of leaves."""
    leaves = tuple(leaves)
    codes = {leaf: frozenset({leaf}) for leaf in leaves}
    for code, members in (groups or {}).items():
        members = frozenset(members)
        unknown = members - set(leaves)
        if unknown:
            raise ValueError(f"{name}.{code}: unknown leaves {sorted(unknown)}")
        codes[code] = members
    return Variable(name=name, leaves=leaves, codes=codes, **kwargs)


@dataclass
class Table:
    key: str
    variables: tuple[str, ...]
    codes: tuple[tuple[str, ...], ...]  # per dimension, the codes shown (TOTAL apart)
    cells: dict[tuple[str, ...], int]
    population: Mapping[str, str] = field(default_factory=dict)
    # Cells that belong to the table's structure but are never published
    # (a remainder such as withdrawn referrals): unknown to the attacker.
    hidden: frozenset[tuple[str, ...]] = frozenset()
    title: str = ""

    def coordinates(self) -> list[tuple[str, ...]]:
        return list(self.cells)


Key = frozenset  # frozenset[tuple[str, str]]


def cell_key(table: Table, coords: tuple[str, ...], variables: Mapping[str, Variable]) -> Key:
    pairs = {}
    for name, code in table.population.items():
        if not variables[name].is_total(code):
            pairs[name] = variables[name].canonical(code)
    for name, code in zip(table.variables, coords, strict=True):
        if variables[name].is_total(code):
            continue
        code = variables[name].canonical(code)
        if name in pairs and pairs[name] != code:
            raise ValueError(f"{table.key}: {name} is fixed to {pairs[name]} and also {code}")
        pairs[name] = code
    return frozenset(pairs.items())


@dataclass(frozen=True)
class Relation:
    """sum(coef * x) == 0 (equality) or <= 0."""

    terms: tuple[tuple[int, int], ...]  # (cell index, coefficient)
    equality: bool


class Release:
    """All the cells of a set of tables, each distinct cell once."""

    def __init__(self, tables: list[Table], variables: Mapping[str, Variable]):
        self.tables = tables
        self.variables = dict(variables)
        self.index: dict[Key, int] = {}
        self.values: list[int] = []
        self.hidden: list[bool] = []
        self.where: dict[tuple[str, tuple[str, ...]], int] = {}
        self.partitions: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for table in tables:
            for name, codes in zip(table.variables, table.codes, strict=True):
                self.partitions[name].add(tuple(codes))
            for coords, value in table.cells.items():
                key = cell_key(table, coords, self.variables)
                idx = self.index.get(key)
                hidden = coords in table.hidden
                if idx is None:
                    idx = len(self.values)
                    self.index[key] = idx
                    self.values.append(int(value))
                    self.hidden.append(hidden)
                elif self.values[idx] != int(value):
                    raise ValueError(
                        f"{table.key} {coords}: {value} differs from the same cell elsewhere ({self.values[idx]})"
                    )
                else:
                    # Published in one table: published.
                    self.hidden[idx] = self.hidden[idx] and hidden
                self.where[(table.key, coords)] = idx

    def __len__(self) -> int:
        return len(self.values)

    def relations(self) -> list[Relation]:
        """Every relation between cells that the definitions imply (see module doc)."""
        out: dict[tuple, Relation] = {}

        def add(terms: dict[int, int], equality: bool) -> None:
            terms = {i: c for i, c in terms.items() if c}
            if len(terms) < 2:
                return
            items = tuple(sorted(terms.items()))
            out.setdefault((items, equality), Relation(items, equality))

        # Group the cells by everything but one variable.
        groups: dict[tuple[str, Key], dict[str, int]] = defaultdict(dict)
        for key, idx in self.index.items():
            names = dict(key)
            for name in self.variables:
                rest = frozenset((n, c) for n, c in key if n != name)
                groups[(name, rest)][names.get(name, TOTAL)] = idx
        for (name, _rest), present in groups.items():
            if len(present) < 2:
                continue
            var = self.variables[name]
            for code, parent in present.items():
                parent_leaves = var.leafset(code)
                for partition in self.partitions.get(name, ()):
                    canonical = {TOTAL if var.is_total(d) else var.canonical(d) for d in partition}
                    parts = [
                        d
                        for d in canonical
                        if d != code and d in present and var.leafset(d) <= parent_leaves and var.leafset(d)
                    ]
                    if not parts:
                        continue
                    if var.multi:
                        for d in parts:
                            add({present[d]: 1, parent: -1}, False)  # part <= margin
                        union = frozenset().union(*(var.leafset(d) for d in parts))
                        if var.exhaustive and union == parent_leaves:
                            terms = {parent: 1}
                            for d in parts:
                                terms[present[d]] = terms.get(present[d], 0) - 1
                            add(terms, False)  # margin <= sum of parts
                        continue
                    # Single-valued: the parts of one partition are disjoint.
                    terms = {parent: -1}
                    for d in parts:
                        terms[present[d]] = terms.get(present[d], 0) + 1
                    union = frozenset().union(*(var.leafset(d) for d in parts))
                    add(terms, union == parent_leaves)  # sum of parts (==|<=) margin
        return list(out.values())
