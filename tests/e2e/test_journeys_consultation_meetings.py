"""Journeys (e) and (f) of issue 10, played in a browser by several signed-in
actors in turn, each through the pages and links a user sees:

(e) the coordination opens a consultation → an association finds it on its
    home page and contributes → the round closes → the coordination writes
    and publishes its synthesis → the PDF is downloaded (tagged, PDF/UA-1) →
    the association reads the synthesis on the consultation page;
(f) a meeting is held → its minutes are circulated → a participant remarks
    → the pilot approves them.

Time passing (a round's closing date, a meeting's day) is the only thing not
done through a page: it is moved in the server's database, as a clock would.
Every page passes axe (WCAG 2.1 A/AA) and scrolls no sideways at 1280 and
320 CSS px (WCAG 1.4.10)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.e2e.checks import check_both_languages

from .conftest import ROOT, check_axe, follow, sign_in

COORDINATOR = "coordination@demo.maillage.fr"
MEMBER = "membre.passerelle-paris@demo.maillage.fr"
PARTICIPANT = "admin.passerelle-paris@demo.maillage.fr"
PARIS = ZoneInfo("Europe/Paris")
GROUP = "Groupe de travail « Coordination des acteurs – focus mineurs »"
# Data, not interface: left out of the check for French text on English pages
# (the titles the journeys type are added by them).
DATA = [
    GROUP,
    "La mesure doit associer les associations de terrain.",
    "Le réseau demande d'associer les associations de terrain.",
    "Retenue, avec les associations dans le comité de suivi.",
    "Ajouter la date de la prochaine réunion.",
    "Prochaine réunion : dans six semaines.",
    "MIPROF, Paris",
    # The demo plan's own titles, written by the coordination.
    "Projet de plan national de lutte contre l'exploitation et la traite 2027–2030 (démonstration)",
    "Prévenir et identifier (illustratif)",
    "Protéger et accompagner (illustratif)",
    "Mesure illustrative – repérage en ligne",
    "Mesure illustrative – hébergement sécurisé",
    "Mesure illustrative – accès aux soins",
    "Plan d'action national contre la traite des êtres humains 2014–2016 (modèle de démonstration)",
    "Identifier et accompagner les victimes de la traite",
    "Poursuivre et démanteler les réseaux de la traite",
    "Faire de la lutte contre la traite une politique publique à part entière",
]


def check_page(page, data: tuple[str, ...] = ()) -> None:
    """axe, no script error, and no horizontal scroll at 1280 and at 320 CSS px."""
    assert not page.js_errors, page.js_errors
    check_axe(page)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})
    # Words, not codes, in French and in English (issue 10); the page is left in French.
    # The minutes shown on the meeting page are the pilot's document (drafted
    # in French), data and not interface.
    minutes = tuple(page.locator("#compte-rendu ~ div.fr-background-alt--grey").all_inner_texts())
    check_both_languages(page, data=(*DATA, *data, *minutes))


def listed_names(page) -> tuple[str, ...]:
    """The boxes named after organisations and people (invitations, attendance):
    data, not interface."""
    names = ("invited", "organisations", "present", "present_guests")
    selector = ", ".join(f"main .fr-checkbox-group:has(input[name={name}]) label" for name in names)
    return tuple(page.locator(selector).all_inner_texts())


def pass_time(live_app, code: str) -> str:
    """Move a date in the server's database (the clock, not a user, does this),
    or read a fact of the demo data the test needs to know (a person's name)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
        env=live_app["env"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""  # after shell's import banner


def actor(browser, live_app, email):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    sign_in(page, live_app, email)
    return context, page


def assert_tagged_pdf(path, title_part: str) -> None:
    from tests.plans.test_pdf import _text_of

    data = Path(path).read_bytes()
    text = _text_of(data)
    assert data.startswith(b"%PDF-1.7")
    assert "/StructTreeRoot" in text and "/Marked true" in text
    assert title_part in text


def test_journey_e_consultation_contribution_synthesis_pdf(browser, live_app):
    now = dt.datetime.now(PARIS)
    title = f"Consultation du parcours e {now:%H%M%S}"
    DATA.append(title)

    # The coordination opens a round on the draft plan, inviting the associations.
    context, coord = actor(browser, live_app, COORDINATOR)
    check_page(coord)
    follow(coord.get_by_role("link", name="Gérer les plans"))
    check_page(coord)
    follow(coord.get_by_role("link", name=re.compile("2027")).first)
    check_page(coord)
    follow(coord.get_by_role("link", name="Ouvrir une consultation"))
    check_page(coord, data=listed_names(coord))
    coord.get_by_label("Intitulé de la consultation").fill(title)
    coord.locator("input[name=opens_at]").fill(f"{now - dt.timedelta(minutes=5):%Y-%m-%dT%H:%M}")
    coord.locator("input[name=closes_at]").fill(f"{now + dt.timedelta(days=10):%Y-%m-%dT%H:%M}")
    coord.locator("label[for=id_all_associations]").click()  # DSFR draws the box over the input
    follow(coord.get_by_role("button", name="Enregistrer"))
    assert "Consultation ouverte sur la version" in coord.content()
    round_url = coord.url
    check_page(coord)
    context.close()

    # An association finds it on its home page and gives a position.
    context, member = actor(browser, live_app, MEMBER)
    check_page(member)
    follow(member.get_by_role("link", name=title))
    assert member.url == round_url
    check_page(member)
    follow(member.locator("table a").first)
    check_page(member)
    member.locator("label", has_text="Pas d'accord").first.click()
    member.get_by_label("Argument").fill("La mesure doit associer les associations de terrain.")
    follow(member.get_by_role("button", name=re.compile("position")))
    assert "Contribution enregistrée" in member.content()
    check_page(member)
    # /plan/ lists it too.
    follow(member.get_by_role("link", name="Plan national").first)
    assert member.get_by_role("link", name=title).count() == 1
    check_page(member)
    context.close()

    # The round closes.
    pass_time(
        live_app,
        "from django.utils import timezone; from datetime import timedelta; "
        "from maillage.plans.models import ConsultationRound as R; "
        f"R.objects.filter(title={title!r}).update(closes_at=timezone.now() - timedelta(minutes=1))",
    )

    # The coordination writes the synthesis, publishes it and downloads the PDF.
    context, coord = actor(browser, live_app, COORDINATOR)
    coord.goto(round_url)  # the page it was on before the round closed
    follow(coord.get_by_role("link", name="Synthèse de la consultation"))
    check_page(coord)
    coord.get_by_label("Synthèse générale").fill("Le réseau demande d'associer les associations de terrain.")
    selects = coord.locator("select[name^=outcome_]")
    for index in range(selects.count()):
        selects.nth(index).select_option("retained" if index else "partially")
    coord.locator("textarea[name^=reason_]").first.fill("Retenue, avec les associations dans le comité de suivi.")
    follow(coord.get_by_role("button", name="Enregistrer le brouillon"))
    assert "Brouillon de la synthèse enregistré" in coord.content()
    check_page(coord)
    follow(coord.get_by_role("button", name="Publier la synthèse aux organisations consultées"))
    assert "Synthèse publiée" in coord.content()
    check_page(coord)
    with coord.expect_download() as download:
        coord.get_by_role("link", name="Rapport de consultation (PDF)").click()
    assert_tagged_pdf(download.value.path(), title)
    context.close()

    # The association reads the published synthesis from its notification.
    context, member = actor(browser, live_app, MEMBER)
    follow(member.get_by_role("link", name="Toutes les notifications"))
    item = member.locator("li", has_text=f"Synthèse publiée : {title}").first
    follow(item.get_by_role("link", name="Ouvrir"))
    assert "Retenue, avec les associations dans le comité de suivi." in member.content()
    check_page(member)
    with member.expect_download() as download:
        member.get_by_role("link", name="Télécharger la synthèse (PDF)").click()
    assert_tagged_pdf(download.value.path(), title)
    context.close()


def test_journey_f_meeting_held_minutes_circulated_remarked_approved(browser, live_app):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    title = f"Réunion du parcours f {dt.datetime.now(PARIS):%H%M%S}"
    DATA.append(title)

    # The pilot schedules the meeting and invites the group.
    context, pilot = actor(browser, live_app, COORDINATOR)
    pilot.goto(live_app["base"] + "/coordination/")
    follow(pilot.get_by_role("link", name=GROUP))
    follow(pilot.get_by_role("link", name="Programmer une réunion"))
    pilot.locator("input[name=title]").fill(title)
    pilot.locator("input[name=starts_at]").fill(f"{tomorrow:%Y-%m-%d}T10:00")
    pilot.locator("input[name=ends_at]").fill(f"{tomorrow:%Y-%m-%d}T12:00")
    pilot.locator("input[name=place]").fill("MIPROF, Paris")
    follow(pilot.get_by_role("button", name="Programmer"))
    meeting_url = pilot.url
    follow(pilot.get_by_role("button", name="Inviter tous les membres du groupe"))
    assert pilot.get_by_role("link", name=re.compile(r"fichier \.ics")).count() == 1
    check_page(pilot)
    context.close()

    # The day comes.
    pass_time(
        live_app,
        "from django.utils import timezone; from datetime import timedelta; "
        "from maillage.coordination.models import Meeting as M; "
        f"M.objects.filter(title={title!r}).update(starts_at=timezone.now() - timedelta(hours=3), "
        "ends_at=timezone.now() - timedelta(hours=1))",
    )

    # Held: attendance, then the minutes are drafted and circulated.
    context, pilot = actor(browser, live_app, COORDINATOR)
    pilot.goto(meeting_url)
    for gone in ("Inviter", "Annuler la réunion", "Modifier"):
        assert pilot.get_by_role("link", name=gone, exact=True).count() == 0, gone
    follow(pilot.get_by_role("link", name="Présences"))
    # The attendance sheet's boxes are named after the invited people and
    # organisations: data, not interface.
    check_page(pilot, data=listed_names(pilot))
    name = pass_time(
        live_app,
        f"from django.contrib.auth import get_user_model; print(get_user_model().objects.get(email={PARTICIPANT!r}))",
    )
    # Only this participant came: they are the minutes' one reader besides the pilot.
    pilot.locator("label").filter(has_text=re.compile("^" + re.escape(name) + "$")).first.click()
    follow(pilot.get_by_role("button", name="Enregistrer"))
    assert pilot.get_by_text("Tenue", exact=True).count() >= 1
    check_page(pilot)
    follow(pilot.get_by_role("link", name="Compte rendu", exact=True))
    follow(pilot.get_by_role("button", name="Générer le projet de compte rendu"))
    check_page(pilot)
    pilot.locator("input[name=days]").fill("8")
    follow(pilot.get_by_role("button", name="Adresser aux participants"))
    assert "Compte rendu adressé aux participants pour relecture" in pilot.content()
    check_page(pilot)
    # Not approvable before the participant has read it (or the delay has passed).
    follow(pilot.get_by_role("button", name="Approuver le compte rendu"))
    assert "pour faire part de leurs remarques" in pilot.content()
    context.close()

    # The participant reads it from the notification and remarks.
    context, reader = actor(browser, live_app, PARTICIPANT)
    follow(reader.get_by_role("link", name="Toutes les notifications"))
    item = reader.locator("li", has_text=f"Compte rendu à relire : {title}").first
    follow(item.get_by_role("link", name="Ouvrir"))
    check_page(reader)
    reader.get_by_label("Votre remarque sur le compte rendu").fill("Ajouter la date de la prochaine réunion.")
    follow(reader.get_by_role("button", name="Envoyer ma relecture"))
    assert "Votre relecture est enregistrée" in reader.content()
    check_page(reader)
    context.close()

    # The pilot sees the remark, completes the text and approves.
    context, pilot = actor(browser, live_app, COORDINATOR)
    pilot.goto(meeting_url)
    follow(pilot.get_by_role("link", name="Compte rendu", exact=True))
    assert "Ajouter la date de la prochaine réunion." in pilot.content()
    text = pilot.locator("textarea[name=text]")
    text.fill(text.input_value() + "\nProchaine réunion : dans six semaines.")
    follow(pilot.get_by_role("button", name="Enregistrer le projet"))
    follow(pilot.get_by_role("link", name="Compte rendu", exact=True))
    follow(pilot.get_by_role("button", name="Approuver le compte rendu"))
    assert "Compte rendu approuvé" in pilot.content()
    check_page(pilot)
    with pilot.expect_download() as download:
        pilot.get_by_role("link", name="Télécharger le compte rendu (PDF)").click()
    assert_tagged_pdf(download.value.path(), title)
    context.close()
