"""The anonymous record: one person followed by one organisation in one year.

No name, no birth date, no free text: only the codes of the questionnaire
(rules.md §5.6, R-STATS) and a pseudonymous `person_id` that the cross-
organisation linkage (issue 13) may fill later. `validate()` turns raw values
(a spreadsheet row, a form, a case file) into a record or French messages per
field. Pure module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from maillage.territories import reference as territories

from . import classifications as cls
from .questionnaire import Questionnaire

SEPARATORS = ("|", ";", ",")


@dataclass(frozen=True)
class AnonymousRecord:
    sex: str
    age: int | None
    age_band: str
    minor: str
    citizenships: tuple[str, ...]
    forms: tuple[str, ...]
    domestic: str
    exploitation_place: str
    recruitment_place: str
    status: str
    identified_by: str
    services: tuple[str, ...]
    year_first_followed: int
    person_id: str | None = None

    @property
    def age_group(self) -> str:
        return cls.age_group(minor=self.minor, band=self.age_band)

    def as_dict(self) -> dict:
        return {
            "sex": self.sex,
            "age": self.age,
            "age_band": self.age_band,
            "minor": self.minor,
            "citizenships": list(self.citizenships),
            "forms": list(self.forms),
            "domestic": self.domestic,
            "exploitation_place": self.exploitation_place,
            "recruitment_place": self.recruitment_place,
            "status": self.status,
            "identified_by": self.identified_by,
            "services": list(self.services),
            "year_first_followed": self.year_first_followed,
        }


@dataclass
class Validation:
    record: AnonymousRecord | None
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self, questionnaire: Questionnaire) -> list[str]:
        """« Colonne : message » lines, in questionnaire order."""
        out = []
        for variable in questionnaire.variables:
            for message in self.errors.get(variable.name, ()):
                out.append(f"{variable.text()} : {message}")
        for message in self.errors.get("__all__", ()):
            out.append(message)
        return out


def split_codes(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [str(v) for v in value]
    else:
        text = str(value)
        for sep in SEPARATORS[1:]:
            text = text.replace(sep, SEPARATORS[0])
        items = text.split(SEPARATORS[0])
    return [item.strip() for item in items if item and item.strip()]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _integer(value) -> int | None:
    text = _text(value)
    if not text:
        return None
    if isinstance(value, bool):
        raise ValueError(text)
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(text)
    return int(text)


# Per distinct value of one column, at most this many checked values are remembered
# (a column's values are few: codes, countries, places, ages, years).
_CACHE_LIMIT = 20_000
_NO_ERRORS: tuple[str, ...] = ()


class Validator:
    """Checks rows against a questionnaire for a campaign of `year`.

    A return repeats a handful of values per column (codes, countries, places,
    ages, years): each distinct value of a column is checked once and the
    result remembered, so that per row only the checks across fields remain
    (age against band and minor, domestic against forms, status against
    identification authority). The messages are those of a row checked alone."""

    def __init__(self, questionnaire: Questionnaire, *, year: int):
        self.questionnaire = questionnaire
        self.year = year
        self._cache: dict[str, dict] = {}
        variable = questionnaire.variable
        self._parsers = (
            ("sex", lambda v: self._code(variable("sex"), v, upper=True)),
            ("age", lambda v: self._age(variable("age"), v)),
            ("age_band", lambda v: self._code(variable("age_band"), v)),
            ("minor", lambda v: self._code(variable("minor"), v, upper=True)),
            ("citizenships", self._citizenships),
            ("forms", lambda v: self._forms(variable("forms"), v)),
            ("domestic", lambda v: self._code(variable("domestic"), v, upper=True)),
            ("exploitation_place", self._place),
            ("recruitment_place", self._place),
            ("status", lambda v: self._code(variable("status"), v)),
            ("identified_by", lambda v: self._code(variable("identified_by"), v)),
            ("services", lambda v: self._codes(variable("services"), v)),
            ("year_first_followed", lambda v: self._year(variable("year_first_followed"), v)),
        )

    # --- one value of one column (cached) ----------------------------------------------------
    def _fields(self, raw: Mapping):
        """(name, value, messages) per field, each distinct value of a column checked once."""
        for name, parser in self._parsers:
            value = raw.get(name)
            cache = self._cache.get(name)
            if cache is None:
                cache = self._cache[name] = {}
            try:
                key = (value.__class__, value)
                hit = cache.get(key)
            except TypeError:  # a form's list: not hashable, checked each time
                yield (name, *parser(value))
                continue
            if hit is None:
                hit = parser(value)
                if len(cache) < _CACHE_LIMIT:
                    cache[key] = hit
            yield (name, *hit)

    @staticmethod
    def _code(variable, value, *, upper: bool = False):
        text = _text(value)
        if upper:
            text = text.upper()
        if not text:
            return "", ((_("valeur obligatoire."),) if variable.required else _NO_ERRORS)
        if text not in variable.code_values:
            return "", (
                _("code « %(v)s » inconnu (codes admis : %(codes)s).")
                % {"v": text, "codes": ", ".join(variable.code_values)},
            )
        return text, _NO_ERRORS

    @staticmethod
    def _codes(variable, value):
        values = split_codes(value)
        errors = []
        if not values and variable.required:
            errors.append(_("au moins une valeur est obligatoire."))
        unknown = [v for v in values if v not in variable.code_values]
        if unknown:
            errors.append(_("code(s) inconnu(s) : %(v)s.") % {"v": ", ".join(unknown)})
        if len(set(values)) != len(values):
            errors.append(_("une même valeur est donnée deux fois."))
        return tuple(dict.fromkeys(v for v in values if v in variable.code_values)), tuple(errors)

    def _forms(self, variable, value):
        forms, errors = self._codes(variable, value)
        if cls.UNKNOWN_FORM in forms and len(forms) > 1:
            errors += (_("« forme inconnue » ne peut pas accompagner une autre forme."),)
        return forms, errors

    @staticmethod
    def _age(variable, value):
        try:
            age = _integer(value)
        except (TypeError, ValueError):
            return None, (_("« %(v)s » n'est pas un âge en années entières.") % {"v": _text(value)},)
        if age is not None and not (variable.min <= age <= variable.max):
            return None, (
                _("âge impossible (%(v)s) : il doit être compris entre %(min)s et %(max)s ans.")
                % {"v": age, "min": variable.min, "max": variable.max},
            )
        return age, _NO_ERRORS

    @staticmethod
    def _citizenships(value):
        citizenships = tuple(dict.fromkeys(c.upper() for c in split_codes(value)))
        errors = []
        if not citizenships:
            errors.append(
                _("au moins une nationalité est obligatoire (ZZ si elle est inconnue, XX pour une personne apatride).")
            )
        bad = [c for c in citizenships if not territories.is_citizenship_code(c)]
        if bad:
            errors.append(
                _("code(s) pays inconnu(s) : %(v)s (codes ISO 3166-1 à deux lettres).") % {"v": ", ".join(bad)}
            )
        if territories.UNKNOWN_COUNTRY in citizenships and len(citizenships) > 1:
            errors.append(_("« ZZ » (inconnue) ne peut pas accompagner une autre nationalité."))
        return citizenships, tuple(errors)

    @staticmethod
    def _place(value):
        text = _text(value).upper()
        if not text:
            return None, (_("valeur obligatoire (ZZ si le lieu est inconnu)."),)
        try:
            cls.parse_place(text)
        except ValueError:
            return None, (
                _("lieu « %(v)s » inconnu : un département (FR-75, FR-2A, FR-971…), FR, un code pays ISO ou ZZ.")
                % {"v": text},
            )
        return text, _NO_ERRORS

    def _year(self, variable, value):
        try:
            first = _integer(value)
        except (TypeError, ValueError):
            return None, (_("« %(v)s » n'est pas une année.") % {"v": _text(value)},)
        if first is None:
            return None, (_("valeur obligatoire."),)
        if not (variable.min <= first <= self.year):
            return None, (
                _("année %(v)s hors de la campagne (entre %(min)s et %(year)s).")
                % {"v": first, "min": variable.min, "year": self.year},
            )
        return first, _NO_ERRORS

    # --- one row: the fields, then the checks across fields ------------------------------------
    def validate(self, raw: Mapping) -> Validation:
        values = {}
        errors: dict[str, list[str]] = {}
        for name, value, messages in self._fields(raw):
            values[name] = value
            if messages:
                errors[name] = list(messages)

        def err(name: str, message: str) -> None:
            errors.setdefault(name, []).append(message)

        age = values["age"]
        band = values["age_band"]
        if age is not None:
            derived = cls.band_of_age(age)
            if band and band != derived:
                err("age_band", _("la tranche « %(b)s » ne contient pas l'âge %(a)s.") % {"b": band, "a": age})
            band = derived
        band = band or "UNK"

        minor = values["minor"]
        if minor and age is not None:
            if (age < 18 and minor == "N") or (age >= 18 and minor == "O"):
                err("minor", _("incohérent avec l'âge au début de l'exploitation (%(a)s ans).") % {"a": age})
            elif minor == "I":
                minor = "O" if age < 18 else "N"
        if minor == "N" and band in cls.CHILD_BANDS:
            err("minor", _("incohérent avec la tranche d'âge « %(b)s ».") % {"b": band})
        if minor == "O" and band not in cls.CHILD_BANDS and band != "UNK":
            err("minor", _("incohérent avec la tranche d'âge « %(b)s ».") % {"b": band})

        forms = values["forms"]
        domestic = values["domestic"] or "N"
        if domestic == "O" and not set(forms) & cls.LABOUR:
            err("domestic", _("l'exploitation domestique suppose une forme d'exploitation par le travail."))

        status = values["status"]
        identified_by = values["identified_by"]
        if status == "identified" and not identified_by and "identified_by" not in errors:
            err("identified_by", _("obligatoire pour une victime identifiée."))
        if status and status != "identified" and identified_by:
            err("identified_by", _("seule une victime identifiée a une autorité d'identification."))

        if errors:
            return Validation(record=None, errors=errors)
        return Validation(
            record=AnonymousRecord(
                sex=values["sex"],
                age=age,
                age_band=band,
                minor=minor or "I",
                citizenships=values["citizenships"],
                forms=forms,
                domestic=domestic,
                exploitation_place=values["exploitation_place"],
                recruitment_place=values["recruitment_place"],
                status=status,
                identified_by=identified_by,
                services=values["services"],
                year_first_followed=values["year_first_followed"],
            ),
            errors={},
        )


def validate(raw: Mapping, questionnaire: Questionnaire, *, year: int) -> Validation:
    """Check one raw row against the questionnaire for a campaign of `year`.

    `raw` maps variable names to values (strings, numbers or lists). Codes are
    matched exactly after trimming (upper-case for country and sex codes).
    Many rows: one `Validator` checks each distinct value of a column once."""
    return Validator(questionnaire, year=year).validate(raw)


def from_dict(data: Mapping) -> AnonymousRecord:
    """A record from stored, already validated values (no checks)."""
    return AnonymousRecord(
        sex=data["sex"],
        age=data.get("age"),
        age_band=data["age_band"],
        minor=data["minor"],
        citizenships=tuple(data["citizenships"]),
        forms=tuple(data["forms"]),
        domestic=data.get("domestic", "N"),
        exploitation_place=data["exploitation_place"],
        recruitment_place=data["recruitment_place"],
        status=data["status"],
        identified_by=data.get("identified_by", ""),
        services=tuple(data.get("services", ())),
        year_first_followed=data["year_first_followed"],
        person_id=data.get("person_id"),
    )


def many_from_dicts(rows: Iterable[Mapping]) -> list[AnonymousRecord]:
    return [from_dict(r) for r in rows]
