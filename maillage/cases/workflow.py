"""Case status state machine and the R-AGE derivation, as pure data.

The transition table is the single source of truth: services refuse any
transition not listed here, and the model's check constraints hold the
per-state invariants.
"""

from __future__ import annotations

from datetime import date

from .enums import AgeStatus, CaseStatus

S = CaseStatus

# (from, to) -> action name. Reopening goes back to the status held before
# closure (stored on the case), so it is listed per target.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.REPORTED, S.PRESUMED): "presume",  # Warsaw 10.2: reasonable grounds
    (S.REPORTED, S.NOT_RETAINED): "not_retain",
    (S.PRESUMED, S.IDENTIFIED): "identify",  # rules.md §3.2: police / gendarmerie
    (S.PRESUMED, S.NOT_RETAINED): "not_retain",
    (S.REPORTED, S.CLOSED): "close",
    (S.PRESUMED, S.CLOSED): "close",
    (S.IDENTIFIED, S.CLOSED): "close",
    (S.NOT_RETAINED, S.CLOSED): "close",
    (S.CLOSED, S.REPORTED): "reopen",
    (S.CLOSED, S.PRESUMED): "reopen",
    (S.CLOSED, S.IDENTIFIED): "reopen",
    (S.CLOSED, S.NOT_RETAINED): "reopen",
}


def allowed_targets(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


def can_transition(status: str, target: str) -> bool:
    return (status, target) in TRANSITIONS


# R-AGE (Warsaw 10.3; C. civ. 388 « le doute profite à l'intéressé »).
MINOR_STATUSES = frozenset({AgeStatus.DOCUMENTED_MINOR, AgeStatus.ASSESSED_MINOR, AgeStatus.DECLARED_MINOR_UNVERIFIED})
DOUBT_STATUSES = frozenset({AgeStatus.DISPUTED})


def treated_as_minor(age_status: str, *, reasons_to_believe_minor: bool = False) -> bool:
    """A declared minor is treated as a minor until a formal decision; a
    disputed age counts as minor when there are reasons to believe it."""
    if age_status in MINOR_STATUSES:
        return True
    if age_status in DOUBT_STATUSES:
        return bool(reasons_to_believe_minor)
    return False


# Age at the time of the facts (rules.md §1.6 and §2 art. 4, R-FR-QUALIF): the
# indicator set and the 225-4-1 pre-qualification follow the age *when the
# person was exploited*, not today's. An adult now who was exploited as a
# child gets the child set and needs no « means » (Warsaw art. 4 c-d; Code
# pénal 225-4-1 II).
# Statuses that assert an age a birth date can contradict. A person's own
# declaration of minority is not refused against a birth date on file (the
# papers may be false, often supplied by the exploiters): it stays « non
# vérifié » and the presumption of minority applies (Warsaw art. 10.3).
MINOR_CLAIMS = frozenset({AgeStatus.DOCUMENTED_MINOR, AgeStatus.ASSESSED_MINOR})
ADULT_CLAIMS = frozenset({AgeStatus.DOCUMENTED_ADULT, AgeStatus.ASSESSED_ADULT})
MAJORITY = 18  # Warsaw art. 4 d; C. civ. art. 388


def age_on(birth: date, on: date) -> int:
    """Completed years on `on`."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_bounds(*, birth_date: date | None, birth_year: int | None, on: date) -> tuple[int, int] | None:
    """The person's age on `on` as (lowest, highest): exact with a birth date,
    a one-year range with a birth year only, None when nothing is known."""
    if birth_date is not None:
        age = age_on(birth_date, on)
        return age, age
    if birth_year:
        return on.year - int(birth_year) - 1, on.year - int(birth_year)
    return None


def minor_at_facts_from_dates(*, birth_date: date | None, birth_year: int | None, facts_start: date | None):
    """True / False when the dates settle it, None when they do not (unknown
    start of exploitation, or the eighteenth birthday falls within the range)."""
    if facts_start is None:
        return None
    bounds = age_bounds(birth_date=birth_date, birth_year=birth_year, on=facts_start)
    if bounds is None:
        return None
    low, high = bounds
    if high < MAJORITY:
        return True
    if low >= MAJORITY:
        return False
    return None


def child_at_facts(*, treated_as_minor: bool, minor_at_exploitation: bool | None) -> bool:
    """Whether the child rules apply to the facts: a person treated as a minor
    today was a minor when exploited; an adult today was one if recorded so."""
    return bool(treated_as_minor) or minor_at_exploitation is True
