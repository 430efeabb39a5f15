"""Tests for the indicative 225-4-1 pre-qualification (R-FR-QUALIF, rules.md §3.1)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.identification.qualification import (
    ACTS_FR,
    DEFAULT_PURPOSES,
    DISCLAIMER_FR,
    MEANS_FR,
    OUTCOME_ELEMENTS_NON_REUNIS,
    OUTCOME_ELEMENTS_REUNIS,
    PURPOSES_FR,
    SOURCE_225_4_1_I,
    SOURCE_225_4_1_II,
    QualificationInputError,
    outcome_label_fr,
    prequalify,
)


def test_vocabulary() -> None:
    assert ACTS_FR == (
        "recruter",
        "transporter",
        "transférer",
        "héberger",
        "accueillir",
    )
    assert {
        "PROX",
        "SEX",
        "ESCL",
        "TRAV_FORCE",
        "SERVITUDE",
        "ORGANE",
        "MENDICITE",
        "DIGNITE",
        "DELITS_FORCES",
    } == DEFAULT_PURPOSES
    assert set(MEANS_FR) == {1, 2, 3, 4}
    assert all(MEANS_FR[n].startswith(f"{n}°") for n in MEANS_FR)
    assert set(PURPOSES_FR) == DEFAULT_PURPOSES


def test_disclaimer_says_indicative() -> None:
    assert "indicative" in DISCLAIMER_FR
    assert "victime" not in outcome_label_fr(OUTCOME_ELEMENTS_REUNIS)


def test_minor_without_means_is_reunis() -> None:
    result = prequalify(acts=["héberger"], purposes=["MENDICITE"], means=[], minor=True)
    assert result.outcome == OUTCOME_ELEMENTS_REUNIS
    assert result.elements_reunis
    assert result.missing == ()
    assert SOURCE_225_4_1_II in result.sources
    assert SOURCE_225_4_1_I in result.sources
    assert result.disclaimer == DISCLAIMER_FR


def test_adult_without_means_is_non_reunis() -> None:
    result = prequalify(acts=["recruter"], purposes=["TRAV_FORCE"], means=None, minor=False)
    assert result.outcome == OUTCOME_ELEMENTS_NON_REUNIS
    assert result.missing == ("means",)
    assert SOURCE_225_4_1_II not in result.sources
    assert result.missing_labels_fr == ("circonstance (art. 225-4-1, I, 1° à 4°)",)


def test_adult_with_means_is_reunis_and_cites_circumstance() -> None:
    result = prequalify(acts="transporter", purposes="PROX", means=3, minor=False)
    assert result.outcome == OUTCOME_ELEMENTS_REUNIS
    assert result.acts == ("transporter",)
    assert result.means == (3,)
    assert "Code pénal, art. 225-4-1, I, 3°" in result.sources


def test_missing_act_and_purpose() -> None:
    result = prequalify(acts=[], purposes=[], means=[1], minor=False)
    assert result.outcome == OUTCOME_ELEMENTS_NON_REUNIS
    assert result.missing == ("act", "purpose")
    result = prequalify(acts=None, purposes=None, means=None, minor=False)
    assert result.missing == ("act", "purpose", "means")


def test_unknown_purpose_rejected() -> None:
    with pytest.raises(QualificationInputError, match="MARIAGE_FORCE"):
        prequalify(acts=["recruter"], purposes=["MARIAGE_FORCE"], means=[1], minor=False)


def test_purposes_are_extensible() -> None:
    # Directive (EU) 2024/1712 adds forced marriage (transposition pending).
    allowed = DEFAULT_PURPOSES | {"MARIAGE_FORCE"}
    result = prequalify(
        acts=["recruter"],
        purposes=["MARIAGE_FORCE"],
        means=[1],
        minor=False,
        allowed_purposes=allowed,
    )
    assert result.outcome == OUTCOME_ELEMENTS_REUNIS
    # A restricted list rejects the others.
    with pytest.raises(QualificationInputError):
        prequalify(
            acts=["recruter"],
            purposes=["PROX"],
            means=[1],
            minor=False,
            allowed_purposes={"SEX"},
        )


@pytest.mark.parametrize("bad_means", [0, 5, True, "1"])
def test_unknown_means_rejected(bad_means: object) -> None:
    with pytest.raises(QualificationInputError):
        prequalify(acts=["recruter"], purposes=["PROX"], means=[bad_means], minor=False)  # type: ignore[list-item]


def test_unknown_act_rejected() -> None:
    with pytest.raises(QualificationInputError, match="exploiter"):
        prequalify(acts=["exploiter"], purposes=["PROX"], means=[1], minor=False)


def test_decomposed_accents_accepted() -> None:
    nfd = unicodedata.normalize("NFD", "transférer")
    assert nfd != "transférer"
    result = prequalify(acts=[nfd], purposes=["ESCL"], means=[2], minor=False)
    assert result.acts == ("transférer",)


@given(
    acts=st.sets(st.sampled_from(ACTS_FR)),
    purposes=st.sets(st.sampled_from(sorted(DEFAULT_PURPOSES))),
    means=st.sets(st.sampled_from([1, 2, 3, 4])),
    minor=st.booleans(),
)
def test_matches_rule_definition(acts: set[str], purposes: set[str], means: set[int], minor: bool) -> None:
    # R-FR-QUALIF: act AND purpose AND (minor OR means).
    result = prequalify(acts=acts, purposes=purposes, means=means, minor=minor)
    expected = bool(acts) and bool(purposes) and (minor or bool(means))
    assert result.elements_reunis is expected
    assert (result.outcome == OUTCOME_ELEMENTS_REUNIS) is expected
    assert ("means" in result.missing) is (not minor and not means)
