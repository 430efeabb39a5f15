"""Tables as people read them: labels, the stored payload, CSV and XLSX.

A published table is stored as a JSON payload holding only what may leave
the statistics area: the protected values (None for a suppressed cell), the
codes and their labels in French and English, rates built on published
counts only, and the notes (source, population). Codes are never shown
alone: every code has a label; Eurostat codes (EL, UK, STLS) appear in the
Eurostat tables' export only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from maillage.territories import reference as territories

from . import population
from .disclosure import TOTAL, Protected
from .questionnaire import Questionnaire
from .spreadsheet import append_safe, safe_csv

FIXED_LABELS = {
    ("status", "registered"): gettext_lazy("Victimes enregistrées (identifiées ou présumées)"),
    ("sex", "UNK"): gettext_lazy("Autre ou inconnu"),
    ("age", "CHILD"): gettext_lazy("Mineur·es"),
    ("age", "ADULT"): gettext_lazy("Majeur·es"),
    ("age", "AGE_UNK"): gettext_lazy("Âge inconnu"),
    ("age", "BAND_UNK"): gettext_lazy("Âge inconnu"),
    ("place", "FR?"): gettext_lazy("France, département inconnu"),
    ("place", "ABROAD"): gettext_lazy("À l'étranger"),
    ("place", "ZZ"): gettext_lazy("Lieu inconnu"),
    ("place", "FRANCE"): gettext_lazy("France"),
    ("new", "NEW"): gettext_lazy("Premier suivi dans l'année"),
    ("new", "EARLIER"): gettext_lazy("Suivi depuis une année antérieure"),
    ("identified_by", "police"): gettext_lazy("Police nationale"),
    ("identified_by", "gendarmerie"): gettext_lazy("Gendarmerie nationale"),
    ("identified_by", "other"): gettext_lazy("Autre autorité compétente"),
    ("citizenship", "group:REPORTING_COUNTRY"): gettext_lazy("France"),
    ("citizenship", "group:OTHER_EU"): gettext_lazy("Autre pays de l'Union européenne"),
    ("citizenship", "group:NON_EU"): gettext_lazy("Pays hors Union européenne (ou apatride)"),
    ("citizenship", "group:UNKNOWN"): gettext_lazy("Nationalité inconnue"),
    ("form", "eurostat:SEXUAL"): gettext_lazy("Exploitation sexuelle"),
    ("form", "eurostat:LABOUR"): gettext_lazy("Exploitation par le travail"),
    ("form", "eurostat:OTHER"): gettext_lazy("Autres formes"),
    ("form", "eurostat:UNK"): gettext_lazy("Forme inconnue"),
    ("form", "greta:sexual"): gettext_lazy("Exploitation sexuelle"),
    ("form", "greta:labour"): gettext_lazy("Travail forcé (y compris servitude domestique)"),
    ("form", "greta:begging"): gettext_lazy("Mendicité forcée"),
    ("form", "greta:criminality"): gettext_lazy("Criminalité forcée"),
    ("form", "greta:marriage"): gettext_lazy("Mariage forcé"),
    ("form", "greta:organs"): gettext_lazy("Prélèvement d'organes"),
    ("form", "greta:other"): gettext_lazy("Autres formes"),
    ("form", "greta:unknown"): gettext_lazy("Forme inconnue"),
    ("glotip", "SEXUAL"): gettext_lazy("Exploitation sexuelle"),
    ("glotip", "FORCED_LABOUR"): gettext_lazy("Travail forcé"),
    ("glotip", "MIXED_SEXUAL_LABOUR"): gettext_lazy("Exploitation sexuelle et travail forcé"),
    ("glotip", "CRIMINAL"): gettext_lazy("Activités criminelles forcées"),
    ("glotip", "BEGGING"): gettext_lazy("Mendicité"),
    ("glotip", "MARRIAGE"): gettext_lazy("Mariage forcé"),
    ("glotip", "ORGAN"): gettext_lazy("Prélèvement d'organes"),
    ("glotip", "ADOPTION"): gettext_lazy("Vente d'enfants, adoption illégale"),
    ("glotip", "MIXED"): gettext_lazy("Formes multiples"),
    ("glotip", "OTHER"): gettext_lazy("Autres formes"),
    ("glotip", "UNK"): gettext_lazy("Forme inconnue"),
    ("followed_by", "1"): gettext_lazy("Une organisation"),
    ("followed_by", "2"): gettext_lazy("Deux organisations"),
    ("followed_by", "3+"): gettext_lazy("Trois organisations ou plus"),
    ("followed_by", "several"): gettext_lazy("Plusieurs organisations"),
}
VARIABLE_LABELS = {
    "status": gettext_lazy("Statut"),
    "sex": gettext_lazy("Sexe"),
    "age": gettext_lazy("Âge"),
    "citizenship": gettext_lazy("Nationalité"),
    "form": gettext_lazy("Forme d'exploitation"),
    "service": gettext_lazy("Service"),
    "place": gettext_lazy("Lieu d'exploitation"),
    "new": gettext_lazy("Ancienneté du suivi"),
    "identified_by": gettext_lazy("Autorité d'identification"),
    "glotip": gettext_lazy("Forme d'exploitation (ONUDC)"),
    "followed_by": gettext_lazy("Suivie par"),
}
QUESTIONNAIRE_VARIABLE = {"status": "status", "sex": "sex", "age": "age_band", "form": "forms", "service": "services"}


def label(questionnaire: Questionnaire, variable: str, code: str, language: str) -> str:
    with translation.override(language):
        if code == TOTAL:
            return _("Ensemble")
        fixed = FIXED_LABELS.get((variable, code))
        if fixed is not None:
            return str(fixed)
        if variable == "citizenship":
            if code.startswith("others:"):
                return _("Autres nationalités")
            return territories.citizenship_name(code, language)
        if variable == "place":
            if code.startswith("region:"):
                return territories.region(code.split(":", 1)[1]).name
            return territories.departement(code).label
        q_name = QUESTIONNAIRE_VARIABLE.get(variable)
        if q_name:
            return questionnaire.variable(q_name).label_of(code, language)
        return code


def export_code(family: str, variable: str, code: str) -> str:
    """The code an export speaks: Eurostat tables use Eurostat's country codes."""
    if (
        family == "eurostat"
        and variable == "citizenship"
        and code != TOTAL
        and not code.startswith(("group:", "others:"))
    ):
        return territories.eurostat_country_code(code)
    return code


