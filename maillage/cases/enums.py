"""Closed lists of the case file. Codes are stable (exports speak them), labels
are French. HTCDS 2.0 vocabulary is used where it fits (anchors.md)."""

import enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    # Warsaw art. 10.2 (reasonable grounds) and rules.md §3.2 (identification
    # belongs to the police and gendarmerie).
    REPORTED = "reported", _("Signalé")
    PRESUMED = "presumed", _("Victime présumée (motifs raisonnables)")
    IDENTIFIED = "identified", _("Identifiée par l'autorité compétente")
    NOT_RETAINED = "not_retained", _("Non retenu")
    CLOSED = "closed", _("Clos")


class ClosureReason(models.TextChoices):
    SUPPORT_COMPLETED = "support_completed", _("Accompagnement terminé")
    REFERRED = "referred", _("Orienté vers une autre structure")
    LOST_CONTACT = "lost_contact", _("Perte de contact")
    LEFT_TERRITORY = "left_territory", _("Départ du territoire")
    PERSON_REFUSED = "person_refused", _("Refus de la personne")
    DECEASED = "deceased", _("Décès")
    DUPLICATE = "duplicate", _("Doublon")
    OTHER = "other", _("Autre")


class IdentifyingAuthority(models.TextChoices):
    POLICE = "police", _("Police nationale")
    GENDARMERIE = "gendarmerie", _("Gendarmerie nationale")
    OTHER = "other", _("Autre autorité compétente")


# `Case.residence_departement` when the child's département of residence is
# not known (said so, rather than left blank: nobody asked).
RESIDENCE_UNKNOWN = "unknown"


class AgeStatus(models.TextChoices):
    # R-AGE (Warsaw art. 10.3; C. civ. art. 388).
    DOCUMENTED_MINOR = "documented_minor", _("Mineur·e (documenté)")
    DOCUMENTED_ADULT = "documented_adult", _("Majeur·e (documenté)")
    DECLARED_MINOR_UNVERIFIED = "declared_minor_unverified", _("Se déclare mineur·e (non vérifié)")
    DISPUTED = "disputed", _("Âge contesté")
    ASSESSED_MINOR = "assessed_minor", _("Évalué·e mineur·e")
    ASSESSED_ADULT = "assessed_adult", _("Évalué·e majeur·e")


class Sex(models.TextChoices):
    FEMALE = "F", _("Femme")
    MALE = "M", _("Homme")
    OTHER = "X", _("Autre")
    UNKNOWN = "U", _("Inconnu")


class CrossBorder(models.TextChoices):
    INTERNAL = "internal", _("Interne (sans franchissement de frontière)")
    CROSS_BORDER = "cross_border", _("Transnationale")
    UNKNOWN = "unknown", _("Inconnu")


class RelationToExploiter(models.TextChoices):
    # HTCDS "relationship to trafficker".
    INTIMATE_PARTNER = "intimate_partner", _("Partenaire intime")
    FAMILY = "family", _("Membre de la famille")
    FRIEND = "friend", _("Ami·e ou connaissance")
    EMPLOYER = "employer", _("Employeur")
    RECRUITER = "recruiter", _("Recruteur ou intermédiaire")
    STRANGER = "stranger", _("Inconnu·e de la personne")
    OTHER = "other", _("Autre")
    UNKNOWN = "unknown", _("Non renseigné")


class FirstDetectedBy(models.TextChoices):
    SELF = "self", _("La personne elle-même")
    ASSOCIATION = "association", _("Association")
    POLICE = "police", _("Police ou gendarmerie")
    LABOUR_INSPECTION = "labour_inspection", _("Inspection du travail")
    CHILD_PROTECTION = "child_protection", _("Protection de l'enfance")
    HEALTH = "health", _("Professionnel de santé")
    THIRD_PARTY = "third_party", _("Tiers (proche, public)")
    OTHER = "other", _("Autre")


# Forms of exploitation: FormeExploitation_FR (Code pénal 225-4-1, rules.md
# §3.1). Kept extensible (Directive (EU) 2024/1712: forced marriage, illegal
# adoption, surrogacy; transposition pending).
class ExploitationForm(models.TextChoices):
    PROX = "PROX", _("Proxénétisme")
    SEX = "SEX", _("Agression ou atteintes sexuelles")
    ESCL = "ESCL", _("Réduction en esclavage")
    TRAV_FORCE = "TRAV_FORCE", _("Travail ou services forcés")
    SERVITUDE = "SERVITUDE", _("Réduction en servitude")
    ORGANE = "ORGANE", _("Prélèvement d'organes")
    MENDICITE = "MENDICITE", _("Exploitation de la mendicité")
    DIGNITE = "DIGNITE", _("Conditions de travail ou d'hébergement contraires à la dignité")
    DELITS_FORCES = "DELITS_FORCES", _("Contrainte à commettre des crimes ou délits")


