"""Shapes of the API's answers (they also make the OpenAPI schema)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from maillage.api.enums import Scope
from maillage.referrals.enums import DeclineReason


def _json_type_ok(field, value) -> bool:
    """The JSON type the schema announces, without DRF's lenient conversions
    (« "true" » or 1 for a boolean, 12 for a text, "12" for an integer)."""
    if value is None:
        return True  # allow_null is DRF's own check
    if isinstance(field, serializers.BooleanField):
        return isinstance(value, bool)
    if isinstance(field, serializers.IntegerField):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(field, serializers.ListField):
        return isinstance(value, list) and all(_json_type_ok(field.child, item) for item in value)
    if isinstance(field, serializers.DictField | serializers.Serializer):
        return isinstance(value, dict)
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.DateField):
        return isinstance(value, str)
    return True


JSON_TYPES = {
    serializers.BooleanField: gettext_lazy("booléen (true ou false)"),
    serializers.IntegerField: gettext_lazy("nombre entier"),
    serializers.ListField: gettext_lazy("tableau JSON"),
    serializers.DictField: gettext_lazy("objet JSON"),
    serializers.Serializer: gettext_lazy("objet JSON"),
}


class StrictSerializer(serializers.Serializer):
    """A write's body: an unknown field is refused, never ignored, and a value
    of another JSON type than the schema's is refused, never converted
    (issue 14, bad input)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {key: [_("Champ inconnu.")] for key in sorted(set(data) - set(self.fields))}
            for key, value in data.items():
                field = self.fields.get(key)
                if field is not None and not _json_type_ok(field, value):
                    expected = next(
                        (t for cls, t in JSON_TYPES.items() if isinstance(field, cls)),
                        gettext_lazy("chaîne de caractères"),
                    )
                    errors[key] = [_("Type attendu : %(type)s.") % {"type": expected}]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StructureSerializer(serializers.Serializer):
    """A structure in the data·inclusion schema v1."""

    source = serializers.CharField()
    id = serializers.CharField()
    nom = serializers.CharField()
    date_maj = serializers.DateField()
    description = serializers.CharField(allow_null=True)
    lien_source = serializers.URLField(allow_null=True)
    siret = serializers.CharField(allow_null=True)
    commune = serializers.CharField(allow_null=True)
    adresse = serializers.CharField(allow_null=True)
    telephone = serializers.CharField(allow_null=True)
    courriel = serializers.CharField(allow_null=True)
    site_web = serializers.CharField(allow_null=True)
    reseaux_porteurs = serializers.ListField(child=serializers.CharField(), allow_null=True)


class DIServiceSerializer(serializers.Serializer):
    """A service in the data·inclusion schema v1."""

    source = serializers.CharField()
    structure_id = serializers.CharField()
    id = serializers.CharField()
    nom = serializers.CharField()
    description = serializers.CharField()
    lien_source = serializers.URLField(allow_null=True)
    date_maj = serializers.DateField()
    type = serializers.CharField()
    thematiques = serializers.ListField(child=serializers.CharField(), allow_null=True)
    publics = serializers.ListField(child=serializers.CharField(), allow_null=True)
    publics_precisions = serializers.CharField(allow_null=True)
    commune = serializers.CharField(allow_null=True)
    telephone = serializers.CharField(allow_null=True)
    courriel = serializers.CharField(allow_null=True)
    zone_eligibilite = serializers.ListField(child=serializers.CharField(), allow_null=True)
    mobilisable_par = serializers.ListField(child=serializers.CharField(), allow_null=True)
    mobilisation_precisions = serializers.CharField(allow_null=True)


