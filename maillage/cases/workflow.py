"""Case status state machine and the R-AGE derivation, as pure data.

The transition table is the single source of truth: services refuse any
transition not listed here, and the model's check constraints hold the
per-state invariants.
"""

from __future__ import annotations

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