SEXUAL_FORMS = frozenset({"PROX", "SEX"})


class ControlMethod(models.TextChoices):
    # HTCDS 2.0 methods-of-control flags (17).
    DEBT_BONDAGE = "debt_bondage", _("Servitude pour dette")
    TAKES_EARNINGS = "takes_earnings", _("Confiscation des gains")
    RESTRICTS_FINANCIAL = "restricts_financial", _("Restriction de l'accès à l'argent")
    THREATS = "threats", _("Menaces")
    PSYCHOLOGICAL_ABUSE = "psychological_abuse", _("Violences psychologiques")
    PHYSICAL_ABUSE = "physical_abuse", _("Violences physiques")
    SEXUAL_ABUSE = "sexual_abuse", _("Violences sexuelles")
    FALSE_PROMISES = "false_promises", _("Fausses promesses")
    PSYCHOACTIVE_SUBSTANCES = "psychoactive_substances", _("Substances psychoactives")
    RESTRICTS_MOVEMENT = "restricts_movement", _("Restriction de la liberté de mouvement")
    RESTRICTS_MEDICAL = "restricts_medical", _("Restriction de l'accès aux soins")
    EXCESSIVE_HOURS = "excessive_hours", _("Horaires excessifs")
    USES_CHILDREN = "uses_children", _("Pression par les enfants")
    THREAT_LAW_ENFORCEMENT = "threat_law_enforcement", _("Menace de dénonciation aux autorités")
    WITHHOLDS_NECESSITIES = "withholds_necessities", _("Privation de biens essentiels")
    WITHHOLDS_DOCUMENTS = "withholds_documents", _("Confiscation des documents")
    OTHER = "other", _("Autre")


class NoteVisibility(models.TextChoices):
    INTERNAL = "internal", _("Interne à l'organisation")
    SHAREABLE = "shareable", _("Partageable avec les partenaires")


class DocumentType(models.TextChoices):
    IDENTITY = "identity", _("Pièce d'identité")
    RECEPISSE = "recepisse", _("Récépissé (délai de réflexion)")
    PERMIT = "permit", _("Titre de séjour")
    COMPLAINT = "complaint", _("Plainte ou procès-verbal")
    MEDICAL = "medical", _("Document médical")
    OTHER = "other", _("Autre")


class AssistanceCode(models.TextChoices):
    # Warsaw art. 12 catalogue (rules.md §2, art. 12).
    HOUSING = "A-HOUSING", _("Hébergement adapté et sûr (art. 12.1 a)")
    PSY = "A-PSY", _("Soutien psychologique (art. 12.1 a)")
    MATERIAL = "A-MATERIAL", _("Aide matérielle (art. 12.1 a)")
    MED_EMERG = "A-MED-EMERG", _("Soins médicaux d'urgence (art. 12.1 b)")
    INTERP = "A-INTERP", _("Traduction et interprétariat (art. 12.1 c)")
    INFO_RIGHTS = "A-INFO-RIGHTS", _("Conseil et information sur les droits (art. 12.1 d)")
    LEGAL_PROC = "A-LEGAL-PROC", _("Assistance dans la procédure pénale (art. 12.1 e)")
    EDU_CHILD = "A-EDU-CHILD", _("Accès à l'éducation des enfants (art. 12.1 f)")
    MED_RESIDENT = "A-MED-RESIDENT", _("Assistance médicale des résidents réguliers (art. 12.3)")
    EMPLOY = "A-EMPLOY", _("Accès à l'emploi et à la formation (art. 12.4)")


class ConsentStatus(models.TextChoices):
    # Warsaw art. 12.7: consensual and informed basis.
    OFFERED = "offered", _("Proposée")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    DELIVERED = "delivered", _("Délivrée")
    CLOSED = "closed", _("Terminée")


class ReflectionStatus(models.TextChoices):
    # Warsaw art. 13; CESEDA R425-2 (rules.md §3.3).
    OFFERED = "offered", _("Proposé")
    REQUESTED = "requested", _("Demandé")
    GRANTED = "granted", _("Accordé")
    REFUSED = "refused", _("Refusé")
    INTERRUPTED = "interrupted", _("Interrompu")
    EXPIRED = "expired", _("Expiré")
    CONVERTED = "converted_to_permit", _("Converti en titre de séjour")


