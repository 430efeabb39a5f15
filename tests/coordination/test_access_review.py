"""Access-control review: members-only meetings and the correspondence register."""

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from maillage.coordination import policies, services
from maillage.coordination.enums import LetterDirection
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _leave(user, organisation):
    membership = user.memberships.get(organisation=organisation)
    membership.is_active = False
    membership.removed_at = timezone.now()
    membership.save()


def _feed_titles(client, token):
    response = client.get(f"/coordination/agenda/{token}.ics")
    assert response.status_code == 200
    return [str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]


def test_leaving_the_organisation_empties_the_personal_feed(
    client, future_meeting, coordinator, plain_member, organisation
):
    services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    issued = services.issue_feed_token(acting_user=plain_member)
    assert _feed_titles(client, issued.token) == ["Réunion de lancement"]
    _leave(plain_member, organisation)
    # docs/domain/coordination.md: visibility is re-checked at each fetch.
    assert _feed_titles(client, issued.token) == []
    assert future_meeting not in policies.meetings_visible_to(plain_member)


def test_invitee_who_moved_to_another_organisation_no_longer_sees_a_members_only_meeting(
    client, login, future_meeting, coordinator, plain_member, organisation
):
    services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    MembershipFactory(user=plain_member, organisation=OrganisationFactory())
    services.record_decision(
        acting_user=coordinator, meeting=future_meeting, statement="Décision confidentielle du groupe"
    )
    login(client, plain_member)
    assert client.get(f"/coordination/reunions/{future_meeting.pk}/").status_code == 200
    _leave(plain_member, organisation)
    # Invited for the association they left: the members-only group's
    # meeting (decisions, minutes, invitees) is no longer theirs to read.
    assert client.get(f"/coordination/reunions/{future_meeting.pk}/").status_code == 404
    assert future_meeting not in policies.meetings_visible_to(plain_member)


def test_appointment_meeting_stays_visible_to_both_sides(coordinator, coordination, organisation):
    picker = MembershipFactory(organisation=organisation).user
    paris = dt.timezone(dt.timedelta(hours=2))
    appointment = services.propose_appointment(
        acting_user=coordinator,
        proposer_organisation=coordination,
        target_organisation=organisation,
        subject="RDV",
        place="Paris",
        slots=[(dt.datetime(2031, 6, 3, 10, tzinfo=paris), dt.datetime(2031, 6, 3, 11, tzinfo=paris))],
    )
    meeting = services.pick_slot(appointment=appointment, slot=appointment.slots.get(), acting_user=picker)
    assert meeting in policies.meetings_visible_to(picker)
    assert meeting in policies.meetings_visible_to(coordinator)


def _letter(user, **kwargs):
    defaults = {
        "direction": LetterDirection.INCOMING,
        "letter_date": dt.date(2013, 5, 7),
        "received_on": dt.date(2013, 5, 10),
    }
    return services.register_letter(acting_user=user, **{**defaults, **kwargs})


def test_letter_page_does_not_reveal_other_organisations_letters(
    client, login, coordinator, coordination, organisation, other_organisation, plain_member, group
):
    other = _letter(coordinator, subject="Signalement de la préfecture", sender_organisation=other_organisation)
    mine = _letter(
        coordinator,
        direction=LetterDirection.OUTGOING,
        subject="Réponse au collectif",
        sender_organisation=coordination,
        recipient_organisation=organisation,
        in_reply_to=other,
        expects_reply=False,
    )
    private_group = services.create_group(
        acting_user=coordinator,
        name="Groupe restreint préfectures",
        lead_organisation=coordination,
        visibility="members",
    )
    forwarded = _letter(
        coordinator,
        subject="Transmission au parquet",
        sender_organisation=organisation,
        recipient_organisation=other_organisation,
        group=private_group,
    )
    _letter(
        coordinator,
        direction=LetterDirection.OUTGOING,
        subject="Relance confidentielle au parquet",
        sender_organisation=coordination,
        recipient_organisation=other_organisation,
        in_reply_to=forwarded,
        expects_reply=False,
    )
    login(client, plain_member)
    html = client.get(f"/coordination/courrier/{mine.pk}/").content.decode()
    assert "Réponse au collectif" in html
    assert "Signalement de la préfecture" not in html and other.reference not in html
    html = client.get(f"/coordination/courrier/{forwarded.pk}/").content.decode()
    assert "Transmission au parquet" in html
    assert "Relance confidentielle" not in html
    assert "Groupe restreint" not in html
    # The coordination body keeps the whole picture.
    login(client, coordinator)
    html = client.get(f"/coordination/courrier/{mine.pk}/").content.decode()
    assert "Signalement de la préfecture" in html
    html = client.get(f"/coordination/courrier/{forwarded.pk}/").content.decode()
    assert "Relance confidentielle" in html and "Groupe restreint" in html


def test_network_subgroup_page_does_not_name_a_members_only_parent(
    client, login, group, coordinator, coordination, other_member
):
    sub = services.create_group(
        acting_user=coordinator,
        name="Sous-groupe ouvert",
        lead_organisation=coordination,
        parent=group,
        visibility="network",
    )
    login(client, other_member)
    html = client.get(f"/coordination/groupes/{sub.pk}/").content.decode()
    assert "Sous-groupe ouvert" in html and group.name not in html
    login(client, coordinator)
    assert group.name in client.get(f"/coordination/groupes/{sub.pk}/").content.decode()
