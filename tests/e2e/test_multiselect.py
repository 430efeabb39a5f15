"""The searchable multiple choice of long lists (issue 10 item 7), as a case
worker uses it: on a case's edit form, reached through the links the pages
show, « cote » typed in the nationality filter finds Côte d'Ivoire (accents
and case ignored) and the live region says how many match; the keyboard
ticks it; a tag removes another choice; the case page shows the saved
nationality. In English the same words come translated. The form and the
case page pass axe (WCAG 2.1 A/AA) and have no
horizontal scroll at 1280 and 320 px (tests/e2e/checks.py)."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.checks import check_both_languages, check_page, switch_language
from tests.e2e.conftest import CHROMIUM, follow, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (make test installs it)"
    ),
]

CASE_WORKER = "accompagnement.passerelle-paris@demo.maillage.fr"
# Proper names of the English ISO catalogue that keep their accents: not French text left.
ENGLISH_NAMES_WITH_ACCENTS = ("Curaçao", "Côte d'Ivoire", "Réunion", "Saint Barthélemy")


def test_filter_choose_with_the_keyboard_remove_a_tag_and_save(page, live_app):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_app, CASE_WORKER)
    page.goto(live_app["base"] + "/")
    follow(page.locator("#navigation-principale").get_by_role("link", name="Dossiers", exact=True))
    follow(page.locator("table").first.locator("tbody tr").first.get_by_role("link").first)
    follow(page.get_by_role("link", name="Modifier", exact=True))
    assert "Modifier le dossier" in page.content()
    # In English, the script's words come translated from the page.
    check_both_languages(page, data=ENGLISH_NAMES_WITH_ACCENTS)
    switch_language(page, "English")
    english = page.get_by_role("group", name=re.compile("^Nationalities"))
    english.get_by_label("Filter the list").fill("NIGER")
    expect(english.get_by_role("status")).to_have_text("2 results")
    switch_language(page, "Français")

    group = page.get_by_role("group", name=re.compile("^Nationalités"))
    ivory_coast = group.get_by_role("checkbox", name="Côte d'Ivoire", exact=True)
    iceland = group.get_by_role("checkbox", name="Islande", exact=True)
    if ivory_coast.is_checked() or iceland.is_checked():
        pytest.fail("the demo case already holds the nationalities this test chooses")
    status = group.get_by_role("status")

    # Accent- and case-insensitive filter; the count is announced.
    search = group.get_by_label("Filtrer la liste")
    search.fill("cote")
    expect(status).to_have_text("1 résultat")
    expect(group.locator("[data-multiselect-option]:visible")).to_have_count(1)
    # Keyboard: from the filter, the arrow reaches the first match, Space ticks it.
    search.press("ArrowDown")
    expect(ivory_coast).to_be_focused()
    page.keyboard.press("Space")
    expect(ivory_coast).to_be_checked()
    expect(group.get_by_role("button", name="Retirer Côte d'Ivoire")).to_be_visible()

    # A second choice, then removed through its tag: the checkbox is unticked
    # and the focus stays in the tags.
    search.fill("ISL")
    expect(status).to_have_text("1 résultat")
    group.locator("label", has_text="Islande").click()  # DSFR checkboxes: the label takes the click
    expect(iceland).to_be_checked()
    search.fill("zzz")
    expect(status).to_have_text("Aucun résultat")
    search.fill("")
    remove = group.get_by_role("button", name="Retirer Islande")
    remove.focus()
    page.keyboard.press("Enter")
    expect(iceland).not_to_be_checked()
    expect(group.get_by_role("button", name="Retirer Islande")).to_have_count(0)
    expect(status).to_have_text("Islande ne fait plus partie de la sélection")
    # The focus moves to the next tag (the demo case may hold other nationalities).
    expect(group.locator("[data-multiselect-tags] button:focus")).to_have_attribute(
        "aria-label", re.compile("^Retirer ")
    )
    # Enter in the filter does not send the form.
    search.fill("niger")
    search.press("Enter")
    expect(status).to_have_text("2 résultats")
    assert "Modifier le dossier" in page.content()
    check_page(page)

    follow(page.get_by_role("button", name="Enregistrer", exact=True))
    assert re.search(r"/dossiers/\d+/$", page.url), page.locator("main").inner_text()[:2000]
    nationalities = page.locator("dt", has_text="Nationalités").locator("xpath=following-sibling::dd[1]")
    assert "Côte d'Ivoire" in nationalities.inner_text()
    assert "Islande" not in nationalities.inner_text()
    check_page(page)
    assert not page.js_errors, page.js_errors
