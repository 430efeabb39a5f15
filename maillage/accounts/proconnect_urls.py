"""ProConnect's endpoints, included by config/urls.py only with PROCONNECT_ENABLED.

mozilla-django-oidc's own URL module leaves its views under the default deny
(LoginRequiredMiddleware), which sent the start of the sign-in and ProConnect's
return to the login page: nobody could sign in. Both are anonymous by nature
(they run before anyone is signed in); the library checks the state and nonce
it stored in the session. Logging out stays for signed-in users.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from mozilla_django_oidc import views

urlpatterns = [
    path(
        "callback/",
        login_not_required(views.OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path(
        "authenticate/",
        login_not_required(views.OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path("logout/", views.OIDCLogoutView.as_view(), name="oidc_logout"),
]
