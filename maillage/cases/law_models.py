"""Records of the person's legal situation added for issue 11: the reflection
period proposed on reasonable grounds (Warsaw art. 10.2, 13), legal aid and
compensation (art. 15). Imported by models.py, so Django registers them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import enums


class ReflectionOffer(models.Model):
    """R-REASONABLE-GROUNDS / R-REFLECTION (Warsaw art. 10.2, 13.1; CESEDA
    L425-1, R425-1): on reasonable grounds a foreign national is *offered* the
    recovery and reflection period; the person's answer is recorded (accepted,
    declined, no answer) with its date. Accepting leads to the préfet's
    récépissé (`ReflectionPeriod`)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reflection_offers")
    offered_at = models.DateTimeField(default=timezone.now)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    follow_up_on = models.DateField(_("réponse à recueillir avant le"))
    answer = models.CharField(
        _("réponse de la personne"),
        max_length=12,
        choices=enums.ReflectionAnswer.choices,
        default=enums.ReflectionAnswer.PENDING,
    )
    answered_on = models.DateField(_("date de la réponse"), null=True, blank=True)
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-offered_at", "-id"]
        indexes = [models.Index(fields=["answer", "follow_up_on"], name="reflection_offer_answer_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(answer="pending") & Q(answered_on__isnull=True))
                | (~Q(answer="pending") & Q(answered_on__isnull=False)),
                name="reflection_offer_answer_has_date",
            ),
            models.CheckConstraint(
                condition=Q(answer__in=[a.value for a in enums.ReflectionAnswer]), name="reflection_offer_answer_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"ReflectionOffer {self.case_id}"

    @property
    def is_pending(self) -> bool:
        return self.answer == enums.ReflectionAnswer.PENDING
