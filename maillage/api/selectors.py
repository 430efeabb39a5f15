"""Reads of API tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from maillage.core.encryption import lookup_hash

from . import policies
from .models import ApiToken

TOKEN_PREFIX = "mlg_"  # noqa: S105 (the visible prefix of every token, not a secret)


def hash_secret(secret: str) -> str:
    return lookup_hash(secret, purpose="api-token")


def tokens_of(actor, organisation) -> QuerySet[ApiToken]:
    """The organisation's tokens, for its administrators; nothing for anyone else."""
    if not policies.can_manage_tokens(actor, organisation):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(organisation=organisation).select_related("created_by", "revoked_by")


def token_for_secret(secret: str) -> ApiToken | None:
    """The usable token holding `secret`, with its organisation and creator, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    return (
        ApiToken.objects.usable()
        .select_related("organisation", "created_by")
        .filter(secret_hash=hash_secret(secret))
        .first()
    )


def token_of(actor, organisation, pk) -> ApiToken | None:
    return tokens_of(actor, organisation).filter(pk=pk).first()
