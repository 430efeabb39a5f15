"""The victim's case file.

Split in two on purpose:
- `Case` holds the pseudonymous reference and non-identifying facts (lists,
  statistics and exports read only this table, so they never decrypt);
- `Person` holds the identity, encrypted at rest, with keyed-hash lookup
  columns for duplicate detection (R-PRIVACY, Warsaw art. 11).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.encryption import EncryptedTextField, LookupHashField

from . import enums
from .workflow import child_at_facts as derive_child_at_facts
from .workflow import treated_as_minor as derive_treated_as_minor


class CodeListField(models.CharField):
    """A list of short codes stored as "|A|B|", so that `field__contains="A"`
    filters the same way on SQLite and PostgreSQL with the `has` lookup
    below (docs/domain/cases.md, "Storage of code lists")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 400)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    @staticmethod
    def to_list(value) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            return [c for c in value.split("|") if c]
        return [str(c) for c in value if c]

    def from_db_value(self, value, expression, connection):
        return self.to_list(value)

    def to_python(self, value):
        return self.to_list(value)

    def get_prep_value(self, value):
        codes = self.to_list(value)
        return f"|{'|'.join(codes)}|" if codes else ""

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        # Choices are checked per code by the forms and services.
        if not value and not self.blank:
            super().validate(value, model_instance)


@CodeListField.register_lookup
class HasCode(models.lookups.Contains):
    """`nationalities__has="NG"`: exact code membership (LIKE '%|NG|%')."""

    lookup_name = "has"

    def get_prep_lookup(self):
        return f"|{self.rhs}|"

    def get_rhs_op(self, connection, rhs):
        return connection.operators["contains"] % rhs


