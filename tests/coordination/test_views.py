"""Every coordination page, seen by an anonymous visitor, a group member, a
person of another organisation and a national coordinator."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections
from icalendar import Calendar

from maillage.coordination import services
from maillage.coordination.enums import DossierKind, LetterDirection
from maillage.coordination.models import Letter, Meeting

from .conftest import paris

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def world(group, coordinator, coordination, organisation, plain_member, future_meeting, other_organisation):
    past = services.schedule_meeting(
        acting_user=coordinator,
        group=group,
        title="Réunion passée",
        starts_at=paris(2020, 1, 10, 10),
        ends_at=paris(2020, 1, 10, 12),
        place="Paris",
        allow_past=True,
    )
    invitation = services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    decision = services.record_decision(acting_user=coordinator, meeting=past, statement="Décision")
    action = services.create_action(
        acting_user=coordinator, meeting=past, title="Action", owner_user=plain_member, due_on=dt.date(2020, 2, 1)
    )
    letter = services.register_letter(
        acting_user=coordinator,
        direction=LetterDirection.INCOMING,
        letter_date=dt.date(2013, 5, 7),
        subject="Lettre du collectif",
        sender_organisation=organisation,
        attachment=SimpleUploadedFile("l.pdf", PDF, content_type="application/pdf"),
    )
    other_letter = services.register_letter(
        acting_user=coordinator,
        direction=LetterDirection.INCOMING,
        letter_date=dt.date(2013, 5, 7),
        subject="Autre",
        sender_organisation=other_organisation,
    )
    dossier = services.create_dossier(
        acting_user=coordinator,
        title="Grande cause",
        kind=DossierKind.NATIONAL_CAUSE,
        lead_organisation=coordination,
        supporting_organisations=[organisation],
    )
    appointment = services.propose_appointment(
        acting_user=coordinator,
        proposer_organisation=coordination,
        target_organisation=organisation,
        subject="RDV",
        place="Paris",
        slots=[(paris(2031, 6, 3, 10), paris(2031, 6, 3, 11))],
    )
    return {
        "group": group,
        "meeting": future_meeting,
        "past": past,
        "invitation": invitation,
        "decision": decision,
        "action": action,
        "letter": letter,
        "other_letter": other_letter,
        "dossier": dossier,
        "appointment": appointment,
    }


def _pages(w):
    g, m, p = w["group"].pk, w["meeting"].pk, w["past"].pk
    # (url, member, outsider, coordinator) expected GET status codes
    return [
        ("/coordination/", 200, 200, 200),
        ("/coordination/groupes/nouveau/", 403, 403, 200),
        (f"/coordination/groupes/{g}/", 200, 404, 200),
        (f"/coordination/groupes/{g}/membres/ajouter/", 403, 404, 200),
        (f"/coordination/groupes/{g}/modifier/", 403, 404, 200),
        (f"/coordination/groupes/{g}/documents/ajouter/", 200, 404, 200),
        (f"/coordination/groupes/{g}/reunions/nouvelle/", 403, 404, 200),
        (f"/coordination/reunions/{m}/", 200, 404, 200),
        (f"/coordination/reunions/{m}/modifier/", 403, 404, 200),
        (f"/coordination/reunions/{m}/ordre-du-jour/", 403, 404, 200),
        (f"/coordination/reunions/{m}/inviter/", 403, 404, 200),
        (f"/coordination/reunions/{p}/presences/", 403, 404, 200),
        (f"/coordination/reunions/{p}/compte-rendu/", 403, 404, 200),
        (f"/coordination/reunions/{p}/decisions/nouvelle/", 403, 404, 200),
        (f"/coordination/reunions/{p}/actions/nouvelle/", 403, 404, 200),
        ("/coordination/mes-actions/", 200, 200, 200),
        ("/coordination/agendas/", 200, 200, 200),
        ("/coordination/courrier/", 200, 200, 200),
        ("/coordination/courrier/en-retard/", 200, 200, 200),
        ("/coordination/courrier/nouveau/", 403, 403, 200),
        (f"/coordination/courrier/{w['letter'].pk}/", 200, 404, 200),
        (f"/coordination/courrier/{w['letter'].pk}/piece-jointe/", 200, 404, 200),
        ("/coordination/dossiers/", 200, 200, 200),
        ("/coordination/dossiers/nouveau/", 200, 200, 200),
        (f"/coordination/dossiers/{w['dossier'].pk}/", 200, 404, 200),
        (f"/coordination/etapes/{w['dossier'].steps.first().pk}/", 403, 404, 200),
        (f"/coordination/dossiers/{w['dossier'].pk}/documents/ajouter/", 403, 404, 200),
        (f"/coordination/decisions/{w['decision'].pk}/", 403, 404, 200),
        ("/coordination/rendez-vous/", 200, 200, 200),
        ("/coordination/rendez-vous/nouveau/", 200, 200, 200),
        (f"/coordination/rendez-vous/{w['appointment'].pk}/", 200, 404, 200),
        ("/coordination/recapitulatif/", 200, 200, 200),
    ]


def test_anonymous_is_sent_to_login(client, world):
    for url, *_ in _pages(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/comptes/" in response["Location"], url


@pytest.mark.parametrize("who", ["member", "outsider", "coordinator"])
def test_every_page_by_role(client, login, world, plain_member, outsider, coordinator, who):
    user = {"member": plain_member, "outsider": outsider, "coordinator": coordinator}[who]
    column = {"member": 0, "outsider": 1, "coordinator": 2}[who]
    login(client, user)
    for url, *expected in _pages(world):
        response = client.get(url)
        assert response.status_code == expected[column], (url, response.status_code)
        if response.status_code == 200 and not url.endswith("piece-jointe/"):
            assert b"<h1" in response.content, url
        if response.streaming:
            _close(response)


def test_person_without_membership_gets_404(client, login, world):
    from tests.factories import UserFactory

    login(client, UserFactory())
    assert client.get("/coordination/").status_code == 404


def test_home_panel_and_menu(client, login, world, plain_member):
    login(client, plain_member)
    html = client.get("/").content.decode()
    assert "Coordination" in html
    assert "Action" in html  # overdue action in the panel


def test_meeting_form_refuses_end_before_start(client, login, world, coordinator):
    login(client, coordinator)
    count = Meeting.objects.count()
    response = client.post(
        f"/coordination/groupes/{world['group'].pk}/reunions/nouvelle/",
        {
            "title": "X",
            "starts_at": "2031-07-01T10:00",
            "ends_at": "2031-07-01T09:00",
            "mode": "in_person",
            "place": "Paris",
        },
    )
    assert response.status_code == 200
    assert "La fin de la réunion doit être postérieure à son début." in response.content.decode()
    assert Meeting.objects.count() == count


def test_meeting_form_creates_in_paris_time(client, login, world, coordinator):
    login(client, coordinator)
    response = client.post(
        f"/coordination/groupes/{world['group'].pk}/reunions/nouvelle/",
        {
            "title": "Hiver",
            "starts_at": "2031-01-15T10:00",
            "ends_at": "2031-01-15T12:00",
            "mode": "online",
            "video_url": "https://visio.example.fr/abc",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Hiver")
    assert meeting.starts_at == paris(2031, 1, 15, 10)


def test_letter_form_refuses_non_pdf_with_warning(client, login, world, coordinator, organisation):
    login(client, coordinator)
    page = client.get("/coordination/courrier/nouveau/").content.decode()
    assert "jamais l&#x27;identité d&#x27;une victime" in page or "jamais l'identité d'une victime" in page
    count = Letter.objects.count()
    response = client.post(
        "/coordination/courrier/nouveau/",
        {
            "direction": "incoming",
            "letter_date": "2013-05-07",
            "subject": "S",
            "sender_organisation": organisation.pk,
            "expects_reply": "on",
            "attachment": SimpleUploadedFile("x.pdf", b"GIF89a", content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "n&#x27;est pas un PDF" in response.content.decode()
    assert Letter.objects.count() == count


def test_respond_to_cancelled_meeting_shows_french_error(client, login, world, coordinator, plain_member):
    services.cancel_meeting(meeting=world["meeting"], acting_user=coordinator)
    login(client, plain_member)
    response = client.post(
        f"/coordination/reunions/{world['meeting'].pk}/repondre/", {"response": "accepted"}, follow=True
    )
    assert "annulée" in response.content.decode()
    world["invitation"].refresh_from_db()
    assert world["invitation"].response == "needs_action"


def test_invite_person_without_email_shows_french_error(client, login, world, coordinator, outsider):
    type(outsider).objects.filter(pk=outsider.pk).update(email="")
    login(client, coordinator)
    response = client.post(f"/coordination/reunions/{world['meeting'].pk}/inviter/", {"user": outsider.pk})
    assert response.status_code == 200
    assert "pas d&#x27;adresse électronique" in response.content.decode()


def test_ical_feed_with_token_and_revocation(client, login, world, plain_member):
    issued = services.issue_feed_token(acting_user=plain_member)
    assert issued.feed.token_hash != issued.token
    response = client.get(f"/coordination/agenda/{issued.token}.ics")  # no session: the token is the credential
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Réunion de lancement"]
    services.revoke_feed_token(feed=issued.feed, acting_user=plain_member)
    assert client.get(f"/coordination/agenda/{issued.token}.ics").status_code == 404
    assert client.get("/coordination/agenda/inconnu.ics").status_code == 404


def test_group_feed_shows_only_that_group(client, world, coordinator):
    issued = services.issue_feed_token(acting_user=coordinator, group=world["group"])
    cal = Calendar.from_ical(client.get(f"/coordination/agenda/{issued.token}.ics").content)
    # The 2020 meeting is older than the 90 days a feed looks back.
    assert {str(e["SUMMARY"]) for e in cal.walk("VEVENT")} == {"Réunion de lancement"}


def test_feed_page_issues_and_revokes(client, login, world, plain_member):
    login(client, plain_member)
    response = client.post("/coordination/agendas/", {"group": ""})
    assert "/coordination/agenda/" in response.content.decode()
    feed = plain_member.calendar_tokens.get()
    client.post(f"/coordination/agendas/{feed.pk}/revoquer/")
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_member_closes_their_action(client, login, world, plain_member):
    login(client, plain_member)
    response = client.post(f"/coordination/actions/{world['action'].pk}/statut/", {"status": "done"})
    assert response.status_code == 302
    world["action"].refresh_from_db()
    assert world["action"].status == "done"


def test_outsider_cannot_touch_an_action(client, login, world, outsider):
    login(client, outsider)
    assert client.post(f"/coordination/actions/{world['action'].pk}/statut/", {"status": "done"}).status_code == 404


def test_minutes_flow_through_views(client, login, world, coordinator):
    login(client, coordinator)
    url = f"/coordination/reunions/{world['past'].pk}/compte-rendu/"
    client.post(url, {"op": "draft"})
    world["past"].refresh_from_db()
    assert world["past"].minutes_status == "draft" and "Décision" in world["past"].minutes
    client.post(url, {"text": "Compte rendu relu."})
    # Nobody else was invited: the minutes cannot go out for review, nor be approved unread.
    response = client.post(url, {"op": "circulate", "days": "8"}, follow=True)
    assert "Aucun autre participant" in response.content.decode()
    response = client.post(url, {"op": "approve"}, follow=True)
    assert "adressé aux participants pour relecture" in response.content.decode()
    world["past"].refresh_from_db()
    assert world["past"].minutes_status == "draft" and world["past"].minutes == "Compte rendu relu."


def test_pick_slot_through_view(client, login, world, organisation):
    from tests.factories import MembershipFactory

    picker = MembershipFactory(organisation=organisation).user
    login(client, picker)
    slot = world["appointment"].slots.get()
    response = client.post(f"/coordination/rendez-vous/{world['appointment'].pk}/", {"slot": slot.pk})
    assert response.status_code == 302
    world["appointment"].refresh_from_db()
    assert world["appointment"].meeting is not None


def test_letter_search_view(client, login, world, coordinator):
    login(client, coordinator)
    html = client.get("/coordination/courrier/", {"q": "collectif"}).content.decode()
    assert "Lettre du collectif" in html and "Autre" not in html.split("<tbody>")[1]


def test_digest_preference_toggle(client, login, world, plain_member):
    login(client, plain_member)
    client.post("/coordination/recapitulatif/preference/", {"enabled": "0"})
    plain_member.refresh_from_db()
    assert plain_member.weekly_digest_enabled is False


def _close(response):
    """Close a file response (its file handle) the way the test client does:
    without the request_finished signal, which would close the database
    connection in the middle of the test's transaction on PostgreSQL."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _download_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    _close(response)


