"""In a browser: the public directory, a search, a profile, the coverage map
and the profile edit form pass axe (WCAG 2.0/2.1 A and AA) without a
JavaScript or CSP error. Uses the shared e2e server seeded with seed_demo."""

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

SHELTER_ADMIN = "chrs.tilleuls@demo.maillage.fr"
COORDINATOR = "coordination@demo.maillage.fr"


def _ok(tab):
    assert not tab.js_errors, tab.js_errors
    check_axe(tab)


def test_anonymous_directory_search_and_profile(page, live_app):
    base = live_app["base"]
    page.goto(base + "/annuaire/?q=hebergements&departement=33")
    _ok(page)
    assert page.get_by_text("CHRS Les Tilleuls").count() >= 1
    follow(page.get_by_role("link", name="CHRS Les Tilleuls").first)
    _ok(page)
    assert page.get_by_text("rue de l'Exemple").count() == 0  # confidential address


def test_coverage_map_and_profile_edit(page, live_app):
    base = live_app["base"]
    sign_in(page, live_app, SHELTER_ADMIN)
    page.goto(base + "/annuaire/couverture/?service=secure_accommodation")
    _ok(page)
    assert page.locator("svg").count() >= 1
    page.goto(base + "/annuaire/chrs-les-tilleuls-33/")
    _ok(page)
    assert page.get_by_text("rue de l'Exemple").count() >= 1  # the shelter sees its own address
    follow(page.get_by_role("link", name="Modifier la fiche"))
    page.wait_for_url("**/modifier/")
    _ok(page)
    page.locator("input[name=capacity_places]").fill("-1")
    follow(page.get_by_role("button", name="Enregistrer"))
    assert page.locator(".fr-message--error").count() >= 1
    _ok(page)


def test_network_pages(page, live_app):
    base = live_app["base"]
    page.goto(base + "/annuaire/reseaux/")
    _ok(page)
    follow(page.get_by_role("link", name="Collectif « Ensemble contre la traite »"))
    _ok(page)
    assert page.get_by_role("button", name="Retirer du réseau").count() == 0
    sign_in(page, live_app, COORDINATOR)
    page.goto(base + "/annuaire/reseaux/ensemble-contre-la-traite/")
    _ok(page)
    assert page.get_by_role("searchbox", name="Rechercher une organisation").count() == 1
    page.get_by_role("searchbox", name="Rechercher une organisation").fill("foyer")
    follow(page.get_by_role("button", name="Rechercher", exact=True))
    _ok(page)
    follow(page.get_by_role("link", name="Modifier le réseau"))
    _ok(page)
    page.goto(base + "/annuaire/reseaux/nouveau/")
    _ok(page)
