import enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    """Who may see a profile in the directory at all (issue 3, three levels).

    Field groups inside a visible profile are decided by policies.py; the
    « hidden » level applies to field groups (e.g. an Ac.Sé shelter's address)
    and to whole profiles withdrawn from the directory."""

    PUBLIC = "public", _("Public (visible sans connexion)")
    MEMBERS = "members", _("Membres du réseau (connexion requise)")
    HIDDEN = "hidden", _("Masqué (visible de l'organisation seulement)")


class TerritoryKind(models.TextChoices):
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")
    COUNTRY = "country", _("Pays étranger")


class Public(models.TextChoices):
    """Publics received (issue 3). Stored as codes in ProfilePublic."""

    WOMEN = "women", _("Femmes")
    MEN = "men", _("Hommes")
    MINORS = "minors", _("Mineur·es")
    UNACCOMPANIED_MINORS = "unaccompanied_minors", _("Mineur·es non accompagné·es")
    LGBTQI = "lgbtqi", _("Personnes LGBTQI+")
    FAMILIES = "families", _("Familles")


# Publics that make a profile "accept minors" for the search filter.
MINOR_PUBLICS = (Public.MINORS, Public.UNACCOMPANIED_MINORS)


class NetworkKind(models.TextChoices):
    COLLECTIVE = "collective", _("Collectif associatif")
    ACSE = "acse", _("Dispositif Ac.Sé")
    DEPARTEMENTAL_COMMITTEE = "departemental_committee", _("Comité départemental de lutte contre la traite")
    FOREIGN = "foreign", _("Réseau d'homologues étrangers")
    OTHER = "other", _("Autre réseau")


# Profiles not verified for this long are flagged as stale (issue 3).
STALE_AFTER_DAYS = 183


class AuditAction(enum.StrEnum):
    """Every action the directory writes to the audit journal (the values are
    the strings the journal has always carried)."""

    PROFILE_UPDATED = "directory.profile_updated"
    PROFILE_VERIFIED = "directory.profile_verified"
    IMPORTED = "directory.imported"
    NETWORK_CREATED = "directory.network_created"
    NETWORK_UPDATED = "directory.network_updated"
    NETWORK_MEMBER_ADDED = "directory.network_member_added"
    NETWORK_MEMBER_REMOVED = "directory.network_member_removed"
    NETWORK_COORDINATOR_CHANGED = "directory.network_coordinator_changed"