class InterruptionReason(models.TextChoices):
    # Warsaw art. 13.3; CESEDA R425-2 (former R316-2).
    PUBLIC_ORDER = "public_order", _("Menace grave pour l'ordre public")
    RENEWED_CONTACT = "renewed_contact", _("Reprise volontaire de contact avec les auteurs")
    IMPROPER_CLAIM = "improper_claim", _("Qualité de victime revendiquée indûment")


class ReflectionAnswer(models.TextChoices):
    # R-REASONABLE-GROUNDS (Warsaw art. 10.2, 13.1): the reflection period is a
    # proposal made to the person, whose answer is recorded.
    PENDING = "pending", _("En attente de la réponse de la personne")
    ACCEPTED = "accepted", _("Acceptée")
    DECLINED = "declined", _("Refusée")
    NO_ANSWER = "no_answer", _("Sans réponse")


class PermitBasis(models.TextChoices):
    L425_1 = "L425-1", _("CESEDA L425-1 (avec coopération)")
    L425_4 = "L425-4", _("CESEDA L425-4 (parcours de sortie de la prostitution)")
    L435_1 = "L435-1", _("CESEDA L435-1 (admission exceptionnelle au séjour)")
    ASYLUM = "asylum", _("Protection internationale (asile)")
    RESIDENT_CARD = "resident_card", _("Carte de résident après condamnation définitive")
    OTHER = "other", _("Autre fondement")


class PermitGround(models.TextChoices):
    # Warsaw art. 14.1 (personal situation and/or cooperation), 14.5 (asylum);
    # CESEDA L425-1 to L425-4, L435-1 (rules.md §3.3). Rules: permit_rules.py.
    COOPERATION_COMPLAINT = "coop_complaint", _("Coopération avec la justice : plainte déposée (CESEDA L425-1)")
    COOPERATION_TESTIMONY = "coop_testimony", _("Coopération avec la justice : témoignage (CESEDA L425-1)")
    FINAL_CONVICTION = "final_conviction", _("Condamnation définitive des auteurs (carte de résident)")
    PROSTITUTION_EXIT = "prostitution_exit", _("Parcours de sortie de la prostitution (CESEDA L425-4)")
    DISCRETIONARY = "discretionary", _("Admission exceptionnelle au séjour (CESEDA L435-1)")
    ASYLUM = "asylum", _("Protection internationale (asile)")


class ProtectionBeneficiary(models.TextChoices):
    # Warsaw art. 28.1.
    VICTIM = "victim", _("Victime")
    REPORTER = "reporter", _("Personne ayant signalé ou coopéré")
    WITNESS = "witness", _("Témoin")
    FAMILY = "family", _("Membre de la famille")
    NGO_STAFF = "ngo_staff", _("Membre d'une association")


class ProtectionType(models.TextChoices):
    # Warsaw art. 28.2.
    PHYSICAL = "physical", _("Protection physique")
    RELOCATION = "relocation", _("Changement de lieu de résidence")
    IDENTITY_CHANGE = "identity_change", _("Changement d'identité")
    EMPLOYMENT_HELP = "employment_help", _("Aide à l'emploi")
    OTHER = "other", _("Autre")


class ProceedingKind(models.TextChoices):
    COMPLAINT = "complaint", _("Plainte déposée")
    CIVIL_PARTY = "civil_party", _("Constitution de partie civile")
    COMPENSATION = "compensation", _("Demande d'indemnisation (CIVI)")
    TESTIMONY = "testimony", _("Témoignage")


class LegalAidKind(models.TextChoices):
    # Warsaw art. 15.2; CPP 53-1 (information on legal aid); loi n° 91-647 (aide juridictionnelle).
    LEGAL_ASSISTANCE = "legal_assistance", _("Assistance juridique (association, juriste, consultation d'avocat)")
    LEGAL_AID = "aide_juridictionnelle", _("Aide juridictionnelle (loi n° 91-647 du 10 juillet 1991)")


class LegalAidStatus(models.TextChoices):
    REQUESTED = "requested", _("Demandée")
    GRANTED = "granted", _("Accordée")
    REFUSED = "refused", _("Refusée")


class CompensationRoute(models.TextChoices):
    # Warsaw art. 15.3-4 (rules.md §2): from the perpetrators, or guaranteed by the State.
    CIVI = "civi", _("Commission d'indemnisation des victimes d'infractions (CIVI / FGTI, CPP 706-3)")
    CRIMINAL_COURT = "criminal_court", _("Dommages et intérêts devant la juridiction pénale (partie civile)")


class CompensationStatus(models.TextChoices):
    TO_FILE = "to_file", _("À déposer")
    FILED = "filed", _("Déposée")
    GRANTED = "granted", _("Indemnisation accordée")
    REJECTED = "rejected", _("Rejetée")


