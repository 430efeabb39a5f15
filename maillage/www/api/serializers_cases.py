"""Shapes of the case endpoints (issue 14): French keys, as the rest of the
API, each mapped to the field the case services take (`FACT_KEYS`,
`IDENTITY_KEYS`). The serializers only parse types and refuse unknown
fields; the domain rules (codes, dates, ages, duplicates) are the services'
own checks, whose French messages come back keyed by the same French names."""

from __future__ import annotations

from rest_framework import serializers

from maillage.cases import enums as case_enums
from maillage.referrals import enums as referral_enums

from .serializers import StrictSerializer

# API key → case service field (maillage.cases.services.FACT_FIELDS).
FACT_KEYS = {
    "statut_age": "age_status",
    "raisons_de_penser_mineur": "reasons_to_believe_minor",
    "mineur_au_moment_des_faits": "minor_at_exploitation",
    "sexe": "sex",
    "annee_naissance": "birth_year",
    "age_estime": "estimated_age",
    "nationalites": "nationalities",
    "langues": "languages",
    "formes_exploitation": "exploitation_forms",
    "pays_recrutement": "recruitment_country",
    "departement_recrutement": "recruitment_departement",
    "pays_exploitation": "exploitation_country",
    "departement_exploitation": "exploitation_departement",
    "debut_exploitation": "exploitation_start",
    "fin_exploitation": "exploitation_end",
    "dimension": "cross_border",
    "relation_exploiteur": "relation_to_exploiter",
    "moyens_controle": "control_methods",
    "repere_par": "first_detected_by",
    "infractions_sous_contrainte": "compelled_offences",
}
# API key → identity field (maillage.cases.services.IDENTITY_FIELDS).
IDENTITY_KEYS = {
    "nom": "last_name",
    "prenom": "first_name",
    "alias": "aliases",
    "date_naissance": "birth_date",
    "telephone": "phone",
    "courriel": "email",
    "adresse": "address",
}
# Service field → API key, to give the services' messages back under the API's names.
API_KEY_OF = {v: k for k, v in (FACT_KEYS | IDENTITY_KEYS).items()}
# Lists of codes.
LIST_KEYS = frozenset({"nationalites", "langues", "formes_exploitation", "moyens_controle"})
# Fields that are text columns: a JSON null means « empty », as a blank form field.
BLANK_WHEN_NULL = {
    "recruitment_country",
    "recruitment_departement",
    "exploitation_country",
    "exploitation_departement",
}


def _codes(choices=None, max_length: int = 8):
    child = serializers.ChoiceField(choices=choices) if choices else serializers.CharField(max_length=max_length)
    return serializers.ListField(child=child, max_length=30, required=False)


class IdentitySerializer(StrictSerializer):
    """The person's identity (encrypted at rest), the same fields and lengths as the case form."""

    nom = serializers.CharField(max_length=120, required=False, allow_blank=True)
    prenom = serializers.CharField(max_length=120, required=False, allow_blank=True)
    alias = serializers.CharField(max_length=300, required=False, allow_blank=True)
    date_naissance = serializers.DateField(required=False, allow_null=True)
    telephone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    courriel = serializers.CharField(max_length=200, required=False, allow_blank=True)
    adresse = serializers.CharField(max_length=300, required=False, allow_blank=True)


