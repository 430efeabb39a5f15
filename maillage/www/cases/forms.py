"""Forms of the case pages: they parse and label input; domain rules (future
dates, codes, 30-day minimum…) are checked by the services, whose
ValidationError messages are attached to the same field names."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.cases import enums, selectors
from maillage.cases.services import FACT_FIELDS, IDENTITY_FIELDS
from maillage.directory.selectors import display_language
from maillage.territories import reference as ref
from maillage.www.common import to_choose
from maillage.www.widgets import SearchableMultiSelect


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _blank(choices):
    return [("", "—"), *choices]


class CaseForm(forms.Form):
    # --- identity (encrypted) ---
    last_name = forms.CharField(label=_("Nom"), required=False, max_length=120)
    first_name = forms.CharField(label=_("Prénom"), required=False, max_length=120)
    aliases = forms.CharField(label=_("Alias et autres noms"), required=False, max_length=300)
    birth_date = forms.CharField(
        label=_("Date de naissance"), required=False, widget=DateInput(), help_text=_("Si elle est connue.")
    )
    phone = forms.CharField(label=_("Téléphone"), required=False, max_length=40)
    email = forms.CharField(label=_("Adresse électronique"), required=False, max_length=200)
    address = forms.CharField(label=_("Adresse"), required=False, max_length=300)
    # --- age (R-AGE) ---
    age_status = forms.ChoiceField(label=_("Statut de l'âge"), choices=to_choose(enums.AgeStatus.choices))
    reasons_to_believe_minor = forms.BooleanField(
        label=_("Il existe des raisons de penser que la personne est mineure"), required=False
    )
    # Rules.md §1.6: the age at the time of the facts decides the indicator set
    # and whether « means » are required (225-4-1 II); derived from the birth
    # date and the start of exploitation when they settle it.
    minor_at_exploitation = forms.NullBooleanField(
        label=_("Mineure au moment des faits"),
        required=False,
        widget=forms.NullBooleanSelect,
        help_text=_(
            "Une personne majeure aujourd'hui mais exploitée lorsqu'elle était mineure relève du jeu "
            "d'indicateurs « enfant » et aucun moyen n'est exigé (art. 225-4-1 II du Code pénal)."
        ),
    )
    birth_year = forms.IntegerField(label=_("Année de naissance"), required=False)
    estimated_age = forms.IntegerField(label=_("Âge estimé"), required=False)
    sex = forms.ChoiceField(label=_("Sexe"), choices=enums.Sex.choices, initial=enums.Sex.UNKNOWN)
    # --- facts ---
    nationalities = forms.MultipleChoiceField(
        label=_("Nationalités"),
        required=False,
        help_text=_("Plusieurs choix possibles, y compris apatride ou inconnue."),
        widget=SearchableMultiSelect,
    )
    languages = forms.MultipleChoiceField(label=_("Langues parlées"), required=False, widget=SearchableMultiSelect)
    exploitation_forms = forms.MultipleChoiceField(
        label=_("Formes d'exploitation"),
        required=False,
        choices=enums.ExploitationForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    recruitment_country = forms.ChoiceField(label=_("Pays de recrutement"), required=False)
    recruitment_departement = forms.ChoiceField(label=_("Département de recrutement (si en France)"), required=False)
    exploitation_country = forms.ChoiceField(label=_("Pays d'exploitation"), required=False)
    exploitation_departement = forms.ChoiceField(label=_("Département d'exploitation (si en France)"), required=False)
    exploitation_start = forms.DateField(label=_("Début de l'exploitation"), required=False, widget=DateInput())
    exploitation_end = forms.DateField(label=_("Fin de l'exploitation"), required=False, widget=DateInput())
    cross_border = forms.ChoiceField(
        label=_("Dimension"), choices=enums.CrossBorder.choices, initial=enums.CrossBorder.UNKNOWN
    )
    relation_to_exploiter = forms.ChoiceField(
        label=_("Relation avec l'exploiteur"),
        choices=enums.RelationToExploiter.choices,
        initial=enums.RelationToExploiter.UNKNOWN,
    )
    control_methods = forms.MultipleChoiceField(
        label=_("Moyens de contrôle"),
        required=False,
        choices=enums.ControlMethod.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    first_detected_by = forms.ChoiceField(
        label=_("Situation repérée en premier par"),
        choices=enums.FirstDetectedBy.choices,
        initial=enums.FirstDetectedBy.OTHER,
    )
    compelled_offences = forms.BooleanField(
        label=_("Infractions commises sous la contrainte (non-sanction, art. 26)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Names of countries and languages in the reader's language (issue 10
        # item 9): the searchable lists show them as labels and filter on them.
        language = display_language()
        self.fields["nationalities"].choices = ref.citizenship_choices(language)
        self.fields["languages"].choices = ref.language_choices(language)
        countries = _blank(ref.country_choices(language))
        departements = _blank(ref.departement_choices())
        for prefix in ("recruitment", "exploitation"):
            self.fields[f"{prefix}_country"].choices = countries
            self.fields[f"{prefix}_departement"].choices = departements

    def split(self) -> tuple[dict, dict]:
        data = self.cleaned_data
        facts = {k: data.get(k) for k in FACT_FIELDS if k in data}
        for key in (
            "recruitment_country",
            "recruitment_departement",
            "exploitation_country",
            "exploitation_departement",
        ):
            facts[key] = facts.get(key) or ""
        identity = {k: (data.get(k) or "").strip() for k in IDENTITY_FIELDS}
        return facts, identity


class CaseCreateForm(CaseForm):
    confirm_duplicate = forms.BooleanField(
        label=_("Je confirme qu'il s'agit d'une autre personne ou d'un nouveau dossier"),
        required=False,
        widget=forms.HiddenInput,
    )


class StatusForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Nouveau statut"), choices=[*enums.CaseStatus.choices, ("reopen", _("Rouvrir"))]
    )
    authority = forms.ChoiceField(
        label=_("Autorité ayant identifié la personne"),
        required=False,
        choices=_blank(enums.IdentifyingAuthority.choices),
    )
    on = forms.DateField(label=_("Date de l'identification"), required=False, widget=DateInput())
    reference = forms.CharField(label=_("Référence de la procédure"), required=False, max_length=80)
    reason = forms.ChoiceField(
        label=_("Motif de clôture"), required=False, choices=_blank(enums.ClosureReason.choices)
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    visibility = forms.ChoiceField(
        label=_("Visibilité"), choices=enums.NoteVisibility.choices, initial=enums.NoteVisibility.INTERNAL
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Tâche"), max_length=200)
    due_on = forms.DateField(label=_("Échéance"), widget=DateInput())
    assignee = forms.ModelChoiceField(label=_("Attribuée à"), queryset=None)

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees


class DocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Type de document"), choices=to_choose(enums.DocumentType.choices))
    file = forms.FileField(label=_("Fichier"), help_text=_("PDF, JPEG ou PNG, 10 Mo au plus."))


class ScreeningForm(forms.Form):
    """Questionnaire: one checkbox per indicator of the chosen set."""

    act_established = forms.BooleanField(
        label=_("Un acte est établi (recrutement, transport, transfert, hébergement ou accueil)"), required=False
    )
    present_codes = forms.MultipleChoiceField(
        label=_("Indicateurs constatés"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, indicator_set, **kwargs):
        super().__init__(*args, **kwargs)
        # Any code is accepted here; the service rejects codes from another
        # set with a French message on this field (nothing partly saved).
        self.indicator_set = indicator_set
        self.fields["present_codes"].choices = [
            (
                i.code,
                f"{i.label_fr} ({i.get_strength_display() if hasattr(i, 'get_strength_display') else i.strength})",
            )
            for i in indicator_set.indicators.all()
        ]
        self.fields["present_codes"].valid_value = lambda value: True


class PrequalificationForm(forms.Form):
    acts = forms.MultipleChoiceField(label=_("Acte"), required=False, widget=forms.CheckboxSelectMultiple)
    purposes = forms.MultipleChoiceField(
        label=_("Finalité d'exploitation"), required=False, widget=forms.CheckboxSelectMultiple
    )
    means = forms.TypedMultipleChoiceField(
        label=_("Circonstance (moyen)"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        from maillage.identification import qualification as q

        super().__init__(*args, **kwargs)
        self.fields["acts"].choices = [(a, a) for a in q.ACTS_FR]
        self.fields["purposes"].choices = list(q.PURPOSES_FR.items())
        self.fields["means"].choices = [(str(k), v) for k, v in q.MEANS_FR.items()]


class RightsForm(forms.Form):
    delivered_on = forms.DateField(label=_("Date"), widget=DateInput())
    language = forms.ChoiceField(label=_("Langue utilisée"))
    interpreter = forms.BooleanField(label=_("Avec interprète"), required=False)
    delivered_by = forms.CharField(label=_("Délivrée par (service, fonction)"), max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = ref.language_choices(display_language())


class AssistanceForm(forms.Form):
    code = forms.ChoiceField(label=_("Mesure d'assistance (art. 12)"), choices=to_choose(enums.AssistanceCode.choices))
    status = forms.ChoiceField(label=_("Consentement / état"), choices=to_choose(enums.ConsentStatus.choices))
    on = forms.DateField(label=_("Date"), required=False, widget=DateInput())


class ReflectionForm(forms.Form):
    start = forms.DateField(label=_("Début (date du récépissé)"), widget=DateInput())
    end = forms.DateField(label=_("Fin"), widget=DateInput())
    status = forms.ChoiceField(label=_("Statut"), choices=to_choose(enums.ReflectionStatus.choices))
    interruption_reason = forms.ChoiceField(
        label=_("Motif d'interruption"), required=False, choices=_blank(enums.InterruptionReason.choices)
    )
    granting_authority = forms.CharField(label=_("Autorité (préfecture)"), required=False, max_length=120)
    document_reference = forms.CharField(label=_("Référence du récépissé"), required=False, max_length=80)


class ReflectionOfferAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Réponse de la personne"),
        choices=[c for c in enums.ReflectionAnswer.choices if c[0] != enums.ReflectionAnswer.PENDING],
    )
    on = forms.DateField(label=_("Date de la réponse"), widget=DateInput())


class PermitForm(forms.Form):
    """Warsaw art. 14; CESEDA L425-1 to L425-4, L435-1: the ground, its
    conditions and its dates (checked by services.permits against permit_rules)."""

    ground = forms.ChoiceField(label=_("Motif de délivrance"), choices=to_choose(enums.PermitGround.choices))
    start = forms.DateField(label=_("Début de validité"), widget=DateInput())
    end = forms.DateField(
        label=_("Fin de validité"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Carte « vie privée et familiale » : 1 an ; carte de résident : 10 ans ; APS L425-4 : 6 mois au moins."
        ),
    )
    ties_broken = forms.NullBooleanField(
        label=_("La personne a rompu tout lien avec les auteurs"), required=False, widget=forms.NullBooleanSelect
    )
    public_order_threat = forms.NullBooleanField(
        label=_("Sa présence constitue une menace pour l'ordre public"), required=False, widget=forms.NullBooleanSelect
    )
    exit_pathway_engaged = forms.NullBooleanField(
        label=_("Engagée dans le parcours de sortie de la prostitution (CASF L121-9)"),
        required=False,
        widget=forms.NullBooleanSelect,
    )
    final_conviction_on = forms.DateField(
        label=_("Date de la condamnation définitive des auteurs"), required=False, widget=DateInput()
    )
    proceedings_ongoing = forms.NullBooleanField(
        label=_("Procédure pénale toujours en cours (pour un renouvellement)"),
        required=False,
        widget=forms.NullBooleanSelect,
    )
    # Renewals (issue 4, « permits … renewals »): a renewed permit no longer
    # triggers the expiry reminder (reminders.send_deadline_reminders).
    renewal_of = forms.ModelChoiceField(
        label=_("Renouvellement de"),
        required=False,
        queryset=None,
        empty_label=_("— (premier titre)"),
        help_text=_("Choisissez le titre que celui-ci renouvelle, le cas échéant."),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the permits of this case (the service checks it again).
        field = self.fields["renewal_of"]
        field.queryset = selectors.permits_of(case)
        field.label_from_instance = lambda p: (
            f"{p.kind_label} : {p.start:%d/%m/%Y} – {p.end:%d/%m/%Y}"
            if p.end
            else f"{p.kind_label} : {p.start:%d/%m/%Y}"
        )


class ProtectionForm(forms.Form):
    beneficiary = forms.ChoiceField(label=_("Bénéficiaire"), choices=to_choose(enums.ProtectionBeneficiary.choices))
    kind = forms.ChoiceField(label=_("Type de protection"), choices=to_choose(enums.ProtectionType.choices))
    start = forms.DateField(label=_("Début"), widget=DateInput())
    end = forms.DateField(label=_("Fin"), required=False, widget=DateInput())


class ProceedingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=to_choose(enums.ProceedingKind.choices))
    on = forms.DateField(label=_("Date"), widget=DateInput())
    reference = forms.CharField(label=_("Référence"), required=False, max_length=80)


class LegalAidForm(forms.Form):
    """Warsaw art. 15.2: legal assistance, aide juridictionnelle, the lawyer."""

    kind = forms.ChoiceField(label=_("Type d'aide"), choices=to_choose(enums.LegalAidKind.choices))
    status = forms.ChoiceField(label=_("État"), choices=to_choose(enums.LegalAidStatus.choices))
    on = forms.DateField(label=_("Date"), widget=DateInput())
    lawyer_organisation = forms.ModelChoiceField(
        label=_("Avocat·e ou barreau de l'annuaire"), required=False, queryset=None
    )
    lawyer_name = forms.CharField(
        label=_("Sinon, nom de l'avocat·e"), required=False, max_length=200, help_text=_("Chiffré au repos.")
    )
    decision_reference = forms.CharField(
        label=_("Référence de la décision du bureau d'aide juridictionnelle"), required=False, max_length=200
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawyer_organisation"].queryset = selectors.lawyers_in_directory()


class CompensationForm(forms.Form):
    """Warsaw art. 15.3-4: CIVI / FGTI (CPP 706-3) or the criminal court."""

    route = forms.ChoiceField(label=_("Voie d'indemnisation"), choices=to_choose(enums.CompensationRoute.choices))
    status = forms.ChoiceField(label=_("État"), choices=to_choose(enums.CompensationStatus.choices))
    offence_on = forms.DateField(
        label=_("Date des faits (dernière infraction)"),
        required=False,
        widget=DateInput(),
        help_text=_("Le délai pour saisir la CIVI court à partir de cette date (CPP 706-5)."),
    )
    final_decision_on = forms.DateField(
        label=_("Date de la décision pénale définitive"), required=False, widget=DateInput()
    )
    filed_on = forms.DateField(label=_("Date de dépôt"), required=False, widget=DateInput())


class ExportForm(forms.Form):
    password = forms.CharField(
        label=_("Mot de passe de l'archive"),
        min_length=12,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("12 caractères au moins ; à transmettre à la personne par un autre canal."),
    )


class LegalHoldForm(forms.Form):
    hold = forms.BooleanField(
        label=_("Conserver le dossier (obligation légale ou procédure en cours)"), required=False
    )
    legal_hold_reason = forms.CharField(label=_("Motif"), required=False, max_length=200)
