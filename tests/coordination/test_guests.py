"""Guests: people without a Maillage account invited to a meeting (issue 7).

They receive the same iCalendar invitation as members, answer through a
personal link that needs no account, and see nothing but the meeting's
title, time, place or link."""

import html
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import URLPattern, URLResolver, get_resolver
from icalendar import Calendar

from maillage.coordination import services
from maillage.coordination.enums import InvitationResponse
from maillage.coordination.models import MeetingGuest, MeetingInvitation
from maillage.core.models import AuditEvent
from maillage.core.tokens import hash_token
from maillage.notifications.models import OutboundEmail

from .conftest import paris
from .factories import MeetingGuestFactory

pytestmark = pytest.mark.django_db

GUEST_EMAIL = "magistrate.liaison@ambassade.example"


def _event(ics: str):
    cal = Calendar.from_ical(ics)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    return cal, events[0]


def _attendees(event) -> list[str]:
    value = event.get("ATTENDEE")
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values]


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _token_from(body: str) -> str:
    match = re.search(r"/coordination/invitation/([A-Za-z0-9_-]+)/", body)
    assert match, body
    return match.group(1)


@pytest.fixture
def issued(future_meeting, coordinator):
    return services.invite_guest(
        meeting=future_meeting,
        acting_user=coordinator,
        name="Ioana Marin",
        email=GUEST_EMAIL,
        organisation_name="Parquet de Bucarest",
    )


# --- Inviting -----------------------------------------------------------------------


def test_guest_receives_the_same_calendar_invitation_with_a_personal_link(issued, future_meeting):
    guest = issued.guest
    email = OutboundEmail.objects.get(to=GUEST_EMAIL)
    assert email.subject == "Invitation : Réunion de lancement"
    assert email.ics_method == "REQUEST"
    cal, event = _event(email.ics)
    assert cal["METHOD"] == "REQUEST"
    assert event["UID"] == f"{future_meeting.uid}@maillage"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == paris(2031, 6, 10, 14, 0)
    assert _attendees(event) == [f"mailto:{GUEST_EMAIL}"]
    assert event["ATTENDEE"].params["CN"] == "Ioana Marin"
    assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    # The link of the email and of the calendar event is the guest's own page.
    assert _token_from(email.body) == issued.token
    assert issued.path in str(event["DESCRIPTION"])
    assert f"/coordination/reunions/{future_meeting.pk}/" not in email.body + email.ics
    assert "Bonjour Ioana Marin" in email.body
    # Only the hash of a long random token is stored (≥ 128 bits).
    assert len(issued.token) >= 43
    guest.refresh_from_db()
    assert guest.token_hash == hash_token(issued.token)
    assert issued.token not in guest.token_hash
    assert AuditEvent.objects.filter(
        action="coordination.guest_invited", object_id=str(future_meeting.pk), details__guest_id=guest.pk
    ).exists()


def test_guest_with_a_directory_organisation(future_meeting, coordinator, organisation):
    issued = services.invite_guest(
        meeting=future_meeting,
        acting_user=coordinator,
        name="Experte",
        email="Experte@Exemple.FR",
        organisation=organisation,
    )
    assert issued.guest.email == "experte@exemple.fr"
    assert issued.guest.organisation_label == organisation.display_name


def test_same_address_twice_is_refused(issued, future_meeting, coordinator):
    with pytest.raises(ValidationError) as exc:
        services.invite_guest(
            meeting=future_meeting, acting_user=coordinator, name="Autre nom", email=GUEST_EMAIL.upper()
        )
    assert "déjà invitée à la réunion comme personne extérieure" in str(exc.value)
    assert MeetingGuest.objects.count() == 1
    assert OutboundEmail.objects.filter(to=GUEST_EMAIL).count() == 1


def test_address_of_a_user_already_invited_is_refused(future_meeting, coordinator, plain_member):
    services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    with pytest.raises(ValidationError) as exc:
        services.invite_guest(
            meeting=future_meeting, acting_user=coordinator, name="Doublon", email=plain_member.email.upper()
        )
    assert "déjà invitée à la réunion avec son compte Maillage" in str(exc.value)
    assert not MeetingGuest.objects.exists()


