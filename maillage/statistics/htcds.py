"""IOM Human Trafficking Case Data Standard (HTCDS) export of the anonymous
records, k-anonymised the way CTDC does before contribution.

Fields (HTCDS field reference, rules.md §5.4; flattened to one row per person):

| column | HTCDS | coding |
|---|---|---|
| `cas_RegistrationYear` | CTDC `yearOfRegistration` | year first followed |
| `prs_Gender` | `prs_Gender` | Female / Male / Transgender/NonConforming (X) / Unknown |
| `vic_AgeBroad` | CTDC `ageBroad`-like band | 0-17 / 18-24 / 25-34 / 35-44 / 45+ / Unknown (the record's band) |
| `vic_MajorityStatusAtExploit` | CTDC `majorityStatusAtExploit` | Minor / Adult / Unknown |
| `prs_Nationality` | `prs_Nationality` | ISO 3166-1 alpha-2 (main citizenship; XX stateless, ZZ unknown) |
| `vic_TraffickingStatus` | `TraffickingStatus` | ActualVictimOfTrafficking (identified) / PossibleVictimOfTrafficking |
| `vic_TypeOfExploitation` | `vic_TypeOfExploitation` | multiselect, « ; »-separated (classifications.HTCDS_OF_FORM) |
| `hte_ExploitationCountry` | `hte_Country` with `hte_Type` = Exploitation | ISO alpha-2 (FR for any French département) |

k-anonymity: the quasi-identifiers are every column; while a combination is
shared by fewer than k records (default 11, CTDC's), the most detailed
remaining quasi-identifier is generalised one step (nationality → Eurostat
group → « Other »; age band → majority status; exploitation country → FR /
Other; forms → Eurostat classes); records still unique after the last step
are removed (suppression), as CTDC redacts them.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date

from . import classifications as cls
from .records import AnonymousRecord
from .spreadsheet import safe_csv

COLUMNS = (
    "cas_RegistrationYear", "prs_Gender", "vic_AgeBroad", "vic_MajorityStatusAtExploit", "prs_Nationality",
    "vic_TraffickingStatus", "vic_TypeOfExploitation", "hte_ExploitationCountry",
)  # fmt: skip
GENDER = {"F": "Female", "M": "Male", "X": "Transgender/NonConforming", "U": "Unknown"}
AGE_BROAD = {"0-11": "0-17", "12-14": "0-17", "15-17": "0-17", "18-24": "18-24", "25-34": "25-34",
             "35-44": "35-44", "45-54": "45+", "55+": "45+", "UNK": "Unknown"}  # fmt: skip
MAJORITY = {"CHILD": "Minor", "ADULT": "Adult", "UNK": "Unknown"}
# Generalisation ladder: (column, steps); each step maps a value to a coarser one.
LADDER = (
    "prs_Nationality",
    "vic_AgeBroad",
    "hte_ExploitationCountry",
    "vic_TypeOfExploitation",
    "cas_RegistrationYear",
)


def row(record: AnonymousRecord, *, on: date) -> dict:
    country, _dep = cls.parse_place(record.exploitation_place)
    return {
        "cas_RegistrationYear": str(record.year_first_followed),
        "prs_Gender": GENDER[record.sex],
        "vic_AgeBroad": AGE_BROAD[record.age_band],
        "vic_MajorityStatusAtExploit": MAJORITY[record.age_group],
        "prs_Nationality": cls.main_citizenship(record.citizenships, on=on),
        "vic_TraffickingStatus": "ActualVictimOfTrafficking"
        if record.status == "identified"
        else "PossibleVictimOfTrafficking",
        "vic_TypeOfExploitation": ";".join(cls.htcds_forms(record.forms)) or "Other",
        "hte_ExploitationCountry": country,
    }


def _generalise(column: str, value: str, *, on: date) -> str:
    if column == "prs_Nationality":
        return {"REPORTING_COUNTRY": "FR", "OTHER_EU": "EU", "NON_EU": "NonEU", "UNKNOWN": "ZZ"}.get(
            cls.citizenship_group(value, on=on), value
        ) if len(value) == 2 else "Other"  # fmt: skip
    if column == "vic_AgeBroad":
        return "Suppressed"
    if column == "hte_ExploitationCountry":
        return value if value == "FR" else "Other"
    if column == "vic_TypeOfExploitation":
        classes = {
            "SexualExploitation": "SexualExploitation",
            "ForcedLabour": "ForcedLabour",
        }
        parts = {classes.get(p, "Other") for p in value.split(";")}
        return ";".join(sorted(parts)) if len(parts) == 1 else "Multiple"
    if column == "cas_RegistrationYear":
        return "Earlier" if value != str(on.year) else value
    return value


def k_anonymise(rows: list[dict], *, k: int = 11, on: date) -> tuple[list[dict], int]:
    """Generalise until every combination has ≥ k rows; drop what is left. Returns (rows, dropped)."""
    rows = [dict(r) for r in rows]
    for column in LADDER:
        for _step in range(2):
            counts = Counter(tuple(r[c] for c in COLUMNS) for r in rows)
            rare = [r for r in rows if counts[tuple(r[c] for c in COLUMNS)] < k]
            if not rare:
                return rows, 0
            for r in rare:
                r[column] = _generalise(column, r[column], on=on)
    counts = Counter(tuple(r[c] for c in COLUMNS) for r in rows)
    kept = [r for r in rows if counts[tuple(r[c] for c in COLUMNS)] >= k]
    return kept, len(rows) - len(kept)


def export(records: list[AnonymousRecord], *, year: int, k: int = 11) -> tuple[bytes, int]:
    on = date(year, 12, 31)
    rows, dropped = k_anonymise([row(r, on=on) for r in records], k=k, on=on)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for r in rows:
        writer.writerow({c: safe_csv(r[c]) for c in COLUMNS})
    return out.getvalue().encode("utf-8"), dropped
