from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Email is the login.

    Technical superusers exist for operations but get no access to victims'
    data through the interface: access comes only from memberships (see
    maillage/organisations/policies.py).
    """

    email = models.EmailField(_("adresse électronique"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    phone = models.CharField(_("téléphone professionnel"), max_length=30, blank=True)
    preferred_language = models.CharField(_("langue"), max_length=8, default="fr")
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("équipe technique"), default=False)
    date_joined = models.DateTimeField(_("inscription"), default=timezone.now)
    # ProConnect identifiers (stored on login, never used for matching: `sub`
    # differs per identity provider, we match on the professional email).
    proconnect_sub = models.CharField(max_length=255, blank=True)
    proconnect_siret = models.CharField(max_length=14, blank=True)
    weekly_digest_enabled = models.BooleanField(_("recevoir le récapitulatif hebdomadaire"), default=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email
