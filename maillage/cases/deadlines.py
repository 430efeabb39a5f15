"""Deadlines of the case file as data, each with its legal source.

Values can be overridden per deployment through the setting named in
`setting`; code reads them only through `value()` / `days()`, never as
literals (style.md: rules as data where the law may move).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings


@dataclass(frozen=True)
class Deadline:
    key: str
    default_days: int
    source: str
    setting: str

    def days(self) -> int:
        return int(getattr(settings, self.setting, self.default_days))

    def delta(self) -> timedelta:
        return timedelta(days=self.days())


REFLECTION_MIN = Deadline(
    key="reflection_min",
    default_days=30,
    source="Convention de Varsovie art. 13.1 ; CESEDA L425-1 et R425-1 (récépissé de 30 jours)",
    setting="CASES_REFLECTION_PERIOD_MIN_DAYS",
)
REFLECTION_REMINDER_BEFORE_END = Deadline(
    key="reflection_reminder",
    default_days=7,
    source="Choix de fonctionnement : prévenir une semaine avant la fin du délai de réflexion (R-REFLECTION)",
    setting="CASES_REFLECTION_REMINDER_DAYS",
)
PERMIT_REMINDER_BEFORE_END = Deadline(
    key="permit_reminder",
    default_days=60,
    source=(
        "Choix de fonctionnement : la demande de renouvellement se dépose dans les deux mois "
        "précédant l'expiration (CESEDA R431-5)"
    ),
    setting="CASES_PERMIT_REMINDER_DAYS",
)
REFLECTION_OFFER_FOLLOW_UP = Deadline(
    key="reflection_offer_follow_up",
    default_days=7,
    source=(
        "Choix de fonctionnement : recueillir la réponse de la personne à la proposition du délai de réflexion "
        "dans la semaine (Convention de Varsovie art. 13.1 : accordé dès les motifs raisonnables)"
    ),
    setting="CASES_REFLECTION_OFFER_FOLLOW_UP_DAYS",
)
RETENTION_AFTER_CLOSURE = Deadline(
    key="retention_after_closure",
    default_days=5 * 365,
    source="RGPD art. 5.1 e (limitation de la conservation) ; Convention 108+ ; durée fixée par l'analyse d'impact",
    setting="CASES_RETENTION_AFTER_CLOSURE_DAYS",
)
TASKS_PANEL_HORIZON = Deadline(
    key="tasks_panel_horizon",
    default_days=14,
    source="Choix d'ergonomie : échéances des deux semaines à venir sur l'accueil",
    setting="CASES_PANEL_HORIZON_DAYS",
)

ALL = (
    REFLECTION_MIN,
    REFLECTION_REMINDER_BEFORE_END,
    PERMIT_REMINDER_BEFORE_END,
    REFLECTION_OFFER_FOLLOW_UP,
    RETENTION_AFTER_CLOSURE,
    TASKS_PANEL_HORIZON,
)

# Documents: accepted types and size (checked in the service).
DOCUMENT_MAX_BYTES_SETTING = "CASES_DOCUMENT_MAX_BYTES"
DOCUMENT_MAX_BYTES_DEFAULT = 10 * 1024 * 1024
DOCUMENT_TYPES = {
    "application/pdf": (".pdf", b"%PDF"),
    "image/jpeg": (".jpg", b"\xff\xd8\xff"),
    "image/png": (".png", b"\x89PNG"),
}


def document_max_bytes() -> int:
    return int(getattr(settings, DOCUMENT_MAX_BYTES_SETTING, DOCUMENT_MAX_BYTES_DEFAULT))
