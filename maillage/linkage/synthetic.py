"""Synthetic returns with a known truth, for tests and benchmarks (no real person).

    data = generate(records=10_000, organisations=8, seed=1)
    data.rows        # dicts with the encoder's input columns (+ local_person_id)
    data.truth       # record_id -> true person number

People come from several origins (Nigeria, France, Romania, the Maghreb,
China, Eastern Europe written from Cyrillic, the Horn of Africa, Viet Nam,
Albania, Afghanistan) in the proportions of the published surveys, with names
drawn from published frequency tables (population.py); some are followed by
several organisations. Each
record is written as an organisation would write it, with the errors seen in
real returns: typos, other transliterations (Mohamed / Muhammad, Oleksandr /
Aleksandr), given and family names swapped, only the first given name,
accents, capitals and hyphens, birth dates unknown, year only, « 01/01 »
placeholders or day and month swapped, sex or nationality missing.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from . import population
from .encoding import INPUT_COLUMNS, LOCAL_PERSON_COLUMN

# Origins of the people followed, with the share of women (MIPROF–ONDRP survey of
# victims followed by associations in 2015: 1,857 victims, 88 % women, Nigeria
# 53 %, Romania 12 %, Morocco 6 %, then Algeria and Bulgaria; later editions see
# more French victims, minors in prostitution). The name pools: population.py.
ORIGINS = {
    "NG": {"weight": 0.40, "women": 0.95, "citizenship": ["NG", "NG", "NG", "GH", "CM"], "age": 26},
    "FR": {"weight": 0.16, "women": 0.85, "citizenship": ["FR"], "age": 22},
    "RO": {"weight": 0.12, "women": 0.80, "citizenship": ["RO", "RO", "BG"], "age": 27},
    "MAGHREB": {"weight": 0.10, "women": 0.60, "citizenship": ["MA", "DZ", "TN"], "age": 27},
    "CN": {"weight": 0.05, "women": 0.90, "citizenship": ["CN"], "age": 40},
    "CYRILLIC": {"weight": 0.04, "women": 0.70, "citizenship": ["UA", "RU", "MD", "BY"], "age": 30},
    "HORN": {"weight": 0.04, "women": 0.50, "citizenship": ["ER", "ET", "SO", "SD"], "age": 25},
    "VN": {"weight": 0.03, "women": 0.50, "citizenship": ["VN"], "age": 24},
    "AL": {"weight": 0.03, "women": 0.70, "citizenship": ["AL", "XK"], "age": 27},
    "AF": {"weight": 0.03, "women": 0.15, "citizenship": ["AF", "PK", "IR"], "age": 22},
}
# Given names written before the family name in the country's own order, which
# French forms often mix up (Chinese and Vietnamese names).
FAMILY_FIRST = frozenset({"CN", "VN"})
# Russian surnames take a feminine ending.
_RUSSIAN_ENDINGS = (("ov", "ova"), ("ev", "eva"), ("in", "ina"), ("sky", "skaya"))

# Alternative spellings seen in transliterations (applied to one occurrence).
TRANSLITERATIONS = [
    ("ou", "u"),
    ("u", "ou"),
    ("y", "i"),
    ("iy", "ii"),
    ("ya", "ia"),
    ("yu", "iou"),
    ("kh", "h"),
    ("sh", "ch"),
    ("zh", "j"),
    ("ch", "tch"),
    ("ks", "x"),
    ("x", "ks"),
    ("mm", "m"),
    ("m", "mm"),
    ("ss", "s"),
    ("e", "é"),
    ("ph", "f"),
    ("k", "c"),
    ("oh", "uh"),
    ("ed", "ad"),
]
FAMOUS_VARIANTS = {
    "Mohamed": ["Mohammed", "Muhammad", "Mouhamed", "Mohammad", "Mohamad"],
    "Mohammad": ["Mohammed", "Muhammad", "Mohamad"],
    "Youssef": ["Yousef", "Youcef", "Yusuf"],
    "Oleksandr": ["Aleksandr", "Alexandre", "Oleksander"],
    "Yulia": ["Ioulia", "Julia", "Yuliya"],
    "Mykola": ["Nikolai", "Mikola"],
    "Fatima": ["Fatma", "Fatimah"],
    "Tesfamariam": ["Tesfa Mariam", "Tesfamaryam"],
    "Ghebremedhin": ["Gebremedhin", "Ghebremedin"],
}


@dataclass
class ErrorRates:
    typo_family: float = 0.04
    typo_given: float = 0.03
    transliteration: float = 0.10  # foreign names only
    swap_names: float = 0.05
    swap_names_family_first: float = 0.15  # Chinese and Vietnamese names
    first_given_only: float = 0.25  # of people with several given names
    grandfather_left_out: float = 0.3  # Horn of Africa: the grandfather's name written by some only
    cosmetic: float = 0.30  # capitals, accents dropped, hyphens/spaces, particles
    family_missing: float = 0.01
    date_missing: float = 0.01
    date_year_only: float = 0.03
    date_placeholder: float = 0.03  # written 01/01 of the birth year
    date_day_month_swap: float = 0.03
    date_typo: float = 0.02  # one digit of the day wrong
    sex_missing: float = 0.03
    citizenship_missing: float = 0.05
    citizenship_other: float = 0.02


@dataclass
class Person:
    number: int
    origin: str
    sex: str
    given: list[str]
    family: list[str]
    birth: tuple[int, int, int] | None
    citizenship: str
    placeholder_birth: bool = False


@dataclass
class SyntheticData:
    rows: list[dict[str, str]] = field(default_factory=list)
    truth: dict[str, int] = field(default_factory=dict)

    def by_organisation(self) -> dict[str, list[dict[str, str]]]:
        out: dict[str, list[dict[str, str]]] = {}
        for row in self.rows:
            out.setdefault(row["organisation"], []).append(row)
        return out

    def write_csvs(self, directory: Path) -> list[Path]:
        """One input file per organisation, as each would prepare it."""
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for organisation, rows in sorted(self.by_organisation().items()):
            path = directory / f"{organisation}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=[*INPUT_COLUMNS, LOCAL_PERSON_COLUMN])
                writer.writeheader()
                writer.writerows(rows)
            paths.append(path)
        return paths


def _given_names(rng: random.Random, origin: str, sex: str, year: int) -> list[str]:
    if origin == "FR":
        pool = population.french_given_names(sex, population.french_decade(year))
        names = [pool.draw(rng)]
        if rng.random() < 0.35:
            names.append(pool.draw(rng))
        return names
    pool = population.foreign_pools()[origin][sex]
    if origin == "CN":
        # One or two syllables written as one word (Li, Xiaohong).
        first = pool.draw(rng)
        return [first if rng.random() < 0.3 else first + pool.draw(rng).lower()]
    if origin == "VN":
        middle = "Thi" if sex == "f" else rng.choice(("Van", "Van", "Duc", "Minh", "Quang", "Huu"))
        return [middle, pool.draw(rng)] if rng.random() < 0.85 else [pool.draw(rng)]
    names = [pool.draw(rng)]
    if rng.random() < (0.35 if origin in ("NG", "RO") else 0.12):
        names.append(pool.draw(rng))
    return names


def _family_names(rng: random.Random, origin: str, sex: str) -> list[str]:
    if origin == "FR":
        family = [population.french_family_names().draw(rng)]
        if rng.random() < 0.03:
            family.append(population.french_family_names().draw(rng))  # double-barrelled
        return family
    pools = population.foreign_pools()[origin]
    if origin == "HORN":
        # The father's given name, sometimes followed by the grandfather's.
        family = [pools["m"].draw(rng)]
        if rng.random() < 0.5:
            family.append(pools["m"].draw(rng))
        return family
    if origin == "AF" and rng.random() < 0.25:
        return [pools["m"].draw(rng)]  # no family name: the father's given name stands for it
    name = pools["family"].draw(rng)
    if origin == "CYRILLIC" and sex == "f":
        for masculine, feminine in _RUSSIAN_ENDINGS:
            if name.endswith(masculine):
                name = name[: -len(masculine)] + feminine
                break
    if origin == "MAGHREB" and rng.random() < 0.05:
        return [rng.choice(("Ben", "El", "Ould")), name]
    return [name]


def _person(rng: random.Random, number: int) -> Person:
    origin_key = rng.choices(_ORIGIN_KEYS, cum_weights=_ORIGIN_CUMULATIVE)[0]
    origin = ORIGINS[origin_key]
    sex = "f" if rng.random() < origin["women"] else "m"
    age = max(3, min(75, int(rng.gauss(origin["age"], 10))))
    year = 2025 - age
    given = _given_names(rng, origin_key, sex, year)
    family = _family_names(rng, origin_key, sex)
    birth = (year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() > 0.01 else None
    # People registered abroad with only a year: every organisation gets 01/01.
    placeholder = birth is not None and origin_key in ("HORN", "AF") and rng.random() < 0.25
    return Person(
        number=number,
        origin=origin_key,
        sex=sex.upper(),
        given=given,
        family=family,
        birth=birth,
        citizenship=rng.choice(origin["citizenship"]),
        placeholder_birth=placeholder,
    )


_ORIGIN_KEYS = list(ORIGINS)
_ORIGIN_CUMULATIVE = list(accumulate(o["weight"] for o in ORIGINS.values()))


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.random()
    letters = "abcdefghijklmnopqrstuvwxyz"
    if kind < 0.3:
        return word[:i] + word[i + 1 :]
    if kind < 0.6:
        return word[:i] + rng.choice(letters) + word[i + 1 :]
    if kind < 0.8 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]


def _transliterate(rng: random.Random, word: str) -> str:
    if word in FAMOUS_VARIANTS and rng.random() < 0.7:
        return rng.choice(FAMOUS_VARIANTS[word])
    options = [(a, b) for a, b in TRANSLITERATIONS if a in word.lower()]
    if not options:
        return word
    a, b = rng.choice(options)
    lower = word.lower()
    i = lower.index(a)
    out = lower[:i] + b + lower[i + len(a) :]
    return out.capitalize()


_STRIP = str.maketrans("éèêëàâäîïôöûüùçÉÈÊËÀÂÎÏÔÛÇţșțĂÂ", "eeeeaaaiioouuucEEEEAAIIOUCtstAA")


def _cosmetic(rng: random.Random, text: str) -> str:
    kind = rng.random()
    if kind < 0.35:
        return text.upper()
    if kind < 0.6:
        return text.translate(_STRIP)
    if kind < 0.8:
        return text.replace(" ", "-") if " " in text else text.lower()
    return "  " + text.replace(" ", "  ") + " "


def _record(rng: random.Random, person: Person, rates: ErrorRates) -> dict[str, str]:
    foreign = person.origin != "FR"
    given = list(person.given)
    family = list(person.family)
    if len(given) > 1 and rng.random() < rates.first_given_only:
        # Only one given name written: the first, or for a Vietnamese name the
        # last (the middle name Thị or Văn left out).
        given = given[-1:] if person.origin == "VN" else given[:1]
    if person.origin == "HORN" and len(family) > 1 and rng.random() < rates.grandfather_left_out:
        family = family[:1]
    if foreign and rng.random() < rates.transliteration:
        if rng.random() < 0.5:
            given[0] = _transliterate(rng, given[0])
        else:
            family[-1] = _transliterate(rng, family[-1])
    if rng.random() < rates.typo_family:
        family[-1] = _typo(rng, family[-1])
    if rng.random() < rates.typo_given:
        given[0] = _typo(rng, given[0])
    given_text, family_text = " ".join(given), " ".join(family)
    if rng.random() < rates.family_missing:
        family_text = ""
    if rng.random() < (rates.swap_names_family_first if person.origin in FAMILY_FIRST else rates.swap_names):
        given_text, family_text = family_text, given_text
    if rng.random() < rates.cosmetic:
        given_text = _cosmetic(rng, given_text)
    if rng.random() < rates.cosmetic:
        family_text = _cosmetic(rng, family_text)

    birth = ""
    if person.birth is not None:
        year, month, day = person.birth
        roll = rng.random()
        if person.placeholder_birth:
            birth = f"{year:04d}-01-01"
        elif roll < rates.date_missing:
            birth = ""
        elif roll < rates.date_missing + rates.date_year_only:
            birth = f"{year:04d}"
        elif roll < rates.date_missing + rates.date_year_only + rates.date_placeholder:
            birth = f"{year:04d}-01-01"
        elif roll < rates.date_missing + rates.date_year_only + rates.date_placeholder + rates.date_day_month_swap:
            birth = f"{year:04d}-{day:02d}-{month:02d}" if day <= 12 else f"{year:04d}-{month:02d}-{day:02d}"
        elif roll < (
            rates.date_missing
            + rates.date_year_only
            + rates.date_placeholder
            + rates.date_day_month_swap
            + rates.date_typo
        ):
            birth = f"{year:04d}-{month:02d}-{(day % 28) + 1:02d}"
        else:
            birth = f"{year:04d}-{month:02d}-{day:02d}"
    sex = "" if rng.random() < rates.sex_missing else person.sex
    if rng.random() < rates.citizenship_missing:
        citizenship = ""
    elif rng.random() < rates.citizenship_other:
        citizenship = rng.choice(["FR", "IT", "ES", "DE", "BE", "GB"])
    else:
        citizenship = person.citizenship
    return {
        "given_names": given_text,
        "family_names": family_text,
        "birth_date": birth,
        "sex": sex,
        "citizenship": citizenship,
    }


def _organisations_of_a_person(rng: random.Random, organisations: int) -> list[int]:
    # Most people are followed by one organisation; some by two to four
    # (an association, then Ac.Sé, a shelter, a CRIP).
    count = rng.choices((1, 2, 3, 4), weights=(70, 18, 8, 4))[0]
    return rng.sample(range(organisations), min(count, organisations))


def iter_people_records(
    *, records: int, organisations: int, seed: int, rates: ErrorRates | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    rng = random.Random(seed)
    rates = rates or ErrorRates()
    produced = 0
    number = 0
    serial = [0] * organisations
    while produced < records:
        person = _person(rng, number)
        for org in _organisations_of_a_person(rng, organisations):
            # Now and then an organisation returns two records of one person
            # (two follow-ups in the year) and says so with its own identifier.
            repeats = 2 if rng.random() < 0.03 else 1
            local = f"dossier-{org:02d}-{serial[org]:07d}"
            serial[org] += 1
            for _ in range(repeats):
                if produced >= records:
                    return
                row = _record(rng, person, rates)
                row["organisation"] = f"org-{org:02d}"
                row["record_id"] = f"r{produced:08d}"
                row[LOCAL_PERSON_COLUMN] = local if repeats > 1 or rng.random() < 0.5 else ""
                produced += 1
                yield number, row
        number += 1


def generate(*, records: int, organisations: int, seed: int = 1, rates: ErrorRates | None = None) -> SyntheticData:
    data = SyntheticData()
    for number, row in iter_people_records(records=records, organisations=organisations, seed=seed, rates=rates):
        data.rows.append({column: row.get(column, "") for column in (*INPUT_COLUMNS, LOCAL_PERSON_COLUMN)})
        data.truth[row["record_id"]] = number
    return data


def true_pairs_count(truth: dict[str, int]) -> int:
    sizes: dict[int, int] = {}
    for person in truth.values():
        sizes[person] = sizes.get(person, 0) + 1
    return sum(n * (n - 1) // 2 for n in sizes.values())
