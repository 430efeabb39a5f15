import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from . import context


def client_ip(request) -> str | None:
    """The client's address for the journal. Behind our reverse proxies
    (ALLAUTH_TRUSTED_PROXY_COUNT of them, docs/operations.md) it is the
    X-Forwarded-For entry the outermost one appended, counted from the right:
    the entries before it are whatever the client sent, and could be forged.
    Without trusted proxies, the socket's address."""
    trusted = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if trusted > 0 and forwarded:
        return forwarded[-min(trusted, len(forwarded))]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ctx = context.RequestContext(
            request_id=context.new_request_id(),
            method=request.method or "",
            path=request.path,
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
        )
        request.request_id = ctx.request_id
        with context.bind(ctx):
            response = self.get_response(request)
        response["X-Request-Id"] = ctx.request_id
        return response


class RequestSizeLimitMiddleware:
    """Refuse oversized bodies before anything reads them, with a French page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            body = render_to_string("errors/413.html", {"max_mb": settings.MAX_REQUEST_BODY_BYTES // (1024 * 1024)})
            return HttpResponse(body, status=413)
        return self.get_response(request)


class NoStoreForAuthenticatedMiddleware:
    """Pages for signed-in users may show victims' data: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            response["Cache-Control"] += ", no-store, private"
        return response


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.value = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.value)
        return response


_DATABASE_DOWN = "_maillage_database_down"
logger = logging.getLogger("maillage.core.database")


@receiver(got_request_exception)
def _note_database_down(sender, request=None, **kwargs):
    """Django turns an exception into a 500 response at the boundary of each
    middleware, so no outer middleware sees it; this signal is sent while the
    exception is being handled, whatever layer raised it."""
    exc = sys.exc_info()[1]
    if request is not None and isinstance(exc, (OperationalError, InterfaceError)):
        setattr(request, _DATABASE_DOWN, True)


class DatabaseUnavailableMiddleware:
    """A database that is down or restarting gives a French 503 page (with
    Retry-After), never a 500 with a trace; the next request reconnects by
    itself (Django opens a new connection when the old one is unusable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _DATABASE_DOWN, False):
            logger.error("Database unavailable: answered 503.")
            ctx = context.current()
            body = render_to_string("errors/503.html", {"request_id": ctx.request_id if ctx else ""})
            response = HttpResponse(body, status=503)
            response["Retry-After"] = "30"
            add_never_cache_headers(response)
        return response
