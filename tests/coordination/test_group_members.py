"""Taking a person out of a working group, and a closed group's meetings."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from icalendar import Calendar

from maillage.coordination import policies, services
from maillage.coordination.models import GroupMember, MeetingInvitation
from maillage.core.models import AuditEvent
from maillage.notifications.models import OutboundEmail

from .conftest import paris

pytestmark = pytest.mark.django_db


def _upcoming(group, coordinator):
    return services.schedule_meeting(
        acting_user=coordinator,
        group=group,
        title="Réunion à venir",
        starts_at=paris(2031, 1, 1, 10),
        ends_at=paris(2031, 1, 1, 12),
        place="Paris",
    )


def test_a_removed_member_loses_the_group_and_its_coming_invitations(
    group, coordinator, plain_member, django_capture_on_commit_callbacks
):
    meeting = _upcoming(group, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_group_members(meeting=meeting, acting_user=coordinator)
    assert MeetingInvitation.objects.filter(meeting=meeting, user=plain_member).exists()
    member = GroupMember.objects.get(group=group, user=plain_member)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remove_group_member(member=member, acting_user=coordinator) == 1
    assert group not in policies.groups_visible_to(plain_member)
    assert not MeetingInvitation.objects.filter(meeting=meeting, user=plain_member).exists()
    assert MeetingInvitation.objects.filter(meeting=meeting, user=coordinator).exists()  # the others stay invited
    mail = OutboundEmail.objects.filter(to=plain_member.email, subject__startswith="Invitation retirée").get()
    cal = Calendar.from_ical(mail.ics)
    assert cal.get("method") == "CANCEL"
    assert AuditEvent.objects.filter(action="coordination.group_member_removed", actor=coordinator).exists()


def test_only_managers_remove_and_the_pilot_stays(group, coordinator, plain_member):
    member = GroupMember.objects.get(group=group, user=plain_member)
    with pytest.raises(PermissionDenied):
        services.remove_group_member(member=member, acting_user=plain_member)
    pilot = GroupMember.objects.get(group=group, user=coordinator)
    with pytest.raises(ValidationError) as exc:
        services.remove_group_member(member=pilot, acting_user=coordinator)
    assert "désignez d'abord un autre pilote" in " ".join(exc.value.messages)


def test_removal_through_the_pages(client, login, group, coordinator, plain_member):
    member = GroupMember.objects.get(group=group, user=plain_member)
    login(client, coordinator)
    page = client.get(reverse("coordination:group", args=[group.pk])).content.decode()
    url = reverse("coordination:group_member_remove", args=[group.pk, member.pk])
    assert url in page
    assert "Retirer" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert not GroupMember.objects.filter(pk=member.pk).exists()
    login(client, plain_member)
    assert (
        client.post(
            reverse(
                "coordination:group_member_remove",
                args=[group.pk, GroupMember.objects.get(user=coordinator, group=group).pk],
            )
        ).status_code
        == 404
    )


def test_a_closed_group_schedules_no_meeting(group, coordinator):
    services.update_group(group=group, acting_user=coordinator, status="closed")
    with pytest.raises(ValidationError) as exc:
        _upcoming(group, coordinator)
    assert "groupe est clos" in " ".join(exc.value.messages)
