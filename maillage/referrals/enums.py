"""Closed lists of the referral domain (French labels, English codes)."""

import enum

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
    MINOR_CHILD_PROTECTION = (
        "minor_child_protection",
        _(
            "Mineur·e orienté·e vers la protection de l'enfance ou le parquet (sans consentement : CASF L226-2-1, CPP art. 40)"
        ),
    )
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


class AcseStatus(models.TextChoices):
    """Ac.Sé pathway (rules.md §3.4)."""

    REQUESTED = "requested", _("Demande reçue")
    ASSESSMENT = "assessment", _("Évaluation du danger")
    PLACE_SEARCH = "place_search", _("Recherche d'une place")
    PLACE_FOUND = "place_found", _("Place trouvée")
    TRANSFER = "transfer", _("Transfert en cours")
    HOSTED = "hosted", _("Arrivée confirmée")
    NO_SHOW = "no_show", _("Personne non arrivée")
    EXITED = "exited", _("Sortie du dispositif")
    REFUSED = "refused", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")


class AcseUrgency(models.TextChoices):
    """How soon the person must be moved away, as the requester judges it
    (the coordination's queue puts the most urgent first)."""

    IMMEDIATE = "immediate", _("Immédiate : mise à l'abri nécessaire sous 24 heures")
    DAYS = "days", _("Dans les jours qui viennent")
    PLANNED = "planned", _("Départ à organiser (plus d'une semaine)")


class AcseClosingGround(models.TextChoices):
    """Why a request closes before the arrival, in words the referring
    organisation reads. The coordination's own free text stays with it: it may
    name the centre (R-ACSE; issue 16.1, decision 0007)."""

    NOT_ELIGIBLE = "not_eligible", _("La situation ne relève pas du dispositif (critères non réunis)")
    NO_LOCAL_DANGER = "no_local_danger", _("Le danger local justifiant l'éloignement n'est pas établi")
    NO_PLACE = "no_place", _("Aucune place adaptée n'a pu être trouvée")
    PERSON_WITHDREW = "person_withdrew", _("La personne a renoncé à l'accueil")
    NO_SHOW = "no_show", _("La personne ne s'est pas présentée au centre")
    OTHER = "other", _("Autre motif : la coordination vous le précise directement")
    REFERRER_CANCELLED = "referrer_cancelled", _("Annulée par l'organisation qui oriente")


class MinorStepKind(models.TextChoices):
    """Mandatory steps of the minors' chain (rules.md §3.5); deadlines and
    sources are data in deadlines.MINOR_STEPS."""

    SIGNALEMENT_PARQUET = "signalement_parquet", _("Signalement au procureur de la République")
    IP_CRIP = "ip_crip", _("Information préoccupante / copie à la CRIP")
    LEGAL_REPRESENTATION = "legal_representation", _("Vérification de la représentation légale")
    AAH_REQUEST = "aah_request", _("Demande de désignation d'un administrateur ad hoc")
    EMERGENCY_RECEPTION = "emergency_reception", _("Accueil provisoire d'urgence")
    PROSECUTOR_INFORMED = "prosecutor_informed", _("Procureur informé de l'accueil provisoire")
    GUARDIAN = "guardian", _("Désignation d'un tuteur ou représentant")
    PLACEMENT = "placement", _("Placement, de préférence loin du lieu d'exploitation")
    BEST_INTERESTS = "best_interests", _("Évaluation de l'intérêt supérieur de l'enfant")
    FAMILY_TRACING = "family_tracing", _("Recherche de la famille")
    # Created by a transmission in Maillage, owned by its recipient (issue 10.2).
    CRIP_EVALUATION = "crip_evaluation", _("Évaluation de l'information préoccupante par la CRIP")
    CRIP_SIGNALEMENT = "crip_signalement", _("Saisine du procureur par la CRIP")
    PARQUET_DECISION = "parquet_decision", _("Suites données par le parquet au signalement")
    AAH_DESIGNATION = "aah_designation", _("Désignation d'un administrateur ad hoc par le parquet")
    # R-MNA: respite, then the evaluation of minority and isolation.
    RESPITE = "respite", _("Temps de répit avant l'évaluation de la minorité")
    MINORITY_EVALUATION = "minority_evaluation", _("Évaluation de la minorité et de l'isolement")


