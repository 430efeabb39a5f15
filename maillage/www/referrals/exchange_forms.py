"""Forms of requests and alerts received from abroad (Warsaw arts 33, 34; issue 11)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.referrals import enums, selectors
from maillage.www.common import to_choose


class IncomingExchangeForm(forms.Form):
    counterpart = forms.ModelChoiceField(label=_("Homologue étranger"), queryset=None)
    purpose = forms.ChoiceField(label=_("Objet"), choices=to_choose(enums.ExchangePurpose.choices))
    channel = forms.ChoiceField(label=_("Reçue par"), choices=to_choose(enums.ExchangeChannel.choices))
    summary = forms.CharField(
        label=_("Ce que demande l'homologue"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    liaison = forms.ModelChoiceField(
        label=_("Service de police ou de gendarmerie de liaison"),
        queryset=None,
        required=False,
        help_text=_("Obligatoire pour une alerte de danger immédiat ou d'enfant disparu : il est prévenu aussitôt."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterpart"].queryset = selectors.foreign_counterparts()
        self.fields["liaison"].queryset = selectors.police_liaisons()


class IncomingAnswerForm(forms.Form):
    legal_basis = forms.CharField(label=_("Base légale de la réponse"), required=False, max_length=300)
    shared_parts = forms.MultipleChoiceField(
        label=_("Parties transmises"), required=False, widget=forms.CheckboxSelectMultiple
    )
    use_conditions = forms.MultipleChoiceField(
        label=_("Conditions d'utilisation (art. 34.3)"),
        required=False,
        choices=enums.UseCondition.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Résumé de la réponse envoyée"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sans identité : ni nom, ni date de naissance, ni numéro de document."),
    )

    def __init__(self, *args, visible_parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(enums.SharedPart.choices)
        self.fields["shared_parts"].choices = [(p, labels[p]) for p in enums.SharedPart.values if p in visible_parts]
