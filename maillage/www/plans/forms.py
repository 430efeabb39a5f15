"""Forms of the plan pages. Choice lists come from selectors (no query is
written here)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.organisations import selectors as organisations
from maillage.organisations.enums import OrganisationType
from maillage.plans import selectors
from maillage.plans.enums import (
    AmendedField,
    Completion,
    Decision,
    Health,
    MeasureOutcome,
    PositionValue,
    Recommendation,
    Stance,
)
from maillage.www.fields import ModelMultipleChoiceField
from maillage.www.widgets import SearchableMultiSelect

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=250)
    period_start = forms.DateField(label=_("Début de la période"), widget=DATE)
    period_end = forms.DateField(label=_("Fin de la période"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", _("La fin de la période doit suivre son début."))
        return data


class PriorityForm(forms.Form):
    number = forms.IntegerField(label=_("Numéro"), min_value=1, max_value=99)
    title = forms.CharField(label=_("Intitulé"), max_length=250)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MeasureForm(forms.Form):
    priority = forms.ModelChoiceField(label=_("Axe"), queryset=None)
    number = forms.IntegerField(label=_("Numéro"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Intitulé"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    lead = forms.ModelChoiceField(label=_("Pilote"), queryset=None, required=False)
    co_leads = ModelMultipleChoiceField(
        label=_("Copilotes"), queryset=None, required=False, widget=SearchableMultiSelect
    )
    partners = ModelMultipleChoiceField(
        label=_("Partenaires"), queryset=None, required=False, widget=SearchableMultiSelect
    )
    deadline = forms.DateField(label=_("Échéance"), required=False, widget=DATE)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = plan.priorities.all()
        for name in ("lead", "co_leads", "partners"):
            self.fields[name].queryset = organisations.active_organisations()


class FreezeForm(forms.Form):
    changelog = forms.CharField(
        label=_("Modifications apportées dans cette version"), widget=forms.Textarea(attrs={"rows": 3})
    )


class TransitionForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Intitulé de la consultation"), max_length=250)
    opens_at = forms.DateTimeField(label=_("Ouverture"), widget=DATETIME)
    closes_at = forms.DateTimeField(label=_("Clôture"), widget=DATETIME)
    all_associations = forms.BooleanField(label=_("Inviter toutes les associations du réseau"), required=False)
    network = forms.ModelChoiceField(label=_("Inviter tous les membres d'un réseau"), queryset=None, required=False)
    invited = ModelMultipleChoiceField(
        label=_("Organisations invitées"), queryset=None, required=False, widget=SearchableMultiSelect
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = selectors.networks()
        self.fields["invited"].queryset = organisations.active_organisations()
        self.priorities = list(plan.priorities.order_by("number"))
        for p in self.priorities:
            for kind, label in (
                ("positions", _("positions")),
                ("comments", _("commentaires")),
                ("amendments", _("amendements")),
            ):
                self.fields[f"p{p.pk}_{kind}"] = forms.BooleanField(
                    label=_("Axe %(n)s : %(what)s ouverts") % {"n": p.number, "what": label},
                    required=False,
                    initial=True,
                )

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("La clôture doit suivre l'ouverture."))
        invited = list(data.get("invited") or [])
        if data.get("all_associations"):
            invited += list(organisations.active_organisations(type=OrganisationType.ASSOCIATION))
        if data.get("network"):
            invited += list(selectors.network_members(data["network"]))
        if not invited:
            self.add_error("invited", _("Invitez au moins une organisation."))
        data["invited_all"] = {o.pk: o for o in invited}.values()
        data["disabled"] = {
            p.pk: {k for k in ("positions", "comments", "amendments") if not data.get(f"p{p.pk}_{k}")}
            for p in self.priorities
        }
        return data


class PositionForm(forms.Form):
    value = forms.ChoiceField(
        label=_("Position de votre organisation"), choices=PositionValue.choices, widget=forms.RadioSelect
    )
    argument = forms.CharField(
        label=_("Argument"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    stance = forms.ChoiceField(
        label=_("Orientation"), choices=Stance.choices, initial=Stance.NEUTRAL, widget=forms.RadioSelect
    )
    body = forms.CharField(label=_("Commentaire"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AmendmentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    field = forms.ChoiceField(label=_("Champ visé"), choices=AmendedField.choices)
    proposed_text = forms.CharField(
        label=_("Rédaction proposée"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    rationale = forms.CharField(
        label=_("Exposé des motifs"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    sources = forms.CharField(
        label=_("Sources"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(forms.Form):
    recommendation = forms.ChoiceField(label=_("Recommandation de la coordination"), choices=Recommendation.choices)
    decision = forms.ChoiceField(
        label=_("Décision"), choices=[c for c in Decision.choices if c[0] != Decision.WITHDRAWN]
    )
    answer = forms.CharField(
        label=_("Réponse motivée (visible par la contribution)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") and data["decision"] != Decision.PENDING and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Une décision s'accompagne d'une réponse motivée que la contribution verra."))
        return data


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note interne (visible de la seule coordination)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # A note on a measure or on an amendment sits beside its discussion.
    measure = forms.IntegerField(required=False, widget=forms.HiddenInput)
    amendment = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HearingSearchForm(forms.Form):
    """GET form of the hearing page when too many organisations may be heard to list them all."""

    nom = forms.CharField(
        label=_("Rechercher une organisation par son nom ou son sigle"), required=False, max_length=80
    )


class HearingForm(forms.Form):
    """`organisations` (a queryset) is what the choice is validated against —
    one query by id, whatever its size; `shown` is the list the select offers."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation entendue"),
        queryset=None,
        help_text=_(
            "Les organisations invitées à la consultation et les coordinations des réseaux dont elles sont membres."
        ),
        error_messages={
            "invalid_choice": _(
                "Choisissez une organisation invitée à cette consultation, "
                "ou la coordination d'un réseau dont un membre est invité."
            )
        },
    )
    date = forms.DateField(label=_("Date"), widget=DATE)
    participants = forms.CharField(label=_("Participants"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(label=_("Compte rendu"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, organisations, shown, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations
        invited = [(o.pk, field.label_from_instance(o)) for o in shown if o.is_invited]
        heads = [(o.pk, field.label_from_instance(o)) for o in shown if not o.is_invited]
        if heads:
            groups = [
                (label, items)
                for label, items in ((_("Organisations invitées"), invited), (_("Coordinations de réseau"), heads))
                if items
            ]
            field.choices = [("", "---------"), *groups]
        else:
            field.choices = [("", "---------"), *invited]


class ReportForm(forms.Form):
    status = forms.ModelChoiceField(label=_("Statut"), queryset=None, required=False)
    progress = forms.IntegerField(
        label=_("Avancement (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "max_value": _("L'avancement ne peut dépasser 100 %%."),
            "min_value": _("L'avancement ne peut être négatif."),
        },
    )
    health = forms.ChoiceField(label=_("État de santé"), choices=Health.choices)
    completion = forms.ChoiceField(label=_("Niveau d'achèvement (échelle OGP)"), choices=Completion.choices)
    comment = forms.CharField(
        label=_("Commentaire"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label=_("Éléments de preuve (liens, références)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = selectors.measure_statuses()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier XLSX d'avancement"), help_text=_("Le fichier exporté depuis cette page, modifié hors ligne.")
    )


class SubActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=250)
    weight = forms.IntegerField(label=_("Poids (facultatif)"), min_value=1, max_value=1000, required=False)


class SubActionProgressForm(forms.Form):
    sub_action = forms.IntegerField(widget=forms.HiddenInput)
    progress = forms.IntegerField(
        label=_("Avancement (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "max_value": _("L'avancement ne peut dépasser 100 %%."),
            "min_value": _("L'avancement ne peut être négatif."),
        },
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Jalon"), max_length=250)
    due_date = forms.DateField(label=_("Date prévue"), widget=DATE)


class MilestoneReachedForm(forms.Form):
    reached_on = forms.DateField(label=_("Atteint le"), widget=DATE)


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicateur"), max_length=250)
    unit = forms.CharField(label=_("Unité"), max_length=40)
    baseline_value = forms.DecimalField(
        label=_("Valeur de référence"), max_digits=14, decimal_places=2, required=False
    )
    baseline_date = forms.DateField(label=_("Date de référence"), widget=DATE, required=False)
    target_value = forms.DecimalField(label=_("Cible"), max_digits=14, decimal_places=2, required=False)
    target_date = forms.DateField(label=_("Date cible"), widget=DATE, required=False)
    source = forms.CharField(label=_("Source"), max_length=250, required=False)
    method = forms.CharField(
        label=_("Méthode de calcul"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MeasurementForm(forms.Form):
    value = forms.DecimalField(label=_("Valeur"), max_digits=14, decimal_places=2)
    date = forms.DateField(label=_("Date"), widget=DATE)
    departement = forms.CharField(label=_("Département (code INSEE, facultatif)"), max_length=3, required=False)


class SynthesisForm(forms.Form):
    """The written synthesis: an overall text, then one outcome and its reasons per consulted measure."""

    overall = forms.CharField(
        label=_("Synthèse générale"),
        help_text=_("Ce que la coordination retient de la consultation, lu par les organisations consultées."),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            m, item = line["measure"], line["item"]
            outcome = forms.ChoiceField(
                label=_("Mesure %(n)s — suite donnée") % {"n": m.number},
                choices=[("", _("Pas encore décidé")), *MeasureOutcome.choices],
                required=False,
                initial=item.outcome if item else "",
            )
            reason = forms.CharField(
                label=_("Mesure %(n)s — motifs") % {"n": m.number},
                help_text=_("Obligatoires si la mesure n'est pas retenue ou ne l'est qu'en partie."),
                required=False,
                max_length=5000,
                initial=item.reason if item else "",
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"outcome_{m.pk}"] = outcome
            self.fields[f"reason_{m.pk}"] = reason
            line["outcome_field"] = f"outcome_{m.pk}"
            line["reason_field"] = f"reason_{m.pk}"

    def clean(self):
        data = super().clean()
        data["items"] = {
            line["measure"].pk: (
                data.get(f"outcome_{line['measure'].pk}", ""),
                data.get(f"reason_{line['measure'].pk}", ""),
            )
            for line in self.lines
        }
        return data
