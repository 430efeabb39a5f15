"""Stored indicator sets (versioned, loaded from the shipped CSV) and the
screenings made with them. The rules themselves live in the pure module
`screening.py`; these models only keep what was asked and answered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import screening as engine


class IndicatorSetVersion(models.Model):
    code = models.CharField(max_length=8)  # AL, AS, CL, CS
    version = models.CharField(max_length=32)
    complete = models.BooleanField(default=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code", "-loaded_at"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="indicator_set_code_version_unique")]

    def __str__(self) -> str:
        return f"{self.code} ({self.version})"

    def to_engine(self) -> engine.IndicatorSet:
        """The pure-engine set, built from the stored rows (what was in force)."""
        indicators = {
            i.code: engine.Indicator(
                code=i.code,
                set_code=self.code,
                dimension=i.dimension,
                concept=i.concept,
                strength=i.strength,
                label_en=i.label_en,
                label_fr=i.label_fr,
            )
            for i in self.indicators.order_by("position")
        }
        return engine.IndicatorSet(code=self.code, version=self.version, complete=self.complete, indicators=indicators)


class Indicator(models.Model):
    indicator_set = models.ForeignKey(IndicatorSetVersion, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(max_length=64)
    dimension = models.CharField(max_length=2)
    concept = models.CharField(max_length=64)
    strength = models.CharField(max_length=1)
    label_en = models.CharField(max_length=300)
    label_fr = models.CharField(max_length=300)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["indicator_set", "code"], name="indicator_unique_per_set")]

    def __str__(self) -> str:
        return f"Indicator {self.code}"


class Screening(models.Model):
    """One screening of a case: date, author, set version, answers, result."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="screenings")
    indicator_set = models.ForeignKey(IndicatorSetVersion, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField(default=timezone.now)
    treated_as_minor = models.BooleanField()
    act_established = models.BooleanField(
        _("acte établi (recrutement, transport, transfert, hébergement, accueil)"), default=False
    )
    present_codes = models.JSONField(default=list)
    dimensions = models.JSONField(default=dict)
    outcome = models.CharField(max_length=16, choices=[(o, o) for o in engine.OUTCOMES])
    rule_applied = models.CharField(max_length=32)

    class Meta:
        ordering = ["-performed_at", "-id"]

    def __str__(self) -> str:
        return f"Screening {self.case.reference}"

    @property
    def outcome_label(self) -> str:
        return engine.outcome_label_fr(self.outcome)