def test_a_user_whose_address_is_already_a_guest_is_not_invited_twice(future_meeting, coordinator, plain_member):
    services.invite_guest(meeting=future_meeting, acting_user=coordinator, name="Invitée", email=plain_member.email)
    with pytest.raises(ValidationError) as exc:
        services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    assert "comme personne extérieure" in str(exc.value)
    # Inviting the whole group skips that address instead of failing.
    assert services.invite_group_members(meeting=future_meeting, acting_user=coordinator) == 1  # the pilot only
    assert not MeetingInvitation.objects.filter(user=plain_member).exists()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Indiquez l'adresse électronique"),
        ("   ", "Indiquez l'adresse électronique"),
        ("pas-une-adresse", "n'est pas valide"),
    ],
)
def test_guest_without_a_valid_address_is_refused_and_nothing_written(future_meeting, coordinator, email, message):
    with pytest.raises(ValidationError) as exc:
        services.invite_guest(meeting=future_meeting, acting_user=coordinator, name="Sans adresse", email=email)
    assert message in str(exc.value)
    assert not MeetingGuest.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert not AuditEvent.objects.filter(action="coordination.guest_invited").exists()


def test_directory_and_free_text_organisation_together_are_refused(future_meeting, coordinator, organisation):
    with pytest.raises(ValidationError) as exc:
        services.invite_guest(
            meeting=future_meeting,
            acting_user=coordinator,
            name="X",
            email="x@exemple.fr",
            organisation=organisation,
            organisation_name="Autre",
        )
    assert "pas les deux" in str(exc.value)


def test_only_the_meeting_managers_invite_guests(future_meeting, plain_member):
    with pytest.raises(PermissionDenied):
        services.invite_guest(meeting=future_meeting, acting_user=plain_member, name="X", email="x@exemple.fr")


def test_no_guest_for_a_cancelled_meeting(future_meeting, coordinator):
    services.cancel_meeting(meeting=future_meeting, acting_user=coordinator)
    with pytest.raises(ValidationError) as exc:
        services.invite_guest(meeting=future_meeting, acting_user=coordinator, name="X", email="x@exemple.fr")
    assert "annulée" in str(exc.value)


def test_emails_leave_only_on_commit(future_meeting, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invite_guest(meeting=future_meeting, acting_user=coordinator, name="X", email="x@exemple.fr")
    assert mail.outbox == []
    assert callbacks
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["x@exemple.fr"]]
    assert mail.outbox[0].attachments[0][2].startswith("text/calendar; charset=utf-8; method=REQUEST")


