"""Referrals (« orientations ») between organisations of the network.

A referral never copies the case: the recipient reads the parts the sender
chose through the case selectors (maillage.cases.policies._partner_grants),
and only while the referral is accepted (or completed). The message is
encrypted: it may mention the person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.cases.models import CodeListField
from maillage.core.encryption import EncryptedTextField

from .enums import AnonymousReason, ConsentBasis, ConsentMethod, DeclineReason, ReferralKind, ReferralStatus


class Referral(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(_("type"), max_length=10, choices=ReferralKind.choices, default=ReferralKind.REFERRAL)
    sender_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="referrals_sent")
    sender_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recipient_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="referrals_received")
    service = models.CharField(_("service demandé"), max_length=40)  # directory.Service.code
    shared_parts = CodeListField(_("parties partagées"))
    message = EncryptedTextField(_("message au destinataire"), blank=True)
    status = models.CharField(_("statut"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT)

    # --- consent (R-CHILD-CRIP; UK NRM: adults consent, children need none) ---
    consent_basis = models.CharField(_("fondement"), max_length=24, choices=ConsentBasis.choices)
    consent_on = models.DateField(_("date du consentement"), null=True, blank=True)
    consent_method = models.CharField(_("recueilli"), max_length=20, choices=ConsentMethod.choices, blank=True)
    consent_scope = models.CharField(_("portée du consentement"), max_length=300, blank=True)
    override_reason = models.CharField(_("motif de l'orientation sans consentement"), max_length=500, blank=True)

    # --- lifecycle ---------------------------------------------------------
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    answer_due_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decline_reason = models.CharField(_("motif du refus"), max_length=20, choices=DeclineReason.choices, blank=True)
    decline_comment = models.CharField(_("précisions"), max_length=500, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    previous_owner = models.ForeignKey("organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("orientation")
        indexes = [
            models.Index(fields=["recipient_organisation", "status", "-created_at"], name="ref_recipient_status_idx"),
            models.Index(fields=["sender_organisation", "status", "-created_at"], name="ref_sender_status_idx"),
            models.Index(fields=["status", "answer_due_at"], name="ref_status_due_idx"),
            models.Index(fields=["case", "status"], name="ref_case_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=[s.value for s in ReferralStatus]), name="referral_status_valid"),
            models.CheckConstraint(condition=~Q(sender_organisation=models.F("recipient_organisation")), name="referral_not_to_self"),
            models.CheckConstraint(condition=~Q(status="declined") | ~Q(decline_reason=""), name="referral_declined_has_reason"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "withdrawn"]) | Q(sent_at__isnull=False, answer_due_at__isnull=False),
                name="referral_sent_has_dates",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "declined", "completed"]) | Q(decided_at__isnull=False),
                name="referral_decided_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(consent_basis="consent") | (Q(consent_on__isnull=False) & ~Q(consent_method="")),
                name="referral_consent_recorded",
            ),
            models.CheckConstraint(condition=~Q(consent_basis="override") | ~Q(override_reason=""), name="referral_override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Orientation {self.pk}"

    @property
    def label(self) -> str:
        """Pseudonymous label used in lists, e-mails and the audit journal."""
        return f"ORI-{self.pk} ({self.case.reference})"

    @property
    def is_overdue(self) -> bool:
        return self.status == ReferralStatus.SENT and self.answer_due_at is not None and self.answer_due_at < timezone.now()

    def shared_part_labels(self) -> list[str]:
        from .enums import SharedPart

        labels = dict(SharedPart.choices)
        return [str(labels.get(p, p)) for p in self.shared_parts]


class ReferralEvent(models.Model):
    """History of a referral (timeline). `summary` never carries identity."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"ReferralEvent {self.referral_id}"


class AnonymousNotification(models.Model):
    """UK « duty to notify »: an adult refused referral or identification; only
    non-identifying facts are kept so that national counts stay complete."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("motif"), max_length=24, choices=AnonymousReason.choices)
    sex = models.CharField(_("sexe"), max_length=1, blank=True)
    age_band = models.CharField(_("tranche d'âge"), max_length=8, blank=True)
    nationality = models.CharField(_("nationalité"), max_length=2, blank=True)
    exploitation_forms = CodeListField(_("formes d'exploitation"))
    exploitation_departement = models.CharField(_("département d'exploitation"), max_length=3, blank=True)
    exploitation_country = models.CharField(_("pays d'exploitation"), max_length=2, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"AnonymousNotification {self.pk}"
