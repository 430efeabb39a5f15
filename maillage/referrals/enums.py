"""Closed lists of the referral domain (French labels, English codes)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralKind(models.TextChoices):
    # Primero: a referral adds the recipient to the case; a transfer moves
    # ownership of the case to the recipient on acceptance.
    REFERRAL = "referral", _("Orientation (le dossier reste à l'organisation)")
    TRANSFER = "transfer", _("Transfert (le dossier change d'organisation)")


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SENT = "sent", _("Envoyée, en attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Refusée")
    WITHDRAWN = "withdrawn", _("Retirée")
    EXPIRED = "expired", _("Expirée sans réponse")
    COMPLETED = "completed", _("Service rendu")


class SharedPart(models.TextChoices):
    """Parts of a case the sender may share (data minimisation, Warsaw art. 11).
    Codes are the part names of maillage.cases.policies.SHARED_PARTS."""

    IDENTITY = "identity", _("Identité")
    FACTS = "facts", _("Besoins et faits (âge, langues, formes d'exploitation, assistance)")
    SCREENING = "screening", _("Repérages (indicateurs)")
    RIGHTS = "rights", _("Situation juridique (droits, délai de réflexion, séjour, procédures)")
    DOCUMENTS = "documents", _("Documents")
    NOTES_SHAREABLE = "notes_shareable", _("Notes partageables")


class ConsentBasis(models.TextChoices):
    CONSENT = "consent", _("Consentement éclairé de la personne")
    MINOR_CHILD_PROTECTION = "minor_child_protection", _("Mineur·e orienté·e vers la protection de l'enfance ou le parquet (sans consentement, R-CHILD-CRIP)")
    OVERRIDE = "override", _("Sans consentement, sur décision motivée d'un·e administrateur·rice")


class ConsentMethod(models.TextChoices):
    ORAL = "oral", _("Oral, en présence de la personne")
    ORAL_INTERPRETER = "oral_interpreter", _("Oral, avec interprète")
    WRITTEN = "written", _("Écrit signé")
    PHONE = "phone", _("Par téléphone")


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("Pas de place ou de capacité disponible")
    OUT_OF_SCOPE = "out_of_scope", _("Hors de nos missions ou de notre public")
    OUT_OF_TERRITORY = "out_of_territory", _("Hors de notre territoire")
    SAFETY = "safety", _("Sécurité de la personne non garantie chez nous")
    PERSON_REFUSED = "person_refused", _("La personne a refusé")
    OTHER = "other", _("Autre (précisez)")


class AnonymousReason(models.TextChoices):
    REFUSED_REFERRAL = "refused_referral", _("La personne refuse d'être orientée")
    REFUSED_IDENTIFICATION = "refused_identification", _("La personne refuse d'être identifiée")
    LOST_CONTACT = "lost_contact", _("Contact perdu avant l'orientation")
