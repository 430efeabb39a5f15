"""Normalisation rules as data, shared by the Python encoder and the browser one.

One source of truth: `static/linkage/rules.js` is generated from this module
(`python -m maillage.linkage.rules > static/linkage/rules.js`) and a test checks
it is up to date. Regular expressions here use only what Python's `re` and
JavaScript's `RegExp` read the same way (character classes, alternation,
lookahead, anchors; no backreferences in replacements).

Changing anything here changes the encodings: bump `SCHEME` so that files made
with the old rules are refused by the linker instead of silently failing to match.
"""

from __future__ import annotations

import json
import sys

# Part of every keyed message and of the key check value.
SCHEME = "maillage-linkage/v2"

# Letters that Unicode NFKD does not decompose into a base letter and a mark.
SPECIAL_LETTERS = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
    "ħ": "h",
    "ŧ": "t",
    "ŋ": "n",
    "ĸ": "k",
    "ſ": "s",
}

# Cyrillic letters written in their own script, transliterated the French way
# (as French civil registry and OFPRA documents usually spell them). Spellings
# transliterated the English or German way (u/ou, kh/h, zh/j) are brought together
# by the phonetic key, not here.
CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "ё": "io",
    "є": "ie",
    "ж": "j",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "ou",
    "ў": "ou",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "tch",
    "ш": "ch",
    "щ": "chtch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iou",
    "я": "ia",
}

# Particles dropped from names when they stand as separate words ("de la
# Fontaine" -> "fontaine", "Ben Ali" -> "ali", "d'Estaing" -> "estaing"), unless
# nothing else would remain (a given name "Ben" stays "ben").
PARTICLES = frozenset(
    {
        "d",
        "de",
        "des",
        "du",
        "l",
        "la",
        "le",
        "les",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "di",
        "da",
        "do",
        "dos",
        "das",
        "del",
        "della",
        "y",
        "al",
        "el",
        "ben",
        "bin",
        "ibn",
        "bint",
        "abu",
        "ould",
        "mac",
        "st",
        "saint",
        "sainte",
        # Vietnamese middle name of women (Nguyễn Thị Lan): it tells the sex, not the
        # person, and is left out by some forms (Văn, the men's, is "van" above).
        "thi",
    }
)

# Birth dates that registries write when only the year is known (UNHCR and many
# asylum and border administrations register unknown dates as 1 January; some as
# 31 December). Such a date keeps its year and loses its day and month.
PLACEHOLDER_DAY_MONTHS = frozenset({(1, 1), (31, 12)})
# Years outside this range are treated as unknown (placeholders such as 1900).
EARLIEST_YEAR = 1901

# Phonetic key for one name word, after normalisation (letters a-z only; a word
# with other letters, e.g. Arabic or Chinese script, is kept as it is). Applied in
# order; then repeated letters collapse and the result is lower-cased. Built to
# bring together French spellings and the usual transliterations of the same
# name: Mohamed / Mohammed / Muhammad / Mouhamad, Aleksandr / Alexandre /
# Oleksandr, Youssouf / Yusuf, Dupont / Dupond, Fatoumata / Fatumata.
# Upper-case letters are markers that later rules leave alone.
PHONETIC_RULES = (
    ("x", "ks"),
    ("tsch|sch|tch|sh|ch", "X"),
    ("dzh|dj|zh", "j"),
    ("ph", "f"),
    ("gh", "g"),
    ("kh", "k"),
    ("th", "t"),
    ("ck|qu|q", "k"),
    ("c(?=[eiy])", "s"),
    ("c", "k"),
    ("w", "v"),
    ("z", "s"),
    ("y", "i"),
    ("h", ""),
    ("m(?=[bp])", "n"),
    ("^[aeiou]+", "A"),
    ("[aeiou]", ""),
    ("(?<=.)s$", ""),
    ("d$", "t"),
)

# Values of the `sex` column, after lower-casing and removing accents.
SEX_VALUES = {
    "m": "m",
    "h": "m",
    "male": "m",
    "homme": "m",
    "masculin": "m",
    "f": "f",
    "female": "f",
    "femme": "f",
    "feminin": "f",
}

# How many leading letters of a name the "prefixes" encoding keeps.
PREFIX_LENGTH = 3


def as_dict() -> dict:
    return {
        "scheme": SCHEME,
        "specialLetters": SPECIAL_LETTERS,
        "cyrillic": CYRILLIC,
        "particles": sorted(PARTICLES),
        "placeholderDayMonths": sorted([day, month] for day, month in PLACEHOLDER_DAY_MONTHS),
        "earliestYear": EARLIEST_YEAR,
        "phoneticRules": [list(rule) for rule in PHONETIC_RULES],
        "sexValues": SEX_VALUES,
        "prefixLength": PREFIX_LENGTH,
    }


def javascript_module() -> str:
    body = json.dumps(as_dict(), ensure_ascii=False, indent=2, sort_keys=True)
    return (
        "// Generated by `python -m maillage.linkage.rules > static/linkage/rules.js` from\n"
        "// maillage/linkage/rules.py. Do not edit by hand (a test checks it is up to date).\n"
        f"export default {body};\n"
    )


if __name__ == "__main__":
    sys.stdout.write(javascript_module())
