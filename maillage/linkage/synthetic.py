"""Synthetic returns with a known truth, for tests and benchmarks (no real person).

    data = generate(records=10_000, organisations=8, seed=1)
    data.rows        # dicts with the encoder's input columns (+ local_person_id)
    data.truth       # record_id -> true person number

People come from several origins (France, West Africa, the Maghreb, the Horn
of Africa, Afghanistan, Eastern Europe written from Cyrillic, China and
Vietnam, Romania and Albania), some followed by several organisations. Each
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
from pathlib import Path

from .encoding import INPUT_COLUMNS, LOCAL_PERSON_COLUMN

# Words are combined with syllables so that the population has the long tail
# of real names, with a few very frequent ones at the head.
ORIGINS = {
    "FR": {
        "weight": 0.30,
        "citizenship": ["FR"],
        "given_m": [
            "Jean",
            "Pierre",
            "Michel",
            "André",
            "Philippe",
            "Louis",
            "Nicolas",
            "François",
            "Thomas",
            "Lucas",
            "Hugo",
            "Théo",
            "Nathan",
            "Enzo",
            "Mathéo",
            "Léo",
            "Raphaël",
            "Gabriel",
            "Jules",
            "Arthur",
            "Maxime",
            "Kévin",
            "Julien",
            "Rémi",
            "Sébastien",
            "Jérôme",
            "Stéphane",
            "Benoît",
            "Loïc",
            "Gaël",
        ],
        "given_f": [
            "Marie",
            "Nathalie",
            "Isabelle",
            "Sylvie",
            "Catherine",
            "Sophie",
            "Camille",
            "Léa",
            "Chloé",
            "Manon",
            "Emma",
            "Inès",
            "Jade",
            "Louise",
            "Zoé",
            "Clémence",
            "Océane",
            "Mélanie",
            "Aurélie",
            "Céline",
            "Élodie",
            "Hélène",
            "Maëlle",
            "Anaïs",
            "Noémie",
            "Laëtitia",
            "Éloïse",
            "Agnès",
            "Bérénice",
            "Françoise",
        ],
        "family": [
            "Martin",
            "Bernard",
            "Dubois",
            "Thomas",
            "Robert",
            "Richard",
            "Petit",
            "Durand",
            "Leroy",
            "Moreau",
            "Simon",
            "Laurent",
            "Lefèvre",
            "Michel",
            "Garcia",
            "David",
            "Bertrand",
            "Roux",
            "Vincent",
            "Fournier",
            "Morel",
            "Girard",
            "André",
            "Lefebvre",
            "Mercier",
            "Dupont",
            "Lambert",
            "Bonnet",
            "François",
            "Martinez",
            "Legrand",
            "Garnier",
            "Faure",
            "Rousseau",
            "Blanc",
            "Guérin",
            "Muller",
            "Henry",
            "Roussel",
            "Nicolas",
            "Perrin",
            "Morin",
            "Mathieu",
            "Clément",
            "Gauthier",
            "Dumont",
            "Lopez",
            "Fontaine",
            "Chevalier",
            "Robin",
        ],
        "particles": ["de", "du", "de la", "le"],
        "syllables": [
            "bon",
            "mar",
            "cel",
            "rou",
            "tal",
            "gau",
            "lan",
            "ber",
            "nard",
            "vil",
            "lier",
            "mont",
            "ches",
            "neau",
            "cour",
            "teau",
            "ville",
            "val",
            "gra",
        ],
    },
    "NG": {
        "weight": 0.14,
        "citizenship": ["NG", "NG", "GH", "CM"],
        "given_m": [
            "Osaro",
            "Osagie",
            "Efosa",
            "Osas",
            "Emeka",
            "Chinedu",
            "Ikenna",
            "Tunde",
            "Segun",
            "Ifeanyi",
            "Uyi",
            "Nosa",
            "Eghosa",
            "Obinna",
            "Kelechi",
        ],
        "given_f": [
            "Blessing",
            "Joy",
            "Precious",
            "Favour",
            "Gift",
            "Esther",
            "Mercy",
            "Peace",
            "Osayuki",
            "Ivie",
            "Efe",
            "Omoregie",
            "Osasere",
            "Success",
            "Patience",
            "Faith",
            "Grace",
            "Glory",
            "Princess",
            "Happiness",
        ],
        "family": [
            "Okafor",
            "Osagie",
            "Igbinosa",
            "Omoruyi",
            "Ehigiator",
            "Idahosa",
            "Okonkwo",
            "Obasogie",
            "Uwadiae",
            "Aigbe",
            "Edokpolo",
            "Ogbeide",
            "Eweka",
            "Osayande",
            "Iyamu",
            "Adeyemi",
            "Okoro",
            "Nwosu",
            "Eze",
            "Obi",
        ],
        "syllables": ["osa", "ehi", "ighe", "ogbe", "omo", "uyi", "aig", "ede", "iye", "nosa", "ade", "oke"],
    },
    "MAGHREB": {
        "weight": 0.12,
        "citizenship": ["MA", "DZ", "TN"],
        "given_m": [
            "Mohamed",
            "Ahmed",
            "Youssef",
            "Karim",
            "Rachid",
            "Mehdi",
            "Hamza",
            "Bilal",
            "Sofiane",
            "Yassine",
            "Nabil",
            "Abdelkader",
            "Mustapha",
            "Omar",
            "Ali",
            "Said",
            "Khaled",
            "Tarek",
            "Hichem",
            "Walid",
        ],
        "given_f": [
            "Fatima",
            "Khadija",
            "Amina",
            "Samira",
            "Nadia",
            "Leila",
            "Yasmina",
            "Houda",
            "Souad",
            "Malika",
            "Zineb",
            "Meriem",
            "Salma",
            "Hanane",
            "Naima",
            "Karima",
            "Rachida",
            "Aicha",
        ],
        "family": [
            "Benali",
            "Bouazza",
            "Haddad",
            "Khelifi",
            "Mansouri",
            "Belkacem",
            "Boukhari",
            "Amrani",
            "Cherif",
            "Hamidi",
            "Bensaid",
            "Saidi",
            "Zitouni",
            "Mebarki",
            "Brahimi",
            "Larbi",
            "Tahiri",
            "Alaoui",
            "Idrissi",
            "Ouali",
        ],
        "particles": ["ben", "el", "ould"],
        "syllables": ["ben", "bou", "kha", "lif", "man", "sour", "bel", "ka", "hadj", "mer", "zou", "ali"],
    },
    "HORN": {
        "weight": 0.08,
        "citizenship": ["ER", "ET", "SO", "SD"],
        "given_m": [
            "Tesfaye",
            "Yonas",
            "Mehari",
            "Habtom",
            "Kidane",
            "Berhane",
            "Tekle",
            "Samuel",
            "Daniel",
            "Filmon",
            "Dawit",
            "Abel",
            "Mussie",
            "Yohannes",
            "Ghebre",
        ],
        "given_f": [
            "Helen",
            "Senait",
            "Freweyni",
            "Tsega",
            "Luwam",
            "Mebrat",
            "Selam",
            "Saba",
            "Ruth",
            "Hiwet",
            "Yordanos",
            "Rahel",
            "Winta",
            "Semhar",
            "Almaz",
        ],
        "family": [
            "Tesfamariam",
            "Ghebremedhin",
            "Haile",
            "Tekle",
            "Woldemichael",
            "Gebreyesus",
            "Berhe",
            "Kahsay",
            "Asfaha",
            "Mengisteab",
            "Abraha",
            "Habte",
            "Negash",
            "Yohannes",
            "Fitsum",
        ],
        "syllables": ["gheb", "re", "med", "hin", "wol", "de", "mi", "kael", "tes", "fa", "ma", "riam"],
    },
    "AF": {
        "weight": 0.06,
        "citizenship": ["AF", "PK", "IR"],
        "given_m": [
            "Ahmad",
            "Mohammad",
            "Ali",
            "Reza",
            "Hamid",
            "Javid",
            "Farid",
            "Najib",
            "Rahim",
            "Karim",
            "Sayed",
            "Zabihullah",
            "Ismail",
            "Jawad",
            "Mustafa",
        ],
        "given_f": ["Fatima", "Zahra", "Maryam", "Parwana", "Shabnam", "Nazia", "Farzana", "Sima", "Laila", "Roya"],
        "family": [
            "Ahmadi",
            "Hussaini",
            "Rahimi",
            "Karimi",
            "Sultani",
            "Noori",
            "Hashimi",
            "Jafari",
            "Mohammadi",
            "Sadat",
            "Stanekzai",
            "Popal",
            "Wardak",
            "Amiri",
            "Haidari",
        ],
        "syllables": ["ah", "ma", "di", "hus", "sai", "ni", "ra", "hi", "ka", "ri", "sul", "ta"],
    },
    "CYRILLIC": {
        "weight": 0.10,
        "citizenship": ["UA", "RU", "MD", "BY"],
        "given_m": [
            "Oleksandr",
            "Dmytro",
            "Serhiy",
            "Andriy",
            "Mykola",
            "Volodymyr",
            "Yuriy",
            "Ivan",
            "Maksym",
            "Vitaliy",
            "Aleksei",
            "Nikolai",
            "Sergei",
            "Mikhail",
            "Evgeniy",
        ],
        "given_f": [
            "Yulia",
            "Olena",
            "Natalia",
            "Iryna",
            "Oksana",
            "Tetiana",
            "Svitlana",
            "Kateryna",
            "Anastasia",
            "Mariya",
            "Ludmila",
            "Valentyna",
            "Alina",
            "Daria",
            "Ksenia",
        ],
        "family": [
            "Shevchenko",
            "Kovalenko",
            "Bondarenko",
            "Tkachenko",
            "Kravchenko",
            "Kovalchuk",
            "Oliynyk",
            "Shevchuk",
            "Polishchuk",
            "Lysenko",
            "Ivanova",
            "Petrov",
            "Smirnova",
            "Kuznetsov",
            "Popova",
            "Zhukov",
            "Khmelnytska",
            "Yaroshenko",
            "Chernenko",
            "Zaitseva",
        ],
        "syllables": ["ko", "val", "chen", "ko", "bon", "dar", "shev", "tka", "lys", "kra", "zhu", "ya", "ro"],
    },
    "ASIA": {
        "weight": 0.10,
        "citizenship": ["CN", "VN"],
        "given_m": [
            "Wei",
            "Jun",
            "Hao",
            "Lei",
            "Jian",
            "Ming",
            "Tao",
            "Bo",
            "Yong",
            "Minh",
            "Duc",
            "Tuan",
            "Hung",
            "Quang",
            "Thanh",
        ],
        "given_f": [
            "Li",
            "Mei",
            "Fang",
            "Ying",
            "Xiu",
            "Lan",
            "Hua",
            "Jing",
            "Yan",
            "Linh",
            "Thi",
            "Huong",
            "Lan",
            "Mai",
            "Ngoc",
            "Trang",
        ],
        "family": [
            "Wang",
            "Li",
            "Zhang",
            "Liu",
            "Chen",
            "Yang",
            "Huang",
            "Zhao",
            "Wu",
            "Zhou",
            "Nguyen",
            "Tran",
            "Le",
            "Pham",
            "Hoang",
            "Vu",
            "Dang",
            "Bui",
            "Do",
            "Ngo",
        ],
        "syllables": ["zhang", "xiao", "ming", "hua", "jin", "qing"],
    },
    "BALKAN": {
        "weight": 0.10,
        "citizenship": ["RO", "AL", "BG", "XK"],
        "given_m": [
            "Ion",
            "Gheorghe",
            "Vasile",
            "Constantin",
            "Florin",
            "Mihai",
            "Andrei",
            "Adrian",
            "Bogdan",
            "Ionuț",
            "Arben",
            "Besnik",
            "Dritan",
            "Ilir",
            "Fatos",
        ],
        "given_f": [
            "Maria",
            "Elena",
            "Ioana",
            "Andreea",
            "Mihaela",
            "Alexandra",
            "Cristina",
            "Roxana",
            "Florentina",
            "Denisa",
            "Arta",
            "Blerta",
            "Drita",
            "Elira",
            "Mirela",
        ],
        "family": [
            "Popescu",
            "Ionescu",
            "Popa",
            "Radu",
            "Dumitru",
            "Stan",
            "Stoica",
            "Gheorghe",
            "Matei",
            "Ciobanu",
            "Rusu",
            "Munteanu",
            "Hoxha",
            "Shehu",
            "Gashi",
            "Krasniqi",
            "Berisha",
            "Kelmendi",
            "Dervishi",
            "Leka",
        ],
        "syllables": ["pes", "cu", "io", "nes", "du", "mi", "tru", "gas", "kras", "ni", "qi", "ber"],
    },
}

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
    first_given_only: float = 0.25  # of people with several given names
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


def _zipf_choice(rng: random.Random, items: list[str]) -> str:
    # Rank r drawn with weight 1/(r+1): a few names very frequent, a long tail.
    weights = _ZIPF_CACHE.get(len(items))
    if weights is None:
        weights = _ZIPF_CACHE[len(items)] = [1 / (r + 1) for r in range(len(items))]
    return rng.choices(items, weights=weights)[0]


_ZIPF_CACHE: dict[int, list[float]] = {}


def _family_name(rng: random.Random, origin: dict) -> str:
    if rng.random() < 0.35:
        return _zipf_choice(rng, origin["family"])
    # The long tail of real family names: syllables around a common ending.
    parts = [rng.choice(origin["syllables"]) for _ in range(rng.choice((2, 3)))]
    ending = rng.choice(origin["family"]).lower()
    return "".join(parts).capitalize() + ending[-rng.randint(2, 4) :]


def _person(rng: random.Random, number: int) -> Person:
    origin_key = rng.choices(list(ORIGINS), weights=[o["weight"] for o in ORIGINS.values()])[0]
    origin = ORIGINS[origin_key]
    sex = rng.choice("MF")
    pool = origin["given_m"] if sex == "M" else origin["given_f"]
    given = [_zipf_choice(rng, pool)]
    if rng.random() < (0.35 if origin_key in ("FR", "NG", "BALKAN") else 0.12):
        given.append(_zipf_choice(rng, pool))
    family = [_family_name(rng, origin)]
    if origin.get("particles") and rng.random() < 0.08:
        family.insert(0, rng.choice(origin["particles"]))
    if origin_key in ("FR", "BALKAN") and rng.random() < 0.05:
        family.append(_family_name(rng, origin))  # double-barrelled
    age = max(3, min(75, int(rng.gauss(27, 10))))
    year = 2025 - age
    birth = (year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() > 0.01 else None
    # People registered abroad with only a year: every organisation gets 01/01.
    placeholder = birth is not None and origin_key in ("HORN", "AF") and rng.random() < 0.25
    return Person(
        number=number,
        origin=origin_key,
        sex=sex,
        given=given,
        family=family,
        birth=birth,
        citizenship=rng.choice(origin["citizenship"]),
        placeholder_birth=placeholder,
    )


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
        given = given[:1]
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
    if rng.random() < rates.swap_names:
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