class StepOwner(models.TextChoices):
    """Who the law gives a step of the minors' chain to (rules.md §3.5)."""

    REPORTER = "reporter", _("Professionnel·le qui connaît la situation")
    CRIP = "crip", _("CRIP du département")
    PARQUET = "parquet", _("Parquet")


class TransmissionChannel(models.TextChoices):
    MAILLAGE = "maillage", _("Maillage (transmission au destinataire)")
    EMAIL = "email", _("Courriel")
    PHONE = "phone", _("Téléphone")
    COURIER = "courier", _("Courrier")
    IN_PERSON = "in_person", _("En personne")


class LegalRepresentation(models.TextChoices):
    PRESENT = "present", _("Représentants légaux présents en France et en mesure de protéger l'enfant")
    NONE_IN_FRANCE = "none_in_france", _("Aucun représentant légal en France (mineur·e non accompagné·e)")
    IMPLICATED = "implicated", _("Représentants légaux impliqués dans les faits")
    FAILING = "failing", _("Représentants légaux absents ou défaillants")


class CripOutcome(models.TextChoices):
    """CASF D226-2-4 and L226-4: what the CRIP's evaluation leads to."""

    NO_DANGER = "no_danger", _("Ni danger ni risque de danger : classement de l'information")
    ADMINISTRATIVE = "administrative", _("Mesure administrative de protection (aide sociale à l'enfance)")
    JUDICIAL = "judicial", _("Saisine du procureur : danger et mesure administrative impossible (L226-4)")
    GRAVE_DANGER = "grave_danger", _("Danger grave et immédiat : saisine du procureur sans délai (L226-4)")


class ParquetDecision(models.TextChoices):
    OPP = "opp", _("Ordonnance de placement provisoire (C. civ. art. 375-5)")
    JUGE_ENFANTS = "juge_enfants", _("Saisine du juge des enfants (C. civ. art. 375)")
    INVESTIGATION = "investigation", _("Enquête ouverte")
    AAH = "aah", _("Administrateur ad hoc désigné (CPP art. 706-50)")
    NO_FURTHER_ACTION = "no_further_action", _("Classement sans suite")


class MinorityConclusion(models.TextChoices):
    MINOR = "minor", _("Minorité établie")
    DOUBT = "doubt", _("Doute : il profite à la personne, traitée comme mineure (C. civ. art. 388)")
    ADULT = "adult", _("Majorité : la personne paraît majeure")


class AgeEvaluationBasis(models.TextChoices):
    """The bundle of evidence of the arrêté of 20 November 2019. Health data
    gathered during the respite is not in this list: it never serves to assess
    minority (CASF R221-11, rules.md §3.5)."""

    SOCIAL_INTERVIEWS = "social_interviews", _("Entretiens d'évaluation sociale")
    CIVIL_STATUS_DOCUMENTS = "civil_status_documents", _("Actes d'état civil (présumés valides, C. civ. art. 47)")
    PREFECTURE_INFORMATION = "prefecture_information", _("Informations de la préfecture (fichier AEM)")
    BONE_EXAM_388 = "bone_exam_388", _("Examen radiologique ordonné par l'autorité judiciaire (C. civ. art. 388)")


class BestInterestsConclusion(models.TextChoices):
    RETURN_IN_INTEREST = "return_in_interest", _("Le retour est dans l'intérêt supérieur de l'enfant")
    RETURN_NOT_IN_INTEREST = "return_not_in_interest", _("Le retour n'est pas dans l'intérêt supérieur de l'enfant")
    FAMILY_CONTACT_OK = "family_contact_ok", _("Le contact avec la famille est dans l'intérêt de l'enfant")
    FAMILY_CONTACT_NOT_OK = (
        "family_contact_not_ok",
        _("Le contact avec la famille n'est pas dans l'intérêt de l'enfant"),
    )


class ReturnPlanStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    APPROVED = "approved", _("Validé")
    CANCELLED = "cancelled", _("Abandonné")


