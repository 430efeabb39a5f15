"""After the meeting (issue 10, item 11): a held meeting is « Tenue » and
offers attendance and minutes, not RSVP; minutes go to the participants for
remarks before the pilot approves them; a past date is refused; the meeting
page offers its .ics file and the minutes' tagged PDF."""

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from icalendar import Calendar

from maillage.coordination import services
from maillage.coordination.enums import MeetingStatus, MinutesStatus
from maillage.coordination.models import Meeting, MinutesRemark
from maillage.notifications.models import Notification
from tests.plans.test_pdf import assert_tagged

from .conftest import paris

pytestmark = pytest.mark.django_db

BEFORE = paris(2031, 6, 1, 9)
AFTER = paris(2031, 6, 10, 17)


@pytest.fixture
def held(future_meeting, coordinator, plain_member, organisation):
    """The launch meeting (10/06/2031), the member invited, then held with them present."""
    with time_machine.travel(BEFORE, tick=False):
        services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    with time_machine.travel(AFTER, tick=False):
        services.record_attendance(
            meeting=future_meeting,
            acting_user=coordinator,
            present_user_ids=[plain_member.pk],
            organisation_ids=[organisation.pk],
        )
    future_meeting.refresh_from_db()
    return future_meeting


def test_a_past_date_is_refused_in_french(group, coordinator):
    with time_machine.travel(AFTER, tick=False), pytest.raises(ValidationError) as exc:
        services.schedule_meeting(
            acting_user=coordinator,
            group=group,
            title="Réunion",
            starts_at=paris(2021, 6, 10, 14),
            ends_at=paris(2021, 6, 10, 16),
            place="Paris",
        )
    assert "Cette date est passée (10/06/2021" in str(exc.value)
    assert not Meeting.objects.filter(title="Réunion").exists()


def test_meeting_form_shows_the_past_date_refusal(client, login, coordinator, group):
    login(client, coordinator)
    response = client.post(
        reverse("coordination:meeting_create", args=[group.pk]),
        {
            "title": "Réunion",
            "starts_at": "2020-01-10T10:00",
            "ends_at": "2020-01-10T12:00",
            "mode": "in_person",
            "place": "Paris",
        },
    )
    assert response.status_code == 200
    assert "Cette date est passée" in response.content.decode()


def test_attendance_marks_the_meeting_held_and_closes_invitations(held, coordinator, outsider, plain_member):
    assert held.status == MeetingStatus.HELD and held.held_at is not None
    invitation = held.invitations.get(user=plain_member)
    with time_machine.travel(AFTER, tick=False):
        with pytest.raises(ValidationError, match="s'est tenue"):
            services.invite(meeting=held, user=outsider, acting_user=coordinator)
        with pytest.raises(ValidationError, match="s'est tenue"):
            services.cancel_meeting(meeting=held, acting_user=coordinator)
        with pytest.raises(ValidationError, match="s'est tenue"):
            services.respond(invitation=invitation, response="accepted", acting_user=plain_member)


def test_minutes_are_circulated_remarked_and_approved(held, coordinator, plain_member):
    with time_machine.travel(AFTER, tick=False):
        services.draft_minutes(meeting=held, acting_user=coordinator)
        with pytest.raises(ValidationError, match="adressé aux participants"):
            services.approve_minutes(meeting=held, acting_user=coordinator)
        services.circulate_minutes(meeting=held, acting_user=coordinator, days=8)
        held.refresh_from_db()
        assert held.minutes_status == MinutesStatus.CIRCULATED
        assert held.minutes_remarks_until == AFTER + __import__("datetime").timedelta(days=8)
        assert Notification.objects.filter(recipient=plain_member, title__startswith="Compte rendu à relire").exists()
        # The pilot cannot read in the participants' place.
        with pytest.raises(ValidationError, match="Seuls les participants"):
            services.remark_on_minutes(meeting=held, body="Relu", acting_user=coordinator)
        with pytest.raises(ValidationError, match="jusqu'au 18/06/2031"):
            services.approve_minutes(meeting=held, acting_user=coordinator)
        services.remark_on_minutes(meeting=held, body="Corriger le nom du groupe.", acting_user=plain_member)
        assert Notification.objects.filter(recipient=coordinator, title__startswith="Remarque sur").exists()
        services.approve_minutes(meeting=held, acting_user=coordinator)
    held.refresh_from_db()
    assert held.minutes_status == MinutesStatus.APPROVED
    assert MinutesRemark.objects.get(meeting=held).body == "Corriger le nom du groupe."