class EventKind(models.TextChoices):
    CREATED = "created", _("Création")
    EDITED = "edited", _("Modification")
    STATUS = "status", _("Changement de statut")
    NOTE = "note", _("Note")
    TASK = "task", _("Tâche")
    DOCUMENT = "document", _("Document")
    SCREENING = "screening", _("Repérage")
    RIGHTS = "rights", _("Information sur les droits")
    ASSISTANCE = "assistance", _("Assistance")
    REFLECTION = "reflection", _("Délai de réflexion")
    PERMIT = "permit", _("Titre de séjour")
    PROTECTION = "protection", _("Mesure de protection")
    PROCEEDING = "proceeding", _("Procédure")
    LEGAL_AID = "legal_aid", _("Aide juridique et indemnisation")
    PRIVACY = "privacy", _("Données personnelles")


class AccessReason(models.TextChoices):
    """Why an organisation other than the owner reads a case (`CaseAccessGrant`).
    The case file names the reasons; the domains that grant access (referrals,
    the Ac.Sé pathway) open and end the grants through `services.access`."""

    REFERRAL = "referral", _("Orientation acceptée")
    ACSE_HOST = "acse_host", _("Centre d'accueil Ac.Sé")
    # A child's transmissions the law requires to identify the child: the CRIP or
    # the parquet that received them in Maillage reads the child's identity and
    # the facts (legal bases: `ACCESS_LEGAL_BASES` below).
    CHILD_PROTECTION = "child_protection", _("Information préoccupante reçue")
    PROSECUTOR_REPORT = "prosecutor", _("Signalement au procureur reçu")
    AD_HOC_ADMINISTRATOR = "ad_hoc_admin", _("Demande d'administrateur ad hoc reçue")


# The legal basis of each kind of grant, shown with it (who reads a case, and
# by what right). A referral shares what the person consented to or what its
# recorded legal basis allows (docs/domain/referrals.md, « Consentement »); an
# Ac.Sé host what the placement needs (R-ACSE). The transmissions of a child's
# protection must identify the child: the information préoccupante to the CRIP
# (CASF L226-2-1, L226-3), the report to the prosecutor (CASF L226-4, CPP
# art. 40), the request for an ad hoc administrator (CPP art. 706-50).
ACCESS_LEGAL_BASES = {
    AccessReason.REFERRAL: _("consentement de la personne ou base légale de l'orientation"),
    AccessReason.ACSE_HOST: _("CASF L345-1 et Convention de Varsovie art. 12 (hébergement sécurisé)"),
    AccessReason.CHILD_PROTECTION: _("CASF L226-2-1 et L226-3"),
    AccessReason.PROSECUTOR_REPORT: _("CASF L226-4 et CPP art. 40"),
    AccessReason.AD_HOC_ADMINISTRATOR: _("CPP art. 706-50"),
}


class AuditAction(enum.StrEnum):
    """Every action the case file writes to the audit journal. The values are
    the strings the journal has always carried, so old and new rows read alike."""

    CREATED = "case.created"
    UPDATED = "case.updated"
    STATUS_CHANGED = "case.status_changed"
    NOTE_ADDED = "case.note_added"
    TASK_ADDED = "case.task_added"
    TASK_DONE = "case.task_done"
    DOCUMENT_ADDED = "case.document_added"
    DOCUMENT_DOWNLOADED = "case.document.downloaded"
    SCREENED = "case.screened"
    RIGHTS_INFORMED = "case.rights_informed"
    ASSISTANCE_SET = "case.assistance_set"
    REFLECTION_PERIOD_RECORDED = "case.reflection_period_recorded"
    PERMIT_RECORDED = "case.permit_recorded"
    PROTECTION_RECORDED = "case.protection_recorded"
    PROCEEDING_RECORDED = "case.proceeding_recorded"
    REFLECTION_OFFER_ANSWERED = "case.reflection_offer_answered"
    NON_REMOVAL_ATTESTATION = "case.non_removal_attestation"
    LEGAL_AID_RECORDED = "case.legal_aid_recorded"
    COMPENSATION_RECORDED = "case.compensation_recorded"
    SUBJECT_ACCESS_EXPORT = "case.subject_access_export"
    IDENTITY_ERASED = "case.identity_erased"
    LEGAL_HOLD_SET = "case.legal_hold_set"
    RETENTION_ANONYMISED = "case.retention_anonymised"
    IDENTITY_VIEWED = "case.identity.viewed"
    IDENTITY_VIEWED_FOR_EDIT = "case.identity.viewed_for_edit"