class ExchangePurpose(models.TextChoices):
    """Warsaw Convention arts. 33–34 (rules.md §2)."""

    DANGER_33_1 = "danger_33_1", _("Danger immédiat pour une personne protégée (art. 33.1)")
    MISSING_CHILD_33_2 = "missing_child_33_2", _("Recherche d'un enfant disparu (art. 33.2)")
    RESULT_34_1 = "result_34_1", _("Résultat d'une demande (art. 34.1)")
    SPONTANEOUS_34_2 = "spontaneous_34_2", _("Information spontanée (art. 34.2)")
    RIGHTS_34_4 = "rights_34_4", _("Information pour les arts. 13, 14 et 16, sur demande (art. 34.4)")


class ExchangeDirection(models.TextChoices):
    """Warsaw arts. 33–34 run both ways: what France sends, what it receives."""

    OUTGOING = "outgoing", _("Envoyé à l'étranger")
    INCOMING = "incoming", _("Reçu de l'étranger")


class UseCondition(models.TextChoices):
    """Warsaw art. 34.3: conditions the providing Party attaches to what it sends."""

    CONFIDENTIAL = "confidential", _("Confidentiel : ne pas divulguer")
    PURPOSE_ONLY = "purpose_only", _("Usage limité à l'objet de la demande")
    NO_ONWARD = "no_onward", _("Pas de transmission à un tiers sans accord préalable")
    NOT_AGAINST_VICTIM = "not_against_victim", _("Ne pas utiliser contre la personne (non-sanction, art. 26)")
    DELETE_AFTER_USE = "delete_after_use", _("À effacer une fois l'objet atteint")


class ExchangeChannel(models.TextChoices):
    INTERPOL = "interpol", _("Interpol")
    EUROPOL = "europol", _("Europol")
    EUROJUST = "eurojust", _("Eurojust")
    LIAISON_MAGISTRATE = "liaison_magistrate", _("Magistrat de liaison")
    CONSULATE = "consulate", _("Consulat")
    NGO_NETWORK = "ngo_network", _("Réseau associatif")


class AuditAction(enum.StrEnum):
    """Every action the referrals domain writes to the audit journal. The values
    are the strings the journal has always carried, so old and new rows read alike."""

    REFERRAL_CREATED = "referral.created"
    REFERRAL_CONSENT_OVERRIDDEN = "referral.consent_overridden"
    REFERRAL_SENT = "referral.sent"
    REFERRAL_ACCEPTED = "referral.accepted"
    REFERRAL_DECLINED = "referral.declined"
    REFERRAL_WITHDRAWN = "referral.withdrawn"
    REFERRAL_COMPLETED = "referral.completed"
    REFERRAL_EXPIRED = "referral.expired"
    REFERRAL_ESCALATED = "referral.escalated"
    ANONYMOUS_NOTIFICATION = "referral.anonymous_notification"
    ACSE_REQUESTED = "acse.requested"
    ACSE_STATUS_CHANGED = "acse.status_changed"
    ACSE_PLACED = "acse.placed"
    ACSE_HOST_ACCESS_GRANTED = "acse.host_access_granted"
    ACSE_HOST_ACCESS_ENDED = "acse.host_access_ended"
    MINORS_CHAIN_STARTED = "minors.chain_started"
    MINORS_STEP_DONE = "minors.step_done"
    MINORS_STEP_WAIVED = "minors.step_waived"
    MINORS_STEP_ESCALATED = "minors.step_escalated"
    MINORS_EMERGENCY_RECEPTION_RENEWED = "minors.emergency_reception_renewed"
    MINORS_TRANSMITTED = "minors.transmitted"
    RETURN_PLAN_CREATED = "return.plan_created"
    RETURN_PLAN_APPROVED = "return.plan_approved"
    EXCHANGE_RECORDED = "international.exchange_recorded"
    EXCHANGE_ANSWERED = "international.exchange_answered"
    EXCHANGE_ESCALATED = "international.exchange_escalated"
    EXCHANGE_RECEIVED = "international.exchange_received"
    EXCHANGE_REPLIED = "international.exchange_replied"
