import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import User

pytestmark = pytest.mark.django_db


def _script_src(csp: str) -> str:
    for directive in csp.split(";"):
        directive = directive.strip()
        if directive.startswith("script-src"):
            return directive
    return ""


def test_login_page_has_a_strict_csp_with_nonced_scripts(client):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    script_src = _script_src(csp)
    assert script_src
    assert "'unsafe-inline'" not in script_src
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag
    assert "frame-ancestors 'none'" in csp


def test_security_headers(client):
    response = client.get(reverse("account_login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_authenticated_pages_are_not_stored(client, case_worker, login):
    login(client, case_worker)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_oversized_request_is_refused_in_french(client):
    response = client.post(
        reverse("account_login"),
        data=b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BODY_BYTES + 1),
    )
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.content.decode()
    assert "Rien n'a été enregistré" in response.content.decode()


def test_forged_csrf_is_refused_and_writes_nothing(case_worker, login):
    client = Client(enforce_csrf_checks=True)
    login(client, case_worker)
    response = client.post(
        reverse("account_profile"),
        {"first_name": "Forgé", "last_name": "Pirate", "phone": "", "weekly_digest_enabled": ""},
    )
    assert response.status_code == 403
    text = response.content.decode()
    assert "Formulaire expiré ou invalide" in text
    assert "Rien n'a été enregistré" in text
    case_worker.refresh_from_db()
    assert case_worker.first_name != "Forgé"
    assert not User.objects.filter(last_name="Pirate").exists()


def test_forged_csrf_on_login_is_refused(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "x@exemple.fr", "password": "y"})
    assert response.status_code == 403
    assert "Formulaire expiré ou invalide" in response.content.decode()
