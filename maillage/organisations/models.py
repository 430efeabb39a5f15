from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import ORG_ADMIN, OrganisationType, Role, TerritoryLevel


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    territory_level = models.CharField(_("échelon"), max_length=16, choices=TerritoryLevel.choices)
    departement = models.CharField(_("département"), max_length=3, blank=True, help_text=_("Code INSEE"))
    region = models.CharField(_("région"), max_length=2, blank=True, help_text=_("Code INSEE"))
    country = models.CharField(_("pays"), max_length=2, default="FR", help_text=_("ISO 3166-1 alpha-2"))
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    external_id = models.CharField(_("identifiant externe"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(territory_level=TerritoryLevel.DEPARTEMENT) | ~Q(departement=""),
                name="org_departement_required",
            ),
            models.CheckConstraint(
                condition=~Q(territory_level=TerritoryLevel.REGION) | ~Q(region=""),
                name="org_region_required",
            ),
            models.CheckConstraint(
                condition=~Q(territory_level=TerritoryLevel.FOREIGN) | ~Q(country="FR"),
                name="org_foreign_country_not_fr",
            ),
            models.UniqueConstraint(fields=["siret"], condition=~Q(siret=""), name="org_siret_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def display_name(self) -> str:
        return self.acronym or self.name

    @property
    def is_coordination_body(self) -> bool:
        return self.type == OrganisationType.COORDINATION


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, organisation__is_active=True, user__is_active=True)

    def active_of(self, user):
        """A person's active memberships (membership, organisation and account
        active): the only source of access to an organisation's data."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.active().filter(user=user).select_related("organisation")


class Membership(models.Model):
    """A person in an organisation, with a role and possibly administration rights.

    Access to anything an organisation holds goes through an *active*
    membership: deactivating it removes access at the next request.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    is_admin = models.BooleanField(_("administrateur·rice"), default=False)
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_org"),
            models.CheckConstraint(
                condition=Q(is_active=True, removed_at__isnull=True) | Q(is_active=False, removed_at__isnull=False),
                name="membership_removed_iff_inactive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"

    @property
    def roles(self) -> list[str]:
        return [self.role, ORG_ADMIN] if self.is_admin else [self.role]


class Invitation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField(_("adresse électronique"))
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    is_admin = models.BooleanField(_("administrateur·rice"), default=False)
    # Only the SHA-256 of the token is stored: a database leak gives no link.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
