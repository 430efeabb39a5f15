"""ProConnect (OpenID Connect) settings, loaded only when PROCONNECT_ENABLED=1.

See docs/decisions/0005-proconnect.md and ../shared/ecosystem-notes.md. Endpoints
come from the environment (read them from the provider's discovery document at
onboarding); nothing is hard-coded.
"""

import os

OIDC_RP_CLIENT_ID = os.environ["PROCONNECT_CLIENT_ID"]
OIDC_RP_CLIENT_SECRET = os.environ["PROCONNECT_CLIENT_SECRET"]
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["PROCONNECT_AUTHORIZATION_ENDPOINT"]
OIDC_OP_TOKEN_ENDPOINT = os.environ["PROCONNECT_TOKEN_ENDPOINT"]
OIDC_OP_USER_ENDPOINT = os.environ["PROCONNECT_USERINFO_ENDPOINT"]
OIDC_OP_JWKS_ENDPOINT = os.environ["PROCONNECT_JWKS_ENDPOINT"]
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("PROCONNECT_LOGOUT_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("PROCONNECT_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email given_name usual_name siret uid idp_id"
OIDC_STORE_ID_TOKEN = True
OIDC_USE_PKCE = False  # ProConnect rejects unknown authorisation parameters (Y000400)
OIDC_CREATE_USER = False
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {
    "acr_values": "eidas1",
    "claims": '{"id_token":{"amr":{"essential":true},"acr":{"essential":true}}}',
}
OIDC_OP_LOGOUT_URL_METHOD = "maillage.accounts.proconnect.logout_url"
# mozilla-django-oidc redirects to this path as is (no URL name): the login
# page, which shows why (ProConnectBackend adds the message).
LOGIN_REDIRECT_URL_FAILURE = "/comptes/login/"
# acr values that prove a second factor (ecosystem-notes.md); eidas1 does not.
PROCONNECT_MFA_ACR_VALUES = [
    "eidas2",
    "eidas3",
    "https://proconnect.gouv.fr/assurance/self-asserted-2fa",
    "https://proconnect.gouv.fr/assurance/consistency-checked-2fa",
]
AUTHENTICATION_BACKENDS = [
    "maillage.accounts.proconnect.ProConnectBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
INSTALLED_APPS_EXTRA = ["mozilla_django_oidc"]
