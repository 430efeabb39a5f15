"""Optional ProConnect login (OpenID Connect), active only with PROCONNECT_ENABLED.

Accounts are matched on the professional email (ProConnect's `sub` differs for
each identity provider), never created here: an organisation administrator
invites people first. The `acr` claim tells whether the identity provider used a
second factor; when it did, the session counts as second-factor-verified,
otherwise a user whose role reads victims' data is refused and asked to sign in
with password and TOTP (ecosystem-notes.md: eidas1 proves no second factor).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .mfa import SESSION_PROCONNECT_MFA, second_factor_required


def acr_proves_second_factor(acr: str | None) -> bool:
    return bool(acr) and acr in settings.PROCONNECT_MFA_ACR_VALUES


class ProConnectBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(email__iexact=email, is_active=True)

    def get_user(self, user_id):
        # Django reloads the signed-in user through this backend on every
        # request; mozilla-django-oidc's version ignores is_active, so a
        # deactivated account kept its ProConnect session (ModelBackend
        # refuses it, docs/security.md: access ends at the next request).
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def create_user(self, claims):  # pragma: no cover - OIDC_CREATE_USER is False
        raise SuspiciousOperation("Accounts are created by invitation only.")

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            return None
        acr = payload.get("acr")
        strong = acr_proves_second_factor(acr)
        if second_factor_required(user) and not strong:
            # Refuse rather than silently downgrade: the login page explains.
            if self.request is not None:
                messages.error(
                    self.request,
                    _(
                        "Votre rôle donne accès à des données de victimes : ProConnect n'a pas confirmé de second "
                        "facteur. "
                        "Connectez-vous avec votre mot de passe puis votre code ou votre clé de sécurité."
                    ),
                    fail_silently=True,
                )
            return None
        user.proconnect_sub = payload.get("sub", "")[:255]
        user.save(update_fields=["proconnect_sub"])
        if self.request is not None:
            self.request.session[SESSION_PROCONNECT_MFA] = strong
        return user


def session_logout_url(request) -> str | None:
    """ProConnect's end-of-session address for a session opened through
    ProConnect (with its id_token), else None: password sessions, or
    ProConnect off or without a logout endpoint."""
    from django.contrib.auth import BACKEND_SESSION_KEY

    session = getattr(request, "session", None)
    if (
        session is None
        or session.get(BACKEND_SESSION_KEY) != f"{ProConnectBackend.__module__}.{ProConnectBackend.__qualname__}"
    ):
        return None
    if not getattr(settings, "OIDC_OP_LOGOUT_ENDPOINT", "") or not session.get("oidc_id_token"):
        return None
    return logout_url(request)


def logout_url(request) -> str:
    from urllib.parse import urlencode

    endpoint = settings.OIDC_OP_LOGOUT_ENDPOINT
    id_token = request.session.get("oidc_id_token")
    if not endpoint or not id_token:
        return settings.LOGOUT_REDIRECT_URL
    params = {
        "id_token_hint": id_token,
        "state": request.session.get("oidc_state", "logout"),
        "post_logout_redirect_uri": request.build_absolute_uri("/"),
    }
    return f"{endpoint}?{urlencode(params)}"
