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

from .enums import (
    AcseClosingGround,
    AcseStatus,
    AcseUrgency,
    AnonymousReason,
    BestInterestsConclusion,
    ConsentBasis,
    ConsentMethod,
    DeclineReason,
    ExchangeChannel,
    ExchangeDirection,
    ExchangePurpose,
    MinorStepKind,
    ReferralKind,
    ReferralStatus,
    ReturnPlanStatus,
    TransmissionChannel,
)


class Referral(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(_("type"), max_length=10, choices=ReferralKind.choices, default=ReferralKind.REFERRAL)
    sender_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    sender_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recipient_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    service = models.CharField(_("service demandé"), max_length=40)  # directory.Service.code
    shared_parts = CodeListField(_("parties partagées"))
    message = EncryptedTextField(_("message au destinataire"), blank=True)
    # The sender's statement that the person cannot wait (danger, nowhere to
    # sleep): a shorter answer delay (deadlines.answer_delay_for).
    urgent = models.BooleanField(_("urgente"), default=False)
    status = models.CharField(_("statut"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT)

    # --- consent (R-CHILD-CRIP; UK NRM: adults consent, children need none) ---
    consent_basis = models.CharField(_("fondement"), max_length=24, choices=ConsentBasis.choices)
    consent_on = models.DateField(_("date du consentement"), null=True, blank=True)
    consent_method = models.CharField(_("recueilli"), max_length=20, choices=ConsentMethod.choices, blank=True)
    consent_scope = EncryptedTextField(_("portée du consentement"), max_length=300, blank=True)
    override_reason = EncryptedTextField(_("motif de l'orientation sans consentement"), max_length=500, blank=True)

    # --- lifecycle ---------------------------------------------------------
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    answer_due_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    # Set when a referral passed its answer deadline and was escalated to the
    # recipient's administrators and the sender (sweeps.escalate_overdue).
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.CharField(_("motif du refus"), max_length=20, choices=DeclineReason.choices, blank=True)
    decline_comment = EncryptedTextField(_("précisions"), max_length=500, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    previous_owner = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("orientation")
        indexes = [
            models.Index(fields=["recipient_organisation", "status", "-created_at"], name="ref_recipient_status_idx"),
            models.Index(fields=["sender_organisation", "status", "-created_at"], name="ref_sender_status_idx"),
            models.Index(fields=["recipient_organisation", "-created_at", "-id"], name="ref_recipient_created_idx"),
            models.Index(fields=["sender_organisation", "-created_at", "-id"], name="ref_sender_created_idx"),
            models.Index(fields=["status", "answer_due_at"], name="ref_status_due_idx"),
            # The inbox's capped per-state counts (« en attente » / « en retard »
            # split on answer_due_at) as index-only scans: 12 ms → 0.4 ms each
            # for the busiest recipient at 3× national (docs/benchmarks.md).
            models.Index(
                fields=["recipient_organisation", "status", "answer_due_at"], name="ref_recipient_status_due_idx"
            ),
            models.Index(fields=["case", "status"], name="ref_case_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ReferralStatus]), name="referral_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(sender_organisation=models.F("recipient_organisation")), name="referral_not_to_self"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="referral_declined_has_reason"
            ),
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
            models.CheckConstraint(
                condition=~Q(consent_basis="override") | ~Q(override_reason=""), name="referral_override_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Orientation {self.pk}"

    @property
    def label(self) -> str:
        """Pseudonymous label used in lists, e-mails and the audit journal."""
        return f"ORI-{self.pk} ({self.case.reference})"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == ReferralStatus.SENT
            and self.answer_due_at is not None
            and self.answer_due_at < timezone.now()
        )

    def danger_departement_labels(self) -> list[str]:
        from maillage.territories import reference as ref

        return [ref.departement(code).label for code in self.danger_departements if ref.is_departement_code(code)]

    def closing_reason_for(self, role: str | None) -> str:
        """The free closing text as `role` may read it (issue 16.1): the
        coordination always; the referrer only its own words; the host never."""
        if role == "coordination" or (role == "referrer" and self.closed_by == "referrer"):
            return self.closing_reason
        return ""

    def shared_part_labels(self) -> list[str]:
        from .enums import SharedPart

        labels = dict(SharedPart.choices)
        return [str(labels.get(p, p)) for p in self.shared_parts]


class ReferralEvent(models.Model):
    """History of a referral (timeline). `summary` never carries identity."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
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


class AcsePlacement(models.Model):
    """Ac.Sé national safe accommodation (rules.md §3.4, R-ACSE): adults only,
    consent mandatory. The host and its location are visible only to the Ac.Sé
    coordination and the host (Warsaw art. 11); the referring organisation
    sees « hébergée dans un centre partenaire ». While the placement is in
    `workflow.ACSE_HOST_ACCESS_STATUSES` the host reads `shared_parts` of the
    case like a partner holding an accepted referral (selectors.granted_*)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="acse_placements")
    referring_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    coordination = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="acse_requests"
    )
    status = models.CharField(_("statut"), max_length=16, choices=AcseStatus.choices, default=AcseStatus.REQUESTED)
    consent_on = models.DateField(_("date du consentement"))
    consent_method = models.CharField(_("consentement recueilli"), max_length=20, choices=ConsentMethod.choices)
    danger_departements = CodeListField(_("départements où la personne est en danger"))
    # The request in the requester's words (issue 10.4; R-ACSE: the local
    # danger justifies moving the person away, issue 11.9). Read by the
    # requester and the coordination, never by the host (it reads the shared
    # parts of the case only). Encrypted: it describes the person.
    situation = EncryptedTextField(_("situation de la personne"), blank=True)
    danger_reason = EncryptedTextField(_("danger local justifiant l'éloignement"), blank=True)
    urgency = models.CharField(_("urgence"), max_length=12, choices=AcseUrgency.choices, default=AcseUrgency.DAYS)
    urgency_note = EncryptedTextField(_("urgence, en vos mots"), blank=True)
    danger_assessment = EncryptedTextField(_("évaluation du danger"), blank=True)
    host = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="acse_hosted"
    )
    # Parts of the case the person consented, with the request, to pass on to the
    # host (same codes as Referral.shared_parts; read through cases.policies).
    shared_parts = CodeListField(_("parties transmises au centre d'accueil"))
    # When the coordination chose the centre: an announced arrival takes one
    # of the places the centre declared in the directory until it updates them.
    placed_at = models.DateTimeField(null=True, blank=True)
    arrived_on = models.DateField(null=True, blank=True)
    exited_on = models.DateField(null=True, blank=True)
    closing_reason = EncryptedTextField(_("motif"), max_length=300, blank=True)
    # Who closed it and the ground the referrer reads (issue 16.1): the free
    # text is shown to the coordination and, when the referrer wrote it, to the
    # referrer; never to the host, never the coordination's text to the referrer.
    closed_by = models.CharField(_("clôturée par"), max_length=16, blank=True)
    closing_ground = models.CharField(
        _("motif communiqué"), max_length=24, choices=AcseClosingGround.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        # The coordination's and the host's work queues (maillage/www/referrals/queue_acse.py).
        indexes = [
            models.Index(fields=["coordination", "status"], name="acse_coordination_status_idx"),
            models.Index(fields=["host", "status"], name="acse_host_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=[s.value for s in AcseStatus]), name="acse_status_valid"),
            models.CheckConstraint(
                condition=~Q(status__in=["place_found", "transfer", "hosted", "no_show", "exited"])
                | Q(host__isnull=False),
                name="acse_host_once_found",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["refused", "cancelled"]) | ~Q(closing_reason=""),
                name="acse_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"AcsePlacement {self.pk}"

    def danger_departement_labels(self) -> list[str]:
        from maillage.territories import reference as ref

        return [ref.departement(code).label for code in self.danger_departements if ref.is_departement_code(code)]

    def closing_reason_for(self, role: str | None) -> str:
        """The free closing text as `role` may read it (issue 16.1): the
        coordination always; the referrer only its own words; the host never."""
        if role == "coordination" or (role == "referrer" and self.closed_by == "referrer"):
            return self.closing_reason
        return ""

    def shared_part_labels(self) -> list[str]:
        from .enums import SharedPart

        labels = dict(SharedPart.choices)
        return [str(labels.get(p, p)) for p in self.shared_parts]


class MinorStep(models.Model):
    """One step of the minors' chain (rules.md §3.5). Definitions, deadlines,
    legal sources and the actor the law gives each step to are data
    (deadlines.MINOR_STEPS). Completing a step records who, when, to whom, how,
    the reference and what came of it (issue 10.2); a transmission through
    Maillage creates the recipient's own step (`source_step`)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="minor_steps")
    kind = models.CharField(_("étape"), max_length=24, choices=MinorStepKind.choices)
    sequence = models.PositiveSmallIntegerField(default=0)  # renewals of the emergency reception (R-MNA)
    owner_organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    legal_source = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    # When the act took place (entered by the owner, never in the future) and who recorded it.
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    # To whom: an organisation of the directory, or a name when it is not listed.
    recipient_organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_name = EncryptedTextField(_("destinataire"), max_length=200, blank=True)
    channel = models.CharField(_("canal"), max_length=12, choices=TransmissionChannel.choices, blank=True)
    reference = EncryptedTextField(_("référence"), max_length=80, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=24, choices=BestInterestsConclusion.choices, blank=True)
    # What came of it (wiped with the identity: referrals.privacy).
    note = EncryptedTextField(_("suites"), max_length=1000, blank=True)
    # Codes the step's kind records: the CRIP's outcome, the parquet's decisions,
    # the legal representation, the minority evaluation (never health data).
    details = models.JSONField(default=dict, blank=True)
    grave_danger = models.BooleanField(_("danger grave et immédiat"), default=False)
    source_step = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="received_steps"
    )
    waived_reason = EncryptedTextField(_("motif documenté de levée"), max_length=300, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["done_at", "due_at"], name="minor_step_open_due_idx"),
            models.Index(fields=["owner_organisation", "done_at", "due_at"], name="minor_step_owner_queue_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "sequence"], name="minor_step_unique"),
            models.CheckConstraint(
                condition=~Q(channel="maillage") | Q(recipient_organisation__isnull=False),
                name="minor_step_maillage_has_recipient",
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(done_by__isnull=False, recorded_at__isnull=False),
                name="minor_step_done_has_author",
            ),
        ]

    def __str__(self) -> str:
        return f"MinorStep {self.kind} {self.case_id}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None and not self.waived_reason

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @property
    def is_waivable(self) -> bool:
        """Issue 11.6: the report to the prosecutor and the transmission to the CRIP are never lifted."""
        from .deadlines import STEP_BY_KIND

        return STEP_BY_KIND[self.kind].waivable

    @property
    def definition(self):
        from .deadlines import STEP_BY_KIND

        return STEP_BY_KIND[self.kind]

    @property
    def recipient_label(self) -> str:
        return self.recipient_organisation.name if self.recipient_organisation_id else self.recipient_name


class ReturnPlan(models.Model):
    """Warsaw art. 16 (R-RETURN): preferably voluntary; risk and security
    assessment; contacts of the receiving structures (16.6). For a child,
    approval needs a best-interests assessment in favour of return (16.7)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="return_plans")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    destination_country = models.CharField(_("pays de retour"), max_length=2)
    voluntary = models.BooleanField(_("retour volontaire"), default=True)
    non_voluntary_justification = EncryptedTextField(
        _("justification d'un retour non volontaire"), max_length=500, blank=True
    )
    risk_assessment = EncryptedTextField(_("évaluation des risques et de la sécurité"), blank=True)
    receiving_structures = EncryptedTextField(
        _("contacts des structures d'accueil dans le pays de retour"), blank=True
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=ReturnPlanStatus.choices, default=ReturnPlanStatus.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(voluntary=True) | ~Q(non_voluntary_justification=""), name="return_non_voluntary_justified"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False), name="return_approved_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"ReturnPlan {self.pk}"


class InternationalExchange(models.Model):
    """Cross-border cooperation (Warsaw arts. 32–34, R-INTL-URGENT)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="international_exchanges")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    counterpart = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Issue 11 (R-INTL-URGENT, arts 33–34): requests and alerts from abroad are
    # registered too. For an incoming one, `sent_at` is when it was received,
    # `answer_due_on` when France must answer, and the answer (legal basis, parts,
    # conditions of use) is what France sends back.
    direction = models.CharField(
        _("sens"), max_length=8, choices=ExchangeDirection.choices, default=ExchangeDirection.OUTGOING
    )
    request_summary = EncryptedTextField(_("objet de la demande reçue"), blank=True)
    liaison = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service de police ou de gendarmerie de liaison"),
    )
    use_conditions = CodeListField(_("conditions d'utilisation (art. 34.3)"))
    answer_legal_basis = EncryptedTextField(_("base légale de la réponse"), max_length=300, blank=True)
    answer_shared_parts = CodeListField(_("parties transmises en réponse"))
    purpose = models.CharField(_("objet"), max_length=24, choices=ExchangePurpose.choices)
    channel = models.CharField(_("canal"), max_length=24, choices=ExchangeChannel.choices)
    legal_basis = EncryptedTextField(_("base légale"), max_length=300, blank=True)
    shared_parts = CodeListField(_("parties transmises"))
    conditions = EncryptedTextField(_("conditions posées (art. 34.3)"), max_length=500, blank=True)
    urgent = models.BooleanField(default=False)
    sent_at = models.DateTimeField(default=timezone.now)
    answer_due_on = models.DateField(_("réponse attendue le"), null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)  # when the answer was recorded
    # Warsaw art. 34.1: the foreign counterpart's answer. Never identity: the summary is a free text shown on the case.
    answered_on = models.DateField(_("réponse reçue le"), null=True, blank=True)
    answer_summary = EncryptedTextField(
        _("résumé de la réponse"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Résumez la réponse sans y inscrire l'identité de la personne (nom, date de naissance, documents) : "
            "elle figure déjà au dossier."
        ),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            # Nothing leaves France without a legal basis: the outgoing exchange, or the answer to an incoming one.
            models.CheckConstraint(
                condition=~Q(direction="outgoing") | ~Q(legal_basis=""), name="exchange_has_legal_basis"
            ),
            models.CheckConstraint(
                condition=~Q(direction="incoming") | Q(answered_at__isnull=True) | ~Q(answer_legal_basis=""),
                name="exchange_answer_has_legal_basis",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answered_on__isnull=True)
                | Q(answered_at__isnull=False, answered_on__isnull=False),
                name="exchange_answer_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(purpose="danger_33_1") | Q(urgent=True), name="exchange_danger_is_urgent"
            ),
        ]

    def __str__(self) -> str:
        return f"InternationalExchange {self.pk}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_overdue(self) -> bool:
        return (
            self.answered_at is None and self.answer_due_on is not None and self.answer_due_on < timezone.localdate()
        )
