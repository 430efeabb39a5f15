"""Compensation of the victim (Warsaw art. 15.3-4; rules.md §2 art. 15: CIVI /
FGTI, CPP art. 706-3), as versioned data with its source.

The CIVI deadlines are **not in rules.md** (which only names the route, [M]):
they are taken from CPP art. 706-5 as known from the text — 3 years from the
offence; when criminal proceedings are brought, 1 year after the decision that
finally rules on the public or civil action — and are *not re-checked* [M].
They are therefore settings a deployment can correct, shown as a date to aim
for, never used to refuse a claim (the CIVI may lift the time bar for a
legitimate reason, 706-5 second paragraph [M])."""

from __future__ import annotations

from datetime import date

from django.conf import settings

VERSION = "2026-12-06 (CPP 706-5 [M], issue 11)"
SOURCE = "Code de procédure pénale, art. 706-3 et 706-5 [M : délais non vérifiés, à contrôler sur Légifrance]"


def years_after_offence() -> int:
    return int(getattr(settings, "CASES_CIVI_YEARS_AFTER_OFFENCE", 3))


def years_after_final_decision() -> int:
    return int(getattr(settings, "CASES_CIVI_YEARS_AFTER_FINAL_DECISION", 1))


def _plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def civi_deadline(*, offence_on: date | None, final_decision_on: date | None) -> date | None:
    """The later of the two limits (the proceedings extend the period)."""
    limits = []
    if offence_on is not None:
        limits.append(_plus_years(offence_on, years_after_offence()))
    if final_decision_on is not None:
        limits.append(_plus_years(final_decision_on, years_after_final_decision()))
    return max(limits) if limits else None
