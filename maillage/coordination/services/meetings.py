"""Meetings: scheduling, agenda, invitations of members, changes, cancellation
and the members' replies. Every change a calendar shows reaches the invitees
as an iCalendar message (services/calendar.py)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.transactions import step
from maillage.notifications.services import notify
from maillage.organisations.actor import as_actor

from .. import policies
from ..enums import AuditAction, GroupStatus, InvitationResponse, MeetingStatus
from ..links import is_safe_link
from ..models import AgendaItem, Meeting, MeetingInvitation
from ..selectors import active_guests
from .calendar import send_guest_calendar, send_member_calendar
from .common import require

# What a calendar shows: a change to one of these sends the updated event.
_SIGNIFICANT = ("starts_at", "ends_at", "place", "video_url", "mode", "title")


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationError({"starts_at": _("Indiquez le début et la fin de la réunion.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("La fin de la réunion doit être postérieure à son début.")})


def _check_future(starts_at: datetime) -> None:
    """A meeting is scheduled ahead: a start in the past is a typing error
    (a wrong year, a wrong month) more often than a meeting held already."""
    if starts_at < timezone.now():
        raise ValidationError(
            {
                "starts_at": _(
                    "Cette date est passée (%(d)s) : une réunion se programme à une date à venir. Vérifiez le jour, "
                    "le mois et l'année."
                )
                % {"d": timezone.localtime(starts_at).strftime("%d/%m/%Y à %H:%M")}
            }
        )


def check_open_for_invitations(meeting, field: str = "user") -> None:
    """Invitations, replies and changes belong to a meeting still to come."""
    if meeting.is_cancelled:
        raise ValidationError({field: _("La réunion est annulée : on ne peut plus y inviter personne.")})
    if meeting.is_held:
        raise ValidationError(
            {field: _("La réunion s'est tenue : on n'y invite plus personne ; relevez les présences.")}
        )


def _check_place(mode: str, place: str, video_url: str) -> None:
    if mode in ("in_person", "hybrid") and not place:
        raise ValidationError({"place": _("Indiquez le lieu de la réunion.")})
    if mode in ("online", "hybrid") and not video_url:
        raise ValidationError({"video_url": _("Indiquez le lien de visioconférence.")})


@transaction.atomic(durable=True)
def schedule_meeting(
    *,
    acting_user,
    title: str,
    starts_at,
    ends_at,
    group=None,
    mode: str = "in_person",
    place: str = "",
    video_url: str = "",
    organiser_organisation=None,
    allow_past: bool = False,
) -> Meeting:
    """`allow_past` records a meeting after the fact (demo data, imports);
    the scheduling page never sets it, so a past date is refused there."""
    if group is not None:
        require(policies.can_manage_group(acting_user, group))
        if group.status == GroupStatus.CLOSED:
            raise ValidationError(_("Ce groupe est clos : rouvrez-le avant de programmer une réunion."))
    _check_times(starts_at, ends_at)
    if not allow_past:
        _check_future(starts_at)
    _check_place(mode, place, video_url)
    meeting = Meeting(
        group=group,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        place=place,
        video_url=video_url,
        organiser=acting_user,
        organiser_organisation=organiser_organisation,
    )
    meeting.full_clean()
    meeting.save()
    audit.record(
        action=AuditAction.MEETING_SCHEDULED,
        actor=acting_user,
        target=meeting,
        organisation=group.lead_organisation if group else organiser_organisation,
    )
    return meeting


@transaction.atomic(durable=True)
def add_agenda_item(
    *,
    meeting,
    acting_user,
    title: str,
    duration_minutes: int | None = None,
    presenter=None,
    parent=None,
    link_url: str = "",
) -> AgendaItem:
    require(policies.can_manage_meeting(acting_user, meeting))
    if parent is not None and parent.meeting_id != meeting.pk:
        raise ValidationError({"parent": _("Le point parent appartient à une autre réunion.")})
    link_url = (link_url or "").strip()
    if link_url and not is_safe_link(link_url):
        # Rendered as a link for every reader of the meeting: only an address of
        # this site or a web address (links.py).
        raise ValidationError(
            {
                "link_url": _(
                    "Le lien doit être une adresse de Maillage commençant par « / » (par exemple /plan/) "
                    "ou une adresse web commençant par https://."
                )
            }
        )
    position = meeting.agenda_items.filter(parent=parent).count() + 1
    item = AgendaItem.objects.create(
        meeting=meeting,
        parent=parent,
        position=position,
        title=title,
        duration_minutes=duration_minutes,
        presenter=presenter,
        link_url=link_url,
    )
    audit.record(action=AuditAction.AGENDA_ITEM_ADDED, actor=acting_user, target=meeting)
    return item


@step
def add_invitation(*, meeting, user, acting_user, organisation=None) -> MeetingInvitation:
    """Invite a person with an account and send them the calendar event. A
    step: `invite` checks who may invite, `pick_slot` invites both sides of
    an appointment in its own transaction."""
    check_open_for_invitations(meeting)
    if not (user.email or "").strip():
        raise ValidationError(
            {"user": _("Cette personne n'a pas d'adresse électronique : l'invitation ne peut pas lui être envoyée.")}
        )
    if MeetingInvitation.objects.filter(meeting=meeting, user=user).exists():
        raise ValidationError({"user": _("Cette personne est déjà invitée.")})
    if active_guests(meeting).filter(email__iexact=user.email.strip()).exists():
        raise ValidationError({"user": _("Cette adresse est déjà invitée à la réunion comme personne extérieure.")})
    if organisation is None:
        memberships = as_actor(user).memberships
        organisation = memberships[0].organisation if memberships else None
    invitation = MeetingInvitation.objects.create(meeting=meeting, user=user, organisation=organisation)
    send_member_calendar(meeting, invitation, method="REQUEST")
    notify(
        recipient=user,
        title=_("Invitation : %(title)s") % {"title": meeting.title},
        link=f"/coordination/reunions/{meeting.pk}/",
        idempotency_key=f"meeting-{meeting.pk}-invite",
    )
    audit.record(action=AuditAction.INVITATION_SENT, actor=acting_user, target=meeting, details={"user_id": user.pk})
    return invitation


@transaction.atomic(durable=True)
def invite(*, meeting, user, acting_user, organisation=None) -> MeetingInvitation:
    require(policies.can_manage_meeting(acting_user, meeting))
    return add_invitation(meeting=meeting, user=user, acting_user=acting_user, organisation=organisation)


@transaction.atomic(durable=True)
def invite_group_members(*, meeting, acting_user) -> int:
    """Invite every member of the meeting's group; people without an email
    address, or whose address is already invited as a guest, are skipped
    (and reported by the count)."""
    require(policies.can_manage_meeting(acting_user, meeting))
    count = 0
    guest_emails = set(active_guests(meeting).values_list("email", flat=True))
    for member in meeting.group.members.select_related("user", "organisation"):
        email = (member.user.email or "").strip().lower()
        if (
            not MeetingInvitation.objects.filter(meeting=meeting, user=member.user).exists()
            and email
            and email not in guest_emails
        ):
            add_invitation(
                meeting=meeting, user=member.user, organisation=member.organisation, acting_user=acting_user
            )
            count += 1
    return count


@transaction.atomic(durable=True)
def update_meeting(*, meeting, acting_user, **fields) -> Meeting:
    """Change a meeting; if what a calendar shows changed, SEQUENCE grows and
    every invitee receives the updated event (METHOD:REQUEST)."""
    require(policies.can_manage_meeting(acting_user, meeting))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError({"starts_at": _("La réunion est annulée : elle ne peut plus être modifiée.")})
    if meeting.is_held:
        raise ValidationError({"starts_at": _("La réunion s'est tenue : elle ne peut plus être modifiée.")})
    changed = [name for name, value in fields.items() if name in _SIGNIFICANT and getattr(meeting, name) != value]
    for name, value in fields.items():
        setattr(meeting, name, value)
    _check_times(meeting.starts_at, meeting.ends_at)
    if "starts_at" in changed:
        _check_future(meeting.starts_at)
    _check_place(meeting.mode, meeting.place, meeting.video_url)
    if changed:
        meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    if changed:
        for invitation in meeting.invitations.select_related("user"):
            send_member_calendar(meeting, invitation, method="REQUEST")
        for guest in active_guests(meeting):
            send_guest_calendar(meeting, guest, method="REQUEST")
    audit.record(
        action=AuditAction.MEETING_UPDATED,
        actor=acting_user,
        target=meeting,
        details={"changed": changed, "sequence": meeting.sequence},
    )
    return meeting


@transaction.atomic(durable=True)
def cancel_meeting(*, meeting, acting_user) -> Meeting:
    require(policies.can_manage_meeting(acting_user, meeting))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("La réunion est déjà annulée."))
    if meeting.is_held:
        raise ValidationError(_("La réunion s'est tenue : elle ne peut plus être annulée."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    for invitation in meeting.invitations.select_related("user"):
        send_member_calendar(meeting, invitation, method="CANCEL")
    for guest in active_guests(meeting):
        send_guest_calendar(meeting, guest, method="CANCEL")
    audit.record(action=AuditAction.MEETING_CANCELLED, actor=acting_user, target=meeting)
    return meeting


@transaction.atomic(durable=True)
def respond(*, invitation, response: str, acting_user) -> MeetingInvitation:
    require(policies.can_respond(acting_user, invitation))
    if response not in (InvitationResponse.ACCEPTED, InvitationResponse.DECLINED, InvitationResponse.TENTATIVE):
        raise ValidationError({"response": _("Réponse inconnue.")})
    if invitation.meeting.is_cancelled:
        raise ValidationError({"response": _("La réunion a été annulée : votre réponse n'est pas enregistrée.")})
    if invitation.meeting.is_held:
        raise ValidationError({"response": _("La réunion s'est tenue : il n'y a plus de réponse à donner.")})
    invitation.response = response
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "responded_at"])
    audit.record(
        action=AuditAction.MEETING_RESPONSE,
        actor=acting_user,
        target=invitation.meeting,
        details={"response": response},
    )
    return invitation


@step
def note_meeting_held(*, meeting, acting_user) -> Meeting:
    """Mark a meeting held (« Tenue ») once it has begun; recording the
    attendance or drafting the minutes does it too."""
    if meeting.is_held:
        return meeting
    if meeting.is_cancelled:
        raise ValidationError(_("La réunion a été annulée : elle ne peut pas être marquée comme tenue."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("La réunion n'a pas encore commencé : elle sera marquée comme tenue ensuite."))
    meeting.status = MeetingStatus.HELD
    meeting.held_at = timezone.now()
    meeting.save(update_fields=["status", "held_at", "updated_at"])
    audit.record(action=AuditAction.MEETING_HELD, actor=acting_user, target=meeting)
    return meeting


@transaction.atomic(durable=True)
def mark_meeting_held(*, meeting, acting_user) -> Meeting:
    require(policies.can_manage_meeting(acting_user, meeting))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_held:
        raise ValidationError(_("La réunion est déjà marquée comme tenue."))
    return note_meeting_held(meeting=meeting, acting_user=acting_user)
