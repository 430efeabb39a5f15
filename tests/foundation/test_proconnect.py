"""Optional ProConnect login: accounts matched on the professional email,
second factor proven by the `acr` claim for roles that read victims' data."""

from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from maillage.accounts import mfa
from maillage.accounts.proconnect import ProConnectBackend, acr_proves_second_factor

pytestmark = pytest.mark.django_db

OIDC = {
    "OIDC_RP_CLIENT_ID": "maillage-test",
    "OIDC_RP_CLIENT_SECRET": "secret",
    "OIDC_OP_TOKEN_ENDPOINT": "https://proconnect.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://proconnect.example/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://proconnect.example/jwks",
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_RP_SCOPES": "openid email given_name usual_name siret uid idp_id",
    "OIDC_CREATE_USER": False,
    "PROCONNECT_MFA_ACR_VALUES": ["eidas2", "eidas3", "https://proconnect.gouv.fr/assurance/self-asserted-2fa"],
}


@pytest.fixture
def backend(settings):
    for key, value in OIDC.items():
        setattr(settings, key, value)
    request = RequestFactory().get("/oidc/callback/")
    request.session = SessionStore()
    instance = ProConnectBackend()
    instance.request = request
    return instance


def _login(backend, email, acr):
    with mock.patch.object(ProConnectBackend, "get_userinfo", return_value={"email": email, "sub": "sub-123"}):
        return backend.get_or_create_user("access", "id-token", {"acr": acr, "sub": "sub-123"})


def test_acr_values_that_prove_a_second_factor(settings):
    settings.PROCONNECT_MFA_ACR_VALUES = OIDC["PROCONNECT_MFA_ACR_VALUES"]
    assert acr_proves_second_factor("eidas2")
    assert not acr_proves_second_factor("eidas1")  # eidas1 proves no second factor
    assert not acr_proves_second_factor(None)


def test_case_worker_with_two_factor_acr_is_signed_in_and_the_session_counts_as_verified(backend, case_worker):
    user = _login(backend, case_worker.email.upper(), "eidas2")
    assert user == case_worker
    assert backend.request.session[mfa.SESSION_PROCONNECT_MFA] is True
    case_worker.refresh_from_db()
    assert case_worker.proconnect_sub == "sub-123"


def test_case_worker_with_eidas1_is_refused(backend, case_worker):
    assert _login(backend, case_worker.email, "eidas1") is None
    assert mfa.SESSION_PROCONNECT_MFA not in backend.request.session


def test_plain_member_may_use_eidas1(backend, plain_member):
    assert _login(backend, plain_member.email, "eidas1") == plain_member
    assert backend.request.session[mfa.SESSION_PROCONNECT_MFA] is False


def test_unknown_email_is_not_created(backend):
    from django.contrib.auth import get_user_model

    assert _login(backend, "inconnu@exemple.fr", "eidas2") is None
    assert not get_user_model().objects.filter(email="inconnu@exemple.fr").exists()


def test_deactivated_account_is_not_matched(backend, case_worker):
    case_worker.is_active = False
    case_worker.save()
    assert _login(backend, case_worker.email, "eidas2") is None


def test_a_session_opened_through_proconnect_ends_when_the_account_is_deactivated(backend, case_worker):
    # Django reloads the user of every request through the backend that signed
    # them in; mozilla-django-oidc's get_user does not look at is_active,
    # where ModelBackend does.
    assert backend.get_user(case_worker.pk) == case_worker
    case_worker.is_active = False
    case_worker.save()
    assert backend.get_user(case_worker.pk) is None


@pytest.fixture
def proconnect_urls(settings, backend):
    """The project's URLs as config/urls.py builds them with PROCONNECT_ENABLED
    (the flag is read once, at import)."""
    import sys
    import types

    from django.urls import clear_url_caches, include, path

    from config.urls import urlpatterns

    module = types.ModuleType("tests_proconnect_urls")
    module.urlpatterns = [*urlpatterns, path("oidc/", include("maillage.accounts.proconnect_urls"))]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://proconnect.example/authorize"
    clear_url_caches()
    yield
    clear_url_caches()
    del sys.modules[module.__name__]


def test_proconnect_sign_in_starts_and_returns_without_an_account(client, proconnect_urls):
    # Default deny (LoginRequiredMiddleware) sent both endpoints to the login
    # page, so nobody could ever sign in through ProConnect.
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://proconnect.example/authorize?")
    # Back from ProConnect with a state this browser never asked for: refused
    # by the OIDC library (400), not by the login redirect.
    response = client.get("/oidc/callback/?code=abc&state=inconnu")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_proconnect_logout_stays_behind_the_login(client, proconnect_urls):
    response = client.post("/oidc/logout/")
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/?next=")


def test_a_refused_proconnect_sign_in_lands_on_the_login_page(monkeypatch):
    # The failure URL named a page that does not exist (/comptes/connexion/):
    # a case worker refused for want of a second factor got a 404 instead of
    # the login page and its explanation.
    import importlib

    from django.urls import resolve

    for name in (
        "CLIENT_ID",
        "CLIENT_SECRET",
        "AUTHORIZATION_ENDPOINT",
        "TOKEN_ENDPOINT",
        "USERINFO_ENDPOINT",
        "JWKS_ENDPOINT",
    ):
        monkeypatch.setenv(f"PROCONNECT_{name}", "https://proconnect.example/x")
    proconnect_settings = importlib.import_module("config.settings.proconnect")
    assert resolve(proconnect_settings.LOGIN_REDIRECT_URL_FAILURE).url_name == "account_login"


def test_a_refused_proconnect_sign_in_says_why(backend, case_worker):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    backend.request._messages = FallbackStorage(backend.request)
    assert _login(backend, case_worker.email, "eidas1") is None
    texts = [str(m) for m in get_messages(backend.request)]
    assert any("second facteur" in text for text in texts), texts


def test_a_proconnect_sign_in_is_in_the_journal(backend, case_worker):
    # Password sign-ins are journalled from allauth's signal, which a
    # ProConnect sign-in (Django's login, called by mozilla-django-oidc) never
    # sends.
    from django.contrib.auth import login

    from maillage.core.models import AuditEvent

    user = _login(backend, case_worker.email, "eidas2")
    login(backend.request, user, backend="maillage.accounts.proconnect.ProConnectBackend")
    event = AuditEvent.objects.get(action="auth.login", actor=case_worker)
    assert event.details == {"method": "proconnect"}


def test_signing_out_of_a_proconnect_session_ends_it_at_proconnect_too(client, settings, plain_member, member):
    from urllib.parse import parse_qs, urlsplit

    for key, value in OIDC.items():
        setattr(settings, key, value)
    settings.OIDC_OP_LOGOUT_ENDPOINT = "https://proconnect.example/session/end"
    settings.AUTHENTICATION_BACKENDS = [
        "maillage.accounts.proconnect.ProConnectBackend",
        *settings.AUTHENTICATION_BACKENDS,
    ]
    client.force_login(plain_member, backend="maillage.accounts.proconnect.ProConnectBackend")
    session = client.session
    session["oidc_id_token"] = "id-token-of-the-session"
    session.save()
    response = client.post("/comptes/logout/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == "https://proconnect.example/session/end"
    assert parse_qs(target.query)["id_token_hint"] == ["id-token-of-the-session"]
    assert "_auth_user_id" not in client.session  # signed out here as well

    # A password session signs out here only.
    other = member().user
    client.force_login(other, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/comptes/logout/")
    assert response.status_code == 302 and not response["Location"].startswith("https://proconnect.example")
