from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    """Closed list of the actors of the national mechanism (docs/domain/glossary.md)."""

    COORDINATION = "coordination", _("Instance de coordination (ex. MIPROF)")
    MINISTRY = "ministry", _("Ministère ou administration centrale")
    PREFECTURE = "prefecture", _("Préfecture")
    POLICE = "police", _("Unité de police ou de gendarmerie")
    PROSECUTOR = "prosecutor", _("Parquet")
    COURT = "court", _("Juridiction")
    CHILD_PROTECTION = "child_protection", _("Protection de l'enfance du département (CRIP/ASE)")
    PJJ = "pjj", _("Protection judiciaire de la jeunesse (PJJ)")
    LABOUR_INSPECTION = "labour_inspection", _("Inspection du travail")
    HEALTH = "health", _("Organisme de santé")
    ASSOCIATION = "association", _("Association")
    SHELTER = "shelter", _("Structure d'hébergement")
    ACSE_COORDINATION = "acse_coordination", _("Coordination Ac.Sé")
    BAR = "bar", _("Barreau / avocats")
    NATIONAL_RAPPORTEUR = "national_rapporteur", _("Rapporteur national")
    INTERNATIONAL_ORG = "international_org", _("Organisation internationale")
    FOREIGN_COUNTERPART = "foreign_counterpart", _("Homologue étranger")
    OTHER = "other", _("Autre")


class TerritoryLevel(models.TextChoices):
    DEPARTEMENT = "departement", _("Départemental")
    REGION = "region", _("Régional")
    NATIONAL = "national", _("National")
    FOREIGN = "foreign", _("Étranger")


class Role(models.TextChoices):
    CASE_WORKER = "case_worker", _("Chargé·e d'accompagnement")
    MEMBER = "member", _("Membre")
    COORDINATOR = "coordinator", _("Coordination nationale")


ORG_ADMIN = "org_admin"
ORG_ADMIN_LABEL = _("Administrateur·rice de l'organisation")


class AuditAction(StrEnum):
    """Journal actions of organisations and memberships (the values are stored)."""

    ORGANISATION_CREATED = "organisation.created"
    MEMBER_INVITED = "membership.invited"
    MEMBER_JOINED = "membership.joined"
    INVITATION_REVOKED = "membership.invitation_revoked"
    MEMBER_REMOVED = "membership.removed"
    ROLE_CHANGED = "membership.role_changed"
