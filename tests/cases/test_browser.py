"""Browser test (Playwright + Debian Chromium + axe): a case worker creates a
case, screens it and records a reflection period. Reuses the e2e fixtures
(seeded live server)."""

import datetime
import os
import re

import pytest

from tests.e2e.conftest import CHROMIUM, check_axe, follow, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (make test installs it)"
    ),
]

CASE_WORKER = "accompagnement.passerelle-paris@demo.maillage.fr"


def test_create_screen_and_record_reflection_period(page, live_app):
    sign_in(page, live_app, CASE_WORKER)
    page.goto(live_app["base"] + "/dossiers/")
    assert page.get_by_role("table").count() == 1
    check_axe(page)
    follow(page.get_by_role("link", name="Nouveau dossier"))
    check_axe(page)
    page.get_by_label(re.compile("^Nom")).fill("Fictive")
    page.get_by_label(re.compile("^Prénom")).fill("Personne")
    page.get_by_label(re.compile("^Statut de l'âge")).select_option("documented_adult")
    page.get_by_label(re.compile("^Année de naissance")).fill("1990")
    # The searchable list (www/widgets.py): filter, then tick through the label (DSFR checkboxes).
    nationalities = page.get_by_role("group", name=re.compile("^Nationalités"))
    nationalities.get_by_label("Filtrer la liste").fill("nigeria")
    nationalities.locator("label", has_text="Nigeria").click()
    page.locator("label", has_text="Travail ou services forcés").click()
    follow(page.get_by_role("button", name="Créer le dossier"))
    assert "Personne traitée comme majeure" in page.content()
    assert re.search(r"TEH-\d{4}-\d{6}", page.content())
    check_axe(page)

    follow(page.get_by_role("link", name="Nouveau repérage"))
    assert "jeu AL" in page.content()
    check_axe(page)
    page.locator("label", has_text="Un acte est établi").click()
    page.locator("label", has_text="Tromperie sur la nature de l'emploi").click()
    page.locator("label", has_text="Tromperie sur le salaire").click()
    follow(page.get_by_role("button", name="Enregistrer le repérage"))
    assert "Résultat du repérage" in page.content()
    assert "indices" in page.content()
    check_axe(page)

    follow(page.get_by_role("link", name="Retour au dossier"))
    follow(page.get_by_role("link", name="Délai de réflexion").first)
    start = datetime.date.today()
    page.get_by_label(re.compile("^Début")).fill(start.isoformat())
    page.get_by_label(re.compile("^Fin")).fill((start + datetime.timedelta(days=10)).isoformat())
    page.get_by_label(re.compile("^Statut")).select_option("granted")
    follow(page.get_by_role("button", name="Enregistrer"))
    assert "au moins 30 jours" in page.content()
    check_axe(page)
    page.get_by_label(re.compile("^Fin")).fill((start + datetime.timedelta(days=30)).isoformat())
    follow(page.get_by_role("button", name="Enregistrer"))
    assert re.search(r"/dossiers/\d+/$", page.url)  # saved: back on the case page
    assert "Délai de réflexion enregistré(e)." in page.content()
    assert "Accordé" in page.content()
    assert page.js_errors == []
