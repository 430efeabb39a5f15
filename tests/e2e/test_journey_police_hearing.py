"""Journey (d) of issue 10: an association refers a person to a police unit
to be heard; the unit finds the person in the « À traiter » panel of its home
page, accepts, reads the shared parts, and records that the hearing took
place; the association reads the answer from its own menu.

Each actor signs in and then uses only the links and buttons the pages show
(the home page is the only address typed). Every page passes axe (WCAG 2.1
A/AA), has no horizontal scroll at 1280 and 320 px, and shows words, not
codes, in French and, through the header's language button, in English with
no French interface text left (tests/e2e/checks.py)."""

import datetime
import os
import re

import pytest

from tests.e2e.checks import check_both_languages, check_page
from tests.e2e.conftest import CHROMIUM, follow, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (make test installs it)"
    ),
]

ASSOCIATION = "accompagnement.passerelle-paris@demo.maillage.fr"
POLICE = "bpm.paris@demo.maillage.fr"
UNIT = "Brigade de protection des mineurs de Paris"
SERVICE = "Personne à entendre ou plainte à recevoir"
MESSAGE = "Elle souhaite déposer plainte contre son employeur ; interprète en bulgare nécessaire."
# Data, not interface: left out of the check for French text on English pages.
DATA = (UNIT, "BPM 75", "Passerelle Paris", "Escale Marseille", MESSAGE, "Aide juridique, audition")


def menu(page, label: str):
    return page.locator("#navigation-principale").get_by_role("link", name=label, exact=True)


def check(page) -> None:
    check_page(page)
    check_both_languages(page, data=DATA)


def test_journey_d_a_person_referred_to_a_police_unit_is_heard(page, live_app):
    page.set_viewport_size({"width": 1280, "height": 900})

    # --- The association: an adult's case, referred to the police unit to be heard.
    sign_in(page, live_app, ASSOCIATION)
    page.goto(live_app["base"] + "/")
    check(page)
    follow(menu(page, "Dossiers"))
    check(page)
    rows = page.locator("table").first.locator("tbody tr")
    reference = None
    for index in range(rows.count()):
        row = rows.nth(index)
        if "Majeur" in row.inner_text():
            reference = re.search(r"TEH-\d{4}-\d{6}", row.inner_text()).group(0)
            follow(row.get_by_role("link").first)
            break
    assert reference, "no adult's case in the first page of the association's list"
    check(page)
    follow(page.get_by_role("link", name="Orienter la personne"))
    check(page)
    # The service first: the directory then proposes the bodies that receive it.
    page.locator("form[method=get] select").first.select_option(label=SERVICE)
    page.get_by_label(re.compile("^Rechercher une autre organisation")).fill("Brigade")
    follow(page.get_by_role("button", name="Chercher des destinataires"))
    check(page)
    page.locator("label", has_text=UNIT).first.click()
    page.locator("#id_service").select_option(label=SERVICE)
    page.locator("label", has_text="Besoins et faits").click()
    page.locator("label", has_text="Consentement éclairé de la personne").click()
    page.get_by_label(re.compile("^Date du consentement")).fill(datetime.date.today().isoformat())
    page.get_by_label(re.compile("^Consentement recueilli")).select_option(label="Oral, avec interprète")
    page.get_by_label(re.compile("^Portée du consentement")).fill("Aide juridique, audition")
    page.get_by_label(re.compile("^Message au destinataire")).fill(MESSAGE)
    check_page(page)
    follow(page.get_by_role("button", name="Envoyer l'orientation"))
    assert "Orientation envoyée" in page.content(), page.locator("main").inner_text()[:2000]
    check(page)

    # --- The police unit: the person to hear is on its home page.
    page.context.clear_cookies()
    sign_in(page, live_app, POLICE)
    page.goto(live_app["base"] + "/")
    panel = page.locator("section", has=page.get_by_role("heading", name="À traiter", exact=True))
    assert reference in panel.inner_text(), panel.inner_text()
    check(page)
    follow(panel.get_by_role("link", name=re.compile(f"Personne orientée pour être entendue — {reference}")))
    main = page.locator("main").inner_text()
    assert SERVICE in main and "Passerelle Paris" in main and MESSAGE in main, main[:2000]
    check(page)
    follow(page.get_by_role("button", name="Accepter"))
    assert "Orientation acceptée" in page.content()
    check(page)
    # It reads what was shared (the facts), and nothing else.
    follow(page.get_by_role("link", name="Ouvrir le dossier (parties partagées)"))
    assert reference in page.locator("main").inner_text()
    check(page)
    follow(menu(page, "Orientations"))
    check(page)
    follow(page.get_by_role("link", name=re.compile("^Acceptées")))
    accepted = page.locator("table tbody tr", has_text=reference)
    assert accepted.count() == 1
    check(page)
    follow(accepted.get_by_role("link").first)
    # The hearing took place: the unit records it.
    follow(page.get_by_role("button", name="Service rendu"))
    assert "Service rendu" in page.locator("main").inner_text()
    check(page)

    # --- The association reads the answer from its own menu.
    page.context.clear_cookies()
    sign_in(page, live_app, ASSOCIATION)
    page.goto(live_app["base"] + "/")
    follow(menu(page, "Orientations"))
    follow(page.get_by_role("link", name="Envoyées", exact=True))
    row = page.locator("table tbody tr", has_text=reference)
    assert row.count() >= 1
    assert "Service rendu" in row.first.inner_text() and UNIT in row.first.inner_text(), row.first.inner_text()
    check(page)
    follow(row.first.get_by_role("link").first)
    history = page.locator("section", has=page.get_by_role("heading", name="Historique")).inner_text()
    assert "Service rendu" in history and "accept" in history.lower(), history
    check(page)
    assert not page.js_errors, page.js_errors
