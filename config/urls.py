from django.conf import settings
from django.urls import include, path

urlpatterns = [
    path("", include("maillage.www.urls")),
    path("comptes/", include("maillage.www.accounts.urls")),
    path("comptes/", include("allauth.urls")),
    path("organisations/", include("maillage.www.organisations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.PROCONNECT_ENABLED:
    urlpatterns += [path("oidc/", include("mozilla_django_oidc.urls"))]

handler400 = "maillage.www.views.errors.bad_request"
handler403 = "maillage.www.views.errors.permission_denied"
handler404 = "maillage.www.views.errors.page_not_found"
handler500 = "maillage.www.views.errors.server_error"
