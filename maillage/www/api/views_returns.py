"""The annual return of the statistics survey, submitted by the organisation's
software (issue 14; rules.md §5.6): the anonymous records of an open campaign
the organisation is invited to, through `maillage.statistics.services.submit_records`
(the checks of the spreadsheet import, all or nothing, per-row French errors,
a submitted version locked and a correction a new version with its reason)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from maillage.api.enums import Scope
from maillage.statistics import policies as stats_policies
from maillage.statistics import selectors as stats_selectors
from maillage.statistics import services as stats_services

from .problems import problem_response
from .serializers import StrictSerializer
from .views_token import TokenView


class ReturnSubmitSerializer(StrictSerializer):
    personnes = serializers.ListField(
        child=serializers.DictField(),
        max_length=100_000,
        help_text="Une personne par élément, avec les colonnes du questionnaire (celles du modèle de tableur : "
        "`sexe`, `age_debut_exploitation`, `nationalites`…) ; les listes de codes en tableau ou séparées par « | ».",
    )
    motif = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Obligatoire pour corriger un retour déjà transmis (une nouvelle version).",
    )


class ColumnSerializer(serializers.Serializer):
    colonne = serializers.CharField()
    libelle = serializers.CharField()
    obligatoire = serializers.BooleanField()
    type = serializers.CharField()
    codes = serializers.ListField(child=serializers.CharField())


class VersionSerializer(serializers.Serializer):
    numero = serializers.IntegerField()
    source = serializers.CharField()
    motif = serializers.CharField(allow_blank=True)
    creee_le = serializers.DateTimeField()
    transmise_le = serializers.DateTimeField(allow_null=True)
    personnes = serializers.IntegerField()


class ReturnStateSerializer(serializers.Serializer):
    annee = serializers.IntegerField()
    ouverte = serializers.BooleanField()
    date_limite = serializers.DateField()
    transmis = serializers.BooleanField()
    versions = VersionSerializer(many=True)
    colonnes = ColumnSerializer(many=True)


class ReturnView(TokenView):
    required_scopes = {"GET": Scope.RETURN_SUBMIT, "POST": Scope.RETURN_SUBMIT}

    def campaign(self, year: int):
        """A campaign the organisation is invited to (its administrator's read), else 404."""
        campaign = stats_selectors.campaign_of_year(year)
        if campaign is None or not stats_policies.can_read_return(self.actor(), campaign, self.organisation()):
            raise Http404
        return campaign

    def state(self, campaign) -> dict:
        return_obj = stats_selectors.return_for(self.actor(), campaign, self.organisation())
        versions = list(return_obj.versions.order_by("number")) if return_obj else []
        questionnaire = campaign.questionnaire.parsed()
        return {
            "annee": campaign.year,
            "ouverte": campaign.is_open,
            "date_limite": campaign.deadline,
            "transmis": any(v.submitted_at for v in versions),
            "versions": [
                {
                    "numero": v.number,
                    "source": v.source,
                    "motif": v.reason,
                    "creee_le": v.created_at,
                    "transmise_le": v.submitted_at,
                    "personnes": v.record_count,
                }
                for v in versions
            ],
            "colonnes": [
                {
                    "colonne": v.column,
                    "libelle": v.text(),
                    "obligatoire": v.required,
                    "type": v.type,
                    "codes": list(v.code_values),
                }
                for v in questionnaire.variables
            ],
        }

    @extend_schema(
        tags=["Enquête annuelle"],
        summary="Le retour de l'organisation pour une campagne",
        description="Ses versions (transmises ou non) et les colonnes attendues avec leurs codes.",
        responses=ReturnStateSerializer,
    )
    def get(self, request, year: int):
        return Response(self.state(self.campaign(year)))

    @extend_schema(
        tags=["Enquête annuelle"],
        summary="Transmettre le retour (enregistrements anonymes)",
        description="Tout le retour en une fois : chaque personne est vérifiée comme une ligne du tableur ; si "
        "une seule est refusée, rien n'est enregistré et la réponse liste les erreurs par ligne et par "
        "colonne. Le retour transmis est verrouillé ; une nouvelle transmission est une correction, avec son "
        "motif. Aucune identité : seulement les codes du questionnaire.",
        request=ReturnSubmitSerializer,
        responses={201: ReturnStateSerializer},
    )
    def post(self, request, year: int):
        campaign = self.campaign(year)
        if not campaign.is_open:
            raise ValidationError({"annee": _("La campagne %(y)s est close.") % {"y": campaign.year}})
        form = ReturnSubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            stats_services.submit_records(
                campaign=campaign,
                organisation=self.organisation(),
                rows=form.validated_data["personnes"],
                acting_user=request.user,
                reason=form.validated_data["motif"],
            )
        except stats_services.RecordsRefused as refused:
            return problem_response(
                400,
                refused.messages[0],
                errors={"personnes": [{"ligne": r.line, "erreurs": r.errors} for r in refused.rows]},
            )
        return Response(self.state(campaign), status=201)
