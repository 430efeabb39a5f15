"""Writes of the coordination domain.

Every function is atomic, checks the policy (PermissionDenied otherwise),
refuses bad input with a French ValidationError before writing anything,
records its audit row in the same transaction and queues emails that leave
only after commit (notifications.send_email).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.sequences import next_in_year
from maillage.notifications.services import notify, send_email
from maillage.organisations.selectors import active_memberships

from . import ical, policies, selectors
from .enums import (
    LETTER_TRANSITIONS,
    MINUTES_TRANSITIONS,
    NATIONAL_CAUSE_STEPS,
    ActionStatus,
    AppointmentStatus,
    DecisionStatus,
    DossierKind,
    GroupRole,
    GroupStatus,
    InvitationResponse,
    LetterDirection,
    LetterStatus,
    MeetingStatus,
    MinutesStatus,
)
from .links import is_safe_link
from .models import (
    ActionItem,
    AdvocacyDossier,
    AgendaItem,
    Appointment,
    AppointmentSlot,
    CalendarFeedToken,
    Decision,
    DossierStep,
    GroupDocument,
    GroupMember,
    Letter,
    LetterCounter,
    Meeting,
    MeetingGuest,
    MeetingInvitation,
    WorkingGroup,
)

# Configurable in settings; defaults documented in docs/domain/coordination.md.
DEFAULT_REPLY_DAYS = 30
DEFAULT_MAX_PDF_BYTES = 10 * 1024 * 1024


def reply_delay_days() -> int:
    return int(getattr(settings, "COORDINATION_LETTER_REPLY_DAYS", DEFAULT_REPLY_DAYS))


def max_pdf_bytes() -> int:
    return int(getattr(settings, "COORDINATION_MAX_PDF_BYTES", DEFAULT_MAX_PDF_BYTES))


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _url(path: str) -> str:
    return f"{settings.SITE_BASE_URL}{path}"


# --- Files -------------------------------------------------------------------


def validate_pdf(upload) -> None:
    """Letters and documents are PDF only: checked by declared type *and* by
    the file's first bytes, so a renamed executable is refused."""
    if upload is None:
        return
    if upload.size > max_pdf_bytes():
        raise ValidationError(
            {
                "attachment": _("Le fichier dépasse la taille maximale de %(mo)s Mo.")
                % {"mo": max_pdf_bytes() // (1024 * 1024)}
            }
        )
    content_type = getattr(upload, "content_type", "") or ""
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if content_type not in ("application/pdf", "application/x-pdf") or head != b"%PDF-":
        raise ValidationError({"attachment": _("Le fichier n'est pas un PDF. Seuls les documents PDF sont acceptés.")})


# --- Working groups --------------------------------------------------------


def _check_membership(user, organisation) -> None:
    if not active_memberships(user).filter(organisation=organisation).exists():
        raise ValidationError({"user": _("Cette personne n'est pas membre active de l'organisation indiquée.")})


@transaction.atomic
def create_group(
    *,
    acting_user,
    name: str,
    lead_organisation,
    pilot=None,
    mandate: str = "",
    focus: str = "general",
    visibility: str = "members",
    parent=None,
) -> WorkingGroup:
    _require(policies.can_create_group(acting_user))
    if pilot is not None:
        _check_membership(pilot, lead_organisation)
    group = WorkingGroup(
        name=name,
        mandate=mandate,
        focus=focus,
        visibility=visibility,
        lead_organisation=lead_organisation,
        pilot=pilot,
        parent=parent,
        created_by=acting_user,
    )
    group.full_clean()
    group.save()
    if pilot is not None:
        GroupMember.objects.create(group=group, user=pilot, organisation=lead_organisation, role=GroupRole.PILOT)
    audit.record(action="coordination.group_created", actor=acting_user, target=group, organisation=lead_organisation)
    return group


@transaction.atomic
def update_group(*, group, acting_user, **fields) -> WorkingGroup:
    """Mandate, focus, status, visibility and pilot; the pilot must belong to
    the lead organisation and becomes (or stays) a pilot member."""
    _require(policies.can_manage_group(acting_user, group))
    allowed = {"name", "mandate", "focus", "status", "visibility", "pilot"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Unknown group fields: {sorted(unknown)}")
    pilot = fields.get("pilot")
    if pilot is not None:
        _check_membership(pilot, group.lead_organisation)
    for name, value in fields.items():
        setattr(group, name, value)
    group.full_clean()
    group.save()
    if pilot is not None:
        GroupMember.objects.update_or_create(
            group=group, user=pilot, defaults={"organisation": group.lead_organisation, "role": GroupRole.PILOT}
        )
    audit.record(
        action="coordination.group_updated", actor=acting_user, target=group, details={"fields": sorted(fields)}
    )
    return group


@transaction.atomic
def add_group_member(*, group, user, organisation, role: str, acting_user) -> GroupMember:
    _require(policies.can_manage_group(acting_user, group))
    _check_membership(user, organisation)
    if role not in GroupRole.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    if GroupMember.objects.filter(group=group, user=user).exists():
        raise ValidationError({"user": _("Cette personne fait déjà partie du groupe.")})
    member = GroupMember.objects.create(group=group, user=user, organisation=organisation, role=role)
    audit.record(
        action="coordination.group_member_added",
        actor=acting_user,
        target=group,
        organisation=organisation,
        details={"role": role, "user_id": user.pk},
    )
    return member


@transaction.atomic
def remove_group_member(*, member: GroupMember, acting_user) -> int:
    """Take a person out of a group: the group's members-only pages close to
    them at once (visibility reads GroupMember), and their invitations to the
    group's coming meetings are withdrawn, their calendar receiving a
    cancellation. Past meetings keep their invitations and attendance
    (history). The pilot stays until the group names another one. Returns the
    number of invitations withdrawn."""
    group = member.group
    _require(policies.can_manage_group(acting_user, group))
    member = GroupMember.objects.select_for_update().select_related("user", "organisation").get(pk=member.pk)
    if member.role == GroupRole.PILOT:
        raise ValidationError(
            _("Le pilote reste membre du groupe : désignez d'abord un autre pilote en modifiant le groupe.")
        )
    upcoming = MeetingInvitation.objects.filter(
        meeting__group=group,
        meeting__starts_at__gt=timezone.now(),
        meeting__status=MeetingStatus.SCHEDULED,
        user=member.user,
    ).select_related("meeting", "user")
    withdrawn = 0
    for invitation in upcoming:
        _send_calendar(invitation.meeting, invitation, method="CANCEL", removed=True)
        invitation.delete()
        withdrawn += 1
    member.delete()
    audit.record(
        action="coordination.group_member_removed",
        actor=acting_user,
        target=group,
        organisation=member.organisation,
        details={"user_id": member.user_id, "role": member.role, "invitations_withdrawn": withdrawn},
    )
    return withdrawn


@transaction.atomic
def add_document(*, acting_user, title: str, upload, group=None, dossier=None) -> GroupDocument:
    if group is not None:
        # Members and pilots share documents; observers only read them.
        _require(
            policies.can_manage_group(acting_user, group)
            or policies.group_role(acting_user, group) in (GroupRole.PILOT, GroupRole.MEMBER)
        )
    else:
        _require(policies.can_manage_dossier(acting_user, dossier))
    if upload is None:
        raise ValidationError({"attachment": _("Choisissez un fichier PDF.")})
    validate_pdf(upload)
    document = GroupDocument(group=group, dossier=dossier, title=title, uploaded_by=acting_user)
    document.file.save("document.pdf", upload, save=False)
    document.save()
    audit.record(action="coordination.document_added", actor=acting_user, target=document)
    return document


# --- Meetings --------------------------------------------------------------


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationError({"starts_at": _("Indiquez le début et la fin de la réunion.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("La fin de la réunion doit être postérieure à son début.")})


def _check_place(mode: str, place: str, video_url: str) -> None:
    if mode in ("in_person", "hybrid") and not place:
        raise ValidationError({"place": _("Indiquez le lieu de la réunion.")})
    if mode in ("online", "hybrid") and not video_url:
        raise ValidationError({"video_url": _("Indiquez le lien de visioconférence.")})


@transaction.atomic
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
) -> Meeting:
    if group is not None:
        _require(policies.can_manage_group(acting_user, group))
        if group.status == GroupStatus.CLOSED:
            raise ValidationError(_("Ce groupe est clos : rouvrez-le avant de programmer une réunion."))
    _check_times(starts_at, ends_at)
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
        action="coordination.meeting_scheduled",
        actor=acting_user,
        target=meeting,
        organisation=group.lead_organisation if group else organiser_organisation,
    )
    return meeting


@transaction.atomic
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
    _require(policies.can_manage_meeting(acting_user, meeting))
    if parent is not None and parent.meeting_id != meeting.pk:
        raise ValidationError({"parent": _("Le point parent appartient à une autre réunion.")})
    link_url = (link_url or "").strip()
    if link_url and not is_safe_link(link_url):
        # Rendered as a link for every reader of the meeting: only an address of
        # this site or a web address (links.py).
        raise ValidationError(
            {
                "link_url": _(
                    "Le lien doit être une adresse de Maillage commençant par « / » (par exemple /plan/) ou une adresse web commençant par https://."
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
    audit.record(action="coordination.agenda_item_added", actor=acting_user, target=meeting)
    return item


def _send_calendar(meeting, invitation, *, method: str, removed: bool = False) -> None:
    """`removed`: this person's invitation is withdrawn, the meeting itself goes
    on (METHOD:CANCEL at the current SEQUENCE, as for a removed guest)."""
    ics = ical.meeting_ics(meeting, method=method, invitations=[invitation])
    local = ical.paris(meeting.starts_at)
    if method == "CANCEL":
        subject = (_("Invitation retirée : %(title)s") if removed else _("Annulé : %(title)s")) % {
            "title": meeting.title
        }
        template = "coordination/emails/meeting_cancelled.txt"
    elif meeting.sequence:
        subject = _("Modifié : %(title)s") % {"title": meeting.title}
        template = "coordination/emails/meeting_invitation.txt"
    else:
        subject = _("Invitation : %(title)s") % {"title": meeting.title}
        template = "coordination/emails/meeting_invitation.txt"
    send_email(
        to=invitation.user.email,
        subject=subject,
        template=template,
        context={
            "meeting": meeting,
            "local_start": local,
            "local_end": ical.paris(meeting.ends_at),
            "url": "" if removed else _url(f"/coordination/reunions/{meeting.pk}/"),
            "removed": removed,
        },
        idempotency_key=f"meeting-{meeting.pk}-{method.lower()}{'-removed' if removed else ''}-{meeting.sequence}-{invitation.user_id}",
        ics=ics,
        ics_method=method,
    )


@transaction.atomic
def invite(*, meeting, user, acting_user, organisation=None, check_permission: bool = True) -> MeetingInvitation:
    if check_permission:
        _require(policies.can_manage_meeting(acting_user, meeting))
    if meeting.is_cancelled:
        raise ValidationError({"user": _("La réunion est annulée : on ne peut plus y inviter personne.")})
    if not (user.email or "").strip():
        raise ValidationError(
            {"user": _("Cette personne n'a pas d'adresse électronique : l'invitation ne peut pas lui être envoyée.")}
        )
    if MeetingInvitation.objects.filter(meeting=meeting, user=user).exists():
        raise ValidationError({"user": _("Cette personne est déjà invitée.")})
    if _active_guests(meeting).filter(email__iexact=user.email.strip()).exists():
        raise ValidationError({"user": _("Cette adresse est déjà invitée à la réunion comme personne extérieure.")})
    if organisation is None:
        membership = active_memberships(user).first()
        organisation = membership.organisation if membership else None
    invitation = MeetingInvitation.objects.create(meeting=meeting, user=user, organisation=organisation)
    _send_calendar(meeting, invitation, method="REQUEST")
    notify(
        recipient=user,
        title=_("Invitation : %(title)s") % {"title": meeting.title},
        link=f"/coordination/reunions/{meeting.pk}/",
        idempotency_key=f"meeting-{meeting.pk}-invite",
    )
    audit.record(
        action="coordination.meeting_invitation_sent", actor=acting_user, target=meeting, details={"user_id": user.pk}
    )
    return invitation


def invite_group_members(*, meeting, acting_user) -> int:
    """Invite every member of the meeting's group; people without an email
    address, or whose address is already invited as a guest, are skipped
    (and reported by the count)."""
    count = 0
    guest_emails = set(_active_guests(meeting).values_list("email", flat=True))
    for member in meeting.group.members.select_related("user", "organisation"):
        email = (member.user.email or "").strip().lower()
        if (
            not MeetingInvitation.objects.filter(meeting=meeting, user=member.user).exists()
            and email
            and email not in guest_emails
        ):
            invite(meeting=meeting, user=member.user, organisation=member.organisation, acting_user=acting_user)
            count += 1
    return count


_SIGNIFICANT = ("starts_at", "ends_at", "place", "video_url", "mode", "title")


@transaction.atomic
def update_meeting(*, meeting, acting_user, **fields) -> Meeting:
    """Change a meeting; if what a calendar shows changed, SEQUENCE grows and
    every invitee receives the updated event (METHOD:REQUEST)."""
    _require(policies.can_manage_meeting(acting_user, meeting))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError({"starts_at": _("La réunion est annulée : elle ne peut plus être modifiée.")})
    changed = [name for name, value in fields.items() if name in _SIGNIFICANT and getattr(meeting, name) != value]
    for name, value in fields.items():
        setattr(meeting, name, value)
    _check_times(meeting.starts_at, meeting.ends_at)
    _check_place(meeting.mode, meeting.place, meeting.video_url)
    if changed:
        meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    if changed:
        for invitation in meeting.invitations.select_related("user"):
            _send_calendar(meeting, invitation, method="REQUEST")
        for guest in _active_guests(meeting):
            _send_guest_calendar(meeting, guest, method="REQUEST")
    audit.record(
        action="coordination.meeting_updated",
        actor=acting_user,
        target=meeting,
        details={"changed": changed, "sequence": meeting.sequence},
    )
    return meeting


@transaction.atomic
def cancel_meeting(*, meeting, acting_user) -> Meeting:
    _require(policies.can_manage_meeting(acting_user, meeting))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("La réunion est déjà annulée."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    for invitation in meeting.invitations.select_related("user"):
        _send_calendar(meeting, invitation, method="CANCEL")
    for guest in _active_guests(meeting):
        _send_guest_calendar(meeting, guest, method="CANCEL")
    audit.record(action="coordination.meeting_cancelled", actor=acting_user, target=meeting)
    return meeting


@transaction.atomic
def respond(*, invitation, response: str, acting_user) -> MeetingInvitation:
    _require(invitation.user_id == acting_user.pk)
    if response not in (InvitationResponse.ACCEPTED, InvitationResponse.DECLINED, InvitationResponse.TENTATIVE):
        raise ValidationError({"response": _("Réponse inconnue.")})
    if invitation.meeting.is_cancelled:
        raise ValidationError({"response": _("La réunion a été annulée : votre réponse n'est pas enregistrée.")})
    invitation.response = response
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "responded_at"])
    audit.record(
        action="coordination.meeting_response",
        actor=acting_user,
        target=invitation.meeting,
        details={"response": response},
    )
    return invitation


# --- Guests (people without an account) ----------------------------------------

GUEST_REPLIES = (InvitationResponse.ACCEPTED, InvitationResponse.DECLINED, InvitationResponse.TENTATIVE)


def _active_guests(meeting):
    return MeetingGuest.objects.filter(meeting=meeting, removed_at__isnull=True).select_related("organisation")


def guest_reply_path(token: str) -> str:
    return reverse("coordination:guest_reply", kwargs={"token": token})


@dataclass(frozen=True)
class IssuedGuestInvitation:
    guest: MeetingGuest
    token: str  # sent once, in the email; only its hash is stored

    @property
    def path(self) -> str:
        return guest_reply_path(self.token)


def _send_guest_calendar(meeting, guest, *, method: str, token: str = "", removed: bool = False) -> None:
    """The same iCalendar event as members receive (same UID and SEQUENCE),
    with the guest as the only ATTENDEE. The personal link is only known when
    a token has just been issued (invitation, resend): updates and
    cancellations carry no link.

    A removed guest receives METHOD:CANCEL at the meeting's current SEQUENCE:
    the meeting itself did not change, and a message with the same SEQUENCE
    and a later DTSTAMP supersedes the earlier one (RFC 5546 §2.1.5)."""
    url = _url(guest_reply_path(token)) if token else ""
    ics = ical.meeting_ics(meeting, method=method, invitations=[guest], url=url)
    if method == "CANCEL":
        subject = (_("Invitation retirée : %(title)s") if removed else _("Annulé : %(title)s")) % {
            "title": meeting.title
        }
        template = "coordination/emails/guest_cancelled.txt"
    elif token:
        subject = _("Invitation : %(title)s") % {"title": meeting.title}
        template = "coordination/emails/guest_invitation.txt"
    else:
        subject = _("Modifié : %(title)s") % {"title": meeting.title}
        template = "coordination/emails/guest_invitation.txt"
    organiser = meeting.organiser.get_full_name() or meeting.organiser.email
    send_email(
        to=guest.email,
        subject=subject,
        template=template,
        context={
            "meeting": meeting,
            "guest": guest,
            "organiser": organiser,
            "local_start": ical.paris(meeting.starts_at),
            "local_end": ical.paris(meeting.ends_at),
            "url": url,
            "removed": removed,
        },
        idempotency_key=f"meeting-{meeting.pk}-guest-{guest.pk}-{method.lower()}-{meeting.sequence}-{guest.resent_count}",
        ics=ics,
        ics_method=method,
    )


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


@transaction.atomic
def invite_guest(
    *, meeting, acting_user, name: str, email: str, organisation=None, organisation_name: str = ""
) -> IssuedGuestInvitation:
    """Invite someone who has no Maillage account, by name and address."""
    _require(policies.can_manage_meeting(acting_user, meeting))
    meeting = Meeting.objects.select_for_update().select_related("organiser").get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError({"email": _("La réunion est annulée : on ne peut plus y inviter personne.")})
    name = (name or "").strip()
    organisation_name = (organisation_name or "").strip()
    if not name:
        raise ValidationError({"name": _("Indiquez le nom de la personne invitée.")})
    email = _clean_guest_email(email)
    if organisation is not None and organisation_name:
        raise ValidationError(
            {"organisation_name": _("Choisissez une organisation de l'annuaire ou saisissez-en une, pas les deux.")}
        )
    if _active_guests(meeting).filter(email=email).exists():
        raise ValidationError({"email": _("Cette adresse est déjà invitée à la réunion comme personne extérieure.")})
    if meeting.invitations.filter(user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Cette adresse est celle d'une personne déjà invitée à la réunion avec son compte Maillage.")}
        )
    token = secrets.token_urlsafe(32)  # 256 bits
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
    _send_guest_calendar(meeting, guest, method="REQUEST", token=token)
    audit.record(
        action="coordination.guest_invited",
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
    _require(policies.can_manage_meeting(acting_user, meeting))
    if guest.removed_at is not None:
        raise ValidationError(_("Cette invitation a déjà été retirée."))
    if meeting.is_cancelled:
        raise ValidationError(_("La réunion est annulée : ses invitations ne peuvent plus être modifiées."))
    return guest


@transaction.atomic
def resend_guest_invitation(*, guest, acting_user) -> IssuedGuestInvitation:
    """Send the invitation again with a new personal link: the old token
    cannot be recovered from its hash, and it stops working."""
    guest = _locked_guest(guest, acting_user)
    token = secrets.token_urlsafe(32)
    guest.token_hash = hash_token(token)
    guest.resent_count += 1
    guest.save(update_fields=["token_hash", "resent_count"])
    _send_guest_calendar(guest.meeting, guest, method="REQUEST", token=token)
    audit.record(
        action="coordination.guest_invitation_resent",
        actor=acting_user,
        target=guest.meeting,
        details={"guest_id": guest.pk},
    )
    return IssuedGuestInvitation(guest=guest, token=token)


@transaction.atomic
def remove_guest(*, guest, acting_user) -> MeetingGuest:
    """Withdraw a guest's invitation: their link stops working and their
    calendar receives METHOD:CANCEL; nobody else is written to."""
    guest = _locked_guest(guest, acting_user)
    guest.removed_at = timezone.now()
    guest.save(update_fields=["removed_at"])
    _send_guest_calendar(guest.meeting, guest, method="CANCEL", removed=True)
    audit.record(
        action="coordination.guest_removed", actor=acting_user, target=guest.meeting, details={"guest_id": guest.pk}
    )
    return guest


@transaction.atomic
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
        action="coordination.guest_response",
        actor=None,
        target=meeting,
        details={"guest_id": guest.pk, "response": response},
    )
    return guest


@transaction.atomic
def record_attendance(
    *,
    meeting,
    acting_user,
    present_user_ids: Iterable[int],
    organisation_ids: Iterable[int],
    present_guest_ids: Iterable[int] = (),
) -> Meeting:
    """Who came, per invitee and guest, and which organisations. A guest of a
    directory organisation who came makes that organisation present."""
    _require(policies.can_manage_meeting(acting_user, meeting))
    if meeting.is_cancelled:
        raise ValidationError(_("La réunion a été annulée : pas de feuille de présence."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("La réunion n'a pas encore commencé : la présence se relève après."))
    present = set(present_user_ids)
    for invitation in meeting.invitations.all():
        invitation.attended = invitation.user_id in present
        invitation.save(update_fields=["attended"])
    present_guests = set(present_guest_ids)
    organisations = set(organisation_ids)
    guests_present = 0
    for guest in _active_guests(meeting):
        guest.attended = guest.pk in present_guests
        guest.save(update_fields=["attended"])
        if guest.attended:
            guests_present += 1
            if guest.organisation_id:
                organisations.add(guest.organisation_id)
    meeting.attending_organisations.set(list(organisations))
    audit.record(
        action="coordination.attendance_recorded",
        actor=acting_user,
        target=meeting,
        details={"present": len(present), "guests_present": guests_present},
    )
    return meeting


def _minutes_transition(meeting, target: str) -> None:
    if target not in MINUTES_TRANSITIONS[MinutesStatus(meeting.minutes_status)]:
        raise ValidationError(_("Le compte rendu est déjà approuvé : il ne peut plus être modifié."))


def minutes_draft_text(meeting) -> str:
    """The draft starts from the agenda and the decisions taken, so the
    secretary edits rather than retypes."""
    lines = [meeting.title, ical.paris(meeting.starts_at).strftime("%d/%m/%Y %H:%M"), ""]
    present = [org.display_name for org in meeting.attending_organisations.all()]
    # Guests who came from an organisation outside the directory (a foreign
    # authority…): their organisation is named too. People are not listed.
    outside = _active_guests(meeting).filter(attended=True, organisation__isnull=True).exclude(organisation_name="")
    present += sorted({guest.organisation_name for guest in outside} - set(present))
    if present:
        lines += [_("Organisations présentes : %(orgs)s") % {"orgs": ", ".join(present)}, ""]
    lines.append(_("Ordre du jour"))
    for item in meeting.agenda_items.filter(parent__isnull=True).prefetch_related("children"):
        lines.append(f"{item.position}. {item.title}")
        for child in item.children.all():
            lines.append(f"   {item.position}.{child.position}. {child.title}")
        lines.append(_("   Échanges : …"))
    decisions = list(meeting.decisions.all())
    if decisions:
        lines += ["", _("Décisions")]
        lines += [f"- {decision.statement}" for decision in decisions]
    actions = list(meeting.actions.select_related("owner_user", "owner_organisation"))
    if actions:
        lines += ["", _("Actions")]
        for action in actions:
            owner = action.owner_user or action.owner_organisation
            lines.append(f"- {action.title} ({owner}, {action.due_on:%d/%m/%Y})")
    return "\n".join(lines)


@transaction.atomic
def draft_minutes(*, meeting, acting_user) -> Meeting:
    _require(policies.can_manage_meeting(acting_user, meeting))
    # Minutes come after the meeting (issue 7), like the attendance sheet.
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("La réunion n'a pas encore commencé : le compte rendu se rédige après."))
    _minutes_transition(meeting, MinutesStatus.DRAFT)
    if meeting.minutes_status == MinutesStatus.NONE or not meeting.minutes:
        meeting.minutes = minutes_draft_text(meeting)
    meeting.minutes_status = MinutesStatus.DRAFT
    meeting.save(update_fields=["minutes", "minutes_status", "updated_at"])
    audit.record(action="coordination.minutes_drafted", actor=acting_user, target=meeting)
    return meeting


@transaction.atomic
def edit_minutes(*, meeting, text: str, acting_user) -> Meeting:
    _require(policies.can_manage_meeting(acting_user, meeting))
    if meeting.minutes_status == MinutesStatus.NONE:
        raise ValidationError(_("Générez d'abord le projet de compte rendu."))
    _minutes_transition(meeting, MinutesStatus.DRAFT)
    meeting.minutes = text
    meeting.save(update_fields=["minutes", "updated_at"])
    audit.record(action="coordination.minutes_edited", actor=acting_user, target=meeting)
    return meeting


@transaction.atomic
def approve_minutes(*, meeting, acting_user) -> Meeting:
    _require(policies.can_manage_meeting(acting_user, meeting))
    if meeting.minutes_status != MinutesStatus.DRAFT:
        raise ValidationError(_("Seul un projet de compte rendu peut être approuvé."))
    meeting.minutes_status = MinutesStatus.APPROVED
    meeting.minutes_approved_by = acting_user
    meeting.minutes_approved_at = timezone.now()
    meeting.save(update_fields=["minutes_status", "minutes_approved_by", "minutes_approved_at", "updated_at"])
    audit.record(action="coordination.minutes_approved", actor=acting_user, target=meeting)
    return meeting


# --- Decisions and actions ---------------------------------------------------


@transaction.atomic
def record_decision(
    *, acting_user, statement: str, group=None, meeting=None, review_on: date | None = None
) -> Decision:
    group = group or (meeting.group if meeting else None)
    _require(
        policies.can_manage_meeting(acting_user, meeting) if meeting else policies.can_manage_group(acting_user, group)
    )
    if not statement.strip():
        raise ValidationError({"statement": _("Énoncez la décision.")})
    decision = Decision.objects.create(
        group=group, meeting=meeting, statement=statement, review_on=review_on, created_by=acting_user
    )
    audit.record(action="coordination.decision_recorded", actor=acting_user, target=decision)
    return decision


# Extension point for the national action plan (maillage/plans, built
# separately): the plans package registers a callable here from its
# AppConfig.ready(); it receives the decision and the acting user, creates the
# proposed measure or amendment with a link back to the decision, and returns
# its reference (shown on the decision).
PLAN_FORWARDERS: list[Callable[..., str]] = []


def register_plan_forwarder(func: Callable[..., str]) -> None:
    PLAN_FORWARDERS.append(func)


@transaction.atomic
def forward_decision_to_plan(*, decision, acting_user) -> Decision:
    group = decision.group or decision.meeting.group
    _require(policies.can_manage_group(acting_user, group) if group else decision.created_by_id == acting_user.pk)
    if not PLAN_FORWARDERS:
        raise ValidationError(_("Le plan d'action national n'est pas encore disponible dans Maillage."))
    if decision.forwarded_to:
        raise ValidationError(_("Cette décision a déjà été transmise au plan d'action."))
    decision.forwarded_to = PLAN_FORWARDERS[-1](decision=decision, acting_user=acting_user)
    decision.save(update_fields=["forwarded_to"])
    audit.record(
        action="coordination.decision_forwarded",
        actor=acting_user,
        target=decision,
        details={"to": decision.forwarded_to},
    )
    return decision


@transaction.atomic
def set_decision_status(*, decision, status: str, acting_user, review_on: date | None = None) -> Decision:
    group = decision.group or decision.meeting.group
    _require(policies.can_manage_group(acting_user, group))
    if status not in DecisionStatus.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    decision.status = status
    decision.review_on = review_on
    decision.save(update_fields=["status", "review_on"])
    audit.record(
        action="coordination.decision_updated", actor=acting_user, target=decision, details={"status": status}
    )
    return decision


@transaction.atomic
def create_action(
    *,
    acting_user,
    title: str,
    due_on: date,
    owner_user=None,
    owner_organisation=None,
    group=None,
    meeting=None,
    decision=None,
) -> ActionItem:
    group = group or (meeting.group if meeting else None) or (decision.group if decision else None)
    _require(
        policies.can_manage_meeting(acting_user, meeting) if meeting else policies.can_manage_group(acting_user, group)
    )
    if owner_user is None and owner_organisation is None:
        raise ValidationError({"owner_user": _("Indiquez qui porte l'action : une personne ou une organisation.")})
    if due_on is None:
        raise ValidationError({"due_on": _("Indiquez une échéance.")})
    action = ActionItem.objects.create(
        group=group,
        meeting=meeting,
        decision=decision,
        title=title,
        due_on=due_on,
        owner_user=owner_user,
        owner_organisation=owner_organisation,
        created_by=acting_user,
    )
    if owner_user is not None:
        notify(
            recipient=owner_user,
            title=_("Nouvelle action : %(title)s") % {"title": title},
            link="/coordination/mes-actions/",
            idempotency_key=f"action-{action.pk}-assigned",
        )
    audit.record(
        action="coordination.action_created", actor=acting_user, target=action, organisation=owner_organisation
    )
    return action


@transaction.atomic
def set_action_status(*, action, status: str, acting_user) -> ActionItem:
    _require(policies.can_update_action(acting_user, action))
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    action.status = status
    action.done_at = timezone.now() if status == ActionStatus.DONE else None
    action.save(update_fields=["status", "done_at"])
    audit.record(action="coordination.action_status", actor=acting_user, target=action, details={"status": status})
    return action


# --- Private calendar feeds -------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedFeed:
    feed: CalendarFeedToken
    token: str  # shown once; only its hash is stored


@transaction.atomic
def issue_feed_token(*, acting_user, group=None) -> IssuedFeed:
    if group is not None:
        _require(group in policies.groups_visible_to(acting_user))
    token = secrets.token_urlsafe(32)
    feed = CalendarFeedToken.objects.create(user=acting_user, group=group, token_hash=hash_token(token))
    audit.record(action="coordination.feed_issued", actor=acting_user, target=feed)
    return IssuedFeed(feed=feed, token=token)


@transaction.atomic
def revoke_feed_token(*, feed, acting_user) -> CalendarFeedToken:
    _require(feed.user_id == acting_user.pk)
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        audit.record(action="coordination.feed_revoked", actor=acting_user, target=feed)
    return feed


# --- Correspondence register -------------------------------------------------


def _next_number(year: int) -> int:
    """Allocate the next chronological number of the year (maillage.core.sequences;
    the unique constraint on (year, number) is the last line of defence)."""
    return next_in_year(LetterCounter, year, field="last_number")


@transaction.atomic
def register_letter(
    *,
    acting_user,
    direction: str,
    letter_date: date,
    subject: str,
    received_on: date | None = None,
    sender_organisation=None,
    sender_person: str = "",
    recipient_organisation=None,
    recipient_person: str = "",
    summary: str = "",
    attachment=None,
    reply_due_on: date | None = None,
    assignee=None,
    in_reply_to=None,
    group=None,
    dossier=None,
    plan_reference: str = "",
    expects_reply: bool = True,
) -> Letter:
    _require(policies.can_manage_letters(acting_user))
    if direction not in LetterDirection.values:
        raise ValidationError({"direction": _("Sens du courrier inconnu.")})
    if sender_organisation is None and recipient_organisation is None:
        raise ValidationError({"sender_organisation": _("Indiquez l'organisation expéditrice ou destinataire.")})
    received_on = received_on or letter_date
    if received_on < letter_date:
        raise ValidationError(
            {"received_on": _("La date de réception ou d'envoi ne peut pas précéder la date du courrier.")}
        )
    validate_pdf(attachment)
    if direction == LetterDirection.INCOMING and expects_reply and reply_due_on is None:
        reply_due_on = received_on + timedelta(days=reply_delay_days())
    if direction == LetterDirection.OUTGOING:
        status = LetterStatus.CLOSED if not expects_reply else LetterStatus.IN_PROGRESS
    else:
        status = LetterStatus.ASSIGNED if assignee else LetterStatus.RECEIVED
    year = received_on.year
    letter = Letter(
        year=year,
        number=_next_number(year),
        direction=direction,
        letter_date=letter_date,
        received_on=received_on,
        sender_organisation=sender_organisation,
        sender_person=sender_person,
        recipient_organisation=recipient_organisation,
        recipient_person=recipient_person,
        subject=subject,
        summary=summary,
        reply_due_on=reply_due_on if expects_reply else None,
        assignee=assignee,
        status=status,
        in_reply_to=in_reply_to,
        group=group,
        dossier=dossier,
        plan_reference=plan_reference,
        created_by=acting_user,
    )
    if attachment is not None:
        letter.attachment.save("courrier.pdf", attachment, save=False)
    letter.save()
    if in_reply_to is not None and in_reply_to.status in (
        LetterStatus.RECEIVED,
        LetterStatus.ASSIGNED,
        LetterStatus.IN_PROGRESS,
    ):
        in_reply_to.status = LetterStatus.ANSWERED
        in_reply_to.save(update_fields=["status"])
    if assignee is not None:
        notify(
            recipient=assignee,
            title=_("Courrier %(ref)s à traiter") % {"ref": letter.reference},
            link=f"/coordination/courrier/{letter.pk}/",
            idempotency_key=f"letter-{letter.pk}-assigned-{assignee.pk}",
        )
    audit.record(
        action="coordination.letter_registered",
        actor=acting_user,
        target=letter,
        target_label=letter.reference,
        details={"direction": direction},
    )
    return letter


@transaction.atomic
def update_letter(*, letter, acting_user, status: str | None = None, assignee=None) -> Letter:
    _require(policies.can_manage_letters(acting_user))
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if assignee is not None and assignee != letter.assignee:
        letter.assignee = assignee
        if letter.status == LetterStatus.RECEIVED and status is None:
            status = LetterStatus.ASSIGNED
        notify(
            recipient=assignee,
            title=_("Courrier %(ref)s à traiter") % {"ref": letter.reference},
            link=f"/coordination/courrier/{letter.pk}/",
            idempotency_key=f"letter-{letter.pk}-assigned-{assignee.pk}",
        )
    if status is not None and status != letter.status:
        if status not in LETTER_TRANSITIONS.get(LetterStatus(letter.status), set()):
            raise ValidationError(
                {
                    "status": _("Passage de « %(a)s » à « %(b)s » impossible.")
                    % {"a": letter.get_status_display(), "b": LetterStatus(status).label}
                }
            )
        letter.status = status
    letter.save(update_fields=["assignee", "status"])
    audit.record(
        action="coordination.letter_updated",
        actor=acting_user,
        target=letter,
        target_label=letter.reference,
        details={"status": letter.status},
    )
    return letter


# --- Advocacy dossiers -------------------------------------------------------


@transaction.atomic
def create_dossier(
    *,
    acting_user,
    title: str,
    kind: str,
    lead_organisation,
    summary: str = "",
    supporting_organisations: Iterable = (),
) -> AdvocacyDossier:
    _require(
        policies.can_create_dossier(acting_user)
        and (
            policies.is_coordination_body(acting_user)
            or lead_organisation.pk in policies.organisation_ids(acting_user)
        )
    )
    if kind not in DossierKind.values:
        raise ValidationError({"kind": _("Type de dossier inconnu.")})
    dossier = AdvocacyDossier.objects.create(
        title=title, kind=kind, lead_organisation=lead_organisation, summary=summary, created_by=acting_user
    )
    dossier.supporting_organisations.set(list(supporting_organisations))
    if kind == DossierKind.NATIONAL_CAUSE:
        DossierStep.objects.bulk_create(
            DossierStep(dossier=dossier, position=index, label=str(label))
            for index, label in enumerate(NATIONAL_CAUSE_STEPS, start=1)
        )
    audit.record(
        action="coordination.dossier_created", actor=acting_user, target=dossier, organisation=lead_organisation
    )
    return dossier


@transaction.atomic
def add_step(*, dossier, label: str, due_on: date | None, acting_user) -> DossierStep:
    _require(policies.can_manage_dossier(acting_user, dossier))
    step = DossierStep.objects.create(dossier=dossier, label=label, due_on=due_on, position=dossier.steps.count() + 1)
    audit.record(action="coordination.dossier_step_added", actor=acting_user, target=dossier)
    return step


@transaction.atomic
def update_step(*, step, acting_user, due_on: date | None = None, done_on: date | None = None) -> DossierStep:
    _require(policies.can_manage_dossier(acting_user, step.dossier))
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationError({"done_on": _("Une étape ne peut pas être réalisée dans le futur.")})
    step.due_on = due_on
    step.done_on = done_on
    step.save(update_fields=["due_on", "done_on"])
    audit.record(
        action="coordination.dossier_step_updated",
        actor=acting_user,
        target=step.dossier,
        details={"step": step.pk, "done": done_on is not None},
    )
    return step


@transaction.atomic
def set_dossier_status(*, dossier, status: str, acting_user) -> AdvocacyDossier:
    _require(policies.can_manage_dossier(acting_user, dossier))
    dossier.status = status
    dossier.full_clean()
    dossier.save(update_fields=["status"])
    audit.record(action="coordination.dossier_status", actor=acting_user, target=dossier, details={"status": status})
    return dossier


@transaction.atomic
def link_meeting_to_dossier(*, dossier, meeting, acting_user) -> None:
    _require(
        policies.can_manage_dossier(acting_user, dossier) and meeting in policies.meetings_visible_to(acting_user)
    )
    dossier.meetings.add(meeting)
    audit.record(
        action="coordination.dossier_meeting_linked",
        actor=acting_user,
        target=dossier,
        details={"meeting": meeting.pk},
    )


# --- Appointments -------------------------------------------------------------


@transaction.atomic
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
    _require(proposer_organisation.pk in policies.organisation_ids(acting_user))
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
            context={"appointment": appointment, "url": _url(f"/coordination/rendez-vous/{appointment.pk}/")},
            idempotency_key=f"appointment-{appointment.pk}-proposed-{membership.user_id}",
        )
    audit.record(
        action="coordination.appointment_proposed",
        actor=acting_user,
        target=appointment,
        organisation=target_organisation,
    )
    return appointment


@transaction.atomic
def pick_slot(*, appointment, slot, acting_user) -> Meeting:
    """The invited organisation picks a slot: the appointment becomes a
    meeting, and both sides receive a calendar invitation."""
    _require(policies.can_pick_slot(acting_user, appointment))
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
    invite(
        meeting=meeting,
        user=appointment.proposer,
        organisation=appointment.proposer_organisation,
        acting_user=acting_user,
        check_permission=False,
    )
    invite(
        meeting=meeting,
        user=acting_user,
        organisation=appointment.target_organisation,
        acting_user=acting_user,
        check_permission=False,
    )
    audit.record(
        action="coordination.appointment_booked",
        actor=acting_user,
        target=appointment,
        organisation=appointment.target_organisation,
    )
    return meeting


# --- Preferences ----------------------------------------------------------------


@transaction.atomic
def set_digest_preference(*, user, enabled: bool) -> None:
    user.weekly_digest_enabled = enabled
    user.save(update_fields=["weekly_digest_enabled"])
    audit.record(action="coordination.digest_preference", actor=user, target=user, details={"enabled": enabled})
