"""Shared builders for the statistics tests (no database)."""

from maillage.statistics import questionnaire, records

Q = questionnaire.shipped()

BASE = {
    "sex": "F",
    "age": 30,
    "age_band": "",
    "minor": "N",
    "citizenships": "NG",
    "forms": "PROX",
    "domestic": "",
    "exploitation_place": "FR-75",
    "recruitment_place": "NG",
    "status": "presumed",
    "identified_by": "",
    "services": "",
    "year_first_followed": 2025,
}


def raw(**changes) -> dict:
    return {**BASE, **changes}


def record(year: int = 2025, **changes) -> records.AnonymousRecord:
    validation = records.validate(raw(**changes), Q, year=year)
    assert validation.ok, validation.errors
    return validation.record
