"""Browser test (Playwright + Debian Chromium + axe): an association gives a
position and proposes an amendment; the coordination answers it; the
contributor sees the answer. Reuses the e2e fixtures (seeded live server)."""

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

MEMBER = "membre.passerelle-paris@demo.maillage.fr"
COORDINATOR = "coordination@demo.maillage.fr"


def test_public_plan_page_is_accessible_anonymously(page, live_app):
    page.goto(live_app["base"] + "/plan/")
    assert "Plan d'action national contre la traite" in page.content()
    assert page.get_by_role("table").count() >= 3
    check_axe(page)
    assert page.js_errors == []


def test_association_position_amendment_and_coordination_answer(browser, live_app):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    member_page = context.new_page()
    sign_in(member_page, live_app, MEMBER)
    member_page.goto(live_app["base"] + "/plan/consultations/")
    follow(member_page.get_by_role("link", name=re.compile("Consultation ouverte sur le projet")))
    check_axe(member_page)
    follow(member_page.get_by_role("link", name=re.compile("repérage en ligne")))
    measure_url = member_page.url
    member_page.locator("label", has_text="Mitigé").first.click()
    member_page.get_by_label("Argument").fill("Il faut associer les plateformes.")
    follow(member_page.get_by_role("button", name=re.compile("position")))
    assert "Contribution enregistrée" in member_page.content()
    member_page.get_by_label("Champ visé").select_option("title")
    member_page.get_by_label("Rédaction proposée").fill("Repérer les victimes en ligne avec les plateformes")
    member_page.get_by_label("Exposé des motifs").fill("Le recrutement passe par les réseaux sociaux.")
    follow(member_page.get_by_role("button", name="Proposer l'amendement"))
    assert "Repérer les victimes en ligne avec les plateformes" in member_page.content()
    check_axe(member_page)
    context.close()

    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    coord_page = context.new_page()
    sign_in(coord_page, live_app, COORDINATOR)
    coord_page.goto(measure_url)
    card = coord_page.locator(".fr-card", has_text="Repérer les victimes en ligne avec les plateformes")
    card.get_by_label("Recommandation de la coordination").select_option("accept")
    card.get_by_label("Décision").select_option("accepted")
    card.get_by_label(re.compile("Réponse motivée")).fill("Retenu : la mesure visera les plateformes.")
    follow(card.get_by_role("button", name="Enregistrer la réponse"))
    assert "Réponse enregistrée" in coord_page.content()
    check_axe(coord_page)
    context.close()

    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    member_page = context.new_page()
    sign_in(member_page, live_app, MEMBER)
    member_page.goto(measure_url)
    assert "Retenu : la mesure visera les plateformes." in member_page.content()
    context.close()


def test_coordination_records_a_hearing_from_the_invited_organisations(browser, live_app):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    sign_in(page, live_app, COORDINATOR)
    page.goto(live_app["base"] + "/plan/consultations/")
    follow(page.get_by_role("link", name=re.compile("Consultation ouverte sur le projet")))
    follow(page.get_by_role("link", name="Enregistrer une audition"))
    check_axe(page)
    select = page.get_by_label("Organisation entendue")
    options = select.locator("option")
    assert 1 < options.count() < 100  # the invited organisations, not the whole directory
    select.select_option(index=1)
    page.get_by_label("Date").fill("2026-03-02")
    page.get_by_label("Participants").fill("Deux représentantes")
    page.get_by_label("Compte rendu").fill("Le collectif a été entendu.")
    follow(page.get_by_role("button", name="Enregistrer"))
    assert "Audition enregistrée" in page.content()
    context.close()
