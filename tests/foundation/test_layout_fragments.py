"""The layout's invariant fragments (header, footer, static links) are
rendered once per language and process: the pages stay byte for byte what
they were without the cache, and what depends on the person or the language
still changes (issue 17, docs/decisions/0014-layout-fragments.md)."""

import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from maillage.www.templatetags import fragments

pytestmark = pytest.mark.django_db

# Per-request values that differ between two renderings of the same page.
PER_REQUEST = re.compile(r'(name="csrfmiddlewaretoken" value=|nonce=)"[^"]*"')


def _page(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return PER_REQUEST.sub(r'\1"…"', response.content.decode())


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("page", ["home", "account_login", "accessibility", "organisation_switch"])
def test_pages_are_byte_identical_with_and_without_the_fragment_cache(
    client, login, org_admin, monkeypatch, language, page
):
    if page != "account_login":
        login(client, org_admin)
    url = reverse(page)
    monkeypatch.setattr(fragments, "enabled", False)
    plain = _page(client, url, language)
    monkeypatch.setattr(fragments, "enabled", True)
    first = _page(client, url, language)  # renders and stores the fragments
    second = _page(client, url, language)  # served from them
    assert first == plain
    assert second == plain
    assert f'<html lang="{language}"' in plain


def test_switching_language_changes_the_cached_header_and_footer(client, login, org_admin):
    login(client, org_admin)
    french = _page(client, reverse("home"), "fr")
    english = _page(client, reverse("home"), "en")
    assert "Coordination nationale de la lutte contre la traite" in french
    assert "Mentions légales" in french
    assert "Coordination nationale de la lutte contre la traite" not in english
    assert "Mentions légales" not in english
    assert "Se déconnecter" in french and "Se déconnecter" not in english


def test_signing_out_and_another_person_change_what_is_personal(
    client, login, org_admin, organisation, outsider, other_organisation
):
    login(client, org_admin)
    page = _page(client, reverse("home"), "fr")
    assert organisation.display_name in page and "Se déconnecter" in page
    client.post(reverse("account_logout"))
    page = _page(client, reverse("account_login"), "fr")
    assert "Se déconnecter" not in page and "Mon compte" not in page
    assert organisation.display_name not in page
    assert "Se connecter" in page
    login(client, outsider)
    page = _page(client, reverse("home"), "fr")
    assert other_organisation.display_name in page and organisation.display_name not in page


def test_a_fragment_sees_neither_the_person_nor_the_request(org_admin, rf):
    """A variable put inside a fragment by mistake renders empty instead of
    being cached for everyone (the byte comparison above then fails)."""
    template = Template(
        "{% load fragments %}{% invariant %}[{{ user.email }}|{{ request.path }}|{{ SITE_NAME }}]{% endinvariant %}"
    )
    request = rf.get("/secret/")
    html = template.render(Context({"user": org_admin, "request": request, "SITE_NAME": "ignored"}))
    assert html == f"[||{settings.SITE_NAME}]"
    assert org_admin.email not in template.render(Context({"user": org_admin}))