class CaseFactsSerializer(StrictSerializer):
    """Every field optional: a PATCH changes only what it sends."""

    statut_age = serializers.ChoiceField(choices=case_enums.AgeStatus.choices, required=False)
    raisons_de_penser_mineur = serializers.BooleanField(required=False)
    mineur_au_moment_des_faits = serializers.BooleanField(required=False, allow_null=True)
    sexe = serializers.ChoiceField(choices=case_enums.Sex.choices, required=False)
    annee_naissance = serializers.IntegerField(min_value=1900, max_value=2100, required=False, allow_null=True)
    age_estime = serializers.IntegerField(min_value=0, max_value=120, required=False, allow_null=True)
    nationalites = _codes(max_length=3)
    langues = _codes(max_length=8)
    formes_exploitation = _codes(case_enums.ExploitationForm.choices)
    pays_recrutement = serializers.CharField(max_length=2, required=False, allow_blank=True, allow_null=True)
    departement_recrutement = serializers.CharField(max_length=3, required=False, allow_blank=True, allow_null=True)
    pays_exploitation = serializers.CharField(max_length=2, required=False, allow_blank=True, allow_null=True)
    departement_exploitation = serializers.CharField(max_length=3, required=False, allow_blank=True, allow_null=True)
    debut_exploitation = serializers.DateField(required=False, allow_null=True)
    fin_exploitation = serializers.DateField(required=False, allow_null=True)
    dimension = serializers.ChoiceField(choices=case_enums.CrossBorder.choices, required=False)
    relation_exploiteur = serializers.ChoiceField(choices=case_enums.RelationToExploiter.choices, required=False)
    moyens_controle = _codes(case_enums.ControlMethod.choices)
    repere_par = serializers.ChoiceField(choices=case_enums.FirstDetectedBy.choices, required=False)
    infractions_sous_contrainte = serializers.BooleanField(required=False)
    identite = IdentitySerializer(
        required=False,
        help_text="Identité de la personne (chiffrée) : seulement pour l'organisation qui détient le dossier.",
    )

    def facts_and_identity(self) -> tuple[dict, dict | None]:
        """What the case services take: facts by field name, identity or None."""
        data = dict(self.validated_data)
        identity_in = data.pop("identite", None)
        facts = {}
        for key, value in data.items():
            if key not in FACT_KEYS:
                continue  # the create's confirmation flag, read by the view
            field = FACT_KEYS[key]
            facts[field] = "" if value is None and field in BLANK_WHEN_NULL else value
        identity = None
        if identity_in is not None:
            identity = {}
            for key, value in identity_in.items():
                field = IDENTITY_KEYS[key]
                identity[field] = value.isoformat() if hasattr(value, "isoformat") else (value or "").strip()
        return facts, identity


class CaseCreateSerializer(CaseFactsSerializer):
    statut_age = serializers.ChoiceField(choices=case_enums.AgeStatus.choices)
    confirmer_doublon = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Créer le dossier même si l'identité correspond à un dossier existant de l'organisation "
        "(réponse 409 sans ce drapeau).",
    )


class CaseDetailSerializer(serializers.Serializer):
    """One case of the organisation, without identity."""

    reference = serializers.CharField()
    statut = serializers.CharField()
    statut_libelle = serializers.CharField()
    mineur = serializers.BooleanField()
    ouvert_le = serializers.DateTimeField()
    mis_a_jour_le = serializers.DateTimeField()
    statut_age = serializers.CharField()
    raisons_de_penser_mineur = serializers.BooleanField()
    mineur_au_moment_des_faits = serializers.BooleanField(allow_null=True)
    sexe = serializers.CharField()
    annee_naissance = serializers.IntegerField(allow_null=True)
    age_estime = serializers.IntegerField(allow_null=True)
    nationalites = serializers.ListField(child=serializers.CharField())
    langues = serializers.ListField(child=serializers.CharField())
    formes_exploitation = serializers.ListField(child=serializers.CharField())
    pays_recrutement = serializers.CharField(allow_blank=True)
    departement_recrutement = serializers.CharField(allow_blank=True)
    pays_exploitation = serializers.CharField(allow_blank=True)
    departement_exploitation = serializers.CharField(allow_blank=True)
    debut_exploitation = serializers.DateField(allow_null=True)
    fin_exploitation = serializers.DateField(allow_null=True)
    dimension = serializers.CharField()
    relation_exploiteur = serializers.CharField()
    moyens_controle = serializers.ListField(child=serializers.CharField())
    repere_par = serializers.CharField()
    infractions_sous_contrainte = serializers.BooleanField()


class CaseStatusSerializer(StrictSerializer):
    """The status workflow of the case page (maillage.cases.workflow.TRANSITIONS)."""

    statut = serializers.ChoiceField(choices=[*case_enums.CaseStatus.choices, ("reopen", "Rouvrir")])
    autorite = serializers.ChoiceField(
        choices=case_enums.IdentifyingAuthority.choices, required=False, allow_blank=True, default=""
    )
    le = serializers.DateField(required=False, allow_null=True, default=None)
    reference_procedure = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    motif = serializers.ChoiceField(
        choices=case_enums.ClosureReason.choices, required=False, allow_blank=True, default=""
    )


