"""Territorial reference data: régions, départements, countries and languages.

Pure Python on purpose (no Django, no database): these lists change a few times
per decade, are needed by forms, statistics exports and the map, and must be
identical in every process. Everything is loaded lazily once and cached; the
returned objects are immutable so callers cannot corrupt the shared cache.
"""

from __future__ import annotations

import csv
import gettext
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Final, Literal

import pycountry

__all__ = [
    "EUROSTAT_NON_EU",
    "EUROSTAT_OTHER_EU",
    "EUROSTAT_REPORTING_COUNTRY",
    "EUROSTAT_UNKNOWN",
    "EU_MEMBERSHIP",
    "STATELESS",
    "UNKNOWN_COUNTRY",
    "Country",
    "Departement",
    "Language",
    "Region",
    "UnknownTerritoryError",
    "citizenship_choices",
    "citizenship_name",
    "countries",
    "country",
    "country_choices",
    "country_name",
    "departement",
    "departement_choices",
    "departements",
    "departements_of_region",
    "distance_km",
    "eurostat_citizenship_group",
    "eurostat_country_code",
    "is_citizenship_code",
    "is_country_code",
    "is_departement_code",
    "is_eu_member",
    "is_language_code",
    "is_region_code",
    "language_choices",
    "language_name",
    "languages",
    "nearest_first",
    "normalise_departement_code",
    "region",
    "region_choices",
    "regions",
    "sort_key",
]


