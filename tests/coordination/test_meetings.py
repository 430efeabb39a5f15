import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from icalendar import Calendar

from maillage.coordination import ical, services
from maillage.coordination.enums import InvitationResponse, MinutesStatus
from maillage.coordination.models import Meeting, MeetingInvitation
from maillage.notifications.models import OutboundEmail

from .conftest import paris

pytestmark = pytest.mark.django_db


def _event(ics: str):
    cal = Calendar.from_ical(ics)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    return cal, events[0]


def test_meeting_ending_before_it_starts_is_refused_and_nothing_written(group, coordinator):
    with pytest.raises(ValidationError) as exc:
        services.schedule_meeting(
            acting_user=coordinator,
            group=group,
            title="X",
            starts_at=paris(2031, 1, 1, 10),
            ends_at=paris(2031, 1, 1, 9),
            place="Paris",
        )
    assert "postérieure à son début" in str(exc.value)
    assert not Meeting.objects.exists()


def test_non_pilot_member_cannot_schedule(group, plain_member):
    with pytest.raises(PermissionDenied):
        services.schedule_meeting(
            acting_user=plain_member,
            group=group,
            title="X",
            starts_at=paris(2031, 1, 1, 10),
            ends_at=paris(2031, 1, 1, 11),
            place="Paris",
        )


def test_invitation_carries_an_icalendar_request_in_paris_time(future_meeting, coordinator, plain_member):
    services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    email = OutboundEmail.objects.get(to=plain_member.email)
    assert email.ics_method == "REQUEST"
    cal, event = _event(email.ics)
    assert cal["METHOD"] == "REQUEST"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTSTART") == paris(2031, 6, 10, 14, 0)
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=2)  # summer time
    assert event["UID"] == f"{future_meeting.uid}@maillage"
    assert event["SEQUENCE"] == 0
    assert plain_member.email in str(event["ATTENDEE"])


def test_update_increments_sequence_and_resends(future_meeting, coordinator, plain_member):
    services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    services.update_meeting(
        meeting=future_meeting,
        acting_user=coordinator,
        starts_at=paris(2031, 6, 11, 14),
        ends_at=paris(2031, 6, 11, 16),
    )
    emails = OutboundEmail.objects.filter(to=plain_member.email).order_by("pk")
    assert emails.count() == 2
    _cal, event = _event(emails.last().ics)
    assert event["SEQUENCE"] == 1
    assert event["UID"] == f"{future_meeting.uid}@maillage"
    assert event.decoded("DTSTART") == paris(2031, 6, 11, 14)


def test_update_without_visible_change_sends_nothing(future_meeting, coordinator, plain_member):
    services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    services.update_meeting(meeting=future_meeting, acting_user=coordinator, title=future_meeting.title)
    assert OutboundEmail.objects.filter(to=plain_member.email).count() == 1


