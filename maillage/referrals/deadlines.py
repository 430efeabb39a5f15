"""Deadlines of referrals as data (style.md: rules as data, with their source).

Read only through these objects; each value can be overridden per deployment
by the setting named in `setting`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from maillage.cases.deadlines import Deadline

ANSWER_DELAY = Deadline(
    key="referral_answer",
    default_days=10,
    source="Choix de fonctionnement du mécanisme national d'orientation (DORA : expiration des orientations sans réponse) ; à fixer par la coordination nationale",
    setting="REFERRALS_ANSWER_DAYS",
)


@dataclass(frozen=True)
class ReminderSchedule:
    """Reminders to the recipient, in days after sending, while no answer came."""

    default_days: tuple[int, ...]
    source: str
    setting: str

    def days(self) -> tuple[int, ...]:
        return tuple(sorted(int(d) for d in getattr(settings, self.setting, self.default_days)))


REMINDERS = ReminderSchedule(
    default_days=(3, 7),
    source="Choix de fonctionnement : relances à J+3 et J+7 avant l'expiration (modèle DORA)",
    setting="REFERRALS_REMINDER_DAYS",
)

ALL = (ANSWER_DELAY,)
