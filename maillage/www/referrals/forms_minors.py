"""The form recording a step of the minors' chain (issue 10.2, 11.4–11.5).

Fields depend on the step's kind; the recipient of a transmission is typed in
one field with the directory's CRIPs or parquets proposed as you type, the
competent ones first (a native, searchable `<datalist>`: no script, CSP-safe);
a name that is not in the list is kept as a free recipient name.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.cases.enums import RESIDENCE_UNKNOWN
from maillage.referrals import enums
from maillage.referrals.enums import MinorStepKind as K
from maillage.territories import reference

from .forms import DateInput


def candidate_label(org) -> str:
    where = f" ({org.departement})" if org.departement else ""
    account = _(" — sur Maillage") if getattr(org, "has_account", False) else ""
    return f"{org.name}{where}{account}"


class StepRecordForm(forms.Form):
    done_on = forms.DateField(
        label=_("Date à laquelle c'est fait"),
        widget=DateInput(),
        error_messages={"required": _("Indiquez la date à laquelle l'étape a été faite.")},
    )
    note = forms.CharField(
        label=_("Ce qui en est résulté"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Suites, décision, réponse reçue. Sans l'identité de l'enfant : elle figure au dossier."),
    )

    def __init__(self, *args, step, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        self.candidates = list(candidates)
        self.fields["done_on"].initial = timezone.localdate()
        definition = step.definition
        kind = step.kind
        if definition.transmission_to:
            self.fields["recipient"] = forms.CharField(
                label=_("Destinataire"),
                max_length=250,
                help_text=_(
                    "Commencez à taper : les organismes compétents (département de résidence de l'enfant, puis "
                    "des faits, puis de prise en charge) sont proposés d'abord. Un destinataire hors annuaire : "
                    "écrivez son nom."
                ),
                widget=forms.TextInput(attrs={"list": f"destinataires-{step.pk}", "autocomplete": "off"}),
                error_messages={"required": _("Indiquez le destinataire : l'organisation de l'annuaire, ou son nom.")},
            )
            self.fields["channel"] = forms.ChoiceField(
                label=_("Comment"),
                choices=[("", "—"), *enums.TransmissionChannel.choices],
                error_messages={"required": _("Indiquez comment la transmission a été faite.")},
            )
            self.fields["reference"] = forms.CharField(
                label=_("Référence (courrier, accusé de réception, numéro de procédure)"),
                required=False,
                max_length=80,
            )
            if kind in (K.SIGNALEMENT_PARQUET, K.IP_CRIP, K.CRIP_SIGNALEMENT):
                self.fields["grave_danger"] = forms.BooleanField(
                    label=_("Danger grave et immédiat (CASF L226-4)"),
                    required=False,
                    help_text=_("Le procureur est saisi sans délai, avec copie à la CRIP."),
                )
            self.fields["note"] = self.fields.pop("note")
        if kind == K.BEST_INTERESTS:
            self.fields["conclusion"] = forms.ChoiceField(
                label=_("Conclusion de l'évaluation"),
                choices=enums.BestInterestsConclusion.choices,
                widget=forms.RadioSelect,
            )
        elif kind == K.LEGAL_REPRESENTATION:
            self.fields["representatives"] = forms.ChoiceField(
                label=_("Représentants légaux"), choices=enums.LegalRepresentation.choices, widget=forms.RadioSelect
            )
        elif kind == K.CRIP_EVALUATION:
            self.fields["crip_outcome"] = forms.ChoiceField(
                label=_("Conclusion de l'évaluation"), choices=enums.CripOutcome.choices, widget=forms.RadioSelect
            )
        elif kind == K.PARQUET_DECISION:
            self.fields["decisions"] = forms.MultipleChoiceField(
                label=_("Décisions prises"),
                choices=enums.ParquetDecision.choices,
                widget=forms.CheckboxSelectMultiple,
            )
        elif kind == K.MINORITY_EVALUATION:
            # R-MNA: no field accepts health data; the bases are the arrêté of 20 November 2019's.
            self.fields["age_bases"] = forms.MultipleChoiceField(
                label=_("Éléments sur lesquels repose l'évaluation"),
                choices=enums.AgeEvaluationBasis.choices,
                widget=forms.CheckboxSelectMultiple,
                help_text=_(
                    "Les besoins de santé repérés pendant le temps de répit ne servent jamais à évaluer l'âge."
                ),
            )
            self.fields["age_conclusion"] = forms.ChoiceField(
                label=_("Conclusion"),
                choices=enums.MinorityConclusion.choices,
                widget=forms.RadioSelect,
                help_text=_("Elle ne décide pas seule de la minorité : le doute profite à la personne."),
            )
            self.fields["margin_of_error"] = forms.CharField(
                label=_("Marge d'erreur des conclusions"),
                max_length=200,
                help_text=_("Par exemple : « entre 15 et 17 ans, marge de deux ans »."),
            )
            self.fields["documents_say_minor"] = forms.BooleanField(
                label=_("Les actes d'état civil présentés indiquent une minorité"), required=False
            )
            self.fields["documents_rebuttal"] = forms.CharField(
                label=_("Ce qui renverse la présomption de validité des actes (C. civ. art. 47)"),
                required=False,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields["note"] = self.fields.pop("note")

    def clean(self):
        data = super().clean()
        typed = (data.pop("recipient", "") or "").strip() if "recipient" in self.fields else ""
        data["recipient"], data["recipient_name"] = None, ""
        if typed:
            lowered = typed.casefold()
            match = next(
                (o for o in self.candidates if lowered in (candidate_label(o).casefold(), o.name.casefold())), None
            )
            data["recipient"], data["recipient_name"] = (match, "") if match else (None, typed)
        return data


def residence_choices() -> list[tuple[str, str]]:
    # Names, never codes (issue 10.7); « Inconnu » is an answer, the blank is none.
    return [
        ("", _("— Choisir —")),
        (RESIDENCE_UNKNOWN, _("Inconnu")),
        *((d.code, d.label) for d in reference.departements()),
    ]


class ResidenceForm(forms.Form):
    """The child's département of residence, recorded where the chain starts
    (issue 10.3): the CRIP and the parquet of that département are proposed first."""

    residence_departement = forms.ChoiceField(
        label=_("Département de résidence de l'enfant"),
        choices=residence_choices,
        help_text=_(
            "La CRIP et le parquet compétents sont ceux du lieu de résidence de l'enfant : ils sont proposés "
            "en premier, puis ceux du lieu où l'enfant a été trouvé·e. Choisissez « Inconnu » si personne ne le sait."
        ),
        error_messages={"required": _("Choisissez le département de résidence, ou « Inconnu ».")},
    )


class WaiveStepForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif documenté de la levée"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