def test_cancellation_sends_method_cancel(future_meeting, coordinator, plain_member):
    services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    services.cancel_meeting(meeting=future_meeting, acting_user=coordinator)
    email = OutboundEmail.objects.filter(to=plain_member.email).order_by("pk").last()
    assert email.ics_method == "CANCEL"
    cal, event = _event(email.ics)
    assert cal["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_reply_to_a_cancelled_meeting_is_refused(future_meeting, coordinator, plain_member):
    invitation = services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    services.cancel_meeting(meeting=future_meeting, acting_user=coordinator)
    invitation.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.respond(invitation=invitation, response=InvitationResponse.ACCEPTED, acting_user=plain_member)
    assert "annulée" in str(exc.value)
    invitation.refresh_from_db()
    assert invitation.response == InvitationResponse.NEEDS_ACTION


def test_replies_are_recorded(future_meeting, coordinator, plain_member):
    invitation = services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    services.respond(invitation=invitation, response=InvitationResponse.TENTATIVE, acting_user=plain_member)
    assert MeetingInvitation.objects.get(pk=invitation.pk).response == InvitationResponse.TENTATIVE


def test_invitation_to_a_person_without_email_is_refused(future_meeting, coordinator, plain_member):
    type(plain_member).objects.filter(pk=plain_member.pk).update(email="")
    plain_member.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    assert "adresse électronique" in str(exc.value)
    assert not MeetingInvitation.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_meeting_life_cycle_with_a_frozen_clock(group, coordinator, plain_member, organisation, coordination):
    with time_machine.travel(paris(2031, 3, 2, 9, 0), tick=False):
        meeting = services.schedule_meeting(
            acting_user=coordinator,
            group=group,
            title="Réunion 1",
            starts_at=paris(2031, 3, 5, 10),
            ends_at=paris(2031, 3, 5, 12),
            place="Paris",
        )
        services.add_agenda_item(meeting=meeting, acting_user=coordinator, title="Tour de table", duration_minutes=20)
        parent = services.add_agenda_item(
            meeting=meeting, acting_user=coordinator, title="Repérage des mineurs", duration_minutes=60
        )
        services.add_agenda_item(meeting=meeting, acting_user=coordinator, title="Fiche réflexe", parent=parent)
        services.invite_group_members(meeting=meeting, acting_user=coordinator)
        with pytest.raises(ValidationError):
            services.record_attendance(
                meeting=meeting, acting_user=coordinator, present_user_ids=[], organisation_ids=[]
            )
        # Minutes come after the meeting, like the attendance sheet.
        with pytest.raises(ValidationError, match="pas encore commencé"):
            services.draft_minutes(meeting=meeting, acting_user=coordinator)
        meeting.refresh_from_db()
        assert meeting.minutes_status == MinutesStatus.NONE and meeting.minutes == ""
    with time_machine.travel(paris(2031, 3, 5, 13, 0), tick=False):
        services.record_attendance(
            meeting=meeting,
            acting_user=coordinator,
            present_user_ids=[plain_member.pk],
            organisation_ids=[organisation.pk, coordination.pk],
        )
        decision = services.record_decision(
            acting_user=coordinator,
            meeting=meeting,
            statement="Diffuser la fiche réflexe",
            review_on=dt.date(2031, 9, 1),
        )
        services.create_action(
            acting_user=coordinator,
            meeting=meeting,
            decision=decision,
            title="Rédiger la fiche",
            owner_organisation=organisation,
            due_on=dt.date(2031, 4, 1),
        )
        services.draft_minutes(meeting=meeting, acting_user=coordinator)
        meeting.refresh_from_db()
        assert meeting.minutes_status == MinutesStatus.DRAFT
        assert "Repérage des mineurs" in meeting.minutes and "Fiche réflexe" in meeting.minutes
        assert "Diffuser la fiche réflexe" in meeting.minutes and "Rédiger la fiche" in meeting.minutes
        services.edit_minutes(meeting=meeting, text=meeting.minutes + "\nAjout.", acting_user=coordinator)
        # The drafter is not the only reader: approval waits for the circulation.
        with pytest.raises(ValidationError, match="adressé aux participants"):
            services.approve_minutes(meeting=meeting, acting_user=coordinator)
        services.circulate_minutes(meeting=meeting, acting_user=coordinator)
        services.remark_on_minutes(meeting=meeting, body="", acting_user=plain_member)
        services.approve_minutes(meeting=meeting, acting_user=coordinator)
        meeting.refresh_from_db()
        assert meeting.minutes_status == MinutesStatus.APPROVED
        with pytest.raises(ValidationError):
            services.edit_minutes(meeting=meeting, text="réécrit", acting_user=coordinator)
    assert MeetingInvitation.objects.get(meeting=meeting, user=plain_member).attended is True
    assert set(meeting.attending_organisations.all()) == {organisation, coordination}


def test_feed_lists_meetings_with_timezone(future_meeting, coordinator, plain_member):
    services.invite(meeting=future_meeting, user=plain_member, acting_user=coordinator)
    text = ical.feed_ics([future_meeting], name="Test")
    cal = Calendar.from_ical(text)
    assert cal["METHOD"] == "PUBLISH"
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"
