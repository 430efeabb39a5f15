"""Journey (c) of issue 10: association A refers a case to association B;
B finds it in the « À traiter » panel of its home page, accepts it, and finds
the case in its « Dossiers » list marked as shared. Each actor uses only the
links the pages show (the home page is the only address typed); each page
passes axe (WCAG 2.1 A/AA), has no horizontal scroll at 1280 and 320 px, and
shows words, not codes, in French and in English with no French interface
text left (tests/e2e/checks.py)."""

import datetime
import os
import re

import pytest

from tests.e2e.checks import check_both_languages
from tests.e2e.conftest import CHROMIUM, check_axe, follow, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (make test installs it)"
    ),
]

SENDER = "admin.passerelle-paris@demo.maillage.fr"
RECIPIENT = "accompagnement.escale-marseille@demo.maillage.fr"
RECIPIENT_NAME = "Escale Marseille"
# Data, not interface: left out of the check for French text on English pages.
DATA = ("Passerelle Paris", RECIPIENT_NAME, "Aide juridique, besoins partagés")


def check_page(page) -> None:
    """axe, then no sideways scrolling at 1280 px and reflow at 320 px (WCAG 1.4.10)."""
    check_axe(page)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{page.url}: {overflow} px of horizontal scroll at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})
    if "/nouvelle/" not in page.url:  # a form being filled is checked once sent
        check_both_languages(page, data=DATA)


def menu(page, label: str):
    return page.locator("#navigation-principale").get_by_role("link", name=label, exact=True)


def test_a_case_referred_to_another_association_is_found_accepted_and_listed(page, live_app):
    page.set_viewport_size({"width": 1280, "height": 900})
    # --- A: Passerelle Paris refers one of its adults' cases to Escale Marseille.
    sign_in(page, live_app, SENDER)
    page.goto(live_app["base"] + "/")
    check_page(page)
    follow(menu(page, "Dossiers"))
    page.locator("#filtre-statut").select_option("")
    check_page(page)
    rows = page.locator("table").first.locator("tbody tr")
    reference = None
    for index in range(rows.count()):
        row = rows.nth(index)
        if "Majeur" in row.inner_text():
            reference = re.search(r"TEH-\d{4}-\d{6}", row.inner_text()).group(0)
            follow(row.get_by_role("link").first)
            break
    assert reference, "no adult's case in the first page of the list"
    check_page(page)
    follow(page.get_by_role("link", name="Orienter la personne"))
    page.get_by_label(re.compile("^Rechercher une autre organisation")).fill(RECIPIENT_NAME)
    follow(page.get_by_role("button", name="Chercher des destinataires"))
    page.locator("label", has_text=RECIPIENT_NAME).first.click()
    page.locator("#id_service").select_option("legal_aid")
    page.locator("label[for=id_urgent]").click()  # DSFR checkboxes: the label takes the click
    assert page.locator("#id_urgent").is_checked()
    page.locator("label", has_text="Besoins et faits").click()
    page.get_by_label(re.compile("^Date du consentement")).fill(datetime.date.today().isoformat())
    page.get_by_label(re.compile("^Consentement recueilli")).select_option("oral")
    page.get_by_label(re.compile("^Portée du consentement")).fill("Aide juridique, besoins partagés")
    check_page(page)
    follow(page.get_by_role("button", name="Envoyer l'orientation"))
    assert "Orientation envoyée" in page.content(), page.locator("main").inner_text()[:2000]
    check_page(page)

    # --- B: Escale Marseille finds it on its home page, accepts it, lists the case.
    page.context.clear_cookies()
    sign_in(page, live_app, RECIPIENT)
    page.goto(live_app["base"] + "/")
    panel = page.locator("section", has=page.get_by_role("heading", name="À traiter", exact=True))
    assert reference in panel.inner_text()
    assert "urgent" in panel.inner_text().lower() and "Échéance" in panel.inner_text()  # badges are upper case
    check_page(page)
    follow(menu(page, "À traiter"))
    assert reference in page.content() and "Orientations reçues en attente de réponse" in page.content()
    check_page(page)
    follow(page.get_by_role("link", name="Accueil", exact=True).first)
    panel = page.locator("section", has=page.get_by_role("heading", name="À traiter", exact=True))
    follow(panel.get_by_role("link", name=re.compile(reference)))
    check_page(page)
    follow(page.get_by_role("button", name="Accepter"))
    assert "Orientation acceptée" in page.content()
    check_page(page)
    follow(menu(page, "Dossiers"))
    shared = page.locator("table", has_text="partagé")
    assert reference in shared.inner_text()
    assert "partagé par passerelle paris" in shared.inner_text().lower()
    check_page(page)
    follow(shared.get_by_role("link", name=reference))
    assert "vous ne voyez que les parties partagées" in page.content()
    check_page(page)
    assert not page.js_errors, page.js_errors
