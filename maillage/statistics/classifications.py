"""How a record's codes map onto the classifications the tables publish.

Each mapping is data with its source, so a change (a new form of exploitation
transposed into French law, a new Eurostat coding) is a change here, not in
the table code. Pure module.

Forms of exploitation (rules.md §5.6): the French legal list (the directory's
catalogue) maps onto
- Eurostat's three classes (sexual / labour / other) [rules.md §5.1, V-P];
- GRETA's questionnaire forms (sexual, labour incl. domestic servitude, forced
  begging, forced criminality, forced marriage, organ removal, other) [§5.3, M];
- UNODC GLOTIP forms (with its "mixed" categories) [§5.2, M];
- IOM HTCDS `TypeOfExploitation` [§5.4, V-P].
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from maillage.territories import reference as territories

UNKNOWN_FORM = "INCONNUE"

SEXUAL = frozenset({"PROX", "SEX"})
LABOUR = frozenset({"TRAV_FORCE", "SERVITUDE", "ESCL", "DIGNITE"})
OTHER = frozenset({"MENDICITE", "DELITS_FORCES", "ORGANE", "MARIAGE_FORCE", "ADOPTION_ILLEGALE", "GPA"})

# --- Eurostat crim_thb: one class per victim -------------------------------------------
# The data collection asks for sexual / labour / other. A victim exploited in
# several classes is counted once, in the first class of this order (a choice
# to check against Eurostat's current guidance, rules.md §7: the order is data).
EUROSTAT_FORMS = ("SEXUAL", "LABOUR", "OTHER", "UNK")
EUROSTAT_FORM_ORDER = (("SEXUAL", SEXUAL), ("LABOUR", LABOUR), ("OTHER", OTHER))


def eurostat_form(forms: Iterable[str]) -> str:
    codes = set(forms)
    for label, members in EUROSTAT_FORM_ORDER:
        if codes & members:
            return label
    return "UNK"


# --- GRETA: every form the person was exploited in (several allowed) --------------------
GRETA_FORMS = ("sexual", "labour", "begging", "criminality", "marriage", "organs", "other", "unknown")
GRETA_OF_FORM = {
    "PROX": "sexual",
    "SEX": "sexual",
    "TRAV_FORCE": "labour",
    "SERVITUDE": "labour",
    "ESCL": "labour",
    "DIGNITE": "labour",
    "MENDICITE": "begging",
    "DELITS_FORCES": "criminality",
    "MARIAGE_FORCE": "marriage",
    "ORGANE": "organs",
    "ADOPTION_ILLEGALE": "other",
    "GPA": "other",
    UNKNOWN_FORM: "unknown",
}


def greta_forms(forms: Iterable[str]) -> frozenset[str]:
    return frozenset(GRETA_OF_FORM[f] for f in forms if f in GRETA_OF_FORM)


# --- UNODC GLOTIP: one form per victim, with the mixed categories ---------------------
GLOTIP_FORMS = (
    "SEXUAL",
    "FORCED_LABOUR",
    "MIXED_SEXUAL_LABOUR",
    "CRIMINAL",
    "BEGGING",
    "MARRIAGE",
    "ORGAN",
    "ADOPTION",
    "MIXED",
    "OTHER",
    "UNK",
)
_GLOTIP_SINGLE = {
    "sexual": "SEXUAL",
    "labour": "FORCED_LABOUR",
    "criminality": "CRIMINAL",
    "begging": "BEGGING",
    "marriage": "MARRIAGE",
    "organs": "ORGAN",
}


def glotip_form(forms: Iterable[str]) -> str:
    codes = set(forms) - {UNKNOWN_FORM}
    if not codes:
        return "UNK"
    if "ADOPTION_ILLEGALE" in codes and len(codes) == 1:
        return "ADOPTION"
    groups = greta_forms(codes) - {"unknown"}
    if groups == {"sexual", "labour"}:
        return "MIXED_SEXUAL_LABOUR"
    if len(groups) > 1:
        return "MIXED"
    (group,) = groups
    return _GLOTIP_SINGLE.get(group, "OTHER")


# --- IOM HTCDS TypeOfExploitation (rules.md §5.4) -----------------------------------------
HTCDS_OF_FORM = {
    "PROX": "SexualExploitation",
    "SEX": "SexualExploitation",
    "TRAV_FORCE": "ForcedLabour",
    "SERVITUDE": "ForcedLabour",
    "ESCL": "ForcedLabour",
    "DIGNITE": "ForcedLabour",
    "MENDICITE": "ForcedBegging",
    "DELITS_FORCES": "IllicitActivities",
    "MARIAGE_FORCE": "ForcedMarriage",
    "ORGANE": "OrganRemoval",
    "ADOPTION_ILLEGALE": "IllegalAdoption",
    "GPA": "Surrogacy",
}


def htcds_forms(forms: Iterable[str]) -> list[str]:
    out = []
    for f in forms:
        value = HTCDS_OF_FORM.get(f)
        if value and value not in out:
            out.append(value)
    return out


# --- age ------------------------------------------------------------------------------------
AGE_BANDS = (
    ("0-11", 0, 11),
    ("12-14", 12, 14),
    ("15-17", 15, 17),
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55+", 55, 200),
)
CHILD_BANDS = frozenset({"0-11", "12-14", "15-17"})
AGE_GROUPS = ("CHILD", "ADULT", "UNK")


def band_of_age(age: int | None) -> str:
    if age is None:
        return "UNK"
    for code, low, high in AGE_BANDS:
        if low <= age <= high:
            return code
    return "UNK"


def age_group(*, minor: str, band: str) -> str:
    """CHILD (< 18 at the time of exploitation), ADULT or UNK (rules.md §5.6)."""
    if minor == "O":
        return "CHILD"
    if minor == "N":
        return "ADULT"
    if band in CHILD_BANDS:
        return "CHILD"
    if band != "UNK":
        return "ADULT"
    return "UNK"


# --- citizenship --------------------------------------------------------------------------
CITIZENSHIP_GROUPS = ("REPORTING_COUNTRY", "OTHER_EU", "NON_EU", "UNKNOWN")
_GROUP_RANK = {g: i for i, g in enumerate(CITIZENSHIP_GROUPS)}


def main_citizenship(codes: Iterable[str], *, reporting: str = "FR", on: date) -> str:
    """One citizenship per person for the tables: the reporting country first,
    then another EU member state, then a country outside the EU, then
    stateless/unknown (the precedence of EU migration statistics, Regulation
    (EC) 862/2007 art. 2; applied by Eurostat to persons with several
    citizenships). Within a group, the first one given."""
    best, best_rank = territories.UNKNOWN_COUNTRY, len(CITIZENSHIP_GROUPS)
    for code in codes:
        rank = _GROUP_RANK[territories.eurostat_citizenship_group(code, reporting, on)]
        if code == territories.UNKNOWN_COUNTRY:
            rank = len(CITIZENSHIP_GROUPS)
        if rank < best_rank:
            best, best_rank = code, rank
    return best


def citizenship_group(code: str, *, reporting: str = "FR", on: date) -> str:
    return territories.eurostat_citizenship_group(code, reporting, on)


# --- places ---------------------------------------------------------------------------------
FRANCE = "FR"


def parse_place(value: str) -> tuple[str, str]:
    """(country, département) of a place code: « FR-75 » → ("FR", "75"),
    « FR » → ("FR", ""), « NG » → ("NG", ""), « ZZ » → ("ZZ", "").
    Raises ValueError on an unknown code."""
    text = (value or "").strip().upper()
    if text.startswith("FR-"):
        dep = text[3:]
        if not territories.is_departement_code(dep):
            raise ValueError(text)
        return FRANCE, dep
    if text == territories.UNKNOWN_COUNTRY or territories.is_country_code(text):
        return text, ""
    raise ValueError(text)


def region_of_departement(dep: str) -> str:
    return territories.departement(dep).region_code if dep else ""
