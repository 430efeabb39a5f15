"""Journey (issue 11): a case worker records a person who is an adult today but
was exploited as a child, finds reasonable grounds, records the person's
answer to the reflection period proposed and prints the non-removal
attestation; each page passes axe and has no horizontal scroll at 1280 and
320 px. Reuses the e2e fixtures (seeded live server)."""

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


def check_page(page) -> None:
    check_axe(page)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{page.url}: horizontal scroll of {overflow}px at {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_adult_exploited_as_child_reasonable_grounds_reflection_answer_and_attestation(page, live_app):
    sign_in(page, live_app, CASE_WORKER)
    follow(page.get_by_role("link", name="Dossiers").first)
    check_page(page)
    follow(page.get_by_role("link", name="Nouveau dossier"))
    page.get_by_label(re.compile("^Nom")).fill("Fictive")
    page.get_by_label(re.compile("^Prénom")).fill("Adulte")
    page.get_by_label(re.compile("^Statut de l'âge")).select_option("documented_adult")
    page.get_by_label(re.compile("^Année de naissance")).fill("1995")
    # The searchable list (www/widgets.py): filter, then tick through the label (DSFR checkboxes).
    nationalities = page.get_by_role("group", name=re.compile("^Nationalités"))
    nationalities.get_by_label("Filtrer la liste").fill("nigeria")
    nationalities.locator("label", has_text="Nigeria").click()
    page.get_by_label(re.compile("^Début de l'exploitation")).fill("2010-06-01")
    page.locator("label", has_text="Proxénétisme").click()
    follow(page.get_by_role("button", name="Créer le dossier"))
    # Both ages, explained (rules.md §1.6).
    assert "Majeure aujourd'hui, mineure au moment des faits" in page.content()
    check_page(page)

    page.get_by_label("Nouveau statut").select_option("presumed")
    follow(page.get_by_role("button", name="Changer le statut"))
    assert "Non-éloignement" in page.content()
    check_page(page)

    follow(page.get_by_role("link", name="Enregistrer la réponse"))
    check_page(page)
    page.get_by_label(re.compile("^Réponse de la personne")).select_option("accepted")
    page.get_by_label(re.compile("^Date de la réponse")).fill(datetime.date.today().isoformat())
    follow(page.get_by_role("button", name="Enregistrer"))
    assert "Réponse de la personne enregistrée." in page.content()

    follow(page.get_by_role("link", name="Attestation à remettre aux autorités"))
    assert "article 10.2" in page.content()
    check_page(page)
    assert page.js_errors == []
