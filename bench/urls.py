"""Bench-only URLs (used by bench_foundation through override_settings, never
by a deployed settings module): the application's URLs plus one signed-in
page that renders nothing, to measure the fixed cost every signed-in page pays
(session, user, memberships, second-factor check) apart from its own work."""

from django.http import HttpResponse
from django.urls import include, path

from .jinja2_home import home_jinja2


def signed_in_empty(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("_bench/signed-in-empty", signed_in_empty),
    # The home page with a Jinja2 layout, beside the real one (decision 0014).
    path("_bench/home-jinja2", home_jinja2),
    path("", include("config.urls")),
]