def test_minutes_are_approved_when_the_delay_ends_without_every_answer(held, coordinator):
    with time_machine.travel(AFTER, tick=False):
        services.draft_minutes(meeting=held, acting_user=coordinator)
        services.circulate_minutes(meeting=held, acting_user=coordinator, days=8)
    with time_machine.travel(paris(2031, 6, 18, 18), tick=False):
        services.approve_minutes(meeting=held, acting_user=coordinator)
    held.refresh_from_db()
    assert held.minutes_status == MinutesStatus.APPROVED


def test_minutes_without_another_reader_cannot_be_circulated(group, coordinator):
    with time_machine.travel(BEFORE, tick=False):
        meeting = services.schedule_meeting(
            acting_user=coordinator,
            group=group,
            title="Seul",
            starts_at=paris(2031, 6, 10, 14),
            ends_at=paris(2031, 6, 10, 16),
            place="Paris",
        )
        services.invite(meeting=meeting, user=coordinator, acting_user=coordinator)
    with time_machine.travel(AFTER, tick=False):
        services.draft_minutes(meeting=meeting, acting_user=coordinator)
        with pytest.raises(ValidationError, match="Aucun autre participant"):
            services.circulate_minutes(meeting=meeting, acting_user=coordinator)


def test_meeting_page_before_and_after(client, login, future_meeting, coordinator, plain_member, organisation):
    with time_machine.travel(BEFORE, tick=False):
        services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
        login(client, plain_member)
        page = client.get(reverse("coordination:meeting", args=[future_meeting.pk])).content.decode()
        assert reverse("coordination:meeting_respond", args=[future_meeting.pk]) in page
        ics_url = reverse("coordination:meeting_ics", args=[future_meeting.pk])
        assert ics_url in page
        response = client.get(ics_url)
        assert response["Content-Type"].startswith("text/calendar")
        event = Calendar.from_ical(response.content).walk("VEVENT")[0]
        assert str(event["SUMMARY"]) == "Réunion de lancement"
        client.logout()
    with time_machine.travel(AFTER, tick=False):
        services.record_attendance(
            meeting=future_meeting,
            acting_user=coordinator,
            present_user_ids=[plain_member.pk],
            organisation_ids=[organisation.pk],
        )
        login(client, coordinator)
        page = client.get(reverse("coordination:meeting", args=[future_meeting.pk])).content.decode()
        assert "Tenue" in page
        for gone in ("meeting_invite", "meeting_cancel", "meeting_edit", "guest_invite"):
            assert reverse(f"coordination:{gone}", args=[future_meeting.pk]) not in page, gone
        assert reverse("coordination:meeting_minutes", args=[future_meeting.pk]) in page
        client.post(reverse("coordination:meeting_minutes", args=[future_meeting.pk]), {"op": "draft"})
        client.post(
            reverse("coordination:meeting_minutes", args=[future_meeting.pk]), {"op": "circulate", "days": "8"}
        )
        client.logout()
        login(client, plain_member)
        page = client.get(reverse("coordination:meeting", args=[future_meeting.pk])).content.decode()
        assert reverse("coordination:meeting_respond", args=[future_meeting.pk]) not in page
        assert reverse("coordination:minutes_remark", args=[future_meeting.pk]) in page
        response = client.post(
            reverse("coordination:minutes_remark", args=[future_meeting.pk]), {"body": "Tout est juste."}, follow=True
        )
        assert "Votre relecture est enregistrée" in response.content.decode()
        pdf = client.get(reverse("coordination:minutes_pdf", args=[future_meeting.pk]))
        assert pdf.status_code == 200
        assert_tagged(pdf.content, "Compte rendu : Réunion de lancement")


def test_draft_minutes_are_not_shown_to_participants(client, login, held, coordinator, plain_member):
    with time_machine.travel(AFTER, tick=False):
        services.draft_minutes(meeting=held, acting_user=coordinator)
        login(client, plain_member)
        page = client.get(reverse("coordination:meeting", args=[held.pk])).content.decode()
        assert 'id="compte-rendu"' not in page
        assert client.get(reverse("coordination:minutes_pdf", args=[held.pk])).status_code == 404
