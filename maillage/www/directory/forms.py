from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.directory.enums import NetworkKind, Public, Visibility
from maillage.directory.importers import MAX_IMPORT_BYTES
from maillage.directory.models import ExploitationForm, Network, Service
from maillage.directory.selectors import display_language
from maillage.territories import reference
from maillage.www.fields import ModelMultipleChoiceField

from .widgets import Select


def _blank(choices, label=None):
    return [("", label or _("Tous")), *choices]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Mots-clés"),
        required=False,
        max_length=200,
        help_text=_("Nom, ville, service… (accents et pluriels indifférents)"),
    )
    departement = forms.ChoiceField(label=_("Département"), required=False, widget=Select)
    region = forms.ChoiceField(label=_("Région"), required=False, widget=Select)
    service = forms.ChoiceField(label=_("Service"), required=False, widget=Select)
    form = forms.ChoiceField(label=_("Forme d'exploitation"), required=False, widget=Select)
    public = forms.ChoiceField(label=_("Public"), required=False, choices=_blank(Public.choices))
    language = forms.ChoiceField(label=_("Langue parlée"), required=False, widget=Select)
    network = forms.ChoiceField(label=_("Réseau"), required=False, widget=Select)
    country = forms.ChoiceField(label=_("Pays étranger d'intervention"), required=False, widget=Select)
    accepts_minors = forms.BooleanField(label=_("Accueille des mineur·es"), required=False)
    has_capacity = forms.BooleanField(label=_("Places disponibles"), required=False)

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if viewer is None or not viewer.is_member:
            # Capacity is members-only: not a filter for the public part.
            del self.fields["has_capacity"]
        self.fields["departement"].choices = _blank(reference.departement_choices())
        self.fields["region"].choices = _blank(reference.region_choices(), _("Toutes"))
        self.fields["service"].choices = _blank([(s.code, s.display_label) for s in Service.objects.all()])
        self.fields["form"].choices = _blank(
            [(f.code, f.display_label) for f in ExploitationForm.objects.all()], _("Toutes")
        )
        self.fields["language"].choices = _blank(reference.language_choices(display_language()), _("Toutes"))
        self.fields["network"].choices = _blank([(n.slug, n.name) for n in Network.objects.all()])
        self.fields["country"].choices = _blank(
            [(c, n) for c, n in reference.country_choices(display_language()) if c != "FR"]
        )

    def search_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data.get("q", ""),
            "departement": data.get("departement") or None,
            "region": data.get("region") or None,
            "service": data.get("service") or None,
            "form": data.get("form") or None,
            "public": data.get("public") or None,
            "language": data.get("language") or None,
            "network": data.get("network") or None,
            "country": data.get("country") or None,
            "accepts_minors": True if data.get("accepts_minors") else None,
            "has_capacity": True if data.get("has_capacity") else None,
        }


class CoverageForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), required=False)
    form = forms.ChoiceField(label=_("Forme d'exploitation"), required=False)
    public = forms.ChoiceField(label=_("Public"), required=False, choices=_blank(Public.choices))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = _blank([(s.code, s.display_label) for s in Service.objects.all()])
        self.fields["form"].choices = _blank(
            [(f.code, f.display_label) for f in ExploitationForm.objects.all()], _("Toutes")
        )


