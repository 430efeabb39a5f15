"""Writes of API tokens: created (secret shown once) and revoked, each audited."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.models import AuditKind
from maillage.organisations.actor import as_actor

from . import policies
from .enums import AuditAction, Scope
from .models import ApiToken
from .selectors import TOKEN_PREFIX, hash_secret

MAX_VALIDITY = timedelta(days=366)
# last_used_at is written at most this often per token (one UPDATE, not one per call).
LAST_USED_PRECISION = timedelta(minutes=5)


def create_token(*, organisation, acting_user, name: str, scopes, expires_on) -> tuple[ApiToken, str]:
    """A new token and its secret, which is never stored nor shown again."""
    actor = as_actor(acting_user)
    if not policies.can_manage_tokens(actor, organisation):
        raise PermissionDenied
    name = (name or "").strip()
    scopes = sorted(set(scopes or []))
    errors = {}
    if not name:
        errors["name"] = _("Donnez un nom au jeton (le logiciel qui l'utilise).")
    unknown = [s for s in scopes if s not in Scope.values]
    if not scopes or unknown:
        errors["scopes"] = _("Choisissez au moins un droit parmi ceux proposés.")
    elif refused := [s for s in scopes if not policies.can_grant_scope(actor, organisation, s)]:
        errors["scopes"] = _(
            "Un jeton ne donne pas plus que vos propres droits : « %(scope)s » demande d'être "
            "travailleur social de l'organisation."
        ) % {"scope": Scope(refused[0]).label}
    today = timezone.localdate()
    if expires_on is None or expires_on <= today:
        errors["expires_on"] = _("La date d'expiration doit être postérieure à aujourd'hui.")
    elif expires_on > today + MAX_VALIDITY:
        errors["expires_on"] = _("Un jeton vaut au plus un an : choisissez une date plus proche.")
    if errors:
        raise ValidationError(errors)
    body = secrets.token_hex(24)
    secret = f"{TOKEN_PREFIX}{body}"
    expires_at = timezone.make_aware(datetime.combine(expires_on, time.min))
    with transaction.atomic(durable=True):
        token = ApiToken.objects.create(
            organisation=organisation,
            created_by=acting_user,
            name=name[:80],
            scopes=scopes,
            prefix=body[:8],
            secret_hash=hash_secret(secret),
            expires_at=expires_at,
        )
        audit.record(
            action=AuditAction.TOKEN_CREATED,
            actor=acting_user,
            kind=AuditKind.ADMIN,
            target=token,
            organisation=organisation,
            acting_organisation=organisation,
            details={"scopes": scopes, "expires_on": expires_on.isoformat()},
        )
    return token, secret


def revoke_token(*, token: ApiToken, acting_user) -> ApiToken:
    """Revoked at once: the next call with it is refused."""
    with transaction.atomic(durable=True):
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if not policies.can_manage_tokens(acting_user, token.organisation):
            raise PermissionDenied
        if token.revoked_at is not None:
            raise ValidationError(_("Ce jeton est déjà révoqué."))
        token.revoked_at, token.revoked_by = timezone.now(), acting_user
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            action=AuditAction.TOKEN_REVOKED,
            actor=acting_user,
            kind=AuditKind.ADMIN,
            target=token,
            organisation=token.organisation,
            acting_organisation=token.organisation,
        )
    return token


def note_use(*, token: ApiToken) -> None:
    """Remember when the token was last used (for its list), at most every few minutes."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        with transaction.atomic(durable=True):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