def test_documents_upload_and_download_are_permission_checked(
    client, login, world, coordinator, plain_member, outsider
):
    login(client, coordinator)
    response = client.post(
        f"/coordination/dossiers/{world['dossier'].pk}/documents/ajouter/",
        {
            "title": "Budget prévisionnel",
            "attachment": SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    document = world["dossier"].documents.get()
    _download_ok(client, f"/coordination/documents/{document.pk}/")
    response = client.post(
        f"/coordination/groupes/{world['group'].pk}/documents/ajouter/",
        {"title": "Pas un PDF", "attachment": SimpleUploadedFile("b.pdf", b"hello", content_type="application/pdf")},
    )
    assert "n&#x27;est pas un PDF" in response.content.decode()
    login(client, plain_member)  # the association supports the dossier
    _download_ok(client, f"/coordination/documents/{document.pk}/")
    login(client, outsider)
    assert client.get(f"/coordination/documents/{document.pk}/").status_code == 404


def test_link_meeting_to_dossier(client, login, world, coordinator):
    login(client, coordinator)
    client.post(f"/coordination/dossiers/{world['dossier'].pk}/reunions/lier/", {"meeting": world["past"].pk})
    assert list(world["dossier"].meetings.all()) == [world["past"]]


def test_decision_review(client, login, world, coordinator):
    login(client, coordinator)
    client.post(f"/coordination/decisions/{world['decision'].pk}/", {"status": "implemented", "review_on": ""})
    world["decision"].refresh_from_db()
    assert world["decision"].status == "implemented"


def test_feed_reflects_updates_and_cancellations_despite_the_cache(client, world, coordinator, plain_member):
    issued = services.issue_feed_token(acting_user=plain_member)
    url = f"/coordination/agenda/{issued.token}.ics"
    client.get(url)
    services.update_meeting(meeting=world["meeting"], acting_user=coordinator, title="Titre modifié")
    event = Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Titre modifié" and event["SEQUENCE"] == 1
    services.cancel_meeting(meeting=world["meeting"], acting_user=coordinator)
    event = Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 2


def test_group_edit_closes_the_group_and_changes_visibility(client, login, world, coordinator, outsider):
    login(client, coordinator)
    group = world["group"]
    response = client.post(
        f"/coordination/groupes/{group.pk}/modifier/",
        {
            "name": group.name,
            "mandate": "Nouveau mandat",
            "focus": "minors",
            "status": "closed",
            "visibility": "network",
            "pilot": coordinator.pk,
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.status, group.visibility, group.mandate) == ("closed", "network", "Nouveau mandat")
    login(client, outsider)
    assert client.get(f"/coordination/groupes/{group.pk}/").status_code == 200  # now visible to the whole network
