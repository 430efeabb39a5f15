"""Guests: people without a Maillage account (a foreign counterpart, an
expert, a magistrate…) invited to a meeting by name and address. They answer
through a personal link whose token is the credential; only its hash is kept
(maillage/core/tokens.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.tokens import hash_token, new_token

from .. import policies, selectors
from ..enums import AuditAction, InvitationResponse
from ..models import Meeting, MeetingGuest
from .calendar import guest_reply_path, send_guest_calendar
from .common import require
from .meetings import check_open_for_invitations

GUEST_REPLIES = (InvitationResponse.ACCEPTED, InvitationResponse.DECLINED, InvitationResponse.TENTATIVE)


@dataclass(frozen=True)
class IssuedGuestInvitation:
    guest: MeetingGuest
    token: str  # sent once, in the email; only its hash is stored

    @property
    def path(self) -> str:
        return guest_reply_path(self.token)


def _clean_guest_email(email: str) -> str:
    email = get_user_model().objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise ValidationError(
            {"email": _("Indiquez l'adresse électronique de la personne : l'invitation lui est envoyée par courriel.")}
        )
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Cette adresse électronique n'est pas valide.")}) from None
    return email


@transaction.atomic(durable=True)
def invite_guest(
    *, meeting, acting_user, name: str, email: str, organisation=None, organisation_name: str = ""
) -> IssuedGuestInvitation:
    """Invite someone who has no Maillage account, by name and address."""
    require(policies.can_manage_meeting(acting_user, meeting))
    meeting = Meeting.objects.select_for_update().select_related("organiser").get(pk=meeting.pk)
    check_open_for_invitations(meeting, field="email")
    name = (name or "").strip()
    organisation_name = (organisation_name or "").strip()
    if not name:
        raise ValidationError({"name": _("Indiquez le nom de la personne invitée.")})
    email = _clean_guest_email(email)
    if organisation is not None and organisation_name:
        raise ValidationError(
            {"organisation_name": _("Choisissez une organisation de l'annuaire ou saisissez-en une, pas les deux.")}
        )
    if selectors.active_guests(meeting).filter(email=email).exists():
        raise ValidationError({"email": _("Cette adresse est déjà invitée à la réunion comme personne extérieure.")})
    if meeting.invitations.filter(user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Cette adresse est celle d'une personne déjà invitée à la réunion avec son compte Maillage.")}
        )
    token = new_token()
    guest = MeetingGuest(
        meeting=meeting,
        name=name,
        email=email,
        organisation=organisation,
        organisation_name=organisation_name,
        token_hash=hash_token(token),
        invited_by=acting_user,
    )
    guest.full_clean(exclude=["meeting", "invited_by", "organisation", "attended"], validate_constraints=False)
    try:
        with transaction.atomic():
            guest.save()
    except IntegrityError:  # the same address invited at the same moment
        raise ValidationError(
            {"email": _("Cette adresse est déjà invitée à la réunion comme personne extérieure.")}
        ) from None
    send_guest_calendar(meeting, guest, method="REQUEST", token=token)
    audit.record(
        action=AuditAction.GUEST_INVITED,
        actor=acting_user,
        target=meeting,
        organisation=organisation,
        details={"guest_id": guest.pk},
    )
    return IssuedGuestInvitation(guest=guest, token=token)


def _locked_guest(guest, acting_user) -> MeetingGuest:
    guest = MeetingGuest.objects.select_for_update().get(pk=guest.pk)
    meeting = Meeting.objects.select_related("group", "organiser").get(pk=guest.meeting_id)
    guest.meeting = meeting
    require(policies.can_manage_meeting(acting_user, meeting))
    if guest.removed_at is not None:
        raise ValidationError(_("Cette invitation a déjà été retirée."))
    if meeting.is_cancelled:
        raise ValidationError(_("La réunion est annulée : ses invitations ne peuvent plus être modifiées."))
    return guest


@transaction.atomic(durable=True)
def resend_guest_invitation(*, guest, acting_user) -> IssuedGuestInvitation:
    """Send the invitation again with a new personal link: the old token
    cannot be recovered from its hash, and it stops working."""
    guest = _locked_guest(guest, acting_user)
    token = new_token()
    guest.token_hash = hash_token(token)
    guest.resent_count += 1
    guest.save(update_fields=["token_hash", "resent_count"])
    send_guest_calendar(guest.meeting, guest, method="REQUEST", token=token)
    audit.record(
        action=AuditAction.GUEST_INVITATION_RESENT,
        actor=acting_user,
        target=guest.meeting,
        details={"guest_id": guest.pk},
    )
    return IssuedGuestInvitation(guest=guest, token=token)


@transaction.atomic(durable=True)
def remove_guest(*, guest, acting_user) -> MeetingGuest:
    """Withdraw a guest's invitation: their link stops working and their
    calendar receives METHOD:CANCEL; nobody else is written to."""
    guest = _locked_guest(guest, acting_user)
    guest.removed_at = timezone.now()
    guest.save(update_fields=["removed_at"])
    send_guest_calendar(guest.meeting, guest, method="CANCEL", removed=True)
    audit.record(
        action=AuditAction.GUEST_REMOVED, actor=acting_user, target=guest.meeting, details={"guest_id": guest.pk}
    )
    return guest


@transaction.atomic(durable=True)
def respond_as_guest(*, token: str, response: str) -> MeetingGuest:
    """A guest's answer, from their personal link (no account, no session):
    the token is the credential."""
    found = selectors.guest_for_token(token)
    if found is None or found.removed_at is not None:
        raise PermissionDenied
    guest = MeetingGuest.objects.select_for_update().get(pk=found.pk)
    meeting = Meeting.objects.get(pk=guest.meeting_id)
    if meeting.is_cancelled:
        raise ValidationError({"response": _("La réunion a été annulée : votre réponse n'est pas enregistrée.")})
    if meeting.ends_at <= timezone.now():
        raise ValidationError({"response": _("La réunion est terminée : les réponses ne sont plus enregistrées.")})
    if response not in GUEST_REPLIES:
        raise ValidationError({"response": _("Réponse inconnue.")})
    guest.response = response
    guest.responded_at = timezone.now()
    guest.save(update_fields=["response", "responded_at"])
    audit.record(
        action=AuditAction.GUEST_RESPONSE,
        actor=None,
        target=meeting,
        details={"guest_id": guest.pk, "response": response},
    )
    return guest