class ReferenceCounter(models.Model):
    """One row per year; locked with select_for_update to allocate references."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"ReferenceCounter {self.year}"


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=enums.CaseStatus.CLOSED)


class Case(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(_("référence"), max_length=20, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # --- status (workflow.TRANSITIONS) ------------------------------------
    status = models.CharField(
        _("statut"), max_length=16, choices=enums.CaseStatus.choices, default=enums.CaseStatus.REPORTED
    )
    presumed_at = models.DateTimeField(null=True, blank=True)
    presumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    identified_on = models.DateField(_("date d'identification"), null=True, blank=True)
    identifying_authority = models.CharField(
        _("autorité"), max_length=16, choices=enums.IdentifyingAuthority.choices, blank=True
    )
    identification_reference = EncryptedTextField(_("référence de la procédure"), max_length=80, blank=True)
    not_retained_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(
        _("motif de clôture"), max_length=24, choices=enums.ClosureReason.choices, blank=True
    )
    status_before_closure = models.CharField(max_length=16, choices=enums.CaseStatus.choices, blank=True)

    # --- age (R-AGE) --------------------------------------------------------
    age_status = models.CharField(_("statut de l'âge"), max_length=32, choices=enums.AgeStatus.choices)
    reasons_to_believe_minor = models.BooleanField(_("raisons de penser que la personne est mineure"), default=False)
    treated_as_minor = models.BooleanField(_("traitée comme mineure"), default=False, editable=False)
    minor_at_exploitation = models.BooleanField(_("mineure au moment des faits"), null=True, blank=True)

    # --- non-identifying facts (statistics, R-STATS) -----------------------
    sex = models.CharField(_("sexe"), max_length=1, choices=enums.Sex.choices, default=enums.Sex.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"), null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(_("âge estimé"), null=True, blank=True)
    nationalities = CodeListField(_("nationalités"))
    languages = CodeListField(_("langues"))
    exploitation_forms = CodeListField(_("formes d'exploitation"))
    recruitment_country = models.CharField(_("pays de recrutement"), max_length=2, blank=True)
    recruitment_departement = models.CharField(_("département de recrutement"), max_length=3, blank=True)
    exploitation_country = models.CharField(_("pays d'exploitation"), max_length=2, blank=True)
    exploitation_departement = models.CharField(_("département d'exploitation"), max_length=3, blank=True)
    # Issue 10.3: the competent CRIP and parquet are those of the child's
    # residence (CASF L226-3; C. civ. art. 375-1 and CPC art. 1181, the judge of
    # where the child lives), recorded where the minors' chain starts: an INSEE
    # département code, RESIDENCE_UNKNOWN, or blank while nobody has said.
    # A département, not an address: no identity.
    residence_departement = models.CharField(_("département de résidence de l'enfant"), max_length=7, blank=True)
    exploitation_start = models.DateField(_("début de l'exploitation"), null=True, blank=True)
    exploitation_end = models.DateField(_("fin de l'exploitation"), null=True, blank=True)
    cross_border = models.CharField(
        _("dimension"), max_length=16, choices=enums.CrossBorder.choices, default=enums.CrossBorder.UNKNOWN
    )
    relation_to_exploiter = models.CharField(
        _("relation avec l'exploiteur"),
        max_length=20,
        choices=enums.RelationToExploiter.choices,
        default=enums.RelationToExploiter.UNKNOWN,
    )
    control_methods = CodeListField(_("moyens de contrôle"))
    first_detected_by = models.CharField(
        _("premier repérage par"),
        max_length=20,
        choices=enums.FirstDetectedBy.choices,
        default=enums.FirstDetectedBy.OTHER,
    )

    # Warsaw art. 26: non-punishment of offences the person was compelled to commit.
    compelled_offences = models.BooleanField(_("infractions commises sous la contrainte (art. 26)"), default=False)

    # R-REASONABLE-GROUNDS (Warsaw art. 10.2): from « présumée victime » no
    # removal from the territory until the identification process is complete.
    # Set once, ended only when the case is not retained (never by closing it).
    non_removal_since = models.DateTimeField(_("non-éloignement depuis le"), null=True, blank=True)
    non_removal_ended_at = models.DateTimeField(null=True, blank=True)

    # Privacy (R-PRIVACY): erasure is refused while a legal hold is set.
    legal_hold = models.BooleanField(_("conservation légale"), default=False)
    legal_hold_reason = EncryptedTextField(_("motif de la conservation"), max_length=200, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["organisation", "-created_at", "-id"], name="case_org_created_idx"),
            models.Index(fields=["organisation", "status"], name="case_org_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="presumed") | Q(presumed_at__isnull=False),
                name="case_presumed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="identified") | (Q(identified_on__isnull=False) & ~Q(identifying_authority="")),
                name="case_identified_has_authority",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (Q(closed_at__isnull=False) & ~Q(closure_reason="") & ~Q(status_before_closure="")),
                name="case_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="closed") | (Q(closed_at__isnull=True) & Q(closure_reason="")),
                name="case_open_has_no_closure",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in enums.CaseStatus]),
                name="case_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(legal_hold=True) | ~Q(legal_hold_reason=""),
                name="case_legal_hold_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        # R-AGE (Warsaw 10.3): derived, never typed in.
        self.treated_as_minor = derive_treated_as_minor(
            self.age_status, reasons_to_believe_minor=self.reasons_to_believe_minor
        )
        super().save(*args, **kwargs)

    def derive(self) -> None:
        self.treated_as_minor = derive_treated_as_minor(
            self.age_status, reasons_to_believe_minor=self.reasons_to_believe_minor
        )

    @property
    def is_closed(self) -> bool:
        return self.status == enums.CaseStatus.CLOSED

    @property
    def non_removal_alert(self) -> bool:
        """Warsaw art. 10.2: shown on every view of the case and in its exports."""
        return self.non_removal_since is not None and self.non_removal_ended_at is None

    @property
    def child_at_facts(self) -> bool:
        """Warsaw art. 4 c-d, Code pénal 225-4-1 II (rules.md §1.6): the child
        indicator set and « no means required » follow the age at the time of
        the facts; today's age decides the protection chain (R-AGE)."""
        return derive_child_at_facts(
            treated_as_minor=self.treated_as_minor, minor_at_exploitation=self.minor_at_exploitation
        )

    def exploitation_form_labels(self) -> list[str]:
        labels = dict(enums.ExploitationForm.choices)
        return [str(labels.get(c, c)) for c in self.exploitation_forms]


def _birth_year_normaliser(values) -> str | None:
    last, first, year = values
    if not last or not year:
        return None
    return f"{last}\x1e{first or ''}\x1e{year}"


