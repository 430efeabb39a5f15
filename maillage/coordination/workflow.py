"""State machines of coordination, as pure data (like cases/workflow.py).

Services refuse any pair not listed: `(from, to) -> action name`.
"""

from __future__ import annotations

from .enums import LetterStatus as L
from .enums import MinutesStatus as M

# The minutes: generated from the agenda and the decisions, edited as a
# draft (as often as needed), circulated to the participants for remarks
# during a set delay (still editable, to take the remarks in), then
# approved by the pilot; approved minutes are final (issue 10).
MINUTES_TRANSITIONS: dict[tuple[str, str], str] = {
    (M.NONE, M.DRAFT): "draft",
    (M.DRAFT, M.DRAFT): "edit",
    (M.DRAFT, M.CIRCULATED): "circulate",
    (M.CIRCULATED, M.CIRCULATED): "edit",
    (M.CIRCULATED, M.APPROVED): "approve",
}

# The correspondence register: a letter received is assigned, worked on,
# answered, closed; any step may be skipped forward, none goes back.
LETTER_TRANSITIONS: dict[tuple[str, str], str] = {
    (L.RECEIVED, L.ASSIGNED): "assign",
    (L.RECEIVED, L.IN_PROGRESS): "start",
    (L.RECEIVED, L.ANSWERED): "answer",
    (L.RECEIVED, L.CLOSED): "close",
    (L.ASSIGNED, L.IN_PROGRESS): "start",
    (L.ASSIGNED, L.ANSWERED): "answer",
    (L.ASSIGNED, L.CLOSED): "close",
    (L.IN_PROGRESS, L.ANSWERED): "answer",
    (L.IN_PROGRESS, L.CLOSED): "close",
    (L.ANSWERED, L.CLOSED): "close",
}


def minutes_can_move(status: str, target: str) -> bool:
    return (status, target) in MINUTES_TRANSITIONS


def letter_can_move(status: str, target: str) -> bool:
    return (status, target) in LETTER_TRANSITIONS


def letter_targets(status: str) -> list[str]:
    return [to for (frm, to) in LETTER_TRANSITIONS if frm == status]
