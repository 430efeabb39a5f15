"""Security keys (WebAuthn) as a second factor, server side: they count as
enrolment for the middleware, recovery codes alone do not, the pages are in
French and DSFR, passkey login stays off. The browser ceremony itself is in
tests/accounts/test_webauthn_browser.py."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.internal.auth import WebAuthn
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from fido2.utils import websafe_decode, websafe_encode

from maillage.accounts import mfa
from maillage.core.models import AuditEvent
from maillage.organisations.enums import Role

from ..factories import TEST_PASSWORD, MembershipFactory, UserFactory
from .softkey import SoftKey

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def add_key(user, name="Clé USB bleue", key=None):
    """Store a key as allauth does after a registration ceremony."""
    key = key or SoftKey()
    credential = json.loads(key.register({"publicKey": {"challenge": websafe_encode(os.urandom(32))}}))
    return WebAuthn.add(user, name, credential).instance


def add_recovery_codes(user):
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00" * 20, "used_mask": 0}
    )


def key_only_case_worker(organisation, key=None):
    user = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER, user=UserFactory(with_totp=False)).user
    add_key(user, key=key)
    add_recovery_codes(user)
    return user


def sign_in_with(client, user, *records):
    """A signed-in session whose allauth authentication records are `records`."""
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[0])
    session = client.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": user.email},
        *records,
    ]
    session.save()


def used_totp():
    return {"method": "mfa", "at": time.time(), "type": "totp"}


def reauthenticated(user):
    """allauth asks again for the password (or a factor) before any change to
    the second factors, unless this record is less than 5 minutes old."""
    return {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}


def test_any_enrolled_method_counts_but_not_recovery_codes_alone(organisation):
    nothing = UserFactory(with_totp=False)
    assert not mfa.has_second_factor(nothing)
    add_recovery_codes(nothing)
    assert not mfa.has_second_factor(nothing)
    assert mfa.has_second_factor(UserFactory(with_totp=True))
    key_only = key_only_case_worker(organisation)
    assert mfa.has_second_factor(key_only)
    assert not mfa.has_totp(key_only)


def test_case_worker_with_only_a_key_who_used_it_reaches_the_pages(client, organisation):
    user = key_only_case_worker(organisation)
    sign_in_with(client, user, {"method": "mfa", "at": time.time(), "type": "webauthn", "id": 1})
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("notifications")).status_code == 200


def test_profile_shows_a_key_only_second_factor_as_active(client, organisation):
    user = key_only_case_worker(organisation)
    sign_in_with(client, user, {"method": "mfa", "at": time.time(), "type": "webauthn", "id": 1})
    page = client.get(reverse("account_profile")).content.decode()
    assert "Double authentification activée" in page
    assert "Votre rôle exige la double authentification" not in page


def test_case_worker_with_only_a_key_who_skipped_it_is_logged_out_not_sent_to_enrolment(client, organisation):
    user = key_only_case_worker(organisation)
    sign_in_with(client, user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_recovery_codes_alone_are_not_an_enrolment(client, organisation):
    user = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER, user=UserFactory(with_totp=False)).user
    add_recovery_codes(user)
    sign_in_with(client, user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


def test_enrolment_page_offers_the_app_and_a_key(client, organisation):
    user = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER, user=UserFactory(with_totp=False)).user
    sign_in_with(client, user)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_index")
    text = response.content.decode()
    assert "activez la double authentification" in text
    assert reverse("mfa_activate_totp") in text
    assert reverse("mfa_add_webauthn") in text
    assert "Ajouter une clé de sécurité" in text


def test_security_page_shows_and_links_the_keys(client, case_worker, login):
    add_key(case_worker, "Clé USB bleue")
    add_key(case_worker, "Ordinateur du bureau")
    login(client, case_worker)
    text = client.get(reverse("mfa_index")).content.decode()
    assert "Clés de sécurité" in text
    assert "Vous avez ajouté 2 clés de sécurité." in text
    assert "Clé USB bleue" in text and "Ordinateur du bureau" in text
    assert reverse("mfa_list_webauthn") in text
    assert "Gérer les clés de sécurité" in text
    assert reverse("mfa_deactivate_totp") in text  # the app is still managed here


def test_key_list_rename_and_remove_pages(client, case_worker):
    key = add_key(case_worker, "Clé USB bleue")
    sign_in_with(client, case_worker, used_totp(), reauthenticated(case_worker))
    listing = client.get(reverse("mfa_list_webauthn")).content.decode()
    assert "Clé USB bleue" in listing
    assert "Jamais utilisée" in listing
    assert reverse("mfa_edit_webauthn", kwargs={"pk": key.pk}) in listing
    assert reverse("mfa_remove_webauthn", kwargs={"pk": key.pk}) in listing

    edit = client.get(reverse("mfa_edit_webauthn", kwargs={"pk": key.pk})).content.decode()
    assert "Nom de la clé" in edit
    assert 'value="Clé USB bleue"' in edit

    confirm = client.get(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk}))
    assert confirm.status_code == 200
    assert "Retirer la clé « Clé USB bleue » ?" in confirm.content.decode()


def test_removing_a_key_requires_a_recent_reauthentication_then_is_audited(client, case_worker):
    key = add_key(case_worker)
    # Signed in with password and code, but not "re-authenticated".
    sign_in_with(client, case_worker, used_totp())
    response = client.post(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert Authenticator.objects.filter(pk=key.pk).exists()

    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    response = client.post(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk}))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=key.pk).exists()
    assert AuditEvent.objects.filter(action="auth.mfa_removed", actor=case_worker, details__type="webauthn").exists()


def test_another_persons_key_is_a_404(client, case_worker, organisation):
    someone_else = key_only_case_worker(organisation)
    key = Authenticator.objects.get(user=someone_else, type=Authenticator.Type.WEBAUTHN)
    sign_in_with(client, case_worker, used_totp(), reauthenticated(case_worker))
    assert client.get(reverse("mfa_edit_webauthn", kwargs={"pk": key.pk})).status_code == 404
    assert client.get(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})).status_code == 404


def test_add_key_page_is_french_and_binds_the_key_to_this_host(client, case_worker):
    sign_in_with(client, case_worker, used_totp(), reauthenticated(case_worker))
    response = client.get(reverse("mfa_add_webauthn"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nom de la clé" in text
    assert ">Name<" not in text
    assert 'name="passwordless"' not in text  # passkey login is off
    data = response.context["js_data"]["creation_options"]["publicKey"]
    assert data["rp"]["id"] == "testserver"
    assert data["authenticatorSelection"]["residentKey"] == "discouraged"


def test_second_factor_page_offers_the_key_only_to_key_holders(client, organisation, case_worker):
    client.post("/comptes/login/", {"login": case_worker.email, "password": TEST_PASSWORD})
    totp_only = client.get("/comptes/2fa/authenticate/").content.decode()
    assert "Utiliser une clé de sécurité" not in totp_only
    assert 'name="code"' in totp_only

    client.post("/comptes/logout/")
    user = key_only_case_worker(organisation)
    client.post("/comptes/login/", {"login": user.email, "password": TEST_PASSWORD})
    text = client.get("/comptes/2fa/authenticate/").content.decode()
    assert "Utiliser une clé de sécurité" in text
    assert "Ou avec un code" in text  # recovery codes still work
    assert "Utilisez une clé secrète" not in text  # allauth's mistranslation


def test_sign_in_with_password_then_key(client, organisation):
    key = SoftKey()
    user = key_only_case_worker(organisation, key=key)
    response = client.post("/comptes/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response["Location"].startswith("/comptes/2fa/authenticate/")
    assert "_auth_user_id" not in client.session

    page = client.get("/comptes/2fa/authenticate/")
    options = page.context["js_data"]["request_options"]
    assert options["publicKey"]["rpId"] == "testserver"
    response = client.post("/comptes/2fa/authenticate/", {"credential": key.sign_in(options)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    # The middleware accepts the key as the second factor.
    assert client.get(reverse("home")).status_code == 200
    assert Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN).last_used_at is not None


def test_enrol_a_key_through_the_add_page(client, case_worker):
    sign_in_with(client, case_worker, used_totp(), reauthenticated(case_worker))
    page = client.get(reverse("mfa_add_webauthn"))
    key = SoftKey()
    response = client.post(
        reverse("mfa_add_webauthn"),
        {"name": "Clé du bureau", "credential": key.register(page.context["js_data"]["creation_options"])},
    )
    assert response.status_code == 302
    stored = Authenticator.objects.get(user=case_worker, type=Authenticator.Type.WEBAUTHN)
    assert stored.wrap().name == "Clé du bureau"
    assert AuditEvent.objects.filter(action="auth.mfa_added", actor=case_worker, details__type="webauthn").exists()


def test_key_of_another_site_is_refused_at_enrolment(client, case_worker):
    sign_in_with(client, case_worker, used_totp(), reauthenticated(case_worker))
    page = client.get(reverse("mfa_add_webauthn"))
    phished = SoftKey(rp_id="maillage.example.org", origin="https://maillage.example.org")
    response = client.post(
        reverse("mfa_add_webauthn"),
        {"name": "Clé", "credential": phished.register(page.context["js_data"]["creation_options"])},
    )
    assert response.status_code == 200
    assert "pas été acceptée. Code incorrect." in response.content.decode()
    assert not Authenticator.objects.filter(user=case_worker, type=Authenticator.Type.WEBAUTHN).exists()


def test_pages_with_key_scripts_have_no_inline_script(client, organisation):
    """CSP is script-src 'self' 'nonce-…': every script is a file from 'self',
    a nonced one, or a JSON data block."""
    import re

    user = key_only_case_worker(organisation)
    client.post("/comptes/login/", {"login": user.email, "password": TEST_PASSWORD})
    text = client.get("/comptes/2fa/authenticate/").content.decode()
    tags = re.findall(r"<script\b[^>]*>", text)
    assert any("mfa/js/webauthn.js" in tag for tag in tags)
    for tag in tags:
        assert "src=" in tag or "nonce=" in tag or 'type="application/json"' in tag, tag
    assert " onclick=" not in text


def test_forged_key_response_is_refused(client, organisation):
    user = key_only_case_worker(organisation)
    client.post("/comptes/login/", {"login": user.email, "password": TEST_PASSWORD})
    page = client.get("/comptes/2fa/authenticate/")
    # Another key, not registered for this person, answering the right challenge.
    impostor = SoftKey()
    impostor.credential_id = websafe_decode(
        page.context["js_data"]["request_options"]["publicKey"]["allowCredentials"][0]["id"]
    )
    response = client.post(
        "/comptes/2fa/authenticate/", {"credential": impostor.sign_in(page.context["js_data"]["request_options"])}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "pas été acceptée. Code incorrect." in response.content.decode()


def test_reauthentication_offers_the_key_in_french(client, organisation):
    user = key_only_case_worker(organisation)
    sign_in_with(client, user, {"method": "mfa", "at": time.time(), "type": "webauthn", "id": 1})
    text = client.get(reverse("account_reauthenticate")).content.decode()
    assert "Autres méthodes" in text
    assert "Utiliser une clé de sécurité" in text
    assert reverse("mfa_reauthenticate_webauthn") in text
    page = client.get(reverse("mfa_reauthenticate_webauthn"))
    assert page.status_code == 200
    assert 'id="mfa_webauthn_reauthenticate"' in page.content.decode()


def test_passkey_login_is_off():
    assert "webauthn" in settings.MFA_SUPPORTED_TYPES
    assert settings.MFA_PASSKEY_LOGIN_ENABLED is False
    assert settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN is False
    with pytest.raises(NoReverseMatch):
        reverse("mfa_login_webauthn")


def test_production_settings_never_accept_insecure_origins():
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "x" * 50,
        "DATABASE_URL": "sqlite:///:memory:",
        "FIELD_ENCRYPTION_KEYS": "dGVzdC1rZXktMDEyMzQ1Njc4OWFiY2RlZmdoaWprbG0=",
        "LOOKUP_HASH_KEY": "k",
        # Not a setting read from the environment: must change nothing.
        "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN": "1",
        "DEBUG": "1",
    }
    code = (
        "from config.settings import prod; "
        "print(prod.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN, prod.MFA_PASSKEY_LOGIN_ENABLED)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]
