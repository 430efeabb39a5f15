"""Indicative French legal pre-qualification (Code pénal, art. 225-4-1).

Pure Python on purpose (no Django import). Implements R-FR-QUALIF
(rules.md §3.1 and §6.5, [V-S]):

    act ∈ {recruter, transporter, transférer, héberger, accueillir}
    AND purpose ∈ FormeExploitation_FR
    AND (victim_minor OR means ∈ {1°, 2°, 3°, 4°})

This is a checklist of the constituent elements, not a qualification: the
legal qualification belongs to the police, the gendarmerie and the
magistrates (rules.md §3.1 and §3.2). See :data:`DISCLAIMER_FR`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

__all__ = [
    "ACTS_FR",
    "DEFAULT_PURPOSES",
    "DISCLAIMER_FR",
    "ELEMENT_LABELS_FR",
    "MEANS_FR",
    "OUTCOME_ELEMENTS_NON_REUNIS",
    "OUTCOME_ELEMENTS_REUNIS",
    "PURPOSES_FR",
    "SOURCE_225_4_1_I",
    "SOURCE_225_4_1_II",
    "SOURCE_RULE",
    "PreQualification",
    "QualificationInputError",
    "outcome_label_fr",
    "prequalify",
]

DISCLAIMER_FR: Final = (
    "Pré-qualification indicative, sans valeur juridique : elle vérifie seulement si les "
    "éléments constitutifs de l'article 225-4-1 du Code pénal ont été renseignés. "
    "La qualification pénale des faits et l'identification des victimes relèvent des "
    "forces de l'ordre et de l'autorité judiciaire."
)

OUTCOME_ELEMENTS_REUNIS: Final = "elements_reunis"
OUTCOME_ELEMENTS_NON_REUNIS: Final = "elements_non_reunis"
Outcome = Literal["elements_reunis", "elements_non_reunis"]

_OUTCOME_LABELS_FR: Final[Mapping[str, str]] = MappingProxyType(
    {
        OUTCOME_ELEMENTS_REUNIS: "éléments de l'article 225-4-1 réunis (indicatif)",
        OUTCOME_ELEMENTS_NON_REUNIS: "éléments de l'article 225-4-1 non réunis (indicatif)",
    }
)

# Legal sources (rules.md §3.1: text as amended by loi n° 2013-711, [V-S]).
SOURCE_225_4_1_I: Final = "Code pénal, art. 225-4-1, I (rédaction issue de la loi n° 2013-711 du 5 août 2013)"
SOURCE_225_4_1_II: Final = "Code pénal, art. 225-4-1, II (victime mineure : circonstances 1° à 4° non exigées)"
SOURCE_RULE: Final = "Maillage rules.md §3.1 / §6.5, règle R-FR-QUALIF [V-S]"

# The five material acts of 225-4-1 I (rules.md §3.1, [V-S]).
ACTS_FR: Final[tuple[str, ...]] = (
    "recruter",
    "transporter",
    "transférer",
    "héberger",
    "accueillir",
)

# FormeExploitation_FR, closed list taken from 225-4-1 (rules.md §3.1, [V-S]).
# Extensible by the caller (Directive (EU) 2024/1712, transposition pending)
# through the ``allowed_purposes`` argument of prequalify().
PURPOSES_FR: Final[Mapping[str, str]] = MappingProxyType(
    {
        "PROX": "proxénétisme",
        "SEX": "agression ou atteintes sexuelles",
        "ESCL": "réduction en esclavage",
        "TRAV_FORCE": "soumission à du travail ou à des services forcés",
        "SERVITUDE": "réduction en servitude",
        "ORGANE": "prélèvement de l'un de ses organes",
        "MENDICITE": "exploitation de la mendicité",
        "DIGNITE": "conditions de travail ou d'hébergement contraires à sa dignité",
        "DELITS_FORCES": "contrainte à commettre tout crime ou délit",
    }
)
DEFAULT_PURPOSES: Final[frozenset[str]] = frozenset(PURPOSES_FR)

# The four circumstances (means) of 225-4-1 I, 1° to 4° (rules.md §3.1, [V-S]).
MEANS_FR: Final[Mapping[int, str]] = MappingProxyType(
    {
        1: (
            "1° menace, contrainte, violence ou manœuvre dolosive visant la victime, sa famille "
            "ou une personne en relation habituelle avec la victime"
        ),
        2: (
            "2° par un ascendant légitime, naturel ou adoptif de cette personne ou par une "
            "personne qui a autorité sur elle ou abuse de l'autorité que lui confèrent ses fonctions"
        ),
        3: (
            "3° abus d'une situation de vulnérabilité due à son âge, à une maladie, à une "
            "infirmité, à une déficience physique ou psychique ou à un état de grossesse, "
            "apparente ou connue de son auteur"
        ),
        4: (
            "4° en échange ou par l'octroi d'une rémunération ou de tout autre avantage ou "
            "d'une promesse de rémunération ou d'avantage"
        ),
    }
)

# Element keys reported in PreQualification.missing, with French labels for the UI.
ELEMENT_LABELS_FR: Final[Mapping[str, str]] = MappingProxyType(
    {
        "act": "acte (recruter, transporter, transférer, héberger ou accueillir une personne)",
        "purpose": "finalité d'exploitation (art. 225-4-1, I, alinéa 2)",
        "means": "circonstance (art. 225-4-1, I, 1° à 4°)",
    }
)


class QualificationInputError(ValueError):
    """An act, purpose or means is not in the legal vocabulary."""


@dataclass(frozen=True, slots=True)
class PreQualification:
    """Indicative result of R-FR-QUALIF. Never a legal qualification."""

    outcome: Outcome
    missing: tuple[str, ...]
    sources: tuple[str, ...]
    minor: bool
    acts: tuple[str, ...]
    purposes: tuple[str, ...]
    means: tuple[int, ...]
    disclaimer: str = DISCLAIMER_FR

    @property
    def elements_reunis(self) -> bool:
        return self.outcome == OUTCOME_ELEMENTS_REUNIS

    @property
    def label_fr(self) -> str:
        return outcome_label_fr(self.outcome)

    @property
    def missing_labels_fr(self) -> tuple[str, ...]:
        return tuple(ELEMENT_LABELS_FR[m] for m in self.missing)


def _as_tuple(value: object, scalar: type) -> tuple:
    # Accept a single value as well as a collection; a bare str must not be
    # iterated character by character.
    if value is None:
        return ()
    if isinstance(value, scalar):
        return (value,)
    if isinstance(value, str):
        raise QualificationInputError(f"Valeur inattendue : {value!r}")
    return tuple(value)  # type: ignore[call-overload]


def _nfc(text: str) -> str:
    # Accented verbs may arrive decomposed (NFD) from some browsers/OSes.
    return unicodedata.normalize("NFC", text).strip()


def prequalify(
    *,
    acts: str | Iterable[str] | None,
    purposes: str | Iterable[str] | None,
    means: int | Iterable[int] | None,
    minor: bool,
    allowed_purposes: Collection[str] = DEFAULT_PURPOSES,
) -> PreQualification:
    """Check the constituent elements of 225-4-1 (R-FR-QUALIF).

    ``acts``: established acts among :data:`ACTS_FR` (one suffices).
    ``purposes``: exploitation purposes among ``allowed_purposes`` (default
    the nine forms of :data:`PURPOSES_FR`). ``means``: circumstances among
    1, 2, 3, 4. ``minor``: the person was under 18 at the time of the facts,
    or is treated as such (R-AGE, rules.md §6.1); then the means are not
    required (225-4-1 II).

    Unknown values raise :class:`QualificationInputError` rather than being
    ignored, so that a typo never silently turns into a missing element.
    """
    act_values = tuple(dict.fromkeys(_nfc(a) for a in _as_tuple(acts, str)))
    unknown_acts = [a for a in act_values if a not in ACTS_FR]
    if unknown_acts:
        raise QualificationInputError(f"Acte(s) inconnu(s) : {unknown_acts}; attendus : {list(ACTS_FR)}")

    allowed = frozenset(allowed_purposes)
    purpose_values = tuple(dict.fromkeys(_nfc(p) for p in _as_tuple(purposes, str)))
    unknown_purposes = [p for p in purpose_values if p not in allowed]
    if unknown_purposes:
        raise QualificationInputError(
            f"Finalité(s) d'exploitation inconnue(s) : {unknown_purposes}; attendues : {sorted(allowed)}"
        )

    means_values = tuple(dict.fromkeys(_as_tuple(means, int)))
    # bool is an int subclass: True must not be read as circumstance 1°.
    unknown_means = [m for m in means_values if isinstance(m, bool) or m not in MEANS_FR]
    if unknown_means:
        raise QualificationInputError(f"Circonstance(s) inconnue(s) : {unknown_means}; attendues : 1, 2, 3 ou 4")

    is_minor = bool(minor)
    missing: list[str] = []
    if not act_values:
        missing.append("act")
    if not purpose_values:
        missing.append("purpose")
    # R-FR-QUALIF: means required only for an adult (225-4-1 I); for a minor
    # the offence is constituted without them (225-4-1 II).
    if not is_minor and not means_values:
        missing.append("means")

    sources = [SOURCE_225_4_1_I]
    if is_minor:
        sources.append(SOURCE_225_4_1_II)
    else:
        sources.extend(f"Code pénal, art. 225-4-1, I, {m}°" for m in sorted(means_values))
    sources.append(SOURCE_RULE)

    return PreQualification(
        outcome=OUTCOME_ELEMENTS_NON_REUNIS if missing else OUTCOME_ELEMENTS_REUNIS,
        missing=tuple(missing),
        sources=tuple(sources),
        minor=is_minor,
        acts=act_values,
        purposes=purpose_values,
        means=tuple(sorted(means_values)),
    )


def outcome_label_fr(outcome: str) -> str:
    """French label of a pre-qualification outcome (always marked indicative)."""
    try:
        return _OUTCOME_LABELS_FR[outcome]
    except KeyError:
        raise ValueError(f"Unknown outcome {outcome!r}") from None
