"""ILO/EC Delphi screening engine (operational indicators of trafficking, 2009).

Pure Python on purpose: no Django import, so the rules can be unit-tested,
benchmarked and reused (batch statistics, exports) without a configured
project. Source of every rule: ``shared/domain/rules.md`` §1 and §6.

The result is a *screening* output ("indices réunis / non réunis"), never a
legal status: in France the identification of victims belongs to the police,
the gendarmerie and the judiciary (rules.md §1.4 caveats, §3.2).

Rules implemented here:

- R-ILO-DIM (rules.md §1.3 and §6.2, [V-S]): per-dimension rule, hard-coded
  because it is sourced.
- R-ILO-ADULT (rules.md §1.4 and §6.3, [V-S / M]) and R-ILO-CHILD (rules.md
  §1.4 and §6.4, [M]): cross-dimension rules. They are *data*
  (:class:`CombinationRule`), because their exact ILO wording is not
  confirmed; callers may override them.

Indicator lists are versioned data (CSV, read by :mod:`indicator_csv`) so
that the AS and CS sets, not yet transcribed (rules.md §1.5.3, [GAP]), can be
added without code changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Final, Literal

__all__ = [
    "ADULT_RULE",
    "CHILD_RULE",
    "CSV_COLUMNS",
    "DEFAULT_CATALOGUE_PATH",
    "DEFAULT_INCOMPLETE_SETS",
    "DEFAULT_VERSION",
    "DIMENSIONS",
    "DIMENSION_LABELS_FR",
    "OUTCOMES",
    "OUTCOME_INCOMPLETE_SET",
    "OUTCOME_MET",
    "OUTCOME_NOT_MET",
    "SET_CODE_RE",
    "STRENGTHS",
    "Assessment",
    "CombinationRule",
    "Indicator",
    "IndicatorCatalogueError",
    "IndicatorSet",
    "UnknownIndicatorError",
    "assess",
    "dimension_positive",
    "outcome_label_fr",
]

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

# The six dimensions are the same in every set (rules.md §1.2, [V-P]).
# The order matters: it is the index used by the precomputed lookups.
DIMENSIONS: Final[tuple[str, ...]] = ("DR", "CR", "VR", "EX", "CD", "VD")
_DIM_INDEX: Final[dict[str, int]] = {d: i for i, d in enumerate(DIMENSIONS)}

DIMENSION_LABELS_FR: Final[Mapping[str, str]] = MappingProxyType(
    {
        "DR": "Recrutement trompeur",
        "CR": "Recrutement coercitif",
        "VR": "Recrutement par abus de vulnérabilité",
        "EX": "Conditions d'exploitation",
        "CD": "Contrainte à destination",
        "VD": "Abus de vulnérabilité à destination",
    }
)

# Strength levels (rules.md §1.2, [V-P]); strength is per set, not per concept.
STRENGTHS: Final[tuple[str, ...]] = ("S", "M", "W")
_S, _M, _W = 0, 1, 2
_STRENGTH_INDEX: Final[dict[str, int]] = {"S": _S, "M": _M, "W": _W}

OUTCOME_MET: Final = "met"
OUTCOME_NOT_MET: Final = "not_met"
OUTCOME_INCOMPLETE_SET: Final = "incomplete_set"
OUTCOMES: Final[tuple[str, ...]] = (
    OUTCOME_MET,
    OUTCOME_NOT_MET,
    OUTCOME_INCOMPLETE_SET,
)
Outcome = Literal["met", "not_met", "incomplete_set"]

# The screening result is never a legal status (rules.md §1.4 caveats and
# header): the labels must never say "victime".
_OUTCOME_LABELS_FR: Final[Mapping[str, str]] = MappingProxyType(
    {
        OUTCOME_MET: "indices réunis",
        OUTCOME_NOT_MET: "indices non réunis",
        OUTCOME_INCOMPLETE_SET: ("aucune évaluation automatique pour ce jeu d'indicateurs (liste incomplète)"),
    }
)

DEFAULT_VERSION: Final = "ILO-EC-2009"
# AS and CS lists are not transcribed yet (rules.md §1.5.3, [GAP]): they must
# not be scored automatically.
DEFAULT_INCOMPLETE_SETS: Final[frozenset[str]] = frozenset({"AS", "CS"})
DEFAULT_CATALOGUE_PATH: Final[Path] = Path(__file__).resolve().parent / "data" / "ilo-indicators-2009.csv"
CSV_COLUMNS: Final[tuple[str, ...]] = (
    "set",
    "dimension",
    "code",
    "concept",
    "strength",
    "label_en",
    "label_fr",
)

SET_CODE_RE: Final = re.compile(r"^[A-Z][A-Z0-9_]*$")

SetRule = Literal["adult", "child"]


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class IndicatorCatalogueError(ValueError):
    """The indicator catalogue (CSV or programmatic) is malformed."""


class UnknownIndicatorError(ValueError):
    """Some present codes are not indicators of the assessed set."""

    def __init__(self, set_code: str, codes: Iterable[object]) -> None:
        self.set_code = set_code
        self.codes: tuple[str, ...] = tuple(sorted(repr(c) if not isinstance(c, str) else c for c in codes))
        foreign = [c for c in self.codes if not c.startswith(f"{set_code}-")]
        hint = (
            f" ({len(foreign)} do not belong to set {set_code}: indicators of another set"
            " cannot be mixed, because strengths differ by set)"
            if foreign
            else ""
        )
        super().__init__(f"Unknown indicator code(s) for set {set_code}: {', '.join(self.codes)}{hint}")


# --------------------------------------------------------------------------
# R-ILO-DIM
# --------------------------------------------------------------------------


def dimension_positive(s: int, m: int, w: int) -> bool:
    """Return whether a dimension is positive given its counts per strength.

    ``s``, ``m``, ``w`` are the numbers of strong, medium and weak indicators
    confirmed present in that dimension.
    """
    # R-ILO-DIM (rules.md §1.3 and §6.2, [V-S]): (a) 2 strong; (b) 1 strong +
    # 1 medium or weak; (c) 3 medium; (d) 2 medium + 1 weak.
    return s >= 2 or (s >= 1 and (m + w) >= 1) or m >= 3 or (m >= 2 and w >= 1)


# The rule saturates at s=2, m=3, w=1, so a 3x4x2 table gives the answer with
# one index operation in the hot path of assess(). Built from the readable
# function above, so there is a single source of truth.
_DIM_TABLE: Final[tuple[bool, ...]] = tuple(
    dimension_positive(s, m, w) for s in range(3) for m in range(4) for w in range(2)
)


def _table_positive(s: int, m: int, w: int) -> bool:
    return _DIM_TABLE[min(s, 2) * 8 + min(m, 3) * 2 + min(w, 1)]


# --------------------------------------------------------------------------
# Cross-dimension rules (configurable data)
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CombinationRule:
    """A cross-dimension rule, expressed as data.

    The rule is satisfied when every group in ``requires`` has at least one
    positive dimension and, if ``requires_act`` is set, the act (recruitment,
    transport, transfer, harbouring or receipt) is established.
    """

    name: str
    source: str
    requires: tuple[tuple[str, ...], ...]
    requires_act: bool = False
    reliability: str = ""
    note: str = ""
    _group_indices: tuple[tuple[int, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        groups = tuple(tuple(group) for group in self.requires)
        for group in groups:
            if not group:
                raise ValueError(f"Rule {self.name}: empty dimension group")
            unknown = [d for d in group if d not in _DIM_INDEX]
            if unknown:
                raise ValueError(f"Rule {self.name}: unknown dimension(s) {unknown}; expected {DIMENSIONS}")
        object.__setattr__(self, "requires", groups)
        object.__setattr__(
            self,
            "_group_indices",
            tuple(tuple(_DIM_INDEX[d] for d in g) for g in groups),
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> CombinationRule:
        """Build a rule from plain data (settings, JSON), e.g.
        ``{"name": ..., "source": ..., "requires": [["EX"]], "requires_act": true}``.
        """
        requires = data.get("requires", ())
        if not isinstance(requires, Iterable) or isinstance(requires, str):
            raise TypeError("'requires' must be a list of dimension groups")
        return cls(
            name=str(data["name"]),
            source=str(data.get("source", "")),
            requires=tuple(tuple(str(d) for d in group) for group in requires),  # type: ignore[union-attr]
            requires_act=bool(data.get("requires_act", False)),
            reliability=str(data.get("reliability", "")),
            note=str(data.get("note", "")),
        )

    def evaluate(self, dimensions: Mapping[str, bool], *, act_established: bool = True) -> bool:
        """Evaluate the rule on a mapping dimension code -> positive."""
        flags = tuple(bool(dimensions.get(d, False)) for d in DIMENSIONS)
        return self._evaluate_flags(flags, act_established)

    def _evaluate_flags(self, flags: tuple[bool, ...] | list[bool], act_established: bool) -> bool:
        if self.requires_act and not act_established:
            return False
        for group in self._group_indices:
            for i in group:
                if flags[i]:
                    break
            else:
                return False
        return True


# R-ILO-ADULT (rules.md §1.4 and §6.3): one recruitment-phase means, AND
# exploitation, AND one destination means.
ADULT_RULE: Final = CombinationRule(
    name="R-ILO-ADULT",
    source="rules.md §1.4 / §6.3; ILO-EC WCMS_105023 p.3 (via secondary source)",
    requires=(("DR", "CR", "VR"), ("EX",), ("CD", "VD")),
    requires_act=False,
    reliability="[V-S / M]",
    note="R-ILO-ADULT [V-S / M]: exact wording on WCMS_105023 p.3 to be checked",
)

# R-ILO-CHILD (rules.md §1.4 and §6.4): means are not required for a person
# under 18 (Palermo 3(c), Warsaw 4(c)), so act + exploitation. Configurable
# because the ILO may instead write "any recruitment dimension + EX".
CHILD_RULE: Final = CombinationRule(
    name="R-ILO-CHILD",
    source="rules.md §1.4 / §6.4; Palermo Art. 3(c), Warsaw Art. 4(c)",
    requires=(("EX",),),
    requires_act=True,
    reliability="[M]",
    note="R-ILO-CHILD [M]: exact ILO wording unconfirmed (act + EX, or any recruitment dimension + EX)",
)


# --------------------------------------------------------------------------
# Indicators and sets
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Indicator:
    """One ILO/EC operational indicator, specific to one set (rules.md §1.6)."""

    code: str
    set_code: str
    dimension: str
    concept: str
    strength: str
    label_en: str
    label_fr: str

    def __post_init__(self) -> None:
        if self.dimension not in _DIM_INDEX:
            raise IndicatorCatalogueError(
                f"{self.code}: unknown dimension {self.dimension!r}; expected one of {DIMENSIONS}"
            )
        if self.strength not in _STRENGTH_INDEX:
            raise IndicatorCatalogueError(
                f"{self.code}: unknown strength {self.strength!r}; expected one of {STRENGTHS}"
            )
        # One row per set: the same concept has different strengths in
        # different sets (rules.md §1.6), so the code carries the set prefix.
        if not self.code.startswith(f"{self.set_code}-"):
            raise IndicatorCatalogueError(f"{self.code}: code does not start with its set code {self.set_code!r}-")


@dataclass(frozen=True, slots=True)
class IndicatorSet:
    """A versioned indicator set (AL, AS, CL, CS...).

    ``indicators`` is a read-only mapping code -> :class:`Indicator`, in
    catalogue order. ``rule`` is "child" for sets whose code starts with "C"
    and "adult" otherwise. An incomplete set can be displayed as a
    questionnaire but is never scored authoritatively.
    """

    code: str
    version: str
    complete: bool
    # Excluded from the hash (a mapping is unhashable); code + version identify a set.
    indicators: Mapping[str, Indicator] = field(hash=False)
    rule: SetRule = field(init=False)
    # Precomputed at construction so that assess() does one dict lookup per
    # present code: code -> (dimension index, catalogue order, strength index, indicator).
    _lookup: Mapping[str, tuple[int, int, int, Indicator]] = field(init=False, repr=False, compare=False)
    _by_dimension: Mapping[str, tuple[Indicator, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not SET_CODE_RE.match(self.code):
            raise IndicatorCatalogueError(f"Invalid set code {self.code!r}")
        indicators = dict(self.indicators)
        lookup: dict[str, tuple[int, int, int, Indicator]] = {}
        groups: dict[str, list[Indicator]] = {d: [] for d in DIMENSIONS}
        for order, (key, ind) in enumerate(indicators.items()):
            if key != ind.code:
                raise IndicatorCatalogueError(f"Set {self.code}: key {key!r} differs from indicator code {ind.code!r}")
            if ind.set_code != self.code:
                raise IndicatorCatalogueError(f"Set {self.code}: indicator {ind.code} belongs to set {ind.set_code}")
            lookup[key] = (
                _DIM_INDEX[ind.dimension],
                order,
                _STRENGTH_INDEX[ind.strength],
                ind,
            )
            groups[ind.dimension].append(ind)
        object.__setattr__(self, "indicators", MappingProxyType(indicators))
        object.__setattr__(self, "rule", "child" if self.code.startswith("C") else "adult")
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(
            self,
            "_by_dimension",
            MappingProxyType({d: tuple(g) for d, g in groups.items()}),
        )

    @property
    def is_child(self) -> bool:
        return self.rule == "child"

    @property
    def default_rule(self) -> CombinationRule:
        return CHILD_RULE if self.rule == "child" else ADULT_RULE

    def by_dimension(self) -> dict[str, tuple[Indicator, ...]]:
        """Indicators grouped by dimension (all six keys, catalogue order)."""
        return dict(self._by_dimension)

    def strength_counts(self) -> dict[str, dict[str, int]]:
        """Number of indicators per dimension and strength (for documentation/tests)."""
        return {
            d: {s: sum(1 for i in inds if i.strength == s) for s in STRENGTHS}
            for d, inds in self._by_dimension.items()
        }


# --------------------------------------------------------------------------
# Assessment
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Assessment:
    """Result of screening one person against one indicator set.

    ``dimensions`` maps each of DR, CR, VR, EX, CD, VD to whether R-ILO-DIM
    makes it positive; ``evidence`` gives, per dimension, the present
    indicators of that dimension (catalogue order). For an incomplete set the
    outcome is "incomplete_set" and ``dimensions`` are *not authoritative*:
    the list is partial, so a negative dimension proves nothing.
    """

    set_code: str
    set_version: str
    dimensions: dict[str, bool]
    outcome: Outcome
    evidence: dict[str, tuple[Indicator, ...]]
    rule_applied: CombinationRule
    act_established: bool

    @property
    def authoritative(self) -> bool:
        return self.outcome != OUTCOME_INCOMPLETE_SET

    @property
    def label_fr(self) -> str:
        return outcome_label_fr(self.outcome)


_NO_EVIDENCE: Final[tuple[Indicator, ...]] = ()


def assess(
    indicator_set: IndicatorSet,
    present_codes: Iterable[str],
    *,
    act_established: bool = True,
    child_rule: CombinationRule | None = None,
    adult_rule: CombinationRule | None = None,
) -> Assessment:
    """Screen the indicators confirmed present against ``indicator_set``.

    ``present_codes`` are the codes answered "present" (duplicates are
    ignored; "absent" and "unknown" answers are simply not passed).
    ``act_established`` is only used by rules with ``requires_act`` (the
    default child rule). ``child_rule`` / ``adult_rule`` override the default
    cross-dimension rule for child / adult sets.

    Raises :class:`UnknownIndicatorError` if a code is not in the set.
    """
    if isinstance(present_codes, str):
        # A bare string would be iterated character by character.
        raise TypeError("present_codes must be an iterable of codes, not a string")
    if not isinstance(present_codes, (set, frozenset)):
        present_codes = set(present_codes)

    lookup = indicator_set._lookup
    buckets: list[list[tuple[int, int, int, Indicator]]] = [[], [], [], [], [], []]
    unknown: list[str] | None = None
    for code in present_codes:
        entry = lookup.get(code)
        if entry is None:
            if unknown is None:
                unknown = []
            unknown.append(code)
        else:
            buckets[entry[0]].append(entry)
    if unknown is not None:
        raise UnknownIndicatorError(indicator_set.code, unknown)

    flags = [False, False, False, False, False, False]
    dimensions: dict[str, bool] = {}
    evidence: dict[str, tuple[Indicator, ...]] = {}
    for i, bucket in enumerate(buckets):
        name = DIMENSIONS[i]
        if not bucket:
            dimensions[name] = False
            evidence[name] = _NO_EVIDENCE
            continue
        counts = [0, 0, 0]
        for entry in bucket:
            counts[entry[2]] += 1
        # R-ILO-DIM (rules.md §1.3, [V-S]) via the precomputed table.
        positive = _table_positive(counts[_S], counts[_M], counts[_W])
        flags[i] = positive
        dimensions[name] = positive
        if len(bucket) > 1:
            bucket.sort()  # catalogue order: (dimension, order) is unique
        evidence[name] = tuple([entry[3] for entry in bucket])

    if indicator_set.rule == "child":
        rule = child_rule if child_rule is not None else CHILD_RULE
    else:
        rule = adult_rule if adult_rule is not None else ADULT_RULE

    act = bool(act_established)
    if not indicator_set.complete:
        # rules.md §1.5.3: AS/CS must not be scored automatically until
        # transcribed; dimensions are still returned, as non-authoritative.
        outcome: Outcome = OUTCOME_INCOMPLETE_SET
    elif rule._evaluate_flags(flags, act):
        outcome = OUTCOME_MET
    else:
        outcome = OUTCOME_NOT_MET

    return Assessment(
        set_code=indicator_set.code,
        set_version=indicator_set.version,
        dimensions=dimensions,
        outcome=outcome,
        evidence=evidence,
        rule_applied=rule,
        act_established=act,
    )


def outcome_label_fr(outcome: str) -> str:
    """French user-facing label of an outcome (never a legal status)."""
    try:
        return _OUTCOME_LABELS_FR[outcome]
    except KeyError:
        raise ValueError(f"Unknown outcome {outcome!r}; expected one of {OUTCOMES}") from None