def test_a_rolled_back_invitation_sends_nothing(
    future_meeting, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    # The service opens its own transaction (durable: no caller can wrap it).
    # The email is queued, then the service fails before committing — here
    # while writing its audit row: everything rolls back and nothing leaves.
    from maillage.coordination.services import guests

    def audit_down(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(guests.audit, "record", audit_down)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError, match="audit down"):
        services.invite_guest(meeting=future_meeting, acting_user=coordinator, name="X", email="x@exemple.fr")
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()
    assert not MeetingGuest.objects.exists()


# --- Updates, cancellation, removal, resend ---------------------------------------------


def test_update_sends_the_new_sequence_to_guests_without_a_link(issued, future_meeting, coordinator):
    services.update_meeting(
        meeting=future_meeting,
        acting_user=coordinator,
        starts_at=paris(2031, 6, 11, 14),
        ends_at=paris(2031, 6, 11, 16),
    )
    email = OutboundEmail.objects.filter(to=GUEST_EMAIL).order_by("pk").last()
    assert email.subject == "Modifié : Réunion de lancement"
    _cal, event = _event(email.ics)
    assert event["SEQUENCE"] == 1
    assert event["UID"] == f"{future_meeting.uid}@maillage"
    assert event.decoded("DTSTART") == paris(2031, 6, 11, 14)
    assert "/coordination/" not in email.body
    assert "lien personnel reçu avec votre invitation" in email.body


def test_meeting_cancellation_reaches_guests(issued, future_meeting, coordinator):
    services.cancel_meeting(meeting=future_meeting, acting_user=coordinator)
    email = OutboundEmail.objects.filter(to=GUEST_EMAIL).order_by("pk").last()
    cal, event = _event(email.ics)
    assert cal["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert "La réunion suivante est annulée" in email.body


def test_removing_a_guest_cancels_for_that_guest_only(issued, future_meeting, coordinator, plain_member):
    services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    other = services.invite_guest(
        meeting=future_meeting, acting_user=coordinator, name="Autre invitée", email="autre@exemple.fr"
    )
    before = OutboundEmail.objects.count()
    services.remove_guest(guest=issued.guest, acting_user=coordinator)
    new = list(OutboundEmail.objects.order_by("pk")[before:])
    assert [e.to for e in new] == [GUEST_EMAIL]
    assert new[0].subject == "Invitation retirée : Réunion de lancement"
    cal, event = _event(new[0].ics)
    assert cal["METHOD"] == "CANCEL"
    assert event["UID"] == f"{future_meeting.uid}@maillage"
    assert event["SEQUENCE"] == 0  # same version; the later DTSTAMP supersedes (RFC 5546 §2.1.5)
    assert _attendees(event) == [f"mailto:{GUEST_EMAIL}"]
    issued.guest.refresh_from_db()
    assert issued.guest.removed_at is not None
    other.guest.refresh_from_db()
    assert other.guest.removed_at is None
    assert AuditEvent.objects.filter(action="coordination.guest_removed", details__guest_id=issued.guest.pk).exists()
    # A later cancellation of the meeting no longer writes to the removed guest.
    services.cancel_meeting(meeting=future_meeting, acting_user=coordinator)
    assert OutboundEmail.objects.filter(to=GUEST_EMAIL).count() == 2
    # Removing twice is refused.
    with pytest.raises(ValidationError):
        services.remove_guest(guest=issued.guest, acting_user=coordinator)


def test_a_removed_guest_can_be_invited_again_with_a_new_link(issued, future_meeting, coordinator):
    services.remove_guest(guest=issued.guest, acting_user=coordinator)
    again = services.invite_guest(
        meeting=future_meeting, acting_user=coordinator, name="Ioana Marin", email=GUEST_EMAIL
    )
    assert again.guest.pk != issued.guest.pk
    assert again.token != issued.token


def test_resend_issues_a_new_link_and_the_old_one_stops_working(client, issued, coordinator):
    resent = services.resend_guest_invitation(guest=issued.guest, acting_user=coordinator)
    assert resent.token != issued.token
    emails = OutboundEmail.objects.filter(to=GUEST_EMAIL).order_by("pk")
    assert emails.count() == 2
    assert _token_from(emails.last().body) == resent.token
    _cal, event = _event(emails.last().ics)
    assert event["SEQUENCE"] == 0
    assert client.get(issued.path).status_code == 404
    assert client.get(resent.path).status_code == 200
    assert AuditEvent.objects.filter(action="coordination.guest_invitation_resent").count() == 1


# --- The guest's page -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "label"), [("accepted", "Accepte"), ("declined", "Décline"), ("tentative", "Peut-être")]
)
def test_guest_answers_without_an_account(client, issued, answer, label):
    response = client.post(issued.path, {"response": answer})
    assert response.status_code == 302
    assert response["Location"] == issued.path
    guest = MeetingGuest.objects.get(pk=issued.guest.pk)
    assert guest.response == answer
    assert guest.responded_at is not None
    page = client.get(issued.path).content.decode()
    assert "Merci, votre réponse est enregistrée." in page
    assert f"<strong>{label}</strong>" in page
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="coordination.guest_response")
    assert event.actor is None
    assert event.details == {"guest_id": guest.pk, "response": answer}


