"""Closed lists of the plans domain.

The plan lifecycle follows the one described in issue 6 (draft → consultation →
adopted → in implementation → closed); the OGP completion scale is the one of
the Open Government Partnership's Independent Reporting Mechanism.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Projet")
    CONSULTATION = "consultation", _("En consultation")
    ADOPTED = "adopted", _("Adopté")
    IN_IMPLEMENTATION = "in_implementation", _("En cours de mise en œuvre")
    CLOSED = "closed", _("Clos")


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


class MeasureOutcome(models.TextChoices):
    """What the coordination's synthesis makes of a measure after the consultation."""

    RETAINED = "retained", _("Retenue")
    PARTIALLY = "partially", _("Partiellement retenue")
    NOT_RETAINED = "not_retained", _("Non retenue")


MAX_COMMENT_DEPTH = 3  # Decidim threads comments to depth 3.
REMINDER_DAYS_BEFORE = 7  # reminders start a week before each reporting date.


class AuditAction(StrEnum):
    """Journal actions of the plans domain (the values are stored: never rename one)."""

    PLAN_CREATED = "plans.plan.create"
    PLAN_TRANSITION = "plans.plan.transition"
    PRIORITY_CREATED = "plans.priority.create"
    MEASURE_CREATED = "plans.measure.create"
    MEASURE_UPDATED = "plans.measure.update"
    MEASURE_DELETED = "plans.measure.delete"
    MEASURE_FROM_DECISION = "plans.measure.from_decision"
    VERSION_FROZEN = "plans.version.freeze"
    SUB_ACTION_CREATED = "plans.subaction.create"
    SUB_ACTION_UPDATED = "plans.subaction.update"
    SUB_ACTION_DELETED = "plans.subaction.delete"
    SUB_ACTION_PROGRESS = "plans.subaction.progress"
    MILESTONE_CREATED = "plans.milestone.create"
    MILESTONE_UPDATED = "plans.milestone.update"
    MILESTONE_DELETED = "plans.milestone.delete"
    MILESTONE_REACHED = "plans.milestone.reached"
    MILESTONE_UNREACHED = "plans.milestone.unreached"
    INDICATOR_CREATED = "plans.indicator.create"
    INDICATOR_UPDATED = "plans.indicator.update"
    INDICATOR_DELETED = "plans.indicator.delete"
    MEASUREMENT_CREATED = "plans.measurement.create"
    MEASUREMENT_VALIDATED = "plans.measurement.validate"
    ROUND_OPENED = "plans.round.open"
    POSITION_CREATED = "plans.position.create"
    POSITION_UPDATED = "plans.position.update"
    COMMENT_CREATED = "plans.comment.create"
    AMENDMENT_CREATED = "plans.amendment.create"
    AMENDMENT_WITHDRAWN = "plans.amendment.withdraw"
    AMENDMENT_ANSWERED = "plans.amendment.answer"
    AMENDMENT_FROM_DECISION = "plans.amendment.from_decision"
    NOTE_CREATED = "plans.note.create"
    HEARING_CREATED = "plans.hearing.create"
    REPORT_SUBMITTED = "plans.report.submit"
    REPORT_VALIDATED = "plans.report.validate"
    PROGRESS_IMPORTED = "plans.progress.import"
    PROGRESS_EXPORTED = "plans.progress.export"
    SYNTHESIS_PDF = "plans.synthesis.pdf"
    SYNTHESIS_CSV = "plans.synthesis.csv"
    SYNTHESIS_SAVED = "plans.synthesis.save"
    SYNTHESIS_PUBLISHED = "plans.synthesis.publish"
    ROUND_UPDATED = "plans.round.update"
    PROGRESS_PDF = "plans.progress.pdf"