def payload(
    protected: Protected, questionnaire: Questionnaire, *, year: int, families: Mapping[str, str]
) -> list[dict]:
    """One JSON-ready dict per table (protected values only)."""
    out = []
    for position, table in enumerate(protected.tables):
        family = families[table.key]
        dims = []
        for name, codes in zip(table.variables, table.codes, strict=True):
            dims.append(
                {
                    "variable": name,
                    "label": {lang: _in(lang, VARIABLE_LABELS.get(name, name)) for lang in ("fr", "en")},
                    "codes": [
                        {
                            "code": code,
                            "export": export_code(family, name, code),
                            "label": {lang: label(questionnaire, name, code, lang) for lang in ("fr", "en")},
                        }
                        for code in (*codes, TOTAL)
                    ],
                }
            )
        cells = [[list(coords), cell.value] for coords, cell in table.cells.items() if cell.status != "hidden"]
        item = {
            "key": table.key,
            "family": family,
            "position": position,
            "title": {lang: _in(lang, table.title) for lang in ("fr", "en")},
            "population": dict(table.population),
            "dims": dims,
            "cells": cells,
        }
        if table.key == "unodc.sex_age":
            item["rates"] = _rates(table, year)
        out.append(item)
    return out


def _in(language: str, text) -> str:
    with translation.override(language):
        return str(text)


AGE_RANGES = {"CHILD": (0, 17), "ADULT": (18, 200), TOTAL: (0, 200)}


def _rates(table, year: int) -> dict:
    """Victims per 100,000 inhabitants (SDG 16.2.2), from published counts only:
    a suppressed count gives no rate."""
    rates = {}
    for coords, cell in table.cells.items():
        sex, age = coords
        if sex not in ("F", "M", TOTAL) or age not in AGE_RANGES:
            continue
        low, high = AGE_RANGES[age]
        denominator = population.population(year, sex=None if sex == TOTAL else sex, age_min=low, age_max=high)
        rates["|".join(coords)] = population.rate_per_100k(cell.value, denominator)
    return {
        "values": rates,
        "reference_year": population.reference_year(year),
        "source": population.SOURCE,
    }


# --- display -------------------------------------------------------------------------------


def grid(item: dict, language: str) -> dict:
    """Rows × columns for a page: the last dimension across, the others down."""
    dims = item["dims"]
    lang = language[:2] if language[:2] in ("fr", "en") else "fr"
    values = {tuple(coords): value for coords, value in item["cells"]}
    columns = dims[-1]["codes"]
    row_dims = dims[:-1]
    row_keys: list[tuple] = [()]
    for dim in row_dims:
        row_keys = [(*k, c["code"]) for k in row_keys for c in dim["codes"]]
    labels = {(d["variable"], c["code"]): c["label"][lang] for d in dims for c in d["codes"]}
    rows = []
    for key in row_keys:
        cells = [values.get((*key, c["code"]), "absent") for c in columns]
        if all(v == "absent" for v in cells):
            continue
        rows.append(
            {
                "headers": [labels[(d["variable"], code)] for d, code in zip(row_dims, key, strict=True)],
                "cells": [None if v == "absent" else v for v in cells],
                "is_total": all(code == TOTAL for code in key) and bool(key),
            }
        )
    return {
        "title": item["title"][lang],
        "row_headers": [d["label"][lang] for d in row_dims] or [""],
        "columns": [c["label"][lang] for c in columns],
        "column_variable": dims[-1]["label"][lang],
        "rows": rows,
    }


SUPPRESSED = "s"  # Eurostat's flag for confidential values


def to_csv(items: list[dict], language: str = "fr") -> bytes:
    """Long format: one line per cell, codes and labels, « s » when suppressed."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["table", "dimension", "code", "libelle", "dimension_2", "code_2", "libelle_2",
                     "dimension_3", "code_3", "libelle_3", "valeur", "confidentiel"])  # fmt: skip
    lang = language[:2]
    for item in items:
        codes = [{c["code"]: c for c in d["codes"]} for d in item["dims"]]
        for coords, value in item["cells"]:
            row = [item["key"]]
            for axis in range(3):
                if axis < len(coords):
                    code = codes[axis][coords[axis]]
                    row += [item["dims"][axis]["variable"], code["export"], code["label"][lang]]
                else:
                    row += ["", "", ""]
            row += ["" if value is None else value, SUPPRESSED if value is None else ""]
            writer.writerow([safe_csv(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(items: list[dict], language: str = "fr") -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for item in items:
        table = grid(item, language)
        ws = wb.create_sheet(item["key"][:31])
        append_safe(ws, [table["title"]])
        append_safe(ws, [*table["row_headers"], *table["columns"]])
        for row in table["rows"]:
            append_safe(ws, [*row["headers"], *[SUPPRESSED if v is None else v for v in row["cells"]]])
        append_safe(ws, [_("« s » : valeur non diffusée (secret statistique).")])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
