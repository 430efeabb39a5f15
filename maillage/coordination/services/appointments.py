"""Appointments between two organisations: one proposes slots, the other
picks one, and the appointment becomes a meeting both sides are invited to."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.notifications.services import notify, send_email

from .. import policies
from ..enums import AppointmentStatus, AuditAction
from ..models import Appointment, AppointmentSlot, Meeting
from .common import require, site_url
from .meetings import add_invitation


@transaction.atomic(durable=True)
def propose_appointment(
    *,
    acting_user,
    proposer_organisation,
    target_organisation,
    subject: str,
    slots: list[tuple[datetime, datetime]],
    message: str = "",
    mode: str = "in_person",
    place: str = "",
) -> Appointment:
    require(policies.can_propose_appointment_for(acting_user, proposer_organisation))
    if target_organisation == proposer_organisation:
        raise ValidationError({"target_organisation": _("Choisissez une autre organisation que la vôtre.")})
    slots = [(start, end) for start, end in slots if start and end]
    if not slots:
        raise ValidationError({"slot1_start": _("Proposez au moins un créneau.")})
    for start, end in slots:
        if end <= start:
            raise ValidationError({"slot1_start": _("Chaque créneau doit finir après avoir commencé.")})
        if start <= timezone.now():
            raise ValidationError({"slot1_start": _("Les créneaux proposés doivent être dans le futur.")})
    appointment = Appointment.objects.create(
        proposer=acting_user,
        proposer_organisation=proposer_organisation,
        target_organisation=target_organisation,
        subject=subject,
        message=message,
        mode=mode,
        place=place,
    )
    AppointmentSlot.objects.bulk_create(
        AppointmentSlot(appointment=appointment, starts_at=start, ends_at=end) for start, end in slots
    )
    # Its administrators are told; an organisation without one (a small
    # association whose only account is a plain member) is told through its
    # active members, otherwise nobody could pick a slot.
    recipients = target_organisation.memberships.active().select_related("user")
    if recipients.filter(is_admin=True).exists():
        recipients = recipients.filter(is_admin=True)
    for membership in recipients:
        notify(
            recipient=membership.user,
            title=_("Rendez-vous proposé : %(subject)s") % {"subject": subject},
            link=f"/coordination/rendez-vous/{appointment.pk}/",
            organisation=target_organisation,
            idempotency_key=f"appointment-{appointment.pk}-proposed",
        )
        send_email(
            to=membership.user.email,
            subject=_("Rendez-vous proposé : %(subject)s") % {"subject": subject},
            template="coordination/emails/appointment_proposed.txt",
            context={"appointment": appointment, "url": site_url(f"/coordination/rendez-vous/{appointment.pk}/")},
            idempotency_key=f"appointment-{appointment.pk}-proposed-{membership.user_id}",
        )
    audit.record(
        action=AuditAction.APPOINTMENT_PROPOSED,
        actor=acting_user,
        target=appointment,
        organisation=target_organisation,
    )
    return appointment


@transaction.atomic(durable=True)
def pick_slot(*, appointment, slot, acting_user) -> Meeting:
    """The invited organisation picks a slot: the appointment becomes a
    meeting, and both sides receive a calendar invitation."""
    require(policies.can_pick_slot(acting_user, appointment))
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != AppointmentStatus.PENDING:
        raise ValidationError({"slot": _("Ce rendez-vous n'attend plus de choix de créneau.")})
    if slot.appointment_id != appointment.pk:
        raise ValidationError({"slot": _("Ce créneau n'appartient pas à ce rendez-vous.")})
    if slot.starts_at <= timezone.now():
        # The slots were in the future when proposed; one may have passed since.
        raise ValidationError(
            {"slot": _("Ce créneau est déjà passé : choisissez-en un autre ou demandez de nouvelles propositions.")}
        )
    online = appointment.mode == "online"
    meeting = Meeting.objects.create(
        title=appointment.subject,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        mode=appointment.mode,
        place="" if online else appointment.place,
        video_url=appointment.place if online and appointment.place.startswith("http") else "",
        organiser=appointment.proposer,
        organiser_organisation=appointment.proposer_organisation,
    )
    appointment.status = AppointmentStatus.BOOKED
    appointment.meeting = meeting
    appointment.booked_by = acting_user
    appointment.save(update_fields=["status", "meeting", "booked_by"])
    add_invitation(
        meeting=meeting,
        user=appointment.proposer,
        organisation=appointment.proposer_organisation,
        acting_user=acting_user,
    )
    add_invitation(
        meeting=meeting, user=acting_user, organisation=appointment.target_organisation, acting_user=acting_user
    )
    audit.record(
        action=AuditAction.APPOINTMENT_BOOKED,
        actor=acting_user,
        target=appointment,
        organisation=appointment.target_organisation,
    )
    return meeting
