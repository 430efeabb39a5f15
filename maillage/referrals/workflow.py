"""Referral state machine, as pure data.

    draft → sent → accepted → completed
            sent → declined (reason required) | withdrawn (sender) | expired (no answer)
    draft → withdrawn (the sender drops a draft)

Services refuse any pair not listed here; model check constraints hold the
per-state invariants. Who may fire each action is in `ACTORS`.
"""

from __future__ import annotations

from .enums import AcseStatus as A
from .enums import ReferralStatus as S
from .enums import SharedPart as P

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SENT): "send",
    (S.DRAFT, S.WITHDRAWN): "withdraw",
    (S.SENT, S.ACCEPTED): "accept",
    (S.SENT, S.DECLINED): "decline",
    (S.SENT, S.WITHDRAWN): "withdraw",
    (S.SENT, S.EXPIRED): "expire",
    (S.ACCEPTED, S.COMPLETED): "complete",
}

# Which side may fire an action: the sending or the receiving organisation,
# or the system (scheduled task).
ACTORS: dict[str, str] = {
    "send": "sender",
    "withdraw": "sender",
    "accept": "recipient",
    "decline": "recipient",
    "expire": "system",
    "complete": "recipient",
}

OPEN_STATUSES = frozenset({S.DRAFT, S.SENT})
# Statuses in which the recipient may read the shared parts of the case.
GRANTING_STATUSES = frozenset({S.ACCEPTED, S.COMPLETED})
FINAL_STATUSES = frozenset({S.DECLINED, S.WITHDRAWN, S.EXPIRED, S.COMPLETED})


def can_transition(status: str, target: str) -> bool:
    return (status, target) in TRANSITIONS


def action_for(status: str, target: str) -> str | None:
    return TRANSITIONS.get((status, target))


def targets_from(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]


# --- Ac.Sé host access (docs/domain/referrals.md, « Ac.Sé: the host's access ») ---

# The recorded host reads the shared parts of the case from the moment the
# place is found (it prepares the reception: languages, needs) until the exit,
# a refusal or a cancellation; changing the host moves the access at once.
ACSE_HOST_ACCESS_STATUSES = frozenset({A.PLACE_FOUND, A.TRANSFER, A.HOSTED})
# A placement in one of these is over (nothing left to follow for the referrer).
ACSE_CLOSED_STATUSES = frozenset({A.EXITED, A.REFUSED, A.CANCELLED})
# What a shelter may receive to welcome the person (Warsaw art. 11: need to
# know). Screenings and documents are not offered: a shelter does not need them
# to receive the person, an ordinary referral can share them later.
ACSE_HOST_PARTS = (P.IDENTITY, P.FACTS, P.RIGHTS, P.NOTES_SHAREABLE)

# --- Ac.Sé pathway (rules.md §3.4, R-ACSE) ---------------------------------------

#   requested → (assessment → place_search →) place_found → (transfer →) hosted → exited
#   The coordination assesses and chooses the centre in one step (`pathways.acse.place_acse`:
#   requested | assessment | place_search | no_show → place_found); the host then confirms
#   the arrival (→ hosted) or that the person did not come (→ no_show, to place again).
#   refused (coordination, up to place_found or after a no-show)
#   cancelled (coordination or referrer, up to the arrival)
# (from, to) -> who may fire it: the Ac.Sé coordination, the host, the referring organisation.
# Changing the host is its own step (`pathways.acse.change_acse_host`), back to place_found.
ACSE_PLACEABLE_STATUSES = frozenset({A.REQUESTED, A.ASSESSMENT, A.PLACE_SEARCH, A.NO_SHOW})
# What the host is waiting for: an announced arrival to confirm.
ACSE_ANNOUNCED_STATUSES = frozenset({A.PLACE_FOUND, A.TRANSFER})
ACSE_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (A.REQUESTED, A.ASSESSMENT): frozenset({"coordination"}),
    (A.ASSESSMENT, A.PLACE_SEARCH): frozenset({"coordination"}),
    **{(s, A.PLACE_FOUND): frozenset({"coordination"}) for s in ACSE_PLACEABLE_STATUSES},
    (A.PLACE_FOUND, A.TRANSFER): frozenset({"coordination"}),
    (A.PLACE_FOUND, A.HOSTED): frozenset({"coordination", "host"}),
    (A.TRANSFER, A.HOSTED): frozenset({"coordination", "host"}),
    (A.PLACE_FOUND, A.NO_SHOW): frozenset({"coordination", "host"}),
    (A.TRANSFER, A.NO_SHOW): frozenset({"coordination", "host"}),
    (A.HOSTED, A.EXITED): frozenset({"coordination", "host"}),
    **{
        (s, A.REFUSED): frozenset({"coordination"})
        for s in (A.REQUESTED, A.ASSESSMENT, A.PLACE_SEARCH, A.PLACE_FOUND, A.NO_SHOW)
    },
    **{
        (s, A.CANCELLED): frozenset({"coordination", "referrer"})
        for s in (A.REQUESTED, A.ASSESSMENT, A.PLACE_SEARCH, A.PLACE_FOUND, A.TRANSFER, A.NO_SHOW)
    },
}


def acse_next_steps(status: str, role: str | None) -> list[str]:
    """The steps `role` may fire from `status` (place_found excepted: it is
    the placement form's, with the centre)."""
    return [
        target
        for (source, target), firers in ACSE_TRANSITIONS.items()
        if source == status and role in firers and target != A.PLACE_FOUND
    ]


def acse_firers(status: str, target: str) -> frozenset[str] | None:
    """Who may move a placement from `status` to `target` (None: no such step)."""
    return ACSE_TRANSITIONS.get((status, target))
