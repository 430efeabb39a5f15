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
