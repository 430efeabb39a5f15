"""The plan's lifecycle, as pure data (like cases/workflow.py).

    draft → consultation → adopted → in implementation → closed
            consultation → draft

Going back from consultation to draft lets the coordination rework the text
after a round (a new version is then frozen and possibly consulted again).
Services refuse any pair not listed: `(from, to) -> action name`.
"""

from __future__ import annotations

from .enums import PlanStatus as S

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.CONSULTATION): "consult",
    (S.CONSULTATION, S.DRAFT): "rework",
    (S.CONSULTATION, S.ADOPTED): "adopt",
    (S.ADOPTED, S.IN_IMPLEMENTATION): "implement",
    (S.IN_IMPLEMENTATION, S.CLOSED): "close",
}


def can_transition(status: str, target: str) -> bool:
    return (status, target) in TRANSITIONS


def targets_from(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]
