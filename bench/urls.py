"""Bench-only URLs (used by bench_foundation through override_settings, never
by a deployed settings module): the application's URLs plus one signed-in
page that renders nothing, to measure the fixed cost every signed-in page pays
(session, user, memberships, second-factor check) apart from its own work."""

from django.http import HttpResponse
from django.urls import include, path


def signed_in_empty(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("_bench/signed-in-empty", signed_in_empty),
    path("", include("config.urls")),
]
