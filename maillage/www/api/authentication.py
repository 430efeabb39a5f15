"""`Authorization: Bearer mlg_…`: the token acts for its organisation.

The request's user is the token's creator and its actor holds only the
creator's active membership in the token's organisation: every policy then
answers as for a page opened by that person acting for that organisation,
never for the platform nor for the creator's other organisations. A creator
who left the organisation (or whose account is deactivated) leaves a token
that no longer authenticates (401), as a member removed loses the pages.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from maillage.api import selectors, services
from maillage.organisations.actor import actor_from_memberships, as_actor


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1", "replace").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("En-tête Authorization invalide : « Bearer <jeton> » attendu."))
        token = selectors.token_for_secret(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(_("Jeton inconnu, expiré ou révoqué."))
        user = token.created_by
        membership = as_actor(user).membership_in(token.organisation) if user.is_active else None
        if membership is None:
            raise exceptions.AuthenticationFailed(
                _("La personne qui a créé ce jeton n'est plus membre de l'organisation : le jeton ne vaut plus.")
            )
        services.note_use(token=token)
        request.api_token = token
        request.api_actor = actor_from_memberships(user, [membership])
        return user, token

    def authenticate_header(self, request):
        return self.keyword


try:  # the OpenAPI description of the scheme (drf-spectacular)
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
        target_class = "maillage.www.api.authentication.TokenAuthentication"
        name = "jeton"

        def get_security_definition(self, auto_schema):
            return {
                "type": "http",
                "scheme": "bearer",
                "description": "Jeton d'API de l'organisation (« mlg_… »), créé par un·e administrateur·rice "
                "dans Organisation › Jetons d'API.",
            }
except ImportError:  # pragma: no cover
    pass
