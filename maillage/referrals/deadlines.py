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
    source=(
        "Choix de fonctionnement du mécanisme national d'orientation (DORA : expiration des orientations "
        "sans réponse) ; à fixer par la coordination nationale"
    ),
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


# ---------------------------------------------------------------------------
# Minors' chain (rules.md §3.5; R-CHILD-CRIP, R-MNA, R-AAH; Warsaw 10.4, 16.7)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StepDefinition:
    kind: str
    due_hours: int  # from the start of the chain (or of the step that triggers it)
    source: str
    setting: str
    unaccompanied_only: bool = False
    mandatory: bool = True  # blocks closure of the case while open
    auto: bool = True  # created when the chain starts (else triggered by another step)
    # Issue 11.6: the report to the prosecutor (CPP art. 40, CASF L226-4) and the
    # transmission to the CRIP (CASF L226-2-1) are duties, never lifted by anyone.
    waivable: bool = True

    def hours(self) -> int:
        return int(getattr(settings, self.setting, self.due_hours))


MINOR_STEPS: tuple[StepDefinition, ...] = (
    # « Sans délai »: 24 hours is the operating reading, to be confirmed by the prosecutors.
    StepDefinition(
        "signalement_parquet",
        24,
        "CPP art. 40 ; CASF L226-4 (signalement au procureur, copie au président du conseil départemental)",
        "MINORS_SIGNALEMENT_HOURS",
        waivable=False,
    ),
    StepDefinition(
        "ip_crip",
        24,
        "CASF L226-2-1 et L226-3 (transmission sans délai à la CRIP)",
        "MINORS_IP_CRIP_HOURS",
        waivable=False,
    ),
    StepDefinition(
        "legal_representation",
        48,
        "CPP art. 706-50 (R-AAH) : vérifier si les représentants légaux sont absents ou impliqués",
        "MINORS_LEGAL_REP_HOURS",
    ),
    StepDefinition(
        "aah_request",
        48,
        "CPP art. 706-50 : demande de désignation d'un administrateur ad hoc au parquet",
        "MINORS_AAH_HOURS",
        auto=False,
    ),
    StepDefinition(
        "emergency_reception",
        5 * 24,
        "CASF L221-2-4 et R221-11 : accueil provisoire d'urgence de 5 jours, renouvelable deux fois",
        "MINORS_EMERGENCY_RECEPTION_HOURS",
        unaccompanied_only=True,
    ),
    StepDefinition(
        "prosecutor_informed",
        24,
        "CASF R221-11 : le procureur est informé sans délai de l'accueil et de chaque prolongation",
        "MINORS_PROSECUTOR_INFORMED_HOURS",
        unaccompanied_only=True,
        waivable=False,
    ),
    StepDefinition(
        "guardian",
        15 * 24,
        "Convention de Varsovie art. 10.4 a (tuteur ou représentant de l'enfant non accompagné)",
        "MINORS_GUARDIAN_HOURS",
        unaccompanied_only=True,
    ),
    StepDefinition(
        "placement",
        5 * 24,
        "C. civ. art. 375-5 (OPP) ; placement de préférence loin du lieu d'exploitation (1er plan national)",
        "MINORS_PLACEMENT_HOURS",
    ),
    StepDefinition(
        "best_interests",
        30 * 24,
        "Convention de Varsovie art. 10.4 c et 16.7 (évaluation de l'intérêt supérieur)",
        "MINORS_BEST_INTERESTS_HOURS",
    ),
    # Family tracing: every effort, but only after the best-interests assessment (Warsaw 10.4 c).
    StepDefinition(
        "family_tracing",
        60 * 24,
        "Convention de Varsovie art. 10.4 c (après évaluation de l'intérêt supérieur)",
        "MINORS_FAMILY_TRACING_HOURS",
        mandatory=False,
    ),
)

STEP_BY_KIND = {d.kind: d for d in MINOR_STEPS}

# R-MNA: the emergency reception is renewable twice for the same duration.
EMERGENCY_RECEPTION_MAX_RENEWALS = 2

# Cross-border: answer due dates by purpose (days), R-INTL-URGENT.
EXCHANGE_ANSWER_DAYS = {
    "danger_33_1": 1,  # « sans délai »
    "missing_child_33_2": 2,
    "rights_34_4": 7,  # « sans délai, sur demande »
    "result_34_1": 30,
    "spontaneous_34_2": 0,  # no answer expected
}
