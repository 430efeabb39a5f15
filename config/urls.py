from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("maillage.www.urls")),
    path("comptes/", include("maillage.www.accounts.urls")),
    path("comptes/", include("allauth.urls")),
    path("organisations/", include("maillage.www.organisations.urls")),
    path("coordination/", include("maillage.www.coordination.urls")),
    path("annuaire/", include("maillage.www.directory.urls")),
    path("plan/", include("maillage.www.plans.urls")),
    path("dossiers/", include("maillage.www.cases.urls")),
    path("orientations/", include("maillage.www.referrals.urls")),
    path("api/", include("maillage.www.api.urls")),
    # The header's language switcher is on anonymous pages too (login page).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # Development pages: each answers 404 unless settings.DEV_TOOLS (dev.py).
    path("dev/", include("maillage.www.dev.urls")),
]

if settings.PROCONNECT_ENABLED:
    urlpatterns += [path("oidc/", include("maillage.accounts.proconnect_urls"))]

handler400 = "maillage.www.views.errors.bad_request"
handler403 = "maillage.www.views.errors.permission_denied"
handler404 = "maillage.www.views.errors.page_not_found"
handler500 = "maillage.www.views.errors.server_error"