class ProfileForm(forms.Form):
    visibility = forms.ChoiceField(label=_("Visibilité de la fiche"), choices=Visibility.choices)
    description = forms.CharField(
        label=_("Présentation"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    commune = forms.CharField(label=_("Commune"), required=False, max_length=120)
    departement = forms.ChoiceField(label=_("Département d'implantation"), required=False)
    street_address = forms.CharField(
        label=_("Adresse"),
        required=False,
        max_length=300,
        help_text=_("Visible des membres du réseau, ou seulement de la coordination Ac.Sé si elle est confidentielle"),
    )
    address_confidential = forms.BooleanField(
        label=_("Adresse confidentielle (structure d'hébergement Ac.Sé)"), required=False
    )
    is_national = forms.BooleanField(label=_("Intervient sur tout le territoire national"), required=False)
    departements = forms.MultipleChoiceField(label=_("Départements d'intervention"), required=False)
    regions = forms.MultipleChoiceField(
        label=_("Régions d'intervention"), required=False, widget=forms.CheckboxSelectMultiple
    )
    countries = forms.MultipleChoiceField(label=_("Pays étrangers d'intervention"), required=False)
    exploitation_forms = ModelMultipleChoiceField(
        label=_("Formes d'exploitation prises en charge"),
        required=False,
        queryset=ExploitationForm.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    publics = forms.MultipleChoiceField(
        label=_("Publics accueillis"), required=False, choices=Public.choices, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(label=_("Langues parlées"), required=False)
    services = ModelMultipleChoiceField(
        label=_("Services proposés"),
        required=False,
        queryset=Service.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    capacity_places = forms.IntegerField(label=_("Places disponibles"), required=False, min_value=0, max_value=100000)
    opening_hours = forms.CharField(label=_("Horaires d'ouverture"), required=False, max_length=300)
    accepts_referrals = forms.BooleanField(label=_("Accepte les orientations"), required=False)
    referral_how = forms.CharField(
        label=_("Comment vous orienter une personne (public)"), required=False, max_length=500
    )
    public_phone = forms.CharField(label=_("Téléphone public"), required=False, max_length=30)
    public_email = forms.EmailField(label=_("Courriel public"), required=False)
    website = forms.URLField(label=_("Site internet"), required=False, assume_scheme="https")
    members_phone = forms.CharField(label=_("Ligne directe (membres du réseau)"), required=False, max_length=30)
    members_email = forms.EmailField(label=_("Courriel direct (membres du réseau)"), required=False)
    referral_procedure = forms.CharField(
        label=_("Procédure d'orientation (membres du réseau)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = _blank(reference.departement_choices(), "—")
        self.fields["departements"].choices = reference.departement_choices()
        self.fields["regions"].choices = reference.region_choices()
        self.fields["countries"].choices = [
            (c, n) for c, n in reference.country_choices(display_language()) if c != "FR"
        ]
        self.fields["languages"].choices = reference.language_choices(display_language())

    @staticmethod
    def initial_for(profile) -> dict:
        if profile is None or profile.pk is None:
            return {"visibility": "public", "departement": getattr(profile, "departement", "")}
        territories = list(profile.territories.all())
        initial = {
            name: getattr(profile, name)
            for name in ProfileForm.base_fields
            if hasattr(profile, name) and name not in ("services", "exploitation_forms", "publics", "languages")
        }
        initial.update(
            departements=[t.code for t in territories if t.kind == "departement"],
            regions=[t.code for t in territories if t.kind == "region"],
            countries=[t.code for t in territories if t.kind == "country"],
            publics=[p.code for p in profile.publics.all()],
            languages=[lang.code for lang in profile.languages.all()],
            services=list(profile.services.all()),
            exploitation_forms=list(profile.exploitation_forms.all()),
        )
        return initial


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV ou XLSX"),
        help_text=_("Taille maximale : %(size)s Mo. Encodages acceptés : UTF-8 (avec ou sans BOM), Windows-1252.")
        % {"size": MAX_IMPORT_BYTES // (1024 * 1024)},
    )
    only_valid = forms.BooleanField(label=_("Importer seulement les lignes valides"), required=False)
    confirm = forms.BooleanField(label=_("Importer (sinon : aperçu sans enregistrement)"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse la taille maximale de %(size)s Mo.")
                % {"size": MAX_IMPORT_BYTES // (1024 * 1024)}
            )
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(
                _("Format non pris en charge : seuls les fichiers .csv et .xlsx sont acceptés.")
            )
        return upload


class NetworkForm(forms.Form):
    name = forms.CharField(label=_("Nom du réseau"), max_length=200)
    slug = forms.SlugField(
        label=_("Identifiant (adresse de la page)"),
        required=False,
        max_length=80,
        help_text=_("Lettres minuscules, chiffres et tirets ; déduit du nom s'il est vide"),
    )
    kind = forms.ChoiceField(label=_("Type de réseau"), choices=NetworkKind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    departement = forms.ChoiceField(label=_("Département (comité départemental)"), required=False)
    country = forms.ChoiceField(label=_("Pays (réseau d'homologues étrangers)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = _blank(reference.departement_choices(), "—")
        self.fields["country"].choices = _blank(
            [(c, n) for c, n in reference.country_choices(display_language()) if c != "FR"], "—"
        )

    @staticmethod
    def initial_for(network) -> dict:
        if network is None:
            return {}
        return {
            name: getattr(network, name) for name in ("name", "slug", "kind", "description", "departement", "country")
        }


NETWORK_CANDIDATES_LIMIT = 20


class NetworkCandidateSearchForm(forms.Form):
    """GET search of organisations to add to a network (name, acronym or SIRET):
    10,000 organisations do not fit in a dropdown."""

    q = forms.CharField(
        label=_("Rechercher une organisation"),
        required=False,
        max_length=100,
        help_text=_("Nom, sigle ou numéro SIRET (2 caractères au moins)."),
    )

    def candidates(self, network) -> tuple[list, bool]:
        """At most NETWORK_CANDIDATES_LIMIT active organisations not yet members, and
        whether there were more (accents, case and plurals ignored, see
        selectors.organisations_matching)."""
        from maillage.directory import selectors

        if not self.is_valid():
            return [], False
        q = " ".join(self.cleaned_data["q"].split())
        if len(q) < 2:
            return [], False
        return selectors.network_candidates(network=network, text=q, limit=NETWORK_CANDIDATES_LIMIT)


class NetworkMemberForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation à ajouter"), queryset=None)
    is_coordinator = forms.BooleanField(label=_("Coordonne le réseau"), required=False)

    def __init__(self, *args, network, **kwargs):
        from maillage.organisations.models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(is_active=True).exclude(network_memberships__network=network).order_by("name")
        )
