"""Normalisation: the forms of one name an organisation may write encode alike."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.linkage import rules
from maillage.linkage.encoding import ENCODINGS, Encoder
from maillage.linkage.normalise import InvalidValue, fold, name_words, parse_birth_date, phonetic

from .conftest import CAMPAIGN_SECRET

ENCODER = Encoder(CAMPAIGN_SECRET)
# Latin letters with and without accents, as names are typed.
LETTERS = "abcdefghijklmnopqrstuvwxyzéèêëàâäîïôöûüùçñ"
name_word = st.text(alphabet=LETTERS, min_size=2, max_size=12).filter(lambda w: fold(w).strip() not in rules.PARTICLES)


def record(given_names, family_names, birth_date="1993-04-17", sex="F", citizenship="NG"):
    return {
        "record_id": "r1",
        "organisation": "asso",
        "given_names": given_names,
        "family_names": family_names,
        "birth_date": birth_date,
        "sex": sex,
        "citizenship": citizenship,
    }


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@given(given_word=name_word, family_words=st.lists(name_word, min_size=1, max_size=3))
def test_accents_capitals_and_hyphens_do_not_change_any_encoding(given_word, family_words):
    plain = ENCODER.encode(record(given_word, " ".join(family_words)))
    for variant in (
        record(given_word.upper(), " ".join(family_words).upper()),
        record(strip_accents(given_word), strip_accents(" ".join(family_words))),
        record(f"  {given_word.capitalize()} ", "-".join(family_words)),
        record(unicodedata.normalize("NFD", given_word), "'".join(family_words)),
    ):
        assert ENCODER.encode(variant) == plain


@given(given_word=name_word, family_word=name_word)
def test_swapped_given_and_family_names_share_the_order_free_encodings(given_word, family_word):
    plain = ENCODER.encode(record(given_word, family_word))
    swapped = ENCODER.encode(record(family_word.upper(), given_word))
    for key in ENCODINGS:
        if key not in ("e_family_date", "e_given_date"):
            assert plain[key] == swapped[key], key


@given(day=st.integers(1, 12), month=st.integers(1, 12))
def test_day_and_month_swapped_share_the_swap_invariant_encodings(day, month):
    if (day, month) in rules.PLACEHOLDER_DAY_MONTHS or (month, day) in rules.PLACEHOLDER_DAY_MONTHS:
        return
    plain = ENCODER.encode(record("Blessing", "Osagie", f"1996-{month:02d}-{day:02d}"))
    swapped = ENCODER.encode(record("Blessing", "Osagie", f"1996-{day:02d}-{month:02d}"))
    assert plain["e_firsts_swapdate"] == swapped["e_firsts_swapdate"]
    assert plain["e_phonetic_swapdate"] == swapped["e_phonetic_swapdate"]


def test_particles_and_elisions_are_dropped_unless_nothing_else_remains():
    assert name_words("de La Fontaine") == ["fontaine"]
    assert name_words("d'Estaing") == ["estaing"]
    assert name_words("Ben Ali") == ["ali"]
    assert name_words("Ben") == ["ben"]


def test_letters_outside_latin_are_spelt_or_kept():
    assert name_words("Шевченко Юлия") == ["chevtchenko", "iouliia"]
    assert name_words("Straße Œdipe Łukasz") == ["strasse", "oedipe", "lukasz"]
    assert name_words("محمد") == ["محمد"]


@pytest.mark.parametrize(
    "spellings",
    [
        ("Mohamed", "Mohammed", "Muhammad", "Mouhamad"),
        ("Aleksandr", "Alexandre", "Oleksandr"),
        ("Youssouf", "Yusuf", "Yousouf"),
        ("Dupont", "Dupond"),
        ("Fatoumata", "Fatumata", "Fatoumatta"),
        ("Chevtchenko", "Shevchenko", "Schevchenko"),
        ("Tesfamariam", "Tesfamaryam"),
    ],
)
def test_the_phonetic_key_brings_transliterations_together(spellings):
    assert len({phonetic(name_words(s)[0]) for s in spellings}) == 1


@pytest.mark.parametrize(
    ("text", "full", "year"),
    [
        ("1990-03-07", "19900307", "1990"),
        ("07/03/1990", "19900307", "1990"),
        ("1990", None, "1990"),
        ("1990-01-01", None, "1990"),  # placeholder: only the year is known
        ("1990-12-31", None, "1990"),
        ("1900-06-15", None, None),
        ("", None, None),
    ],
)
def test_birth_dates(text, full, year):
    birth = parse_birth_date(text)
    assert (birth.full, birth.year_text) == (full, year)


@pytest.mark.parametrize("text", ["1990-02-30", "3/7/1990", "1990-3-7", "vers 1990", "١٩٩٠"])
def test_malformed_birth_dates_are_refused(text):
    with pytest.raises(InvalidValue):
        parse_birth_date(text)


def test_unknown_parts_leave_encodings_empty_rather_than_equal():
    encoded = ENCODER.encode(record("", "", "", "", ""))
    assert all(encoded[key] == "" for key in ENCODINGS)
    year_only = ENCODER.encode(record("Ivie", "Omoruyi", "1999"))
    assert year_only["e_core_date"] == "" and year_only["e_firsts_year"] != ""
    no_date = ENCODER.encode(record("Ivie", "Omoruyi", ""))
    assert no_date["e_firsts_year"] == "" and no_date["e_core_sex_cit"] != ""
    # Names alone never: without sex or citizenship, nothing is encoded without a date.
    assert all(v == "" for k, v in ENCODER.encode(record("Ivie", "Omoruyi", "", "", "")).items() if k in ENCODINGS)


@given(given_words=st.lists(name_word, min_size=2, max_size=3), family_word=name_word)
def test_a_swap_with_several_given_names_keeps_the_first_words_encodings(given_words, family_word):
    plain = ENCODER.encode(record(" ".join(given_words), family_word))
    swapped = ENCODER.encode(record(family_word, " ".join(given_words)))
    assert plain["e_firsts_swapdate"] == swapped["e_firsts_swapdate"]
    assert plain["e_firsts_year"] == swapped["e_firsts_year"]
    assert plain["e_all_date"] == swapped["e_all_date"]


def test_the_vietnamese_middle_names_are_left_out_like_particles():
    assert name_words("Thi Lan") == name_words("Lan") == ["lan"]
    assert name_words("Van Minh") == ["minh"]
