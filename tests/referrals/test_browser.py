"""Browser test (Playwright + Debian Chromium + axe): Passerelle Paris refers
a case to CRIP 93, which accepts it and opens the shared parts. Reuses the
e2e fixtures (seeded live server; registered suite-wide in tests/conftest.py)."""

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

SENDER = "admin.passerelle-paris@demo.maillage.fr"
RECIPIENT = "crip93@demo.maillage.fr"


def test_refer_a_case_and_accept_it_from_the_other_organisation(page, live_app):
    sign_in(page, live_app, SENDER)
    page.goto(live_app["base"] + "/dossiers/")
    # An adult's case: the demo's minor « Joy » already reached the CRIP 93 by an
    # information préoccupante through Maillage, which gives the CRIP her identity
    # (CASF L226-2-1); this test is about a referral sharing only some parts.
    follow(page.locator("table tbody tr").filter(has_text="Majeur·e").first.locator("a").first)
    reference = re.search(r"TEH-\d{4}-\d{6}", page.content()).group(0)
    minor = "Personne traitée comme mineure" in page.content()
    follow(page.get_by_role("link", name="Orienter la personne"))
    check_axe(page)
    page.get_by_label(re.compile("^Rechercher une autre organisation")).fill("Seine-Saint-Denis")
    follow(page.get_by_role("button", name="Chercher des destinataires"))
    page.locator("label", has_text="informations préoccupantes de la Seine-Saint-Denis").first.click()
    check_axe(page)
    page.locator("#id_service").select_option("social_support")
    page.locator("label", has_text="Besoins et faits").click()
    if not minor:
        page.get_by_label(re.compile("^Date du consentement")).fill(datetime.date.today().isoformat())
        page.get_by_label(re.compile("^Consentement recueilli")).select_option("oral")
        page.get_by_label(re.compile("^Portée du consentement")).fill("Orientation vers la CRIP, besoins partagés")
    follow(page.get_by_role("button", name="Envoyer l'orientation"))
    assert "Orientation envoyée" in page.content(), page.locator("main").inner_text()[:3000]
    assert reference in page.content()
    check_axe(page)

    page.context.clear_cookies()
    sign_in(page, live_app, RECIPIENT)
    page.goto(live_app["base"] + "/orientations/")
    assert reference in page.content()
    check_axe(page)
    follow(page.locator("tr", has_text=reference).get_by_role("link").first)
    follow(page.get_by_role("button", name="Accepter"))
    assert "Orientation acceptée" in page.content()
    follow(page.get_by_role("link", name="Ouvrir le dossier (parties partagées)"))
    assert "vous ne voyez que les parties partagées" in page.content()
    assert "Identité non accessible" in page.content()
    check_axe(page)


def test_pathway_and_coordination_pages_pass_axe(page, live_app):
    sign_in(page, live_app, SENDER)
    page.goto(live_app["base"] + "/dossiers/?mineurs=1")
    follow(page.locator("table tbody a").first)
    follow(page.get_by_role("link", name=re.compile("Parcours mineur")))
    assert "Parcours mineur" in page.content()
    check_axe(page)
    page.goto(live_app["base"] + "/orientations/acse/")
    assert "Hébergée dans un centre partenaire" in page.content()
    check_axe(page)
    page.goto(live_app["base"] + "/orientations/signalement-anonyme/")
    check_axe(page)

    page.context.clear_cookies()
    sign_in(page, live_app, "coordination.acse@demo.maillage.fr")
    page.goto(live_app["base"] + "/orientations/acse/")
    follow(page.locator("table tbody a").first)
    assert "Hébergée dans un centre partenaire" not in page.content()
    check_axe(page)

    page.context.clear_cookies()
    sign_in(page, live_app, "coordination@demo.maillage.fr")
    page.goto(live_app["base"] + "/orientations/coordination/")
    assert "Orientations par service demandé" in page.content()
    check_axe(page)
