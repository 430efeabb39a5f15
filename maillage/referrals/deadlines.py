"""Deadlines of referrals as data (style.md: rules as data, with their source).

Read only through these objects; each value can be overridden per deployment
by the setting named in `setting`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

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


# ---------------------------------------------------------------------------
# Answer delay by service, recipient and urgency (issue 10 item 6)
# ---------------------------------------------------------------------------

# The version of the table below: a change of values is a new version, so
# the delay a referral got can be read against the table of its day.
ANSWER_DELAY_RULES_VERSION = "2026-12-06"


@dataclass(frozen=True)
class AnswerDelayRule:
    """One answer delay, in hours, for the referrals it matches: a service
    asked for, a type of recipient, or an urgency the sender stated. A
    referral gets the shortest delay of the rules it matches (`answer_delay_for`).
    Each value may be overridden per deployment in the dict setting
    `REFERRALS_ANSWER_DELAY_HOURS`, by the rule's key."""

    key: str
    default_hours: int
    source: str
    services: frozenset[str] = frozenset()
    recipient_types: frozenset[str] = frozenset()
    urgent: bool = False

    def hours(self) -> int:
        overrides = getattr(settings, "REFERRALS_ANSWER_DELAY_HOURS", {}) or {}
        return int(overrides.get(self.key, self.default_hours))

    def matches(self, *, service: str, recipient_type: str, urgent: bool) -> bool:
        return (service in self.services) or (recipient_type in self.recipient_types) or (self.urgent and urgent)


ANSWER_DELAY_RULES: tuple[AnswerDelayRule, ...] = (
    AnswerDelayRule(
        key="emergency_accommodation",
        default_hours=24,
        services=frozenset({"emergency_accommodation"}),
        source=(
            "CASF L345-2-2 (accès à tout moment à un hébergement d'urgence pour toute personne sans abri en "
            "détresse) ; Convention de Varsovie art. 12.1 a : une réponse dans la journée, sinon la personne "
            "dort dehors"
        ),
    ),
    AnswerDelayRule(
        key="child_protection",
        default_hours=24,
        recipient_types=frozenset({"child_protection"}),
        source=(
            "CASF L226-2-1 et L226-3 (transmission sans délai à la CRIP, qui évalue) ; lecture opérationnelle "
            "« sans délai » = 24 heures, comme pour le signalement (deadlines.MINOR_STEPS)"
        ),
    ),
    AnswerDelayRule(
        key="urgent",
        default_hours=48,
        urgent=True,
        source=(
            "Choix de fonctionnement du mécanisme national d'orientation : une orientation que l'envoyeur "
            "déclare urgente (danger, mise à l'abri) reçoit une réponse sous 48 heures"
        ),
    ),
)


@dataclass(frozen=True)
class AnswerDelay:
    hours: int
    rule: str  # the key of the rule applied, or ANSWER_DELAY.key
    source: str

    def delta(self) -> timedelta:
        return timedelta(hours=self.hours)


def answer_delay_for(*, service: str, recipient_type: str, urgent: bool) -> AnswerDelay:
    """The answer delay of a referral: the shortest of the rules it matches,
    else the general delay (`ANSWER_DELAY`, in days)."""
    general = AnswerDelay(hours=ANSWER_DELAY.days() * 24, rule=ANSWER_DELAY.key, source=ANSWER_DELAY.source)
    matching = [
        AnswerDelay(hours=rule.hours(), rule=rule.key, source=rule.source)
        for rule in ANSWER_DELAY_RULES
        if rule.matches(service=service, recipient_type=recipient_type, urgent=urgent)
    ]
    return min([general, *matching], key=lambda delay: delay.hours)


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

    def hours(self) -> int:
        return int(getattr(settings, self.setting, self.due_hours))


MINOR_STEPS: tuple[StepDefinition, ...] = (
    # « Sans délai »: 24 hours is the operating reading, to be confirmed by the prosecutors.
    StepDefinition(
        "signalement_parquet",
        24,
        "CPP art. 40 ; CASF L226-4 (signalement au procureur, copie au président du conseil départemental)",
        "MINORS_SIGNALEMENT_HOURS",
    ),
    StepDefinition(
        "ip_crip", 24, "CASF L226-2-1 et L226-3 (transmission sans délai à la CRIP)", "MINORS_IP_CRIP_HOURS"
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
