"""In a browser, a coordinator schedules a meeting, records its minutes and
closes an action; every coordination page passes axe (WCAG 2.0/2.1 A and AA)
without a JavaScript or CSP error. Uses the e2e server and browser fixtures
(skipped when Debian's chromium is missing)."""

import datetime as dt
import os
import re
import sqlite3
from contextlib import closing

import pytest

from tests.e2e.conftest import CHROMIUM, check_axe, follow, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (make test installs it)"
    ),
]

COORDINATOR = "coordination@demo.maillage.fr"
DEMO_GUEST = "ana.popescu@demo.maillage.fr"
UPCOMING = "Validation de la fiche réflexe mineurs"


def _ok(tab):
    assert not tab.js_errors, tab.js_errors
    check_axe(tab)


def test_schedule_meeting_with_agenda_and_action(page, live_app):
    """Scheduling: wrong end, then a past date, are refused in French; the
    meeting is then scheduled for tomorrow. (The minutes after a meeting are
    journey (f), tests/e2e/test_journeys_consultation_meetings.py.)"""
    base = live_app["base"]
    sign_in(page, live_app, COORDINATOR)
    page.goto(base + "/coordination/")
    _ok(page)
    follow(page.get_by_role("link", name="Groupe de travail « Coordination des acteurs – focus mineurs »"))
    _ok(page)
    follow(page.get_by_role("link", name="Programmer une réunion"))
    _ok(page)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    page.locator("input[name=title]").fill("Réunion de navigateur")
    page.locator("input[name=starts_at]").fill(f"{tomorrow:%Y-%m-%d}T10:00")
    page.locator("input[name=ends_at]").fill(f"{tomorrow:%Y-%m-%d}T09:00")
    page.locator("input[name=place]").fill("Paris")
    follow(page.get_by_role("button", name="Programmer"))
    assert page.get_by_text("La fin de la réunion doit être postérieure à son début.").count() >= 1
    _ok(page)
    page.locator("input[name=starts_at]").fill(f"{yesterday:%Y-%m-%d}T10:00")
    page.locator("input[name=ends_at]").fill(f"{yesterday:%Y-%m-%d}T12:00")
    follow(page.get_by_role("button", name="Programmer"))
    assert page.get_by_text("Cette date est passée").count() >= 1
    _ok(page)
    page.locator("input[name=starts_at]").fill(f"{tomorrow:%Y-%m-%d}T10:00")
    page.locator("input[name=ends_at]").fill(f"{tomorrow:%Y-%m-%d}T12:00")
    follow(page.get_by_role("button", name="Programmer"))
    page.wait_for_url("**/coordination/reunions/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Réunion de navigateur"
    _ok(page)
    meeting_url = page.url

    follow(page.get_by_role("link", name="Ajouter un point"))
    page.locator("input[name=title]").fill("Tour de table")
    follow(page.get_by_role("button", name="Ajouter"))
    page.wait_for_url(meeting_url)

    follow(page.get_by_role("link", name="Action", exact=True))
    _ok(page)
    page.locator("input[name=title]").fill("Action du navigateur")
    page.locator("select[name=owner_organisation]").select_option(index=1)
    page.locator("input[name=due_on]").fill(f"{tomorrow:%Y-%m-%d}")
    follow(page.get_by_role("button", name="Enregistrer"))
    page.wait_for_url(meeting_url)
    assert page.get_by_role("link", name="Compte rendu").count() == 0  # not before the meeting
    _ok(page)


def test_close_an_action_from_my_actions(page, live_app):
    base = live_app["base"]
    sign_in(page, live_app, COORDINATOR)
    page.goto(base + "/coordination/mes-actions/")
    _ok(page)
    row = page.locator("tr", has_text="Diffuser le mandat du groupe aux préfectures")
    row.locator("select[name=status]").select_option("done")
    follow(row.get_by_role("button", name="Mettre à jour"))
    assert page.get_by_text("Action mise à jour.").count() >= 1
    assert (
        page.locator("tr", has_text="Diffuser le mandat du groupe aux préfectures").count() == 0
    )  # only open actions by default


def test_coordination_pages_are_accessible(page, live_app):
    base = live_app["base"]
    sign_in(page, live_app, COORDINATOR)
    for path in (
        "/coordination/",
        "/coordination/mes-actions/",
        "/coordination/courrier/",
        "/coordination/courrier/en-retard/",
        "/coordination/courrier/nouveau/",
        "/coordination/dossiers/",
        "/coordination/rendez-vous/",
        "/coordination/rendez-vous/nouveau/",
        "/coordination/agendas/",
        "/coordination/recapitulatif/",
        "/coordination/groupes/nouveau/",
    ):
        response = page.goto(base + path)
        assert response.status == 200, path
        _ok(page)
    for link in ("Courrier", "Dossiers de plaidoyer", "Rendez-vous"):
        page.goto(base + "/coordination/")
        follow(page.get_by_role("link", name=link, exact=True).first)
        first = page.locator("table tbody a").first
        if first.count():
            follow(first)
            _ok(page)


def _query(live_app, sql, *params):
    """Read the e2e server's database (read-only): the demo guest's link is
    only in her email, as it would be in real life."""
    db = live_app["env"]["MAILLAGE_E2E_DB"]
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return conn.execute(sql, params).fetchall()


def test_guest_answers_from_the_personal_link_without_an_account(page, live_app):
    base = live_app["base"]
    [(body,)] = _query(
        live_app, 'SELECT body FROM notifications_outboundemail WHERE "to" = ? ORDER BY id DESC LIMIT 1', DEMO_GUEST
    )
    path = re.search(r"/coordination/invitation/[A-Za-z0-9_-]+/", body).group(0)
    others = _query(
        live_app,
        "SELECT u.first_name, u.last_name FROM coordination_meetinginvitation i JOIN accounts_user u ON u.id = "
        "i.user_id "
        "WHERE i.meeting_id = (SELECT meeting_id FROM coordination_meetingguest WHERE email = ? AND removed_at IS "
        "NULL)",
        DEMO_GUEST,
    )
    assert others
    response = page.goto(base + path)
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == UPCOMING
    _ok(page)
    html = page.content()
    for first_name, last_name in others:
        assert f"{first_name} {last_name}" not in html
    assert "Coordination des acteurs" not in html  # nor the group
    page.get_by_text("Peut-être", exact=True).click()
    follow(page.get_by_role("button", name="Enregistrer ma réponse"))
    assert page.get_by_text("Merci, votre réponse est enregistrée.").count() == 1
    _ok(page)
    response = page.goto(base + "/coordination/invitation/" + "x" * 43 + "/")
    assert response.status == 404
    assert page.get_by_text("Ce lien d'invitation n'est pas valide.", exact=False).count() == 1
    check_axe(page)  # (the console reports the 404 status itself)


def test_organiser_invites_a_guest(page, live_app):
    base = live_app["base"]
    sign_in(page, live_app, COORDINATOR)
    page.goto(base + "/coordination/")
    follow(page.get_by_role("link", name=UPCOMING).first)
    page.wait_for_url("**/coordination/reunions/*/")
    meeting_url = page.url
    follow(page.get_by_role("link", name="Inviter une personne extérieure"))
    _ok(page)
    page.locator("input[name=name]").fill("Expert du navigateur")
    follow(page.get_by_role("button", name="Inviter"))
    assert page.get_by_text("Indiquez l'adresse électronique de la personne", exact=False).count() >= 1
    _ok(page)
    page.locator("input[name=email]").fill("expert.navigateur@exemple.fr")
    page.locator("input[name=organisation_name]").fill("Université de navigateur")
    follow(page.get_by_role("button", name="Inviter"))
    page.wait_for_url(meeting_url)
    table = page.locator("table", has_text="Personnes sans compte Maillage")
    assert table.get_by_role("cell", name="Expert du navigateur", exact=True).count() == 1
    assert table.get_by_role("cell", name="Ana Popescu", exact=True).count() == 1
    _ok(page)
