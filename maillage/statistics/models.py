"""The annual collection: campaigns, returns (versioned, locked once
submitted), anonymous records, releases and their published tables.

Records carry no identity (records.py); they are read by the organisation
that prepared them and by the release computation, never shown to anyone
else. Published tables hold only protected values (disclosure/)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import questionnaire as questionnaire_module
from .enums import CampaignStatus, ReturnSource


class Questionnaire(models.Model):
    """One version of the questionnaire, as data (questionnaire.py)."""

    code = models.CharField(max_length=60)
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="stats_questionnaire_version_unique")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def parsed(self) -> questionnaire_module.Questionnaire:
        return questionnaire_module.parse(self.definition)


class Campaign(models.Model):
    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="campaigns")
    coordination = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.OPEN)
    deadline = models.DateField(_("date limite"))
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    # Issue 13: the key check value of the campaign secret, announced by the key
    # custodian (never the secret itself: the platform does not hold it).
    # Empty: no cross-organisation linkage planned for this campaign.
    linkage_check = models.CharField(_("valeur de contrôle du secret de campagne"), max_length=16, blank=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | Q(status="closed", closed_at__isnull=False),
                name="stats_campaign_closed_iff_date",
            )
        ]

    def __str__(self) -> str:
        return f"Enquête {self.year}"

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN


class Invitation(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="stats_invitation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} → {self.organisation_id}"


class Return(models.Model):
    """One return per organisation per campaign; its versions hold the records."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="returns")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="stats_return_one_per_campaign"),
        ]

    def __str__(self) -> str:
        return f"Retour {self.campaign.year} #{self.pk}"


class ReturnVersion(models.Model):
    """A draft (submitted_at empty, editable) or a submitted, locked version.
    A correction after submission is a new version with its reason."""

    return_obj = models.ForeignKey(Return, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    source = models.CharField(max_length=12, choices=ReturnSource.choices)
    reason = models.CharField(_("motif de la correction"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    record_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["return_obj", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["return_obj", "number"], name="stats_version_number_unique"),
            models.UniqueConstraint(
                fields=["return_obj"], condition=Q(submitted_at__isnull=True), name="stats_one_draft_per_return"
            ),
            models.CheckConstraint(condition=Q(number=1) | ~Q(reason=""), name="stats_correction_has_reason"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True, submitted_by__isnull=True)
                | Q(submitted_at__isnull=False, submitted_by__isnull=False),
                name="stats_version_submitted_by_whom",
            ),
        ]

    def __str__(self) -> str:
        return f"Retour #{self.return_obj_id} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None


class Record(models.Model):
    """One anonymous record (records.AnonymousRecord): no name, no birth date."""

    version = models.ForeignKey(ReturnVersion, on_delete=models.CASCADE, related_name="records")
    line = models.PositiveIntegerField()
    sex = models.CharField(max_length=1)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    age_band = models.CharField(max_length=5)
    minor = models.CharField(max_length=1)
    citizenships = models.JSONField(default=list)
    forms = models.JSONField(default=list)
    domestic = models.CharField(max_length=1, default="N")
    exploitation_place = models.CharField(max_length=6)
    recruitment_place = models.CharField(max_length=6)
    status = models.CharField(max_length=10)
    identified_by = models.CharField(max_length=12, blank=True)
    services = models.JSONField(default=list)
    year_first_followed = models.PositiveSmallIntegerField()
    # Filled later by the cross-organisation linkage (issue 13): a pseudonym, never an identity.
    person_id = models.CharField(max_length=64, null=True, blank=True, db_index=True)  # noqa: DJ001 (none: not linked yet)

    FIELDS = (
        "sex",
        "age",
        "age_band",
        "minor",
        "citizenships",
        "forms",
        "domestic",
        "exploitation_place",
        "recruitment_place",
        "status",
        "identified_by",
        "services",
        "year_first_followed",
        "person_id",
    )

    class Meta:
        ordering = ["version", "line"]
        constraints = [models.UniqueConstraint(fields=["version", "line"], name="stats_record_line_unique")]

    def __str__(self) -> str:
        return f"Enregistrement {self.line}"


class LinkageEncoding(models.Model):
    """The keyed encodings of one record's identity (maillage/linkage/encoding.py),
    kept only until the campaign's linkage run deletes them. No plaintext: each
    value is an HMAC under the campaign secret, which the platform does not keep
    (docs/security.md, « Record linkage »)."""

    record = models.OneToOneField(Record, on_delete=models.CASCADE, primary_key=True, related_name="linkage")
    key_check = models.CharField(max_length=16)
    local_person_key = models.CharField(max_length=24, blank=True)
    values = models.JSONField()  # {encoding name: value or ""}, encoding.ENCODINGS

    def __str__(self) -> str:
        return f"Encodages de l'enregistrement {self.record_id}"


class LinkageRun(models.Model):
    """One run of the linkage unit over a campaign: what it linked, counts only.
    The persons are the `person_id` written on the records."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="linkage_runs")
    ran_at = models.DateTimeField(default=timezone.now)
    versions = models.ManyToManyField(ReturnVersion, related_name="linkage_runs")
    records_linked = models.PositiveIntegerField()
    records_unencoded = models.PositiveIntegerField()
    persons = models.PositiveIntegerField()
    seconds = models.FloatField()

    class Meta:
        ordering = ["campaign", "-ran_at"]

    def __str__(self) -> str:
        return f"Appariement {self.campaign.year} du {self.ran_at:%Y-%m-%d}"


class Release(models.Model):
    """A published set of protected tables for a year. A corrected release is
    a new number, checked against the one already published (`previous`)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="releases")
    number = models.PositiveIntegerField()
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("motif"), max_length=500, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    versions = models.ManyToManyField(ReturnVersion, related_name="releases")
    record_count = models.PositiveIntegerField(default=0)
    # Issue 13: the linkage run whose persons the release counts (None: « non
    # dédupliqué », records only).
    linkage_run = models.ForeignKey(LinkageRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The protected national count of persons (None: not deduplicated, or masked).
    person_count = models.PositiveIntegerField(null=True, blank=True)
    threshold = models.PositiveSmallIntegerField()
    change_count = models.PositiveIntegerField(default=0)
    primary_count = models.PositiveIntegerField(default=0)
    secondary_count = models.PositiveIntegerField(default=0)
    # Differentially private open data (opendata.py): the budget spent, per table and in total.
    dp_epsilon = models.FloatField(null=True, blank=True)
    dp_budget = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-campaign__year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="stats_release_number_unique"),
            models.CheckConstraint(condition=Q(number=1) | ~Q(reason=""), name="stats_corrected_release_reason"),
        ]

    def __str__(self) -> str:
        return f"Publication {self.campaign.year} n° {self.number}"


class PublishedTable(models.Model):
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="tables")
    key = models.CharField(max_length=60)
    family = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField()
    payload = models.JSONField()

    class Meta:
        ordering = ["release", "position"]
        constraints = [models.UniqueConstraint(fields=["release", "key"], name="stats_table_key_unique")]

    def __str__(self) -> str:
        return self.key


class HistoricalFigure(models.Model):
    """A published figure of a year before Maillage (trends), loaded as an aggregate."""

    year = models.PositiveSmallIntegerField()
    indicator = models.CharField(max_length=60)
    value = models.PositiveIntegerField()
    source = models.CharField(max_length=300)
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["year", "indicator"], name="stats_history_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"
