"""The network directory (« annuaire »): profiles, catalogues and networks.

Territories, publics and languages are normalised child rows rather than JSON
lists so that the same filters run on SQLite and PostgreSQL with plain joins
(and indexes), see docs/domain/directory.md.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .enums import STALE_AFTER_DAYS, NetworkKind, Public, TerritoryKind, Visibility


class CatalogueLabel(models.Model):
    """A catalogue row with a French label (the reference) and its English
    label, shown when the interface is in English (issue 10 item 9)."""

    label = models.CharField(_("libellé"), max_length=200)
    label_en = models.CharField(_("libellé en anglais"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        if self.label_en and (get_language() or "fr").split("-")[0] == "en":
            return self.label_en
        return self.label


class ExploitationForm(CatalogueLabel):
    """Catalogue of forms of exploitation (rules.md §3.1, Code pénal 225-4-1).

    Rows, not an enum: Directive (EU) 2024/1712 adds forms whose French
    transposition is pending (rules.md "watch item"); they are seeded with
    `pending_transposition=True` and can be switched without a code change."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    legal_source = models.CharField(_("source juridique"), max_length=300)
    pending_transposition = models.BooleanField(_("transposition en attente"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("forme d'exploitation")


class Service(CatalogueLabel):
    """Catalogue of services, aligned with Warsaw Convention art. 12 (rules.md),
    and of the transmissions the law addresses to a public body (a report to
    the prosecutor, an information préoccupante, a person to hear…).

    `receiving_types`: for a transmission, the organisation types that
    receive it by law (`source` gives the article); such a body is a
    recipient whatever its profile lists. Empty: a service, offered by the
    organisations whose profile lists it."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    source = models.CharField(_("référence"), max_length=200, blank=True)
    receiving_types = models.JSONField(_("destinataires prévus par la loi"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("service")

    @property
    def is_transmission(self) -> bool:
        return bool(self.receiving_types)


class Network(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    kind = models.CharField(_("type de réseau"), max_length=32, choices=NetworkKind.choices)
    description = models.TextField(_("description"), blank=True)
    departement = models.CharField(
        _("département"), max_length=3, blank=True, help_text=_("Pour un comité départemental")
    )
    country = models.CharField(_("pays"), max_length=2, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("réseau")

    def __str__(self) -> str:
        return self.name


class NetworkMembership(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="network_memberships"
    )
    is_coordinator = models.BooleanField(_("coordination du réseau"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "organisation"], name="directory_network_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ∈ {self.network}"


class Profile(models.Model):
    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="directory_profile"
    )
    visibility = models.CharField(
        _("visibilité de la fiche"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    description = models.TextField(_("présentation"), blank=True, max_length=2000)
    # Address. The commune and département are public; the street address is
    # members-only, or hidden (org itself + Ac.Sé coordination) when
    # `address_confidential` is set, e.g. Ac.Sé partner shelters.
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    departement = models.CharField(_("département"), max_length=3, blank=True, help_text=_("Code INSEE"))
    street_address = models.CharField(_("adresse"), max_length=300, blank=True)
    address_confidential = models.BooleanField(_("adresse confidentielle"), default=False)
    is_national = models.BooleanField(_("intervient sur tout le territoire national"), default=False)
    exploitation_forms = models.ManyToManyField(
        ExploitationForm, blank=True, related_name="profiles", verbose_name=_("formes d'exploitation")
    )
    services = models.ManyToManyField(Service, blank=True, related_name="profiles", verbose_name=_("services"))
    capacity_places = models.PositiveIntegerField(_("places disponibles"), null=True, blank=True)
    capacity_updated_at = models.DateTimeField(_("places mises à jour le"), null=True, blank=True)
    opening_hours = models.CharField(_("horaires d'ouverture"), max_length=300, blank=True)
    accepts_referrals = models.BooleanField(_("accepte les orientations"), default=False)
    referral_how = models.CharField(_("comment orienter (public)"), max_length=500, blank=True)
    public_phone = models.CharField(_("téléphone public"), max_length=30, blank=True)
    public_email = models.EmailField(_("courriel public"), blank=True)
    website = models.URLField(_("site internet"), blank=True)
    members_phone = models.CharField(_("ligne directe (membres)"), max_length=30, blank=True)
    members_email = models.EmailField(_("courriel direct (membres)"), blank=True)
    referral_procedure = models.TextField(_("procédure d'orientation (membres)"), blank=True, max_length=2000)
    # Normalised text maintained by services.refresh_search_text (search.py).
    search_name = models.CharField(max_length=400, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    last_verified_at = models.DateTimeField(_("vérifiée le"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("fiche d'annuaire")
        indexes = [models.Index(fields=["departement"]), models.Index(fields=["visibility"])]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def is_stale(self) -> bool:
        if self.last_verified_at is None:
            return True
        return self.last_verified_at < timezone.now() - timedelta(days=STALE_AFTER_DAYS)

    @property
    def accepts_minors(self) -> bool:
        return any(p.code in (Public.MINORS, Public.UNACCOMPANIED_MINORS) for p in self.publics.all())


class ProfileTerritory(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="territories")
    kind = models.CharField(max_length=16, choices=TerritoryKind.choices)
    code = models.CharField(max_length=3)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["profile", "kind", "code"], name="directory_territory_unique")]
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class ProfilePublic(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="publics")
    code = models.CharField(max_length=32, choices=Public.choices)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["profile", "code"], name="directory_public_unique")]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.code


class ProfileLanguage(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(max_length=2, help_text="ISO 639-1")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["profile", "code"], name="directory_language_unique")]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.code