STATUS_KEYS = {
    "target": "statut",
    "authority": "autorite",
    "on": "le",
    "reference": "reference_procedure",
    "reason": "motif",
}


class StepSerializer(serializers.Serializer):
    """A step of the minors' chain (rules.md §3.5), without what came of it (free text stays on the pages)."""

    id = serializers.IntegerField()
    type = serializers.CharField()
    type_libelle = serializers.CharField()
    organisation = serializers.CharField(help_text="L'organisation à qui la loi donne l'étape.")
    a_nous = serializers.BooleanField(help_text="L'étape revient à l'organisation du jeton.")
    source_legale = serializers.CharField()
    echeance = serializers.DateTimeField()
    statut = serializers.ChoiceField(choices=[("ouverte", "ouverte"), ("faite", "faite"), ("levee", "levée")])
    en_retard = serializers.BooleanField()
    faite_le = serializers.DateTimeField(allow_null=True)
    canal = serializers.CharField(allow_blank=True)
    destinataire = serializers.CharField(allow_blank=True)
    obligatoire = serializers.BooleanField()
    peut_etre_levee = serializers.BooleanField()
    details = serializers.DictField()


class StepRecordSerializer(StrictSerializer):
    """What the step page records: when, to whom, how, the reference, what came
    of it, and the codes its kind needs (checked by the service)."""

    fait_le = serializers.DateField(help_text="Date de l'acte (jamais dans le futur).")
    destinataire = serializers.SlugField(
        max_length=80,
        required=False,
        allow_blank=True,
        default="",
        help_text="Identifiant (slug) de la CRIP ou du parquet de l'annuaire.",
    )
    destinataire_nom = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Destinataire hors annuaire."
    )
    canal = serializers.ChoiceField(
        choices=referral_enums.TransmissionChannel.choices, required=False, allow_blank=True, default=""
    )
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    suites = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    danger_grave = serializers.BooleanField(required=False, default=False)
    conclusion = serializers.ChoiceField(
        choices=referral_enums.BestInterestsConclusion.choices, required=False, allow_blank=True, default=""
    )
    representants = serializers.ChoiceField(
        choices=referral_enums.LegalRepresentation.choices, required=False, allow_blank=True
    )
    issue_crip = serializers.ChoiceField(choices=referral_enums.CripOutcome.choices, required=False, allow_blank=True)
    decisions = serializers.ListField(
        child=serializers.ChoiceField(choices=referral_enums.ParquetDecision.choices), required=False, max_length=10
    )
    conclusion_age = serializers.ChoiceField(
        choices=referral_enums.MinorityConclusion.choices, required=False, allow_blank=True
    )
    bases_age = serializers.ListField(
        child=serializers.ChoiceField(choices=referral_enums.AgeEvaluationBasis.choices), required=False, max_length=10
    )
    marge_erreur = serializers.CharField(max_length=200, required=False, allow_blank=True)
    documents_disent_mineur = serializers.BooleanField(required=False)
    refutation_documents = serializers.CharField(max_length=500, required=False, allow_blank=True)


# API key → keyword of maillage.referrals.pathways.complete_step.
STEP_KEYS = {
    "fait_le": "done_on",
    "destinataire_nom": "recipient_name",
    "canal": "channel",
    "reference": "reference",
    "suites": "note",
    "danger_grave": "grave_danger",
    "conclusion": "conclusion",
    "representants": "representatives",
    "issue_crip": "crip_outcome",
    "decisions": "decisions",
    "conclusion_age": "age_conclusion",
    "bases_age": "age_bases",
    "marge_erreur": "margin_of_error",
    "documents_disent_mineur": "documents_say_minor",
    "refutation_documents": "documents_rebuttal",
}
STEP_API_KEY_OF = {v: k for k, v in STEP_KEYS.items()} | {"recipient": "destinataire", "reason": "motif"}


class StepWaiveSerializer(StrictSerializer):
    motif = serializers.CharField(max_length=300, help_text="Pourquoi l'étape est levée (documenté).")
