"""Deadlines of referrals as data (style.md: rules as data, with their source).

Read only through these objects; each value can be overridden per deployment
by the setting named in `setting`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

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
    # Issue 11.6: the report to the prosecutor (CPP art. 40, CASF L226-4) and the
    # transmission to the CRIP (CASF L226-2-1) are duties, never lifted by anyone.
    waivable: bool = True
    # Issue 10.2: the actor the law gives the step to (enums.StepOwner). A CRIP or
    # parquet step is followed by the case's holder until that body is reached in
    # Maillage, then moves to it.
    owner: str = "reporter"
    # A transmission: the recipient's type ("crip" or "parquet"), whose account
    # receives the follow-up step when sent through Maillage.
    transmission_to: str = ""

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
        transmission_to="parquet",
    ),
    StepDefinition(
        "ip_crip",
        24,
        "CASF L226-2-1 et L226-3 (transmission sans délai à la CRIP)",
        "MINORS_IP_CRIP_HOURS",
        waivable=False,
        transmission_to="crip",
    ),
    StepDefinition(
        "legal_representation",
        48,
        "CPP art. 706-50 : vérifier si les représentants légaux sont absents ou impliqués",
        "MINORS_LEGAL_REP_HOURS",
    ),
    StepDefinition(
        "aah_request",
        48,
        "CPP art. 706-50 : demande de désignation d'un administrateur ad hoc au parquet",
        "MINORS_AAH_HOURS",
        auto=False,
        transmission_to="parquet",
    ),
    StepDefinition(
        "emergency_reception",
        5 * 24,
        "CASF L221-2-4 et R221-11 : accueil provisoire d'urgence de 5 jours, renouvelable deux fois",
        "MINORS_EMERGENCY_RECEPTION_HOURS",
        unaccompanied_only=True,
        owner="crip",
    ),
    StepDefinition(
        "prosecutor_informed",
        24,
        "CASF R221-11 : le procureur est informé sans délai de l'accueil et de chaque prolongation",
        "MINORS_PROSECUTOR_INFORMED_HOURS",
        unaccompanied_only=True,
        waivable=False,
        owner="crip",
        transmission_to="parquet",
    ),
    StepDefinition(
        "guardian",
        15 * 24,
        "Convention de Varsovie art. 10.4 a (tuteur ou représentant de l'enfant non accompagné)",
        "MINORS_GUARDIAN_HOURS",
        unaccompanied_only=True,
        owner="crip",
    ),
    StepDefinition(
        "placement",
        5 * 24,
        "C. civ. art. 375-5 (OPP) ; placement de préférence loin du lieu d'exploitation (1er plan national)",
        "MINORS_PLACEMENT_HOURS",
        owner="crip",
    ),
    StepDefinition(
        "best_interests",
        30 * 24,
        "Convention de Varsovie art. 10.4 c et 16.7 (évaluation de l'intérêt supérieur)",
        "MINORS_BEST_INTERESTS_HOURS",
        owner="crip",
    ),
    # Family tracing: every effort, but only after the best-interests assessment (Warsaw 10.4 c).
    StepDefinition(
        "family_tracing",
        60 * 24,
        "Convention de Varsovie art. 10.4 c (après évaluation de l'intérêt supérieur)",
        "MINORS_FAMILY_TRACING_HOURS",
        mandatory=False,
        owner="crip",
    ),
)

MINOR_STEPS += (
    # R-MNA (CASF R221-11; arrêté of 20 November 2019): a respite before the
    # evaluation, then the evaluation of minority and isolation, both within the
    # 5-day emergency reception. The respite's 48 hours are an operating choice.
    StepDefinition(
        "respite",
        48,
        "CASF R221-11 ; arrêté du 20 novembre 2019 (temps de répit avant l'évaluation)",
        "MINORS_RESPITE_HOURS",
        unaccompanied_only=True,
        owner="crip",
    ),
    StepDefinition(
        "minority_evaluation",
        5 * 24,
        "CASF L221-2-4 et R221-11 ; C. civ. art. 47 et 388 (évaluation de la minorité et de l'isolement)",
        "MINORS_MINORITY_EVALUATION_HOURS",
        unaccompanied_only=True,
        owner="crip",
    ),
    # Steps of the recipients, created when a transmission reaches them in Maillage.
    # R-CHILD-CRIP: the evaluation's due date is computed by `crip_evaluation_due`.
    StepDefinition(
        "crip_evaluation",
        0,
        "CASF L226-3 et D226-2-4 : évaluation dans les 3 mois de la réception, plus court avant 2 ans",
        "MINORS_CRIP_EVALUATION_HOURS",
        auto=False,
        waivable=False,
        owner="crip",
    ),
    # L226-4: the PCD informs the prosecutor « sans délai »; 24 hours as for the reporter.
    StepDefinition(
        "crip_signalement",
        24,
        "CASF L226-4 : le président du conseil départemental avise sans délai le procureur",
        "MINORS_CRIP_SIGNALEMENT_HOURS",
        auto=False,
        waivable=False,
        owner="crip",
        transmission_to="parquet",
    ),
    # Operating choices, to be confirmed by the prosecutors: 72 hours to record
    # the first decision (OPP, investigation, juge des enfants), 7 days for an AAH.
    StepDefinition(
        "parquet_decision",
        72,
        "C. civ. art. 375-5 (OPP) ; CPP art. 40-1 (suites données au signalement)",
        "MINORS_PARQUET_DECISION_HOURS",
        auto=False,
        waivable=False,
        owner="parquet",
    ),
    StepDefinition(
        "aah_designation",
        7 * 24,
        "CPP art. 706-50 : désignation d'un administrateur ad hoc par le procureur",
        "MINORS_AAH_DESIGNATION_HOURS",
        auto=False,
        owner="parquet",
    ),
)

STEP_BY_KIND = {d.kind: d for d in MINOR_STEPS}

# R-CHILD-CRIP (CASF D226-2-4): « L'évaluation est réalisée dans un délai de trois
# mois à compter de la réception de l'information préoccupante. Ce délai est
# réduit en fonction de la nature et de la caractérisation du danger ou risque de
# danger et de l'âge du mineur, notamment s'il a moins de deux ans. » The text
# (and rules.md) gives no figure under 2: one month is an operating choice, to be
# set by each département (setting MINORS_CRIP_EVALUATION_UNDER_TWO_DAYS).
CRIP_EVALUATION_MONTHS = 3
CRIP_EVALUATION_UNDER_TWO_DAYS = 30


def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def crip_evaluation_due(received_at: datetime, *, under_two: bool) -> datetime:
    if under_two:
        days = int(getattr(settings, "MINORS_CRIP_EVALUATION_UNDER_TWO_DAYS", CRIP_EVALUATION_UNDER_TWO_DAYS))
        return received_at + timedelta(days=days)
    months = int(getattr(settings, "MINORS_CRIP_EVALUATION_MONTHS", CRIP_EVALUATION_MONTHS))
    return _add_months(received_at, months)


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
