"""Scopes: a view declares the scope each method needs (`required_scopes`)."""

from __future__ import annotations

from rest_framework.permissions import BasePermission


class HasScope(BasePermission):
    message = "Ce jeton n'a pas le droit nécessaire pour cette action."

    def has_permission(self, request, view) -> bool:
        token = getattr(request, "api_token", None)
        if token is None:
            return False
        needed = getattr(view, "required_scopes", {}).get(request.method)
        return needed is not None and needed in token.scopes
