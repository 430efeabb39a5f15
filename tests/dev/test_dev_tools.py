"""Demo and development (issue 10 item 12): the address served in links,
the emails sent shown to a signed-in developer, the product's own error pages."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from maillage.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
DEV_MIDDLEWARE = [*settings.MIDDLEWARE, "maillage.www.dev.middleware.ProductErrorPagesMiddleware"]


def test_make_run_gives_the_port_to_the_links_of_emails_and_feeds():
    out = subprocess.run(
        ["make", "-n", "run", "PORT=8201"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    ).stdout
    assert 'export SITE_BASE_URL="${SITE_BASE_URL:-http://127.0.0.1:8201}"' in out
    assert "runserver 127.0.0.1:8201" in out


def test_dev_settings_build_the_site_url_from_the_port():
    env = {"PATH": "/usr/bin:/bin", "PORT": "8201", "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_BASE_URL)"
    out = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "http://127.0.0.1:8201"


def test_the_emails_page_lists_the_outbox_for_a_signed_in_developer(client, login, case_worker):
    OutboundEmail.objects.create(
        idempotency_key="k1",
        to="a@example.org",
        subject="Nouvelle orientation",
        body="Lien : http://127.0.0.1:8201/orientations/1/",
    )
    url = reverse("dev:emails")
    with override_settings(DEV_TOOLS=True):
        assert client.get(url).status_code == 302  # signed in only
        login(client, case_worker)
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Nouvelle orientation" in html and "http://127.0.0.1:8201/orientations/1/" in html
        assert reverse("dev:emails") in client.get(reverse("home")).content.decode()  # linked from the footer


def test_the_emails_page_is_a_404_in_production(client, login, case_worker):
    login(client, case_worker)
    with override_settings(DEV_TOOLS=False):
        assert client.get(reverse("dev:emails")).status_code == 404
        assert reverse("dev:emails") not in client.get(reverse("home")).content.decode()


@override_settings(DEBUG=True, MIDDLEWARE=DEV_MIDDLEWARE)
def test_development_refusals_show_the_products_404_not_the_url_list(client, login, case_worker):
    login(client, case_worker)
    unknown = client.get("/nulle-part/")
    assert unknown.status_code == 404
    html = unknown.content.decode()
    assert "Page introuvable" in html and "URLconf" not in html and "int:pk" not in html
    # A view refusing with Http404 (a case one may not see).
    refused = client.get(reverse("cases:detail", args=[999999]))
    assert refused.status_code == 404
    assert "Page introuvable" in refused.content.decode() and "Traceback" not in refused.content.decode()


@override_settings(DEBUG=True)
def test_without_the_middleware_django_would_list_the_urls(client, login, case_worker):
    # What the middleware replaces (keeps the test above honest).
    login(client, case_worker)
    assert "URLconf" in client.get("/nulle-part/").content.decode()
