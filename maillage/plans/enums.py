"""Closed lists of the plans domain.

The plan lifecycle follows the one described in issue 6 (draft → consultation →
adopted → in implementation → closed); the OGP completion scale is the one of
the Open Government Partnership's Independent Reporting Mechanism.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Projet")
    CONSULTATION = "consultation", _("En consultation")
    ADOPTED = "adopted", _("Adopté")
    IN_IMPLEMENTATION = "in_implementation", _("En cours de mise en œuvre")
    CLOSED = "closed", _("Clos")


# Explicit transition table: anything not listed is impossible. Going back from
# consultation to draft lets the coordination rework the text after a round
# (a new version is then frozen and possibly consulted again).
PLAN_TRANSITIONS: dict[str, set[str]] = {
    PlanStatus.DRAFT: {PlanStatus.CONSULTATION},
    PlanStatus.CONSULTATION: {PlanStatus.DRAFT, PlanStatus.ADOPTED},
    PlanStatus.ADOPTED: {PlanStatus.IN_IMPLEMENTATION},
    PlanStatus.IN_IMPLEMENTATION: {PlanStatus.CLOSED},
    PlanStatus.CLOSED: set(),
}

# Statuses in which the plan is public on /plan/.
PUBLIC_PLAN_STATUSES = (PlanStatus.ADOPTED, PlanStatus.IN_IMPLEMENTATION, PlanStatus.CLOSED)


class Health(models.TextChoices):
    ON_TRACK = "on_track", _("Dans les temps")
    AT_RISK = "at_risk", _("À surveiller")
    OFF_TRACK = "off_track", _("En retard")


class Completion(models.TextChoices):
    """OGP IRM completion scale, kept apart from progress and health."""

    NO_EVIDENCE = "no_evidence", _("Pas d'éléments")
    NOT_STARTED = "not_started", _("Non commencée")
    LIMITED = "limited", _("Limitée")
    SUBSTANTIAL = "substantial", _("Substantielle")
    COMPLETE = "complete", _("Achevée")


class PositionValue(models.TextChoices):
    # Cap Collectif's three positions on an article.
    AGREE = "agree", _("D'accord")
    MIXED = "mixed", _("Mitigé")
    DISAGREE = "disagree", _("Pas d'accord")


class Stance(models.TextChoices):
    # Decidim comments carry an alignment: in favour / neutral / against.
    IN_FAVOUR = "in_favour", _("Pour")
    NEUTRAL = "neutral", _("Neutre")
    AGAINST = "against", _("Contre")


class AmendedField(models.TextChoices):
    TITLE = "title", _("Intitulé")
    DESCRIPTION = "description", _("Description")


class Recommendation(models.TextChoices):
    # OpenSlides keeps the drafting body's recommendation apart from the decision.
    PENDING = "pending", _("Pas encore de recommandation")
    ACCEPT = "accept", _("Recommande l'acceptation")
    ACCEPT_PARTIALLY = "accept_partially", _("Recommande une acceptation partielle")
    REJECT = "reject", _("Recommande le rejet")


class Decision(models.TextChoices):
    PENDING = "pending", _("En attente de décision")
    ACCEPTED = "accepted", _("Acceptée")
    PARTIALLY_ACCEPTED = "partially_accepted", _("Partiellement acceptée")
    REJECTED = "rejected", _("Rejetée")
    WITHDRAWN = "withdrawn", _("Retirée")


MAX_COMMENT_DEPTH = 3  # Decidim threads comments to depth 3.
REMINDER_DAYS_BEFORE = 7  # reminders start a week before each reporting date.