class Person(models.Model):
    """The identity of the person of a case: every column encrypted at rest."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="person")
    last_name = EncryptedTextField(_("nom"), blank=True)
    first_name = EncryptedTextField(_("prénom"), blank=True)
    aliases = EncryptedTextField(_("alias et autres noms"), blank=True)
    birth_date = EncryptedTextField(_("date de naissance"), blank=True)  # ISO text
    phone = EncryptedTextField(_("téléphone"), blank=True)
    email = EncryptedTextField(_("adresse électronique"), blank=True)
    address = EncryptedTextField(_("adresse"), blank=True)
    name_hash = LookupHashField(source=["last_name", "first_name"], purpose="case.person.name")
    name_birth_year_hash = LookupHashField(
        source=["last_name", "first_name", "lookup_birth_year"],
        purpose="case.person.name_birth_year",
        normaliser=_birth_year_normaliser,
    )
    # Kept so the hash can be computed without joining the case (bulk create).
    lookup_birth_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("identité")

    def __str__(self) -> str:
        return f"identité de {self.case_id}"

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, (self.last_name or "").upper()) if p) or "—"


class CaseEvent(models.Model):
    """Timeline of a case. `summary` is never an identity (reference-level text)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=enums.EventKind.choices)
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"], name="case_event_case_at_idx")]

    def __str__(self) -> str:
        return f"CaseEvent {self.case.reference}"


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    visibility = models.CharField(
        _("visibilité"), max_length=16, choices=enums.NoteVisibility.choices, default=enums.NoteVisibility.INTERNAL
    )
    text = EncryptedTextField(_("texte"))

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Note {self.case.reference}"


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField(_("intitulé"), max_length=200)
    due_on = models.DateField(_("échéance"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_tasks", verbose_name=_("attribuée à")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"], name="case_task_assignee_idx")]

    def __str__(self) -> str:
        return f"Task {self.case.reference}"


def _document_path(instance, filename) -> str:
    # Random name: the original name may carry identity and is stored encrypted.
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("type de document"), max_length=16, choices=enums.DocumentType.choices)
    file = models.FileField(upload_to=_document_path, max_length=200)
    original_name = EncryptedTextField(blank=True)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"Document {self.case.reference}"


class RightsInformation(models.Model):
    """Warsaw art. 15.1; CESEDA R425-1: information on rights, in a language understood."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="rights_information")
    delivered_on = models.DateField(_("date"))
    language = models.CharField(_("langue"), max_length=3)
    interpreter = models.BooleanField(_("avec interprète"), default=False)
    delivered_by = EncryptedTextField(_("délivrée par"), max_length=120)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-delivered_on", "-id"]

    def __str__(self) -> str:
        return f"RightsInformation {self.case.reference}"


class AssistanceMeasure(models.Model):
    """Warsaw art. 12. Deliberately no field about cooperation with the
    authorities (art. 12.6): a test enforces it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assistance_measures")
    code = models.CharField(_("mesure"), max_length=16, choices=enums.AssistanceCode.choices)
    status = models.CharField(
        _("consentement / état"),
        max_length=16,
        choices=enums.ConsentStatus.choices,
        default=enums.ConsentStatus.OFFERED,
    )
    status_on = models.DateField(_("date"), default=timezone.localdate)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="assistance_one_per_code")]

    def __str__(self) -> str:
        return f"AssistanceMeasure {self.case.reference}"


class ReflectionPeriod(models.Model):
    """Warsaw art. 13; CESEDA L425-1/R425-1 (R-REFLECTION)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reflection_periods")
    start = models.DateField(_("début (récépissé)"))
    end = models.DateField(_("fin"))
    granting_authority = EncryptedTextField(_("autorité"), max_length=120, blank=True)
    document_reference = EncryptedTextField(_("référence du récépissé"), max_length=80, blank=True)
    status = models.CharField(
        _("statut"), max_length=24, choices=enums.ReflectionStatus.choices, default=enums.ReflectionStatus.OFFERED
    )
    interruption_reason = models.CharField(
        _("motif d'interruption"), max_length=20, choices=enums.InterruptionReason.choices, blank=True
    )
    reminded_before_end_at = models.DateTimeField(null=True, blank=True)
    reminded_expiry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            # The ≥ 30-day minimum is a setting (deadlines.REFLECTION_MIN), checked by the service.
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="reflection_end_after_start"),
            models.CheckConstraint(
                condition=(Q(status="interrupted") & ~Q(interruption_reason=""))
                | (~Q(status="interrupted") & Q(interruption_reason="")),
                name="reflection_interruption_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"ReflectionPeriod {self.case.reference}"


class ResidencePermit(models.Model):
    """Warsaw art. 14; CESEDA L425-1, L425-3, L425-4."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="residence_permits")
    legal_basis = models.CharField(_("fondement"), max_length=16, choices=enums.PermitBasis.choices)
    # Issue 11 (R-PERMIT-COOP, R-PERMIT-NOCOOP): the ground and its conditions,
    # checked by services.permits against permit_rules.RULES. Blank on permits
    # recorded before (their legal basis alone was kept).
    ground = models.CharField(_("motif de délivrance"), max_length=20, choices=enums.PermitGround.choices, blank=True)
    ties_broken = models.BooleanField(_("liens rompus avec les auteurs"), null=True, blank=True)
    public_order_threat = models.BooleanField(_("menace pour l'ordre public"), null=True, blank=True)
    exit_pathway_engaged = models.BooleanField(_("engagée dans le parcours de sortie"), null=True, blank=True)
    final_conviction_on = models.DateField(_("date de la condamnation définitive"), null=True, blank=True)
    proceedings_ongoing = models.BooleanField(_("procédure pénale en cours"), null=True, blank=True)
    start = models.DateField(_("début de validité"))
    end = models.DateField(_("fin de validité"), null=True, blank=True)
    renewal_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
        verbose_name=_("renouvellement de"),
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")), name="permit_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"ResidencePermit {self.case.reference}"

    @property
    def kind_label(self) -> str:
        from .permit_rules import RULES

        rule = RULES.get(self.ground)
        return str(rule.document) if rule else str(self.get_legal_basis_display())

    @property
    def renewal_due_on(self):
        """CESEDA R431-5: the renewal is applied for in the two months before
        expiry (deadlines.PERMIT_REMINDER_BEFORE_END)."""
        from .deadlines import PERMIT_REMINDER_BEFORE_END

        return self.end - PERMIT_REMINDER_BEFORE_END.delta() if self.end else None


