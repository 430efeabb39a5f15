from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.organisations.models import Organisation
from maillage.statistics.questionnaire import Questionnaire
from maillage.www.fields import ModelMultipleChoiceField


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("Année de l'enquête"), min_value=2000, max_value=2100)
    deadline = forms.DateField(label=_("Date limite de retour"), widget=forms.DateInput(attrs={"type": "date"}))
    organisations = ModelMultipleChoiceField(
        label=_("Organisations invitées"),
        queryset=Organisation.objects.filter(is_active=True).exclude(type="coordination").order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1


class InviteForm(forms.Form):
    organisations = ModelMultipleChoiceField(
        label=_("Organisations à inviter"),
        queryset=Organisation.objects.filter(is_active=True).exclude(type="coordination").order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )


class PublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif (obligatoire pour une publication corrigée)"), required=False, max_length=500
    )
    open_data = forms.BooleanField(
        label=_("Produire aussi les données ouvertes à confidentialité différentielle"), required=False
    )
    epsilon = forms.FloatField(label=_("Budget de confidentialité ε par tableau"), initial=1.0, min_value=0.05,
                               max_value=10.0, required=False)  # fmt: skip


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier XLSX (modèle de la campagne) ou CSV UTF-8"))


class DeriveForm(forms.Form):
    """Deriving from the case files; with the campaign secret when the campaign
    plans a cross-organisation linkage (issue 13). The secret is read for this
    request only and never stored."""

    campaign_secret = forms.FileField(
        label=_("Fichier du secret de campagne (remis par le tiers de confiance)"),
        help_text=_("Sert à calculer les encodages d'appariement ; il n'est ni conservé ni journalisé."),
        required=False,
    )

    def __init__(self, *args, linkage: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not linkage:
            del self.fields["campaign_secret"]

    def secret(self) -> bytes | None:
        upload = self.cleaned_data.get("campaign_secret")
        if upload is None:
            return None
        if upload.size > 4096:
            return b""  # refused by the service as not the campaign's secret
        return upload.read()


class LinkageCheckForm(forms.Form):
    key_check = forms.CharField(
        label=_("Valeur de contrôle du secret de campagne annoncée par le tiers de confiance"),
        help_text=_("16 chiffres hexadécimaux. Le secret lui-même n'est jamais remis à la plateforme."),
        max_length=16,
        min_length=16,
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=_("Motif de la correction"), max_length=500)


def record_form(questionnaire: Questionnaire):
    """A form of one person built from the questionnaire (codes as labelled choices)."""
    from maillage.territories import reference as territories

    fields = {}
    for variable in questionnaire.variables:
        label = variable.text()
        if variable.type == "code":
            choices = [("", "—")] + [(c.code, c.text()) for c in variable.codes]
            fields[variable.name] = forms.ChoiceField(label=label, choices=choices, required=variable.required)
        elif variable.type == "codes":
            fields[variable.name] = forms.MultipleChoiceField(
                label=label,
                choices=[(c.code, c.text()) for c in variable.codes],
                required=variable.required,
                widget=forms.CheckboxSelectMultiple,
            )
        elif variable.type == "countries":
            fields[variable.name] = forms.MultipleChoiceField(
                label=label, choices=territories.citizenship_choices(), required=variable.required
            )
        elif variable.type == "place":
            choices = (
                [("", "—"), ("ZZ", _("Lieu inconnu")), ("FR", _("France, département inconnu"))]
                + [(f"FR-{d.code}", d.label) for d in territories.departements()]
                + [(c, n) for c, n in territories.country_choices() if c != "FR"]
            )
            fields[variable.name] = forms.ChoiceField(label=label, choices=choices, required=variable.required)
        else:
            fields[variable.name] = forms.IntegerField(label=label, required=variable.required)
    return type("RecordForm", (forms.Form,), fields)
