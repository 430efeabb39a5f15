"""The national action plan: structure, versions, consultation and follow-up.

Four things are kept apart on a measure (issue 6, after Decidim and the OGP):
its workflow `status` (a configurable catalogue, each status carrying a default
progress), its `progress` percentage, its `health` and its OGP `completion`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.organisations.models import Organisation

from .enums import (
    MAX_COMMENT_DEPTH,
    AmendedField,
    Completion,
    Decision,
    Health,
    MeasureOutcome,
    PlanStatus,
    PositionValue,
    Recommendation,
    Stance,
)

PERCENT = Q(progress__gte=0) & Q(progress__lte=100)


class MeasureStatus(models.Model):
    """Catalogue of workflow statuses (data, not code: the coordination may add some)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("libellé"), max_length=100)
    default_progress = models.PositiveSmallIntegerField(_("avancement par défaut (%)"), default=0)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("statut de mesure")
        constraints = [
            models.CheckConstraint(
                condition=Q(default_progress__lte=100), name="plans_status_default_progress_max_100"
            )
        ]

    def __str__(self) -> str:
        return self.label


class Plan(models.Model):
    title = models.CharField(_("intitulé"), max_length=250)
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    status = models.CharField(_("statut"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    coordination = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("instance de coordination")
    )
    adopted_version = models.ForeignKey(
        "PlanVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adopted_at = models.DateTimeField(null=True, blank=True)
    # Reporting schedule of the responsible bodies.
    next_reporting_date = models.DateField(_("prochaine échéance de compte rendu"), null=True, blank=True)
    reporting_interval_days = models.PositiveSmallIntegerField(_("périodicité des comptes rendus (jours)"), default=90)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "title"]
        verbose_name = _("plan")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="plans_plan_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "consultation"]) | Q(adopted_version__isnull=False),
                name="plans_plan_adopted_has_version",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        return f"{self.period_start.year}–{self.period_end.year}"


class Priority(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=250)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("axe")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_priority_unique_number")]

    def __str__(self) -> str:
        # Shown in pages and lists: in the user's language (issue 10, English).
        return str(_("Axe %(n)s – %(t)s") % {"n": self.number, "t": self.title})


class Measure(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="measures")
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    is_illustrative = models.BooleanField(_("mesure illustrative"), default=False)
    lead = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("pilote")
    )
    co_leads = models.ManyToManyField(Organisation, blank=True, related_name="+", verbose_name=_("copilotes"))
    partners = models.ManyToManyField(Organisation, blank=True, related_name="+", verbose_name=_("partenaires"))
    deadline = models.DateField(_("échéance"), null=True, blank=True)
    status = models.ForeignKey(
        MeasureStatus, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("statut")
    )
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    health = models.CharField(_("état de santé"), max_length=12, choices=Health.choices, default=Health.ON_TRACK)
    completion = models.CharField(
        _("niveau d'achèvement (OGP)"), max_length=12, choices=Completion.choices, default=Completion.NO_EVIDENCE
    )
    progress_updated_at = models.DateTimeField(null=True, blank=True)
    # A measure proposed by forwarding a working-group decision (coordination
    # extension point, see maillage/plans/services/forwarding.py) keeps its origin.
    origin_decision = models.ForeignKey(
        "coordination.Decision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("décision d'origine"),
    )

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("mesure")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_measure_unique_number"),
            models.CheckConstraint(condition=PERCENT, name="plans_measure_progress_0_100"),
        ]

    def __str__(self) -> str:
        return f"Mesure {self.number} – {self.title}"


class Milestone(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("jalon"), max_length=250)
    due_date = models.DateField(_("date prévue"))
    reached_on = models.DateField(_("atteint le"), null=True, blank=True)

    class Meta:
        ordering = ["due_date"]

    def __str__(self) -> str:
        return self.title


