"""French-aware normalisation of words for the directory search.

The same function builds the stored `Profile.search_text` column and the
query tokens, so matching is a plain substring test that behaves the same on
SQLite and PostgreSQL: lower case, accents stripped (unicodedata NFKD),
ligatures spelled out, and a light French plural stemming (trailing s/x,
« -aux » → « -al »). A full stemmer (Snowball) would conflate too much for
proper names; this is enough for « foyers » / « foyer », « hébergement » /
« hebergements », « médicaux » / « médical ».

Dotted abbreviations (« Ac.Sé », « C.H.R.S. ») are also stored joined
(« acse », « chrs »), so « ACSE » finds « Ac.Sé »; in a query a dotted
abbreviation gives only its joined form (`query_tokens`), so « A.N.R. » finds
« ANR » as well as « A.N.R. ».
"""

from __future__ import annotations

import re
import unicodedata

# PostgreSQL text-search configuration created by migration 0003
# (French stemming after unaccent).
PG_CONFIG = "maillage_fr"

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'"})
# A word, or alphanumeric runs joined by dots (« ac.se », « c.h.r.s »).
_WORD_RE = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*")
# Elided articles and very common words carry no meaning in a search.
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "ou",
        "par",
        "pour",
        "sur",
        "un",
        "une",
        "dans",
        "qui",
        "que",
    ]
)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def stem(word: str) -> str:
    """Singular form of a French word, approximately (plural s/x, -aux)."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("aux") and len(word) > 4:
        return word[:-3] + "al"
    if word.endswith(("s", "x")) and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(text: str, *, query: bool) -> list[str]:
    words: list[str] = []
    for run in _WORD_RE.findall(strip_accents(text or "")):
        parts = run.split(".")
        if len(parts) > 1 and not query:
            words.extend(parts)
        words.append("".join(parts))
    return words


def _stemmed(words: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for word in words:
        if word in STOP_WORDS:
            continue
        seen.setdefault(stem(word), None)
    return list(seen)


def tokens(text: str) -> list[str]:
    """Normalised, stemmed, deduplicated words of a text (order kept), as
    stored: a dotted abbreviation gives its parts and its joined form."""
    return _stemmed(_words(text, query=False))


def query_tokens(text: str) -> list[str]:
    """The words of a search query: as `tokens`, but a dotted abbreviation
    gives only its joined form (stored text always has it, whichever way the
    abbreviation was written)."""
    return _stemmed(_words(text, query=True))


def word_sequence(text: str) -> list[str]:
    """The normalised, stemmed words of a text in order, repeats kept and stop
    words dropped: for finding a name inside free text (a dotted abbreviation
    gives its joined form)."""
    return [stem(word) for word in _words(text, query=True) if word not in STOP_WORDS]


def contains_phrase(text: str, phrase: str, *, min_single_word: int = 3) -> bool:
    """Whether `text` contains the words of `phrase` in a row, whatever the
    accents, case, plurals or punctuation. A one-word phrase shorter than
    `min_single_word` letters never matches (too many false alarms)."""
    needle = word_sequence(phrase)
    if not needle or (len(needle) == 1 and len(needle[0]) < min_single_word):
        return False
    words = word_sequence(text)
    size = len(needle)
    return any(words[i : i + size] == needle for i in range(len(words) - size + 1))


def normalise(*parts: str) -> str:
    """Text stored in the search columns: space-separated tokens, padded with
    spaces so a token can be matched on a word start with `contains(" tok")`."""
    words: list[str] = []
    for part in parts:
        words.extend(tokens(part))
    return " " + " ".join(dict.fromkeys(words)) + " "
