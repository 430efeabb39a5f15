"""The calendar emails of a meeting (RFC 5545/5546): what members and guests
receive when they are invited, when the meeting changes, when it is cancelled
or when their invitation is withdrawn. Called inside the writing service's
transaction: the email leaves after commit (notifications.send_email)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.notifications.services import send_email

from .. import ical
from .common import site_url


def guest_reply_path(token: str) -> str:
    return reverse("coordination:guest_reply", kwargs={"token": token})


def send_member_calendar(meeting, invitation, *, method: str, removed: bool = False) -> None:
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
    kind = f"{method.lower()}{'-removed' if removed else ''}"
    send_email(
        to=invitation.user.email,
        subject=subject,
        template=template,
        context={
            "meeting": meeting,
            "local_start": local,
            "local_end": ical.paris(meeting.ends_at),
            "url": "" if removed else site_url(f"/coordination/reunions/{meeting.pk}/"),
            "removed": removed,
        },
        idempotency_key=f"meeting-{meeting.pk}-{kind}-{meeting.sequence}-{invitation.user_id}",
        ics=ics,
        ics_method=method,
    )


def send_guest_calendar(meeting, guest, *, method: str, token: str = "", removed: bool = False) -> None:
    """The same iCalendar event as members receive (same UID and SEQUENCE),
    with the guest as the only ATTENDEE. The personal link is only known when
    a token has just been issued (invitation, resend): updates and
    cancellations carry no link.

    A removed guest receives METHOD:CANCEL at the meeting's current SEQUENCE:
    the meeting itself did not change, and a message with the same SEQUENCE
    and a later DTSTAMP supersedes the earlier one (RFC 5546 §2.1.5)."""
    url = site_url(guest_reply_path(token)) if token else ""
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
        idempotency_key=(
            f"meeting-{meeting.pk}-guest-{guest.pk}-{method.lower()}-{meeting.sequence}-{guest.resent_count}"
        ),
        ics=ics,
        ics_method=method,
    )
