"""After a meeting: the attendance sheet and the minutes (draft → approved,
coordination/workflow.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit

from .. import ical, policies, workflow
from ..enums import AuditAction, MinutesStatus
from ..selectors import active_guests
from .common import require


@transaction.atomic(durable=True)
def record_attendance(
    *,
    meeting,
    acting_user,
    present_user_ids: Iterable[int],
    organisation_ids: Iterable[int],
    present_guest_ids: Iterable[int] = (),
):
    """Who came, per invitee and guest, and which organisations. A guest of a
    directory organisation who came makes that organisation present."""
    require(policies.can_manage_meeting(acting_user, meeting))
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
    for guest in active_guests(meeting):
        guest.attended = guest.pk in present_guests
        guest.save(update_fields=["attended"])
        if guest.attended:
            guests_present += 1
            if guest.organisation_id:
                organisations.add(guest.organisation_id)
    meeting.attending_organisations.set(list(organisations))
    audit.record(
        action=AuditAction.ATTENDANCE_RECORDED,
        actor=acting_user,
        target=meeting,
        details={"present": len(present), "guests_present": guests_present},
    )
    return meeting


def _minutes_transition(meeting, target: str) -> None:
    if not workflow.minutes_can_move(meeting.minutes_status, target):
        raise ValidationError(_("Le compte rendu est déjà approuvé : il ne peut plus être modifié."))


def minutes_draft_text(meeting) -> str:
    """The draft starts from the agenda and the decisions taken, so the
    secretary edits rather than retypes."""
    lines = [meeting.title, ical.paris(meeting.starts_at).strftime("%d/%m/%Y %H:%M"), ""]
    present = [org.display_name for org in meeting.attending_organisations.all()]
    # Guests who came from an organisation outside the directory (a foreign
    # authority…): their organisation is named too. People are not listed.
    outside = active_guests(meeting).filter(attended=True, organisation__isnull=True).exclude(organisation_name="")
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


@transaction.atomic(durable=True)
def draft_minutes(*, meeting, acting_user):
    require(policies.can_manage_meeting(acting_user, meeting))
    # Minutes come after the meeting (issue 7), like the attendance sheet.
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("La réunion n'a pas encore commencé : le compte rendu se rédige après."))
    _minutes_transition(meeting, MinutesStatus.DRAFT)
    if meeting.minutes_status == MinutesStatus.NONE or not meeting.minutes:
        meeting.minutes = minutes_draft_text(meeting)
    meeting.minutes_status = MinutesStatus.DRAFT
    meeting.save(update_fields=["minutes", "minutes_status", "updated_at"])
    audit.record(action=AuditAction.MINUTES_DRAFTED, actor=acting_user, target=meeting)
    return meeting


@transaction.atomic(durable=True)
def edit_minutes(*, meeting, text: str, acting_user):
    require(policies.can_manage_meeting(acting_user, meeting))
    if meeting.minutes_status == MinutesStatus.NONE:
        raise ValidationError(_("Générez d'abord le projet de compte rendu."))
    _minutes_transition(meeting, MinutesStatus.DRAFT)
    meeting.minutes = text
    meeting.save(update_fields=["minutes", "updated_at"])
    audit.record(action=AuditAction.MINUTES_EDITED, actor=acting_user, target=meeting)
    return meeting


@transaction.atomic(durable=True)
def approve_minutes(*, meeting, acting_user):
    require(policies.can_manage_meeting(acting_user, meeting))
    if not workflow.minutes_can_move(meeting.minutes_status, MinutesStatus.APPROVED):
        raise ValidationError(_("Seul un projet de compte rendu peut être approuvé."))
    meeting.minutes_status = MinutesStatus.APPROVED
    meeting.minutes_approved_by = acting_user
    meeting.minutes_approved_at = timezone.now()
    meeting.save(update_fields=["minutes_status", "minutes_approved_by", "minutes_approved_at", "updated_at"])
    audit.record(action=AuditAction.MINUTES_APPROVED, actor=acting_user, target=meeting)
    return meeting
