"""Normalisation of identities before encoding (standard library only).

The browser encoder (`static/linkage/encoder.js`) implements the same steps with
the same rules (`rules.py`); `tests/linkage/test_browser_encoder.py` proves both
give identical encodings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from . import rules

_PHONETIC = tuple((re.compile(pattern), replacement) for pattern, replacement in rules.PHONETIC_RULES)
# ASCII digits only and whole-string matches, as the browser's RegExp reads them.
_ASCII_WORD = re.compile(r"[a-z]+")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_FRENCH_DATE = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})")
_YEAR = re.compile(r"([0-9]{4})")
_COUNTRY = re.compile(r"[A-Z]{2}")
_NOT_ASCII_LETTER = re.compile(r"[^a-z]")


def fold(text: str) -> str:
    """Lower-case letters without accents; every other character becomes a space.

    NFKD splits accented letters into a base letter and combining marks, which
    are dropped (é -> e, ñ -> n, ǆ -> dz); letters NFKD keeps whole (ß, œ, ł…)
    and Cyrillic ones are spelt out from `rules`."""
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        # The same result as below for ASCII text, without the loop.
        return _NOT_ASCII_LETTER.sub(" ", decomposed.lower())
    without_marks = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    out = []
    for c in without_marks.lower():
        c = rules.SPECIAL_LETTERS.get(c, c)
        c = rules.CYRILLIC.get(c, c)
        out.append(c)
    # Letters in the Unicode sense (\p{L} in JavaScript): digits, hyphens,
    # apostrophes and punctuation separate words.
    return "".join(c if c.isalpha() else " " for c in "".join(out))


def name_words(text: str) -> list[str]:
    """The words of a name, in their order, particles dropped unless nothing else remains."""
    return list(_name_words(text or ""))


@lru_cache(maxsize=1 << 18)
def _name_words(text: str) -> tuple[str, ...]:
    words = fold(text).split()
    kept = [w for w in words if w not in rules.PARTICLES]
    return tuple(kept or words)


@lru_cache(maxsize=1 << 18)
def phonetic(word: str) -> str:
    """A sound key for one normalised word (see rules.PHONETIC_RULES)."""
    if not _ASCII_WORD.fullmatch(word):
        return word
    for pattern, replacement in _PHONETIC:
        word = pattern.sub(replacement, word)
    collapsed = []
    for c in word:
        if not collapsed or collapsed[-1] != c:
            collapsed.append(c)
    return "".join(collapsed).lower()


@dataclass(frozen=True)
class BirthDate:
    """What is known of a birth date: the year, and day and month when they are real."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def full(self) -> str | None:
        if self.year is None or self.month is None:
            return None
        return f"{self.year:04d}{self.month:02d}{self.day:02d}"

    @property
    def swap_invariant(self) -> str | None:
        """Year with day and month in ascending order: equal for 1990-03-07 and 1990-07-03."""
        if self.year is None or self.month is None:
            return None
        low, high = sorted((self.day, self.month))
        return f"{self.year:04d}{low:02d}{high:02d}"

    @property
    def year_text(self) -> str | None:
        return None if self.year is None else f"{self.year:04d}"


class InvalidValue(ValueError):
    pass


def parse_birth_date(text: str, *, today: date | None = None) -> BirthDate:
    """`YYYY-MM-DD`, `YYYY`, `DD/MM/YYYY` (as spreadsheets write it in France) or empty.

    A placeholder day and month (1 January, 31 December) keeps only the year;
    a year before rules.EARLIEST_YEAR or in the future is unknown."""
    text = (text or "").strip()
    if not text:
        return BirthDate()
    today = today or date.today()
    if m := _ISO_DATE.fullmatch(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _FRENCH_DATE.fullmatch(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _YEAR.fullmatch(text):
        year = int(m[1])
        return BirthDate(year=year) if rules.EARLIEST_YEAR <= year <= today.year else BirthDate()
    else:
        raise InvalidValue(f"date de naissance « {text} » : attendu AAAA-MM-JJ, AAAA ou vide")
    try:
        date(year, month, day)
    except ValueError:
        raise InvalidValue(f"date de naissance « {text} » : ce jour n'existe pas") from None
    if not rules.EARLIEST_YEAR <= year <= today.year:
        return BirthDate()
    if (day, month) in rules.PLACEHOLDER_DAY_MONTHS:
        return BirthDate(year=year)
    return BirthDate(year=year, month=month, day=day)


def normalise_sex(text: str) -> str:
    """'m', 'f' or '' (unknown, other or not given)."""
    return rules.SEX_VALUES.get(fold(text or "").strip(), "")


def normalise_citizenship(text: str) -> str:
    """ISO 3166-1 alpha-2 in upper case, or ''."""
    text = (text or "").strip().upper()
    if text and not _COUNTRY.fullmatch(text):
        raise InvalidValue(f"nationalité « {text} » : attendu un code pays ISO à deux lettres (FR, RO, NG…) ou vide")
    return text