class SubAction(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="sub_actions")
    title = models.CharField(_("action"), max_length=250)
    weight = models.PositiveSmallIntegerField(_("poids"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=PERCENT, name="plans_subaction_progress_0_100"),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gt=0), name="plans_subaction_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    """An indicator in the manner of the « baromètre des résultats »: baseline and target."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicateur"), max_length=250)
    unit = models.CharField(_("unité"), max_length=40)
    baseline_value = models.DecimalField(
        _("valeur de référence"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_date = models.DateField(_("date de référence"), null=True, blank=True)
    target_value = models.DecimalField(_("cible"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(_("date cible"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=250, blank=True)
    method = models.TextField(_("méthode de calcul"), blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    date = models.DateField(_("date"))
    departement = models.CharField(_("département"), max_length=3, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["indicator", "-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(validated_at__isnull=True, validated_by__isnull=True)
                | Q(validated_at__isnull=False, validated_by__isnull=False),
                name="plans_measurement_validated_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value} ({self.date})"


class PlanVersion(models.Model):
    """A frozen state of the plan text: what a consultation or an adoption refers to."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("numéro"))
    changelog = models.TextField(_("modifications"), blank=True)
    snapshot = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plans_version_unique_number")]

    def __str__(self) -> str:
        return f"Version {self.number}"

    def measure_ids(self) -> set[int]:
        return {m["id"] for m in self.snapshot.get("measures", [])}


class ConsultationRound(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rounds")
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(_("intitulé"), max_length=250)
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    invited = models.ManyToManyField(
        Organisation, related_name="plan_rounds", verbose_name=_("organisations invitées")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="plans_round_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    @property
    def phase(self) -> str:
        now = timezone.now()
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"


class PrioritySetting(models.Model):
    """Per-axe switches of a round (Cap Collectif's per-section settings)."""

    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="priority_settings")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="+")
    positions_enabled = models.BooleanField(_("positions"), default=True)
    comments_enabled = models.BooleanField(_("commentaires"), default=True)
    amendments_enabled = models.BooleanField(_("amendements"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "priority"], name="plans_prioritysetting_unique")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.priority_id}"


class Position(models.Model):
    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="positions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="positions")
    value = models.CharField(_("position"), max_length=10, choices=PositionValue.choices)
    argument = models.TextField(_("argument"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation", "measure"], name="plans_position_one_per_org_measure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_value_display()} ({self.measure_id})"


class Comment(models.Model):
    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="comments")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="comments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    depth = models.PositiveSmallIntegerField(default=1)
    stance = models.CharField(_("orientation"), max_length=10, choices=Stance.choices, default=Stance.NEUTRAL)
    body = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(depth__gte=1) & Q(depth__lte=MAX_COMMENT_DEPTH), name="plans_comment_depth_1_3"
            )
        ]

    def __str__(self) -> str:
        return f"Commentaire {self.pk}"


class Amendment(models.Model):
    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="amendments")
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="amendments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("champ visé"), max_length=12, choices=AmendedField.choices)
    proposed_text = models.TextField(_("rédaction proposée"))
    rationale = models.TextField(_("exposé des motifs"))
    sources = models.TextField(_("sources"), blank=True)
    recommendation = models.CharField(
        _("recommandation"), max_length=20, choices=Recommendation.choices, default=Recommendation.PENDING
    )
    decision = models.CharField(_("décision"), max_length=20, choices=Decision.choices, default=Decision.PENDING)
    answer = models.TextField(_("réponse motivée"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the amendment comes from a forwarded working-group decision.
    origin_decision = models.ForeignKey(
        "coordination.Decision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("décision d'origine"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # A decision (other than a withdrawal by the author) always comes with a reasoned answer.
            models.CheckConstraint(
                condition=Q(decision__in=["pending", "withdrawn"]) | ~Q(answer=""),
                name="plans_amendment_decision_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"Amendement {self.pk}"


class InternalNote(models.Model):
    """OpenSlides-style internal comment section: read and written by the coordination only."""

    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="internal_notes")
    measure = models.ForeignKey(Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="internal_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note interne"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Note {self.pk}"


class Hearing(models.Model):
    """« Le collectif sera entendu »: a hearing recorded with the round."""

    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="hearings")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    participants = models.TextField(_("participants"))
    summary = models.TextField(_("compte rendu"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"Audition du {self.date:%d/%m/%Y}"


class ProgressReport(models.Model):
    """A responsible body's report on one measure; applied once the coordination validates it."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="reports")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.ForeignKey(
        MeasureStatus, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("statut")
    )
    progress = models.PositiveSmallIntegerField(_("avancement (%)"))
    health = models.CharField(_("état de santé"), max_length=12, choices=Health.choices)
    completion = models.CharField(_("niveau d'achèvement (OGP)"), max_length=12, choices=Completion.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    evidence = models.TextField(_("éléments de preuve"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [models.CheckConstraint(condition=PERCENT, name="plans_report_progress_0_100")]

    def __str__(self) -> str:
        return f"Compte rendu {self.pk} (mesure {self.measure_id})"


class Synthesis(models.Model):
    """The coordination's written synthesis of a round: what it retains of the
    consultation, measure by measure, and why (issue 10, item 10). Drafted
    in private, then published once to the invited organisations: the answer
    owed to those who were consulted."""

    round = models.OneToOneField(ConsultationRound, on_delete=models.CASCADE, related_name="synthesis")
    overall = models.TextField(_("synthèse générale"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("synthèse de consultation")
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True, published_by__isnull=True)
                | (Q(published_at__isnull=False, published_by__isnull=False) & ~Q(overall="")),
                name="plans_synthesis_published_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"Synthèse {self.round_id}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class SynthesisItem(models.Model):
    """The synthesis on one measure: retained, partially retained or not, and why."""

    synthesis = models.ForeignKey(Synthesis, on_delete=models.CASCADE, related_name="items")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(_("suite donnée"), max_length=20, choices=MeasureOutcome.choices, blank=True)
    reason = models.TextField(_("motifs"), blank=True)

    class Meta:
        ordering = ["measure__number"]
        constraints = [
            models.UniqueConstraint(fields=["synthesis", "measure"], name="plans_synthesisitem_unique_measure"),
            # What is not retained, wholly or partly, is always explained.
            models.CheckConstraint(
                condition=Q(outcome__in=["", "retained"]) | ~Q(reason=""),
                name="plans_synthesisitem_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.outcome}"
