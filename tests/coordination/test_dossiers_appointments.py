import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.coordination import policies, services
from maillage.coordination.enums import AppointmentStatus, DossierKind
from maillage.coordination.models import MeetingInvitation
from maillage.notifications.models import OutboundEmail
from tests.factories import MembershipFactory

from .conftest import paris

pytestmark = pytest.mark.django_db


def test_national_cause_dossier_gets_the_checklist(coordinator, organisation, coordination):
    dossier = services.create_dossier(
        acting_user=coordinator,
        title="La traite, grande cause nationale",
        kind=DossierKind.NATIONAL_CAUSE,
        lead_organisation=organisation,
        supporting_organisations=[coordination],
    )
    labels = list(dossier.steps.values_list("label", flat=True))
    assert labels[0] == "Appel à candidatures du Premier ministre"
    assert "Dossier : derniers comptes approuvés" in labels
    assert "Dépôt auprès du Service d'information du Gouvernement (SIG)" in labels
    assert labels[-2:] == ["Avis de la commission interministérielle", "Décision"]
    step = dossier.steps.first()
    services.update_step(step=step, acting_user=coordinator, due_on=dt.date(2013, 9, 1), done_on=dt.date(2013, 9, 2))
    with pytest.raises(ValidationError):
        services.update_step(step=step, acting_user=coordinator, done_on=dt.date(2999, 1, 1))


def test_other_kinds_start_empty_and_steps_can_be_added(plain_member, organisation):
    dossier = services.create_dossier(
        acting_user=plain_member,
        title="Proposition de loi",
        kind=DossierKind.LEGISLATIVE,
        lead_organisation=organisation,
    )
    assert not dossier.steps.exists()
    services.add_step(dossier=dossier, label="Rencontre rapporteur", due_on=None, acting_user=plain_member)
    assert dossier.steps.count() == 1


def test_dossier_visibility(coordinator, organisation, plain_member, outsider):
    dossier = services.create_dossier(
        acting_user=coordinator, title="D", kind=DossierKind.OTHER, lead_organisation=organisation
    )
    assert dossier in policies.dossiers_visible_to(plain_member)
    assert dossier not in policies.dossiers_visible_to(outsider)


def test_cannot_lead_a_dossier_for_another_organisation(outsider, organisation):
    with pytest.raises(PermissionDenied):
        services.create_dossier(
            acting_user=outsider, title="D", kind=DossierKind.OTHER, lead_organisation=organisation
        )


def test_appointment_slot_picked_becomes_a_meeting_with_invitations(coordinator, coordination, organisation):
    target = MembershipFactory(organisation=organisation, is_admin=True).user
    appointment = services.propose_appointment(
        acting_user=coordinator,
        proposer_organisation=coordination,
        target_organisation=organisation,
        subject="Rendez-vous avec le collectif",
        place="MIPROF, Paris",
        slots=[(paris(2031, 6, 3, 10), paris(2031, 6, 3, 11)), (paris(2031, 6, 4, 15), paris(2031, 6, 4, 16))],
    )
    assert OutboundEmail.objects.filter(to=target.email).exists()
    with pytest.raises(PermissionDenied):
        services.pick_slot(appointment=appointment, slot=appointment.slots.first(), acting_user=coordinator)
    slot = appointment.slots.last()
    meeting = services.pick_slot(appointment=appointment, slot=slot, acting_user=target)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert meeting.starts_at == paris(2031, 6, 4, 15)
    assert set(MeetingInvitation.objects.filter(meeting=meeting).values_list("user_id", flat=True)) == {
        coordinator.pk,
        target.pk,
    }
    assert OutboundEmail.objects.filter(ics_method="REQUEST").count() == 2
    with pytest.raises(ValidationError):
        services.pick_slot(appointment=appointment, slot=slot, acting_user=target)


def test_appointment_slots_must_be_valid(coordinator, coordination, organisation):
    with pytest.raises(ValidationError):
        services.propose_appointment(
            acting_user=coordinator,
            proposer_organisation=coordination,
            target_organisation=organisation,
            subject="x",
            slots=[(paris(2031, 6, 3, 10), paris(2031, 6, 3, 9))],
        )
    with pytest.raises(ValidationError):
        services.propose_appointment(
            acting_user=coordinator,
            proposer_organisation=coordination,
            target_organisation=organisation,
            subject="x",
            slots=[(paris(2001, 6, 3, 10), paris(2001, 6, 3, 11))],
        )


def test_a_slot_that_has_passed_cannot_be_picked(client, login, coordinator, coordination, organisation):
    """Slots are in the future when proposed; one that has passed since is refused in French and no
    meeting is created."""
    import time_machine

    from maillage.coordination.models import Meeting

    target = MembershipFactory(organisation=organisation, is_admin=True).user
    appointment = services.propose_appointment(
        acting_user=coordinator,
        proposer_organisation=coordination,
        target_organisation=organisation,
        subject="Rendez-vous",
        place="Paris",
        slots=[(paris(2031, 6, 3, 10), paris(2031, 6, 3, 11)), (paris(2031, 6, 10, 10), paris(2031, 6, 10, 11))],
    )
    first, second = appointment.slots.order_by("starts_at")
    with time_machine.travel(paris(2031, 6, 5, 9), tick=False):
        with pytest.raises(ValidationError, match="déjà passé"):
            services.pick_slot(appointment=appointment, slot=first, acting_user=target)
        assert not Meeting.objects.exists()
        login(client, target)
        page = client.get(f"/coordination/rendez-vous/{appointment.pk}/").content.decode()
        assert f'value="{second.pk}"' in page and f'value="{first.pk}"' not in page
        response = client.post(f"/coordination/rendez-vous/{appointment.pk}/", {"slot": first.pk})
        assert response.status_code == 200 and not Meeting.objects.exists()
    with time_machine.travel(paris(2031, 6, 12, 9), tick=False):
        # Every slot has passed: nothing to pick any more.
        login(client, target)
        assert client.post(f"/coordination/rendez-vous/{appointment.pk}/", {"slot": second.pk}).status_code == 403
        assert not Meeting.objects.exists()


def test_an_organisation_without_administrator_still_hears_of_the_proposal(coordinator, coordination):
    """Only administrators are told when there are some; otherwise the active members are, so someone
    can pick a slot."""
    from maillage.notifications.models import Notification
    from tests.factories import OrganisationFactory

    small = OrganisationFactory(name="Petite association")
    only_member = MembershipFactory(organisation=small, is_admin=False).user
    services.propose_appointment(
        acting_user=coordinator,
        proposer_organisation=coordination,
        target_organisation=small,
        subject="Rendez-vous",
        place="Paris",
        slots=[(paris(2031, 6, 3, 10), paris(2031, 6, 3, 11))],
    )
    assert (
        Notification.objects.filter(recipient=only_member).exists()
        and OutboundEmail.objects.filter(to=only_member.email).exists()
    )


def test_with_administrators_only_they_are_told(coordinator, coordination, organisation):
    from maillage.notifications.models import Notification

    admin = MembershipFactory(organisation=organisation, is_admin=True).user
    member = MembershipFactory(organisation=organisation, is_admin=False).user
    services.propose_appointment(
        acting_user=coordinator,
        proposer_organisation=coordination,
        target_organisation=organisation,
        subject="Rendez-vous",
        place="Paris",
        slots=[(paris(2031, 6, 3, 10), paris(2031, 6, 3, 11))],
    )
    assert Notification.objects.filter(recipient=admin).exists()
    assert not Notification.objects.filter(recipient=member).exists()
