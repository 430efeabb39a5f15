"""In a browser: a case worker enrols a security key, signs in with password
then the key, renames it, confirms access with it and removes it, through
Chromium's virtual authenticator (DevTools protocol). Every page passes axe
(WCAG 2.0/2.1 A and AA) without a JavaScript error or CSP violation.

WebAuthn needs a secure context and a domain as relying party: the shared
server listens on 127.0.0.1, which Chromium refuses as an RP ID, so these
tests reach it as http://localhost (a secure context; allauth derives the RP
ID "localhost" from the Host header, and fido2 accepts http only there)."""

import os

import pytest

from tests.e2e.conftest import CHROMIUM, check_axe, follow, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (make test installs it)"
    ),
]

# A case worker no other browser test signs in as.
CASE_WORKER = "accompagnement.escale-marseille@demo.maillage.fr"


@pytest.fixture
def localhost_app(live_app):
    return {**live_app, "base": live_app["base"].replace("//127.0.0.1:", "//localhost:")}


@pytest.fixture
def authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    created = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return {"cdp": cdp, "id": created["authenticatorId"]}


def _credentials(authenticator):
    return authenticator["cdp"].send("WebAuthn.getCredentials", {"authenticatorId": authenticator["id"]})[
        "credentials"
    ]


def _ok(tab):
    assert not tab.js_errors, tab.js_errors
    check_axe(tab)


def _password_step(page, app, email):
    page.goto(app["base"] + "/comptes/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(app["accounts"][email]["password"])
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/2fa/authenticate/**")


def _sign_out(page, app):
    page.goto(app["base"] + "/comptes/logout/")
    follow(page.locator("main form button[type=submit]"))


def test_enrol_a_key_then_sign_in_with_it(page, localhost_app, authenticator):
    app, base = localhost_app, localhost_app["base"]
    sign_in(page, app, CASE_WORKER)  # password + TOTP

    page.goto(base + "/comptes/2fa/")
    _ok(page)
    assert page.get_by_role("heading", name="Clés de sécurité").count() == 1
    page.get_by_role("link", name="Ajouter une clé de sécurité").click()

    # Changing the second factors asks for the password again first.
    page.wait_for_url("**/comptes/reauthenticate/**")
    _ok(page)
    page.locator("input[name=password]").fill(app["accounts"][CASE_WORKER]["password"])
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url("**/2fa/webauthn/add/")
    _ok(page)
    assert page.get_by_label("Nom de la clé").count() == 1

    page.get_by_label("Nom de la clé").fill("Clé USB bleue")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    assert page.get_by_text("Clé de sécurité ajoutée.").count() == 1
    _ok(page)  # the recovery codes page (created with the first key) or the security page
    credentials = _credentials(authenticator)
    assert len(credentials) == 1
    assert credentials[0]["rpId"] == "localhost"

    page.goto(base + "/comptes/2fa/")
    assert page.get_by_text("Clé USB bleue").count() == 1
    page.get_by_role("link", name="Gérer les clés de sécurité").click()
    page.wait_for_url("**/2fa/webauthn/")
    _ok(page)
    assert page.get_by_role("cell", name="Clé USB bleue", exact=True).count() == 1
    assert page.get_by_role("cell", name="Jamais utilisée", exact=True).count() == 1

    # Password, then the key instead of a code.
    _sign_out(page, app)
    _password_step(page, app, CASE_WORKER)
    _ok(page)
    page.get_by_role("button", name="Utiliser une clé de sécurité").click()
    page.wait_for_url(base + "/")
    assert not page.js_errors, page.js_errors
    assert _credentials(authenticator)[0]["signCount"] >= 2
    # The second-factor middleware lets the key through to victims' files.
    response = page.goto(base + "/dossiers/")
    assert response.status == 200
    assert "/comptes/" not in page.url

    # Rename, confirming access with the key.
    page.goto(base + "/comptes/2fa/webauthn/")
    assert page.get_by_role("cell", name="Jamais utilisée", exact=True).count() == 0
    page.get_by_role("link", name="Renommer Clé USB bleue").click()
    page.wait_for_url("**/comptes/reauthenticate/**")
    page.get_by_role("link", name="Utiliser une clé de sécurité").click()
    page.wait_for_url("**/2fa/webauthn/reauthenticate/**")
    _ok(page)
    page.get_by_role("button", name="Utiliser une clé de sécurité").click()
    page.wait_for_url("**/2fa/webauthn/keys/*/edit/")
    _ok(page)
    page.get_by_label("Nom de la clé").fill("Clé USB verte")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/2fa/webauthn/")
    assert page.get_by_role("cell", name="Clé USB verte", exact=True).count() == 1

    # Remove, with a confirmation page.
    page.get_by_role("link", name="Retirer Clé USB verte").click()
    page.wait_for_url("**/keys/*/remove/")
    _ok(page)
    assert page.get_by_text("Retirer la clé « Clé USB verte » ?").count() == 1
    page.get_by_role("button", name="Retirer la clé").click()
    page.wait_for_url("**/2fa/webauthn/")
    assert page.get_by_text("Clé de sécurité enlevée.").count() == 1
    assert page.get_by_role("cell", name="Clé USB verte", exact=True).count() == 0
    _ok(page)

    # Without a key, the second-factor page offers only the code.
    _sign_out(page, app)
    _password_step(page, app, CASE_WORKER)
    assert page.get_by_role("button", name="Utiliser une clé de sécurité").count() == 0


def test_a_key_that_does_not_answer_shows_a_french_error(page, localhost_app, authenticator):
    app, base = localhost_app, localhost_app["base"]
    sign_in(page, app, CASE_WORKER)
    page.goto(base + "/comptes/reauthenticate/?next=/comptes/2fa/webauthn/add/")
    page.locator("input[name=password]").fill(app["accounts"][CASE_WORKER]["password"])
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url("**/2fa/webauthn/add/")
    page.get_by_label("Nom de la clé").fill("Clé perdue")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)

    # The key is lost: the authenticator no longer holds the credential.
    authenticator["cdp"].send("WebAuthn.clearCredentials", {"authenticatorId": authenticator["id"]})
    _sign_out(page, app)
    _password_step(page, app, CASE_WORKER)
    assert page.locator("#webauthn-error").is_hidden()
    page.get_by_role("button", name="Utiliser une clé de sécurité").click()
    page.locator("#webauthn-error").wait_for(state="visible")
    assert "n'a pas pu être utilisée" in page.locator("#webauthn-error").inner_text()
    assert "/2fa/authenticate/" in page.url
    _ok(page)  # handled: no console error

    # Recovery: sign in with the app code and remove the lost key.
    page.get_by_role("button", name="Annuler").click()
    page.wait_for_url("**/comptes/login/**")
    sign_in(page, app, CASE_WORKER)
    page.goto(base + "/comptes/reauthenticate/?next=/comptes/2fa/webauthn/")
    page.locator("input[name=password]").fill(app["accounts"][CASE_WORKER]["password"])
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url("**/2fa/webauthn/")
    page.get_by_role("link", name="Retirer Clé perdue").click()
    page.get_by_role("button", name="Retirer la clé").click()
    page.wait_for_url("**/2fa/webauthn/")
    assert page.get_by_role("cell", name="Clé perdue", exact=True).count() == 0