def test_guest_page_is_private_and_not_cached(client, issued):
    response = client.get(issued.path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_an_unknown_reply_is_refused(client, issued):
    response = client.post(issued.path, {"response": "needs_action"})
    assert response.status_code == 400
    assert MeetingGuest.objects.get(pk=issued.guest.pk).response == InvitationResponse.NEEDS_ACTION
    with pytest.raises(ValidationError):
        services.respond_as_guest(token=issued.token, response="maybe")


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 500])
def test_wrong_token_is_a_404(client, issued, token):
    response = client.get(f"/coordination/invitation/{token}/")
    assert response.status_code == 404
    assert "Ce lien d'invitation n'est pas valide." in _text(response)
    assert client.post(f"/coordination/invitation/{token}/", {"response": "accepted"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.respond_as_guest(token=token, response="accepted")


def test_removed_invitation_is_a_404_with_a_clear_message(client, issued, coordinator):
    services.remove_guest(guest=issued.guest, acting_user=coordinator)
    response = client.get(issued.path)
    assert response.status_code == 404
    assert "Cette invitation a été retirée" in response.content.decode()
    assert client.post(issued.path, {"response": "accepted"}).status_code == 404
    assert MeetingGuest.objects.get(pk=issued.guest.pk).response == InvitationResponse.NEEDS_ACTION


def test_cancelled_meeting_shows_it_and_refuses_replies(client, issued, future_meeting, coordinator):
    services.cancel_meeting(meeting=future_meeting, acting_user=coordinator)
    page = client.get(issued.path).content.decode()
    assert "Cette réunion est annulée." in page
    assert 'name="response"' not in page
    response = client.post(issued.path, {"response": "accepted"})
    assert response.status_code == 400
    assert "La réunion a été annulée : votre réponse n'est pas enregistrée." in _text(response)
    assert MeetingGuest.objects.get(pk=issued.guest.pk).response == InvitationResponse.NEEDS_ACTION
    with pytest.raises(ValidationError) as exc:
        services.respond_as_guest(token=issued.token, response="accepted")
    assert "annulée" in str(exc.value)


def test_replies_after_the_meeting_are_refused(client, issued):
    with time_machine.travel(paris(2031, 6, 10, 17, 0), tick=False):
        page = client.get(issued.path).content.decode()
        assert "La réunion est terminée" in page
        assert 'name="response"' not in page
        assert client.post(issued.path, {"response": "accepted"}).status_code == 400
    assert MeetingGuest.objects.get(pk=issued.guest.pk).response == InvitationResponse.NEEDS_ACTION


def test_guest_page_shows_the_meeting_and_nothing_else(client, future_meeting, coordinator, plain_member, group):
    services.update_meeting(
        meeting=future_meeting, acting_user=coordinator, mode="hybrid", video_url="https://visio.example.fr/lancement"
    )
    services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    services.add_agenda_item(
        meeting=future_meeting, acting_user=coordinator, title="Point confidentiel de l'ordre du jour"
    )
    services.record_decision(acting_user=coordinator, meeting=future_meeting, statement="Décision interne du groupe")
    services.invite_guest(
        meeting=future_meeting,
        acting_user=coordinator,
        name="Autre Personne Extérieure",
        email="autre@exemple.fr",
        organisation_name="Organisation voisine",
    )
    guest = MeetingGuestFactory(meeting=future_meeting, token="jeton-de-test-" + "x" * 40, name="Invitée Test")
    page = client.get("/coordination/invitation/jeton-de-test-" + "x" * 40 + "/").content.decode()
    assert "Réunion de lancement" in page
    assert "mercredi 11 juin 2031, 14:00" not in page  # (the meeting did not move)
    assert "mardi 10 juin 2031, 14:00 – 16:00" in page  # Europe/Paris
    assert "MIPROF, Paris" in page
    assert "https://visio.example.fr/lancement" in page
    assert 'rel="noopener noreferrer"' in page
    for secret in (
        plain_member.get_full_name(),
        plain_member.email,
        coordinator.get_full_name(),
        coordinator.email,
        "Autre Personne Extérieure",
        "autre@exemple.fr",
        "Organisation voisine",
        group.name,
        "Point confidentiel",
        "Décision interne",
        guest.email,
        "/coordination/reunions/",
        "/coordination/groupes/",
    ):
        assert secret not in page, secret


def test_the_guest_page_is_the_only_new_anonymous_page_of_coordination():
    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                yield entry

    anonymous = {
        p.name
        for p in walk(get_resolver().url_patterns)
        if p.callback.__module__.startswith("maillage.www.coordination.views")
        and getattr(p.callback, "login_required", True) is False
    }
    assert anonymous == {"feed", "guest_reply"}


# --- Organiser's pages ---------------------------------------------------------------------


def test_invite_a_guest_from_the_meeting_page(client, login, future_meeting, coordinator):
    login(client, coordinator)
    url = f"/coordination/reunions/{future_meeting.pk}/inviter-une-personne-exterieure/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Expert", "email": ""})
    assert response.status_code == 200
    assert "Indiquez l'adresse électronique de la personne" in _text(response)
    response = client.post(url, {"name": "Expert", "email": "expert@exemple.fr", "organisation_name": "Université"})
    assert response.status_code == 302
    response = client.post(url, {"name": "Expert bis", "email": "EXPERT@exemple.fr"})
    assert "Cette adresse est déjà invitée à la réunion comme personne extérieure." in response.content.decode()
    page = client.get(f"/coordination/reunions/{future_meeting.pk}/").content.decode()
    assert "Expert" in page and "Université" in page and "expert@exemple.fr" in page


