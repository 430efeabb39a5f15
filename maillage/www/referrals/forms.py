"""Forms of the referral pages: they parse and label; rules (consent,
minimisation, own organisation…) are checked by maillage.referrals.services,
whose French messages are attached to the same field names."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.cases.enums import ExploitationForm, Sex
from maillage.referrals import enums, selectors
from maillage.referrals.services import AGE_BANDS
from maillage.territories import reference as ref
from maillage.www.common import to_choose
from maillage.www.widgets import SearchableMultiSelect


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def service_choices():
    return [("", "—"), *selectors.service_choices()]


class SearchForm(forms.Form):
    """GET form: which service, which départements to avoid, a name."""

    service = forms.ChoiceField(label=_("Service demandé"), required=False)
    eloigner = forms.CharField(
        label=_("Départements où la personne est en danger (à éviter)"),
        required=False,
        max_length=60,
        help_text=_(
            "Codes séparés par des virgules, ex. 93, 75. "
            "Le département d'exploitation est toujours évité pour l'hébergement."
        ),
    )
    nom = forms.CharField(label=_("Rechercher une autre organisation par son nom"), required=False, max_length=80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = service_choices()

    def danger_departements(self) -> list[str]:
        raw = (self.cleaned_data.get("eloigner") or "") if self.is_valid() else ""
        codes = [c.strip().upper() for c in raw.replace(";", ",").split(",") if c.strip()]
        return [c for c in codes if ref.is_departement_code(c)]


def answer_delays_help() -> str:
    """The answer delays as configured (deadlines.ANSWER_DELAY_RULES), in words."""
    from maillage.referrals import deadlines

    hours = {rule.key: rule.hours() for rule in deadlines.ANSWER_DELAY_RULES}
    return _(
        "Le destinataire doit répondre sous %(urgent)s heures au lieu de %(days)s jours ; "
        "une demande d'hébergement d'urgence ou une orientation vers une CRIP : sous %(emergency)s heures, "
        "urgente ou non."
    ) % {
        "urgent": hours["urgent"],
        "days": deadlines.ANSWER_DELAY.days(),
        "emergency": min(hours["emergency_accommodation"], hours["child_protection"]),
    }


class ReferralForm(forms.Form):
    recipient = forms.IntegerField(widget=forms.HiddenInput, required=False)
    service = forms.ChoiceField(label=_("Service demandé"))
    urgent = forms.BooleanField(
        label=_("Urgente : la personne ne peut pas attendre (danger, pas d'abri)"), required=False
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=enums.ReferralKind.choices,
        initial=enums.ReferralKind.REFERRAL,
        widget=forms.RadioSelect,
    )
    shared_parts = forms.MultipleChoiceField(
        label=_("Parties du dossier partagées"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ne partagez que ce dont le destinataire a besoin. Il ne verra rien d'autre."),
    )
    consent_basis = forms.ChoiceField(
        label=_("Fondement de l'orientation"), choices=enums.ConsentBasis.choices, widget=forms.RadioSelect
    )
    consent_on = forms.DateField(label=_("Date du consentement"), required=False, widget=DateInput())
    consent_method = forms.ChoiceField(
        label=_("Consentement recueilli"), required=False, choices=[("", "—"), *enums.ConsentMethod.choices]
    )
    consent_scope = forms.CharField(
        label=_("Portée du consentement"),
        required=False,
        max_length=300,
        help_text=_("Organisation, service et informations auxquels la personne a consenti."),
    )
    override_reason = forms.CharField(
        label=_("Motif écrit de l'orientation sans consentement"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Réservé aux administrateur·rices ; inscrit au journal. N'y mettez aucun élément d'identité."),
    )
    message = forms.CharField(
        label=_("Message au destinataire"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, visible_parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = service_choices()
        labels = dict(enums.SharedPart.choices)
        self.fields["shared_parts"].choices = [(p, labels[p]) for p in enums.SharedPart.values if p in visible_parts]
        self.fields["urgent"].help_text = answer_delays_help()

    def add_error(self, field, error):
        # The recipient is picked among the suggestions (a hidden field): what the
        # service says about it shows at the top of the form, where it is read.
        if field is not None and field in self.fields and self.fields[field].widget.is_hidden:
            field = None
        super().add_error(field, error)


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motif du refus"), choices=[("", "—"), *enums.DeclineReason.choices])
    comment = forms.CharField(
        label=_("Précisions"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnonymousNotificationForm(forms.Form):
    reason = forms.ChoiceField(label=_("Motif"), choices=to_choose(enums.AnonymousReason.choices))
    sex = forms.ChoiceField(label=_("Sexe"), required=False, choices=[("", "—"), *Sex.choices])
    age_band = forms.ChoiceField(
        label=_("Tranche d'âge"), required=False, choices=[("", "—"), *[(b, b) for b in AGE_BANDS]]
    )
    nationality = forms.ChoiceField(label=_("Nationalité"), required=False)
    exploitation_forms = forms.MultipleChoiceField(
        label=_("Formes d'exploitation"),
        required=False,
        choices=ExploitationForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    exploitation_departement = forms.ChoiceField(label=_("Département d'exploitation"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = [("", "—"), *ref.citizenship_choices()]
        self.fields["exploitation_departement"].choices = [("", "—"), *ref.departement_choices()]


class StartChainForm(forms.Form):
    unaccompanied = forms.BooleanField(
        label=_("Mineur·e non accompagné·e (MNA)"),
        required=False,
        help_text=_(
            "Ajoute l'accueil provisoire d'urgence, l'information du procureur et la désignation d'un tuteur."
        ),
    )


class StepForm(forms.Form):
    conclusion = forms.ChoiceField(
        label=_("Conclusion (évaluation de l'intérêt supérieur)"),
        required=False,
        choices=[("", "—"), *enums.BestInterestsConclusion.choices],
    )
    representatives_failing = forms.BooleanField(
        label=_("Représentants légaux absents, impliqués ou défaillants (demander un administrateur ad hoc)"),
        required=False,
    )
    note = forms.CharField(label=_("Précisions"), required=False, max_length=300)


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif documenté de la levée de l'étape"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class AcseRequestForm(forms.Form):
    """The request in the requester's words (issue 10.4). Nothing is ticked in
    advance: the parts passed to the host are what the person consented to."""

    situation = forms.CharField(
        label=_("Situation de la personne"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Avec vos mots : son parcours, ses besoins, ce qui a été fait. Lu par la coordination Ac.Sé."),
    )
    danger_reason = forms.CharField(
        label=_("Danger local qui justifie l'éloignement"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Menaces, présence du réseau, lieux à éviter : c'est la condition de l'accueil Ac.Sé."),
    )
    danger_departements = forms.MultipleChoiceField(
        label=_("Départements où la personne est en danger"),
        help_text=_("Au moins un ; le département d'exploitation est ajouté d'office."),
        widget=SearchableMultiSelect,
    )
    urgency = forms.ChoiceField(label=_("Urgence"), choices=[("", "—"), *enums.AcseUrgency.choices])
    urgency_note = forms.CharField(
        label=_("L'urgence, en vos mots"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Depuis quand, ce qui presse, où se trouve la personne ce soir."),
    )
    consent_on = forms.DateField(label=_("Date du consentement de la personne"), widget=DateInput())
    consent_method = forms.ChoiceField(
        label=_("Consentement recueilli"), choices=[("", "—"), *enums.ConsentMethod.choices]
    )
    shared_parts = forms.MultipleChoiceField(
        label=_("Parties du dossier transmises au centre qui accueillera la personne"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Uniquement ce à quoi la personne a consenti et ce dont le centre a besoin pour l'accueillir. "
            "Le centre y accède de la place trouvée jusqu'à la sortie ; il ne voit rien d'autre."
        ),
    )

    def __init__(self, *args, visible_parts=(), **kwargs):
        from maillage.referrals import workflow

        super().__init__(*args, **kwargs)
        labels = dict(enums.SharedPart.choices)
        self.fields["shared_parts"].choices = [(p, labels[p]) for p in workflow.ACSE_HOST_PARTS if p in visible_parts]
        self.fields["danger_departements"].choices = ref.departement_choices()

    def departements(self) -> list[str]:
        return list(self.cleaned_data.get("danger_departements") or [])


class _CentreField(forms.ChoiceField):
    """The centres offered are those that fit; a centre posted anyway goes to
    the service, which says in words why it does not fit (R-ACSE)."""

    def valid_value(self, value) -> bool:
        return str(value).isdigit()


class AcsePlaceForm(forms.Form):
    """The coordination assesses the request and chooses the centre in one
    form (issue 10.4): only the partner centres that fit are offered."""

    action = forms.CharField(widget=forms.HiddenInput, initial="place")
    assessment = forms.CharField(
        label=_("Évaluation du danger et du besoin d'éloignement"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Lue par la coordination seule."),
    )
    host = _CentreField(label=_("Centre partenaire qui accueille la personne"), widget=forms.RadioSelect)

    def __init__(self, *args, centres=(), changing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].choices = [(str(c.organisation.pk), centre_label(c)) for c in centres]
        if changing:
            # Moving the person: the danger was assessed when the first place was chosen.
            self.fields["assessment"].required = False
            self.fields["host"].label = _("Nouveau centre partenaire")


def centre_label(centre) -> str:
    places = (
        _("%(n)s place(s) disponible(s)") % {"n": centre.places_left}
        if centre.places_left is not None
        else _("places non renseignées")
    )
    where = ", ".join(x for x in (centre.commune, centre.departement_label) if x)
    return f"{centre.organisation.name} — {where} — {places}" if where else f"{centre.organisation.name} — {places}"


class AcseStepForm(forms.Form):
    """The other steps, limited to those the organisation may fire now."""

    action = forms.CharField(widget=forms.HiddenInput, initial="step", required=False)
    target = forms.ChoiceField(label=_("Étape"), widget=forms.RadioSelect)
    ground = forms.ChoiceField(
        label=_("Motif communiqué à l'organisation qui oriente (refus ou annulation par la coordination)"),
        required=False,
        choices=[
            ("", "—"),
            *[c for c in enums.AcseClosingGround.choices if c[0] not in ("referrer_cancelled", "no_show")],
        ],
    )
    reason = forms.CharField(
        label=_("Motif (refus ou annulation)"),
        required=False,
        max_length=300,
        # Issue 16.1: nothing is compared with the host; who reads the text depends on who writes it.
        help_text=_(
            "Écrit par la coordination : lu par la coordination seule. "
            "Écrit par l'organisation qui oriente : lu par elle et par la coordination, jamais par le centre d'accueil."
        ),
    )

    STEP_LABELS = {
        "assessment": _("Commencer l'évaluation du danger"),
        "place_search": _("Rechercher une place"),
        "transfer": _("Transfert en cours"),
        "hosted": _("Confirmer l'arrivée de la personne"),
        "no_show": _("La personne ne s'est pas présentée"),
        "exited": _("Sortie du dispositif"),
        "refused": _("Refuser la demande"),
        "cancelled": _("Annuler la demande"),
    }

    def __init__(self, *args, steps=(), role=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(s, self.STEP_LABELS.get(s, s)) for s in steps]
        if role != "coordination":
            del self.fields["ground"]
        if not ({"refused", "cancelled"} & set(steps)):
            del self.fields["reason"]
        elif role == "referrer":
            self.fields["reason"].label = _("Motif de l'annulation")
            self.fields["reason"].help_text = _("Lu par votre organisation et par la coordination Ac.Sé.")

    def clean(self):
        data = super().clean()
        data.setdefault("ground", "")
        data.setdefault("reason", "")
        return data


class ReturnPlanForm(forms.Form):
    destination_country = forms.ChoiceField(label=_("Pays de retour"))
    voluntary = forms.BooleanField(label=_("Retour volontaire"), required=False, initial=True)
    non_voluntary_justification = forms.CharField(
        label=_("Justification d'un retour non volontaire"), required=False, max_length=500
    )
    risk_assessment = forms.CharField(
        label=_("Évaluation des risques et de la sécurité"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    receiving_structures = forms.CharField(
        label=_("Contacts des structures d'accueil (art. 16.6)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination_country"].choices = [("", "—"), *ref.country_choices()]


class ExchangeForm(forms.Form):
    counterpart = forms.ModelChoiceField(label=_("Homologue étranger"), queryset=None)
    purpose = forms.ChoiceField(label=_("Objet"), choices=to_choose(enums.ExchangePurpose.choices))
    channel = forms.ChoiceField(label=_("Canal"), choices=to_choose(enums.ExchangeChannel.choices))
    legal_basis = forms.CharField(label=_("Base légale"), required=False, max_length=300)
    shared_parts = forms.MultipleChoiceField(
        label=_("Parties transmises"), required=False, widget=forms.CheckboxSelectMultiple
    )
    conditions = forms.CharField(label=_("Conditions posées (art. 34.3)"), required=False, max_length=500)
    use_conditions = forms.MultipleChoiceField(
        label=_("Conditions d'utilisation (art. 34.3)"),
        required=False,
        choices=enums.UseCondition.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, visible_parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterpart"].queryset = selectors.foreign_counterparts()
        labels = dict(enums.SharedPart.choices)
        self.fields["shared_parts"].choices = [(p, labels[p]) for p in enums.SharedPart.values if p in visible_parts]


class ExchangeAnswerForm(forms.Form):
    """Warsaw art. 34.1: the foreign counterpart's answer."""

    answered_on = forms.DateField(label=_("Réponse reçue le"), widget=DateInput())
    summary = forms.CharField(
        label=_("Résumé de la réponse"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Sans identité : ni nom, ni date de naissance, ni numéro de document. L'identité figure déjà au dossier."
        ),
    )