class UnknownTerritoryError(KeyError, ValueError):
    """An unknown code was looked up.

    Subclasses both KeyError (it is a failed lookup) and ValueError (so form and
    model validation code that catches ValueError handles it too).
    """

    def __init__(self, message: str, code: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        # KeyError.__str__ would repr() the message and show quotes to users.
        return self.message


# ---------------------------------------------------------------------------
# Data classes
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Departement:
    code: str
    name: str
    region_code: str
    centroid: tuple[float, float]  # (longitude, latitude), WGS84 degrees
    overseas: bool

    @property
    def label(self) -> str:
        """Label used in select lists, e.g. « 75 – Paris »."""
        return f"{self.code} – {self.name}"


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # ISO 639-1 (two letters)
    name: str


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

# Ligatures are not decomposed by NFKD; spell them out so « Œ » sorts as « OE ».
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def sort_key(text: str) -> tuple[str, str]:
    """Accent- and case-insensitive sort key approximating French collation.

    Python's default ordering puts « Égypte » after « Zimbabwe » because it
    compares code points. We compare the text stripped of diacritics first and
    fall back to the original string so the order stays total and stable.
    (locale.strxfrm would depend on the locales installed on the server.)
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.casefold(), text


def _data_text(filename: str) -> str:
    return resources.files(__package__).joinpath("data", filename).read_text(encoding="utf-8")


def _clean(value: object) -> str:
    if not isinstance(value, str):
        raise UnknownTerritoryError(f"Code invalide : {value!r}.", value)
    return value.strip().upper()


# ---------------------------------------------------------------------------
# Régions and départements
# ---------------------------------------------------------------------------


def _departement_order(code: str) -> tuple[int, str]:
    # Corsica's 2A/2B replaced 20 in 1976 and are listed between 19 and 21.
    if code in ("2A", "2B"):
        return 20, code[1]
    return int(code), ""


@cache
def regions() -> tuple[Region, ...]:
    """The 18 current régions, in INSEE code order (overseas 01–06 first)."""
    rows = csv.DictReader(_data_text("regions.csv").splitlines())
    return tuple(sorted((Region(r["code"], r["name"]) for r in rows), key=lambda r: r.code))


@cache
def _regions_by_code() -> MappingProxyType[str, Region]:
    return MappingProxyType({r.code: r for r in regions()})


@cache
def departements() -> tuple[Departement, ...]:
    """The 101 départements in the usual INSEE order (01…19, 2A, 2B, 21…95, 971…976)."""
    rows = csv.DictReader(_data_text("departements.csv").splitlines())
    items = [
        Departement(
            code=r["code"],
            name=r["name"],
            region_code=r["region_code"],
            centroid=(float(r["centroid_lon"]), float(r["centroid_lat"])),
            overseas=r["code"].startswith("97"),
        )
        for r in rows
    ]
    return tuple(sorted(items, key=lambda d: _departement_order(d.code)))


@cache
def _departements_by_code() -> MappingProxyType[str, Departement]:
    return MappingProxyType({d.code: d for d in departements()})


@cache
def _departements_by_region() -> MappingProxyType[str, tuple[Departement, ...]]:
    grouped: dict[str, list[Departement]] = {r.code: [] for r in regions()}
    for d in departements():
        grouped[d.region_code].append(d)
    return MappingProxyType({code: tuple(items) for code, items in grouped.items()})


def is_departement_code(code: object) -> bool:
    """True only for a canonical INSEE département code (« 01 », « 2A », « 971 »).

    Deliberately strict (no padding, no case folding): use it to validate stored
    data; use normalise_departement_code() on user input first.
    """
    return isinstance(code, str) and code in _departements_by_code()


def normalise_departement_code(value: str | int) -> str:
    """Return the canonical code for user input: « 1 » → « 01 », « 2a » → « 2A », « 75 » → « 75 ».

    Raises UnknownTerritoryError if the value is not a département once cleaned.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    code = _clean(value)
    # Zero-pad one-digit codes typed by hand or read from spreadsheet columns
    # that were stored as integers ("1" for Ain).
    if len(code) == 1 and code.isdigit():
        code = "0" + code
    if code not in _departements_by_code():
        raise UnknownTerritoryError(f"Département inconnu : « {str(value).strip()} ».", value)
    return code


def departement(code: str | int) -> Departement:
    """Look a département up by code (lenient input, see normalise_departement_code)."""
    return _departements_by_code()[normalise_departement_code(code)]


def _normalise_region_code(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    code = _clean(value)
    if len(code) == 1 and code.isdigit():
        code = "0" + code
    if code not in _regions_by_code():
        raise UnknownTerritoryError(f"Région inconnue : « {str(value).strip()} ».", value)
    return code


def is_region_code(code: object) -> bool:
    """True only for a canonical INSEE région code (« 11 », « 04 »)."""
    return isinstance(code, str) and code in _regions_by_code()


def region(code: str | int) -> Region:
    return _regions_by_code()[_normalise_region_code(code)]


def departements_of_region(code: str | int) -> tuple[Departement, ...]:
    """Départements of a région, in INSEE order."""
    return _departements_by_region()[_normalise_region_code(code)]


# Mean Earth radius (IUGG); the spherical model is < 0.5 % off, far below the
# imprecision of using a département centroid as a location.
_EARTH_RADIUS_KM: Final = 6371.0088


@lru_cache(maxsize=16384)
def distance_km(code_a: str | int, code_b: str | int) -> float:
    """Great-circle (haversine) distance between two départements' centroids.

    Memoised: about 100 départements, so at most ~10,000 pairs, while ranking
    recipients asks for one distance per candidate (thousands per search)."""
    lon1, lat1 = departement(code_a).centroid
    lon2, lat2 = departement(code_b).centroid
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def nearest_first(codes: Iterable[str | int], origin_code: str | int) -> list[str]:
    """Canonical codes sorted by distance from origin_code (the origin itself first).

    Ties (same centroid, i.e. the same code twice) keep INSEE order, so the
    result is deterministic. Duplicates are kept.
    """
    origin = normalise_departement_code(origin_code)
    normalised = [normalise_departement_code(c) for c in codes]
    return sorted(normalised, key=lambda c: (distance_km(origin, c), _departement_order(c)))


def departement_choices() -> list[tuple[str, str]]:
    """(code, « 75 – Paris ») pairs in INSEE order, for Django ChoiceField."""
    return [(d.code, d.label) for d in departements()]


def region_choices() -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name (people look régions up by name, not code)."""
    return [(r.code, r.name) for r in sorted(regions(), key=lambda r: sort_key(r.name))]


# ---------------------------------------------------------------------------
# Countries and citizenships
# ---------------------------------------------------------------------------

# ISO 3166-1 reserves XX and ZZ as user-assigned codes; the case file uses them
# for citizenships that are not a country. Eurostat's own codes for these are
# STLS and UNK (see eurostat_country_code).
STATELESS: Final = "XX"
UNKNOWN_COUNTRY: Final = "ZZ"

_SPECIAL_CITIZENSHIPS: Final = MappingProxyType(
    {
        STATELESS: {"fr": "Apatride", "en": "Stateless"},
        UNKNOWN_COUNTRY: {"fr": "Inconnue", "en": "Unknown"},
    }
)


@cache
def _translation(domain: str, language: str) -> gettext.NullTranslations:
    # pycountry's names are the English msgids; "en" needs no catalogue.
    if language == "en":
        return gettext.NullTranslations()
    try:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language])
    except OSError as exc:
        raise ValueError(f"Langue d'affichage non disponible : « {language} ».") from exc


@cache
def countries(language: str = "fr") -> tuple[Country, ...]:
    """All ISO 3166-1 countries with names in `language`, sorted by that name.

    Uses the translated common name when ISO has one (« Syrie » rather than
    « Syrienne, République arabe »), which reads better in a nationality list.
    """
    translate = _translation("iso3166-1", language).gettext
    items = [Country(c.alpha_2, translate(getattr(c, "common_name", None) or c.name)) for c in pycountry.countries]
    return tuple(sorted(items, key=lambda c: sort_key(c.name)))


@cache
def _countries_by_code(language: str) -> MappingProxyType[str, Country]:
    return MappingProxyType({c.code: c for c in countries(language)})


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def is_country_code(code: object) -> bool:
    """True for a canonical (upper-case) ISO 3166-1 alpha-2 code. XX/ZZ are not countries."""
    return isinstance(code, str) and code in _country_codes()


def country(code: str, language: str = "fr") -> Country:
    cleaned = _clean(code)
    try:
        return _countries_by_code(language)[cleaned]
    except KeyError:
        raise UnknownTerritoryError(f"Pays inconnu : « {str(code).strip()} ».", code) from None


def country_name(code: str, language: str = "fr") -> str:
    return country(code, language).name


def is_citizenship_code(code: object) -> bool:
    """A country code or one of the special citizenship codes (stateless, unknown)."""
    return is_country_code(code) or code in _SPECIAL_CITIZENSHIPS


def _special_label(code: str, language: str) -> str:
    labels = _SPECIAL_CITIZENSHIPS[code]
    return labels.get(language, labels["en"])


def citizenship_name(code: str, language: str = "fr") -> str:
    """Display name for a citizenship code, including « Apatride » and « Inconnue »."""
    cleaned = _clean(code)
    if cleaned in _SPECIAL_CITIZENSHIPS:
        return _special_label(cleaned, language)
    return country_name(cleaned, language)


def country_choices(language: str = "fr") -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in countries(language)]


def citizenship_choices(language: str = "fr") -> list[tuple[str, str]]:
    """Special codes first (so they are not lost among 249 countries), then countries."""
    specials = [(code, _special_label(code, language)) for code in (STATELESS, UNKNOWN_COUNTRY)]
    return specials + country_choices(language)


# ---------------------------------------------------------------------------
# Eurostat
# ---------------------------------------------------------------------------

EurostatGroup = Literal["REPORTING_COUNTRY", "OTHER_EU", "NON_EU", "UNKNOWN"]
EUROSTAT_REPORTING_COUNTRY: Final = "REPORTING_COUNTRY"
EUROSTAT_OTHER_EU: Final = "OTHER_EU"
EUROSTAT_NON_EU: Final = "NON_EU"
EUROSTAT_UNKNOWN: Final = "UNKNOWN"

# (ISO alpha-2, first day of membership, first day NOT a member or None).
# Dates are when accession/withdrawal took effect (EEC for the founders).
# Date-versioned so that statistics for a past period use that period's EU.
EU_MEMBERSHIP: Final[tuple[tuple[str, date, date | None], ...]] = (
    *((c, date(1958, 1, 1), None) for c in ("BE", "DE", "FR", "IT", "LU", "NL")),
    ("DK", date(1973, 1, 1), None),
    ("IE", date(1973, 1, 1), None),
    (
        "GB",
        date(1973, 1, 1),
        date(2020, 2, 1),
    ),  # Brexit: left at midnight CET 31/01/2020
    ("GR", date(1981, 1, 1), None),
    ("ES", date(1986, 1, 1), None),
    ("PT", date(1986, 1, 1), None),
    *((c, date(1995, 1, 1), None) for c in ("AT", "FI", "SE")),
    *((c, date(2004, 5, 1), None) for c in ("CY", "CZ", "EE", "HU", "LT", "LV", "MT", "PL", "SI", "SK")),
    ("BG", date(2007, 1, 1), None),
    ("RO", date(2007, 1, 1), None),
    ("HR", date(2013, 7, 1), None),
)

# Eurostat uses its own codes for two member states and for the special cases.
_TO_EUROSTAT: Final = MappingProxyType({"GR": "EL", "GB": "UK", STATELESS: "STLS", UNKNOWN_COUNTRY: "UNK"})
_FROM_EUROSTAT: Final = MappingProxyType({"EL": "GR", "UK": "GB"})


def eurostat_country_code(code: str) -> str:
    """ISO alpha-2 → Eurostat code: GR → EL, GB → UK, XX → STLS, ZZ → UNK, others unchanged."""
    cleaned = _clean(code)
    if not is_citizenship_code(cleaned):
        raise UnknownTerritoryError(f"Pays inconnu : « {str(code).strip()} ».", code)
    return _TO_EUROSTAT.get(cleaned, cleaned)


def _iso_from_any(code: str) -> str:
    cleaned = _clean(code)
    return _FROM_EUROSTAT.get(cleaned, cleaned)


def is_eu_member(code: str, on: date | None = None) -> bool:
    """Whether a country was an EU (EEC before 1993) member state on a date (default: today)."""
    iso = _iso_from_any(code)
    day = on or date.today()
    return any(c == iso and start <= day and (end is None or day < end) for c, start, end in EU_MEMBERSHIP)


def eurostat_citizenship_group(code: str | None, reporting: str = "FR", on: date | None = None) -> EurostatGroup:
    """Citizenship group used by Eurostat's trafficking statistics.

    Returns "REPORTING_COUNTRY", "OTHER_EU", "NON_EU" or "UNKNOWN". Accepts ISO
    or Eurostat codes (EL, UK). `on` (default today) selects the EU composition;
    note Eurostat tables labelled EU27_2020 use the post-Brexit composition for
    every year, so pass on=date(2020, 2, 1) or later to reproduce them.

    Stateless people (XX) are counted as NON_EU: they hold no EU citizenship.
    """
    if code is None or not str(code).strip():
        return EUROSTAT_UNKNOWN
    iso = _iso_from_any(code)
    if iso == UNKNOWN_COUNTRY:
        return EUROSTAT_UNKNOWN
    if iso == STATELESS:
        return EUROSTAT_NON_EU
    if not is_country_code(iso):
        raise UnknownTerritoryError(f"Pays inconnu : « {str(code).strip()} ».", code)
    reporting_iso = _iso_from_any(reporting)
    if not is_country_code(reporting_iso):
        raise UnknownTerritoryError(f"Pays déclarant inconnu : « {reporting} ».", reporting)
    if iso == reporting_iso:
        return EUROSTAT_REPORTING_COUNTRY
    return EUROSTAT_OTHER_EU if is_eu_member(iso, on) else EUROSTAT_NON_EU


# ---------------------------------------------------------------------------
# Languages
# ---------------------------------------------------------------------------


@cache
def languages(language: str = "fr") -> tuple[Language, ...]:
    """All ISO 639-1 languages (those with a two-letter code), sorted by translated name."""
    translate = _translation("iso639-3", language).gettext
    items = [Language(lang.alpha_2, translate(lang.name)) for lang in pycountry.languages if hasattr(lang, "alpha_2")]
    return tuple(sorted(items, key=lambda lang: sort_key(lang.name)))


@cache
def _languages_by_code(language: str) -> MappingProxyType[str, Language]:
    return MappingProxyType({lang.code: lang for lang in languages(language)})


def is_language_code(code: object) -> bool:
    """True for a canonical (lower-case) ISO 639-1 code such as « fr » or « ti »."""
    return isinstance(code, str) and code in _languages_by_code("en")


def language_name(code: str, language: str = "fr") -> str:
    """Name of an ISO 639-1 language in `language` (« ti » → « Tigrigna »)."""
    cleaned = code.strip().lower() if isinstance(code, str) else code
    try:
        return _languages_by_code(language)[cleaned].name
    except (KeyError, TypeError):
        raise UnknownTerritoryError(f"Langue inconnue : « {code} ».", code) from None


def language_choices(language: str = "fr") -> list[tuple[str, str]]:
    return [(lang.code, lang.name) for lang in languages(language)]