class ProfileSerializer(serializers.Serializer):
    """A public directory profile in Maillage's own shape."""

    slug = serializers.CharField()
    nom = serializers.CharField()
    sigle = serializers.CharField(allow_blank=True)
    type = serializers.CharField()
    type_libelle = serializers.CharField()
    commune = serializers.CharField(allow_blank=True)
    departement = serializers.CharField(allow_blank=True)
    national = serializers.BooleanField()
    services = serializers.ListField(child=serializers.CharField())
    formes_exploitation = serializers.ListField(child=serializers.CharField())
    publics = serializers.ListField(child=serializers.CharField())
    accepte_orientations = serializers.BooleanField()
    telephone = serializers.CharField(allow_blank=True)
    courriel = serializers.CharField(allow_blank=True)
    site_web = serializers.CharField(allow_blank=True)
    mis_a_jour = serializers.DateField()


class IndicatorSerializer(serializers.Serializer):
    nom = serializers.CharField()
    unite = serializers.CharField()
    valeur_reference = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    cible = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    date_cible = serializers.DateField(allow_null=True)
    source = serializers.CharField(allow_blank=True)
    mesures_validees = serializers.ListField(child=serializers.DictField())


class MeasureSerializer(serializers.Serializer):
    axe = serializers.IntegerField()
    axe_intitule = serializers.CharField()
    numero = serializers.IntegerField()
    intitule = serializers.CharField()
    pilote = serializers.CharField(allow_null=True)
    echeance = serializers.DateField(allow_null=True)
    statut = serializers.CharField(allow_null=True)
    avancement = serializers.IntegerField()
    indicateurs = IndicatorSerializer(many=True)


class PlanSerializer(serializers.Serializer):
    intitule = serializers.CharField()
    debut = serializers.DateField()
    fin = serializers.DateField()
    adopte_le = serializers.DateTimeField(allow_null=True)
    statut = serializers.CharField()
    licence = serializers.CharField()
    mesures = MeasureSerializer(many=True)


class ReleaseSerializer(serializers.Serializer):
    annee = serializers.IntegerField()
    numero = serializers.IntegerField()
    publie_le = serializers.DateTimeField()
    personnes_comptees = serializers.IntegerField()
    seuil = serializers.IntegerField()
    motif = serializers.CharField(allow_blank=True)
    tableaux = serializers.ListField(child=serializers.DictField())


class ReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    dossier = serializers.CharField(help_text="Référence pseudonyme du dossier (jamais une identité).")
    type = serializers.CharField()
    statut = serializers.CharField()
    statut_libelle = serializers.CharField()
    service = serializers.CharField()
    service_libelle = serializers.CharField()
    emetteur = serializers.CharField()
    destinataire = serializers.CharField()
    mineur = serializers.BooleanField()
    creee_le = serializers.DateTimeField()
    envoyee_le = serializers.DateTimeField(allow_null=True)
    reponse_attendue_le = serializers.DateTimeField(allow_null=True)
    decidee_le = serializers.DateTimeField(allow_null=True)


class ReferralDetailSerializer(ReferralSerializer):
    parties_partagees = serializers.ListField(child=serializers.CharField())
    historique = serializers.ListField(child=serializers.DictField())


class DeclineSerializer(StrictSerializer):
    motif = serializers.ChoiceField(choices=DeclineReason.choices)
    precisions = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class EmptySerializer(StrictSerializer):
    pass


class CaseSerializer(serializers.Serializer):
    reference = serializers.CharField()
    statut = serializers.CharField()
    statut_libelle = serializers.CharField()
    mineur = serializers.BooleanField()
    partage = serializers.BooleanField(help_text="Dossier d'une autre organisation, partagé avec la vôtre.")
    ouvert_le = serializers.DateTimeField()
    mis_a_jour_le = serializers.DateTimeField()


class WorkItemSerializer(serializers.Serializer):
    file = serializers.CharField()
    quoi = serializers.CharField()
    sujet = serializers.CharField()
    lien = serializers.CharField()
    recu_le = serializers.DateTimeField()
    echeance = serializers.DateTimeField(allow_null=True)
    urgent = serializers.BooleanField()
    en_retard = serializers.BooleanField()
    precisions = serializers.CharField(allow_blank=True)


SCOPE_CHOICES = Scope.choices
