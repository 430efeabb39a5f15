import enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a token may do (issue 14). Each scope also needs the creator's role
    in the organisation (SCOPE_NEEDS_CASE_WORKER): a token never gives more than
    its creator holds."""

    REFERRALS_READ = "referrals:read", _("Lire les orientations reçues et envoyées")
    REFERRALS_ACT = "referrals:act", _("Accepter ou refuser les orientations reçues")
    CASES_READ = "cases:read", _("Lire les dossiers de l'organisation (sans identité)")
    CASES_WRITE = "cases:write", _("Créer et modifier les dossiers de l'organisation, enregistrer leurs étapes")
    QUEUES_READ = "queues:read", _("Lire ce qui attend l'organisation")
    RETURN_SUBMIT = "return:submit", _("Transmettre le retour annuel de l'enquête statistique")


# Scopes that reach victims' data: the creator must be a case worker of the
# organisation (R-PRIVACY: the same rule as the pages).
SCOPE_NEEDS_CASE_WORKER = frozenset({Scope.REFERRALS_READ, Scope.REFERRALS_ACT, Scope.CASES_READ, Scope.CASES_WRITE})


class AuditAction(enum.StrEnum):
    TOKEN_CREATED = "api.token_created"  # noqa: S105 (a journal action, not a secret)
    TOKEN_REVOKED = "api.token_revoked"  # noqa: S105
