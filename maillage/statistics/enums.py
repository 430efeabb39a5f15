"""Closed lists of the statistics domain (codes are stable; labels French)."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(StrEnum):
    CAMPAIGN_OPENED = "statistics.campaign.opened"
    CAMPAIGN_INVITED = "statistics.campaign.invited"
    CAMPAIGN_CLOSED = "statistics.campaign.closed"
    CAMPAIGN_REMINDED = "statistics.campaign.reminded"
    RETURN_DERIVED = "statistics.return.derived"
    RETURN_IMPORTED = "statistics.return.imported"
    RETURN_RECORD_SAVED = "statistics.return.record_saved"
    RETURN_RECORD_DELETED = "statistics.return.record_deleted"
    RETURN_SUBMITTED = "statistics.return.submitted"
    RETURN_CORRECTION_STARTED = "statistics.return.correction_started"
    RELEASE_PUBLISHED = "statistics.release.published"
    HISTORY_LOADED = "statistics.history.loaded"
    LINKAGE_CHECK_ANNOUNCED = "statistics.linkage.check_announced"
    LINKAGE_RUN = "statistics.linkage.run"


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    CLOSED = "closed", _("Close")


class ReturnSource(models.TextChoices):
    CASES = "cases", _("Dossiers Maillage")
    SPREADSHEET = "spreadsheet", _("Tableur")
    FORM = "form", _("Formulaire")
    API = "api", _("Logiciel de l'organisation (API)")


class FollowUp(models.TextChoices):
    """Where an invited organisation stands (campaign follow-up page)."""

    NOT_STARTED = "not_started", _("Non commencée")
    DRAFT = "draft", _("En préparation")
    SUBMITTED = "submitted", _("Transmise")
    CORRECTING = "correcting", _("Correction en cours")
    LATE = "late", _("En retard")