class ProtectionMeasure(models.Model):
    """Warsaw art. 28."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="protection_measures")
    beneficiary = models.CharField(_("bénéficiaire"), max_length=16, choices=enums.ProtectionBeneficiary.choices)
    kind = models.CharField(_("type"), max_length=16, choices=enums.ProtectionType.choices)
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"), null=True, blank=True)

    def __str__(self) -> str:
        return f"ProtectionMeasure {self.case.reference}"


class Proceeding(models.Model):
    """Warsaw art. 15 and 27: complaint, civil party, CIVI claim."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="proceedings")
    kind = models.CharField(_("type"), max_length=16, choices=enums.ProceedingKind.choices)
    on = models.DateField(_("date"))
    reference = EncryptedTextField(_("référence"), max_length=80, blank=True)

    def __str__(self) -> str:
        return f"Proceeding {self.case.reference}"


class CaseAccessGrantQuerySet(models.QuerySet):
    def open(self):
        return self.filter(ended_at__isnull=True)


class CaseAccessGrant(models.Model):
    """Who, besides the owning organisation, may read which parts of a case,
    since when, until when, and why (docs/decisions/0008-case-access-grants.md).

    The case file owns its access: `policies.cases_visible_to` and
    `access.parts_for` read only this table (and the owner). The domains
    that give access — a referral accepted, an Ac.Sé host's place — open and
    end grants through the `services.access` steps, inside their own
    transaction. `source` names the granting object without the case file
    knowing its domain (« referrals.referral:12 »). Rows are never deleted:
    an ended grant keeps who could read what, and when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_grants")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    parts = CodeListField(_("parties partagées"))  # among access.SHARED_PARTS
    reason = models.CharField(_("motif"), max_length=16, choices=enums.AccessReason.choices)
    source = models.CharField(_("origine"), max_length=80)
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = CaseAccessGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("accès partagé à un dossier")
        indexes = [
            models.Index(
                fields=["organisation", "case"], condition=Q(ended_at__isnull=True), name="case_grant_open_org_idx"
            ),
            models.Index(
                fields=["case", "organisation"], condition=Q(ended_at__isnull=True), name="case_grant_open_case_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=[r.value for r in enums.AccessReason]), name="case_grant_reason_valid"
            ),
            models.CheckConstraint(condition=~Q(source=""), name="case_grant_has_source"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("granted_at")),
                name="case_grant_ends_after_start",
            ),
            # One open grant per granting object: a retried step cannot grant twice.
            models.UniqueConstraint(
                fields=["source"], condition=Q(ended_at__isnull=True), name="case_grant_one_open_per_source"
            ),
        ]

    def __str__(self) -> str:
        return f"CaseAccessGrant {self.case_id} → {self.organisation_id}"

    @property
    def legal_basis(self) -> str:
        return str(enums.ACCESS_LEGAL_BASES.get(self.reason, ""))

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


# The legal situation's newer records (issue 11) live in their own module so
# that this one stays readable; Django finds them through this import.
from .law_models import CompensationClaim, LegalAid, ReflectionOffer  # noqa: E402, F401
