"""Errors as RFC 9457 problem details (application/problem+json), in French
by default (English with Accept-Language: en)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

TITLES = {
    400: lambda: _("Requête invalide"),
    401: lambda: _("Authentification requise"),
    403: lambda: _("Action non autorisée"),
    404: lambda: _("Introuvable"),
    405: lambda: _("Méthode non autorisée"),
    406: lambda: _("Format non disponible"),
    409: lambda: _("Conflit"),
    413: lambda: _("Requête trop volumineuse"),
    415: lambda: _("Type de contenu non pris en charge"),
    429: lambda: _("Trop de requêtes"),
}


def _flatten(detail):
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def problem_response(status_code: int, detail, *, errors=None, headers=None) -> Response:
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status_code, lambda: _("Erreur"))()),
        "status": status_code,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers, content_type="application/problem+json")
    return response


def handle(exc, context):
    request = context.get("request")
    if request is not None:
        # A problem is JSON whatever format the data was asked in (?format=csv).
        from rest_framework.renderers import JSONRenderer

        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/problem+json"
    # Domain refusals: a policy refusal is a 404 (nothing reveals what exists),
    # a service's ValidationError a 400 with its French messages.
    if isinstance(exc, PermissionDenied | Http404):
        return problem_response(404, _("Rien à cette adresse, ou rien qui vous soit accessible."))
    if isinstance(exc, ValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return problem_response(400, _("Les données envoyées ne sont pas acceptées."), errors=errors)
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = getattr(exc, "detail", "")
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(detail)
        detail = _("Les données envoyées ne sont pas acceptées.")
    elif isinstance(exc, exceptions.Throttled):
        detail = _("Trop de requêtes : réessayez dans %(s)s secondes.") % {"s": (exc.wait and int(exc.wait)) or 1}
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}
    return problem_response(response.status_code, detail, errors=errors, headers=headers)


__all__ = ["handle", "problem_response", "status"]


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
}
OPEN_ERRORS = {
    "400": "Requête invalide",
    "404": "Introuvable",
    "406": "Format non disponible",
    "429": "Trop de requêtes",
}
TOKEN_ERRORS = {
    **OPEN_ERRORS,
    "401": "Jeton absent, inconnu, expiré ou révoqué",
    "403": "Droit manquant sur ce jeton",
    "405": "Méthode non autorisée",
    "415": "Type de contenu non pris en charge",
}


def add_problem_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation documents its
    errors as problem details (what schemathesis checks the answers against)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    # Writes refuse unknown fields (issue 14: never ignored silently): say so.
    for name, component in schemas.items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            needs_token = any(s for s in operation.get("security", []) if s)
            for code, answer in operation["responses"].items():
                if code.startswith("4") and "content" not in answer:
                    answer["content"] = {
                        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }
            for code, description in (TOKEN_ERRORS if needs_token else OPEN_ERRORS).items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    },
                )
    return result


def not_found(request, *args, **kwargs):
    """An address under /api/ that names nothing (a malformed identifier
    included): a problem detail like any other API error."""
    from django.http import JsonResponse

    return JsonResponse(
        {
            "type": "about:blank",
            "title": str(TITLES[404]()),
            "status": 404,
            "detail": _("Aucune adresse de l'API ne correspond."),
        },
        status=404,
        content_type="application/problem+json",
    )


not_found.login_required = False
not_found.csrf_exempt = True
