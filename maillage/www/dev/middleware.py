"""The product's own 404 and 403 pages in development (issue 10 item 12).

With DEBUG on, Django answers a refusal or an unknown address with its
technical 404 page, which lists every URL pattern of the site: not what a
tester of the demo should see, nor what the product shows. Listed in
config/settings/dev.py only; production runs with DEBUG off, where Django
already uses config.urls.handler404/handler403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from maillage.www.views import errors


class ProductErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # No view matched (Resolver404): Django built its technical page.
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return errors.page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return errors.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return errors.permission_denied(request, exception)
        return None
