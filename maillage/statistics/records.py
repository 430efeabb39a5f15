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


def validate(raw: Mapping, questionnaire: Questionnaire, *, year: int) -> Validation:
    """Check one raw row against the questionnaire for a campaign of `year`.

    `raw` maps variable names to values (strings, numbers or lists). Codes are
    matched exactly after trimming (upper-case for country and sex codes)."""
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    def code(name: str, *, upper: bool = False) -> str:
        variable = questionnaire.variable(name)
        value = _text(raw.get(name))
        if upper:
            value = value.upper()
        if not value:
            if variable.required:
                err(name, _("valeur obligatoire."))
            return ""
        if value not in variable.code_values:
            err(
                name,
                _("code « %(v)s » inconnu (codes admis : %(codes)s).")
                % {"v": value, "codes": ", ".join(variable.code_values)},
            )
            return ""
        return value

    def codes(name: str) -> tuple[str, ...]:
        variable = questionnaire.variable(name)
        values = split_codes(raw.get(name))
        if not values and variable.required:
            err(name, _("au moins une valeur est obligatoire."))
        unknown = [v for v in values if v not in variable.code_values]
        if unknown:
            err(name, _("code(s) inconnu(s) : %(v)s.") % {"v": ", ".join(unknown)})
        if len(set(values)) != len(values):
            err(name, _("une même valeur est donnée deux fois."))
        return tuple(dict.fromkeys(v for v in values if v in variable.code_values))

    sex = code("sex", upper=True)

    age = None
    try:
        age = _integer(raw.get("age"))
    except (TypeError, ValueError):
        err("age", _("« %(v)s » n'est pas un âge en années entières.") % {"v": _text(raw.get("age"))})
    age_var = questionnaire.variable("age")
    if age is not None and not (age_var.min <= age <= age_var.max):
        err(
            "age",
            _("âge impossible (%(v)s) : il doit être compris entre %(min)s et %(max)s ans.")
            % {"v": age, "min": age_var.min, "max": age_var.max},
        )
        age = None
    band = code("age_band")
    if age is not None:
        derived = cls.band_of_age(age)
        if band and band != derived:
            err("age_band", _("la tranche « %(b)s » ne contient pas l'âge %(a)s.") % {"b": band, "a": age})
        band = derived
    band = band or "UNK"

    minor = code("minor", upper=True)
    if minor and age is not None:
        if (age < 18 and minor == "N") or (age >= 18 and minor == "O"):
            err("minor", _("incohérent avec l'âge au début de l'exploitation (%(a)s ans).") % {"a": age})
        elif minor == "I":
            minor = "O" if age < 18 else "N"
    if minor == "N" and band in cls.CHILD_BANDS:
        err("minor", _("incohérent avec la tranche d'âge « %(b)s ».") % {"b": band})
    if minor == "O" and band not in cls.CHILD_BANDS and band != "UNK":
        err("minor", _("incohérent avec la tranche d'âge « %(b)s ».") % {"b": band})

    citizenships = tuple(dict.fromkeys(c.upper() for c in split_codes(raw.get("citizenships"))))
    if not citizenships:
        err(
            "citizenships",
            _("au moins une nationalité est obligatoire (ZZ si elle est inconnue, XX pour une personne apatride)."),
        )
    bad = [c for c in citizenships if not territories.is_citizenship_code(c)]
    if bad:
        err(
            "citizenships",
            _("code(s) pays inconnu(s) : %(v)s (codes ISO 3166-1 à deux lettres).") % {"v": ", ".join(bad)},
        )
    if territories.UNKNOWN_COUNTRY in citizenships and len(citizenships) > 1:
        err("citizenships", _("« ZZ » (inconnue) ne peut pas accompagner une autre nationalité."))

    forms = codes("forms")
    if cls.UNKNOWN_FORM in forms and len(forms) > 1:
        err("forms", _("« forme inconnue » ne peut pas accompagner une autre forme."))
    domestic = code("domestic", upper=True) or "N"
    if domestic == "O" and not set(forms) & cls.LABOUR:
        err("domestic", _("l'exploitation domestique suppose une forme d'exploitation par le travail."))

    places = {}
    for name in ("exploitation_place", "recruitment_place"):
        value = _text(raw.get(name)).upper()
        if not value:
            err(name, _("valeur obligatoire (ZZ si le lieu est inconnu)."))
            continue
        try:
            cls.parse_place(value)
        except ValueError:
            err(
                name,
                _("lieu « %(v)s » inconnu : un département (FR-75, FR-2A, FR-971…), FR, un code pays ISO ou ZZ.")
                % {"v": value},
            )
            continue
        places[name] = value

    status = code("status")
    identified_by = code("identified_by")
    if status == "identified" and not identified_by and "identified_by" not in errors:
        err("identified_by", _("obligatoire pour une victime identifiée."))
    if status and status != "identified" and identified_by:
        err("identified_by", _("seule une victime identifiée a une autorité d'identification."))

    services = codes("services")

    first = None
    try:
        first = _integer(raw.get("year_first_followed"))
    except (TypeError, ValueError):
        err("year_first_followed", _("« %(v)s » n'est pas une année.") % {"v": _text(raw.get("year_first_followed"))})
    first_var = questionnaire.variable("year_first_followed")
    if first is None and "year_first_followed" not in errors:
        err("year_first_followed", _("valeur obligatoire."))
    elif first is not None and not (first_var.min <= first <= year):
        err(
            "year_first_followed",
            _("année %(v)s hors de la campagne (entre %(min)s et %(year)s).")
            % {"v": first, "min": first_var.min, "year": year},
        )

    if errors:
        return Validation(record=None, errors=errors)
    return Validation(
        record=AnonymousRecord(
            sex=sex,
            age=age,
            age_band=band,
            minor=minor or "I",
            citizenships=citizenships,
            forms=forms,
            domestic=domestic,
            exploitation_place=places["exploitation_place"],
            recruitment_place=places["recruitment_place"],
            status=status,
            identified_by=identified_by,
            services=services,
            year_first_followed=first,
        ),
        errors={},
    )


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
