"""Records of the person's legal situation added for issue 11: the reflection
period proposed on reasonable grounds (Warsaw art. 10.2, 13), legal aid and
compensation (art. 15). Imported by models.py, so Django registers them.
Free text is encrypted at rest (EncryptedTextField)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.encryption import EncryptedTextField

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


class LegalAid(models.Model):
    """Warsaw art. 15.2: legal assistance and free legal aid (aide
    juridictionnelle), with the lawyer — chosen from the directory when listed
    (an organisation of type « Barreau / avocats »), else named (encrypted)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="legal_aids")
    kind = models.CharField(_("type"), max_length=24, choices=enums.LegalAidKind.choices)
    status = models.CharField(_("état"), max_length=12, choices=enums.LegalAidStatus.choices)
    on = models.DateField(_("date"))
    lawyer_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("avocat·e ou barreau (annuaire)"),
    )
    lawyer_name = EncryptedTextField(_("avocat·e (si absent de l'annuaire)"), blank=True)
    decision_reference = EncryptedTextField(_("référence de la décision (bureau d'aide juridictionnelle)"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in enums.LegalAidKind]), name="legal_aid_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"LegalAid {self.case_id}"

    @property
    def lawyer_label(self) -> str:
        return self.lawyer_organisation.name if self.lawyer_organisation_id else (self.lawyer_name or "")


class CompensationClaim(models.Model):
    """Warsaw art. 15.3-4: compensation from the perpetrators, or from the
    State's guarantee (CIVI / FGTI, CPP 706-3), with its deadline
    (compensation_rules.civi_deadline)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="compensation_claims")
    route = models.CharField(_("voie"), max_length=16, choices=enums.CompensationRoute.choices)
    status = models.CharField(
        _("état"), max_length=12, choices=enums.CompensationStatus.choices, default=enums.CompensationStatus.TO_FILE
    )
    offence_on = models.DateField(_("date des faits (dernière infraction)"), null=True, blank=True)
    final_decision_on = models.DateField(_("date de la décision pénale définitive"), null=True, blank=True)
    filed_on = models.DateField(_("date de dépôt"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="to_file") | Q(filed_on__isnull=True), name="compensation_to_file_not_filed"
            ),
            models.CheckConstraint(
                condition=Q(status="to_file") | Q(filed_on__isnull=False), name="compensation_filed_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"CompensationClaim {self.case_id}"

    @property
    def deadline(self):
        from .compensation_rules import civi_deadline

        if self.route != enums.CompensationRoute.CIVI:
            return None
        return civi_deadline(offence_on=self.offence_on, final_decision_on=self.final_decision_on)
