"""Journey (a), issue 10: association → parquet → CRIP for a child found in
Seine-Saint-Denis, through to the CRIP's evaluation and the parquet's
decisions. Each actor signs in and acts only through links its pages show;
every page passes axe and has no horizontal scroll at 1280 and 320 px, and
shows words, not codes, in French and, through the header's language button,
in English with no French interface text left (tests/e2e/checks.py)."""

import re

from tests.e2e.checks import check_both_languages

from .conftest import check_axe, follow, sign_in

ASSOCIATION = "admin.passerelle-paris@demo.maillage.fr"
PARQUET = "parquet.paris@demo.maillage.fr"
CRIP = "crip93@demo.maillage.fr"
# Data, not interface: left out of the check for French text on English pages.
DATA = (
    "Parquet du tribunal judiciaire de Paris",
    "Représentants impliqués : administrateur ad hoc demandé.",
    "Administrateur ad hoc : association Enfance et Droit (fictif).",
    "Exposition à un réseau de proxénétisme ; placement éloigné.",
)


def check_page(page) -> None:
    check_axe(page)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page.url}: {overflow}px of horizontal scroll at {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})
    text = page.inner_text("main")
    assert not re.search(r"\bR-[A-Z]{2,}", text), f"{page.url}: a rule identifier is shown"
    check_both_languages(page, data=DATA)


def tick(page, label) -> None:
    """DSFR checkboxes and radios: the label covers the input, so a person clicks the label."""
    page.locator("label", has_text=label).first.click()


def sign_out(page, live_app) -> None:
    page.context.clear_cookies()


def record(page, link_name: str, fill) -> None:
    follow(page.get_by_role("link", name=re.compile(link_name)).first)
    check_page(page)
    fill(page)
    follow(page.get_by_role("button", name="Enregistrer l'étape"))
    assert "Étape enregistrée" in page.content(), page.inner_text("main")
    check_page(page)


def open_from_notifications(page, live_app, reference: str) -> None:
    """From the home page: the notification of what reached the organisation."""
    follow(page.get_by_role("link", name="Toutes les notifications"))
    check_page(page)
    item = page.locator("li", has_text=reference).first
    follow(item.get_by_role("link", name="Ouvrir"))
    check_page(page)


def test_journey_a_child_found_in_seine_saint_denis(page, live_app):
    # 1. The association: its case, the legal representation, the request for an ad hoc administrator.
    sign_in(page, live_app, ASSOCIATION)
    check_page(page)
    follow(page.get_by_role("link", name="Dossiers", exact=True).first)
    tick(page, "Mineurs seulement")
    follow(page.get_by_role("button", name="Filtrer"))
    follow(page.locator("td a.maillage-code").first)
    reference = page.locator("p.maillage-code").first.inner_text().strip()
    follow(page.get_by_role("link", name=re.compile("Parcours mineur")))
    check_page(page)
    # Transmitted in the demo: the CRIP 93 evaluates, the Parquet de Paris decides.
    assert "Seine-Saint-Denis" in page.content() and "Suites données par le parquet" in page.content()

    def representation(p):
        tick(p, "Représentants légaux impliqués dans les faits")

    record(page, "Enregistrer : Vérification de la représentation légale", representation)

    def aah_request(p):
        p.get_by_label("Destinataire").fill("Parquet du tribunal judiciaire de Paris")
        p.get_by_label("Comment").select_option("maillage")
        p.get_by_label("Ce qui en est résulté").fill("Représentants impliqués : administrateur ad hoc demandé.")

    record(page, "Enregistrer : Demande de désignation", aah_request)
    sign_out(page, live_app)

    # 2. The parquet: the report received (OPP, investigation) and the ad hoc administrator.
    sign_in(page, live_app, PARQUET)
    check_page(page)
    open_from_notifications(page, live_app, reference)

    def decision(p):
        tick(p, re.compile("Ordonnance de placement provisoire"))
        tick(p, "Enquête ouverte")

    record(page, "Enregistrer : Suites données par le parquet", decision)

    def designation(p):
        p.get_by_label("Ce qui en est résulté").fill("Administrateur ad hoc : association Enfance et Droit (fictif).")

    record(page, "Enregistrer : Désignation d'un administrateur ad hoc", designation)
    sign_out(page, live_app)

    # 3. The CRIP: its evaluation (danger grave et immédiat) and its report to the prosecutor (L226-4).
    sign_in(page, live_app, CRIP)
    check_page(page)
    open_from_notifications(page, live_app, reference)

    def evaluation(p):
        tick(p, re.compile("Danger grave et immédiat : saisine"))
        p.get_by_label("Ce qui en est résulté").fill("Exposition à un réseau de proxénétisme ; placement éloigné.")

    record(page, "Enregistrer : Évaluation de l'information préoccupante", evaluation)

    def crip_report(p):
        p.get_by_label("Destinataire").fill("Parquet du tribunal judiciaire de Paris")
        p.get_by_label("Comment").select_option("maillage")

    record(page, "Enregistrer : Saisine du procureur par la CRIP", crip_report)
    sign_out(page, live_app)

    # 4. The parquet decides on the CRIP's report: the juge des enfants.
    sign_in(page, live_app, PARQUET)
    open_from_notifications(page, live_app, reference)

    def second_decision(p):
        tick(p, re.compile("Saisine du juge des enfants"))

    record(page, "Enregistrer : Suites données par le parquet", second_decision)
    assert "Saisine du juge des enfants" in page.content()