def test_members_see_guests_but_not_their_addresses_and_cannot_manage_them(
    client, login, issued, future_meeting, plain_member, outsider
):
    login(client, plain_member)
    page = client.get(f"/coordination/reunions/{future_meeting.pk}/").content.decode()
    assert "Ioana Marin" in page
    assert GUEST_EMAIL not in page
    assert (
        client.get(f"/coordination/reunions/{future_meeting.pk}/inviter-une-personne-exterieure/").status_code == 403
    )
    assert client.post(f"/coordination/invites-exterieurs/{issued.guest.pk}/retirer/").status_code == 403
    assert client.post(f"/coordination/invites-exterieurs/{issued.guest.pk}/renvoyer/").status_code == 403
    login(client, outsider)
    assert client.post(f"/coordination/invites-exterieurs/{issued.guest.pk}/retirer/").status_code == 404
    assert MeetingGuest.objects.get(pk=issued.guest.pk).removed_at is None


def test_organiser_removes_and_resends_from_the_meeting_page(client, login, issued, future_meeting, coordinator):
    login(client, coordinator)
    response = client.post(f"/coordination/invites-exterieurs/{issued.guest.pk}/renvoyer/", follow=True)
    assert "Invitation renvoyée avec un nouveau lien" in response.content.decode()
    response = client.post(f"/coordination/invites-exterieurs/{issued.guest.pk}/retirer/", follow=True)
    assert "Invitation retirée" in response.content.decode()
    assert "Ioana Marin" not in response.content.decode()
    assert client.post(f"/coordination/invites-exterieurs/{issued.guest.pk}/retirer/").status_code == 404


# --- After the meeting ----------------------------------------------------------------------


def test_attendance_and_minutes_count_guests(
    client, login, group, coordinator, coordination, organisation, other_organisation
):
    with time_machine.travel(paris(2031, 3, 2, 9, 0), tick=False):
        meeting = services.schedule_meeting(
            acting_user=coordinator,
            group=group,
            title="Réunion avec des experts",
            starts_at=paris(2031, 3, 5, 10),
            ends_at=paris(2031, 3, 5, 12),
            place="Paris",
        )
        expert = services.invite_guest(
            meeting=meeting,
            acting_user=coordinator,
            name="Experte annuaire",
            email="experte@exemple.fr",
            organisation=other_organisation,
        ).guest
        foreign = services.invite_guest(
            meeting=meeting,
            acting_user=coordinator,
            name="Homologue",
            email="homologue@exemple.ro",
            organisation_name="Police roumaine",
        ).guest
        absent = services.invite_guest(
            meeting=meeting,
            acting_user=coordinator,
            name="Absente",
            email="absente@exemple.fr",
            organisation_name="Université",
        ).guest
    with time_machine.travel(paris(2031, 3, 5, 13, 0), tick=False):
        login(client, coordinator)
        url = f"/coordination/reunions/{meeting.pk}/presences/"
        form_page = client.get(url).content.decode()
        assert "Personnes extérieures présentes" in form_page
        assert "Experte annuaire" in form_page and other_organisation.display_name in form_page
        response = client.post(
            url, {"present_guests": [str(expert.pk), str(foreign.pk)], "organisations": [str(coordination.pk)]}
        )
        assert response.status_code == 302
        for guest, attended in ((expert, True), (foreign, True), (absent, False)):
            guest.refresh_from_db()
            assert guest.attended is attended
        # A guest of a directory organisation makes that organisation present.
        assert set(meeting.attending_organisations.all()) == {coordination, other_organisation}
        services.draft_minutes(meeting=meeting, acting_user=coordinator)
        meeting.refresh_from_db()
        present_line = next(
            line for line in meeting.minutes.splitlines() if line.startswith("Organisations présentes")
        )
        assert other_organisation.display_name in present_line and "Police roumaine" in present_line
        assert "Université" not in meeting.minutes
        assert "Homologue" not in meeting.minutes  # organisations, not people
