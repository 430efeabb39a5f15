"""After a meeting: the attendance sheet and the minutes (draft → circulated
to the participants for remarks → approved by the pilot,
coordination/workflow.py). The person who drafts the minutes is never their
only reader: they go to the other participants, who record their remarks
(or that they have none) during a set delay before the pilot approves them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.models import AuditKind
from maillage.core.pdf import render_pdf
from maillage.notifications.services import notify

from .. import ical, policies, selectors, workflow
from ..enums import AuditAction, MinutesStatus
from ..models import Meeting, MinutesRemark
from ..selectors import active_guests
from .common import minutes_remarks_days, require
from .meetings import note_meeting_held


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
    note_meeting_held(meeting=meeting, acting_user=acting_user)
    audit.record(
        action=AuditAction.ATTENDANCE_RECORDED,
        actor=acting_user,
        target=meeting,
        details={"present": len(present), "guests_present": guests_present},
    )
    return meeting


def _minutes_transition(meeting, target: str) -> None:
    if not workflow.minutes_can_move(meeting.minutes_status, target):
        if meeting.minutes_status == MinutesStatus.APPROVED:
            raise ValidationError(_("Le compte rendu est déjà approuvé : il ne peut plus être modifié."))
        raise ValidationError(_("Cette étape du compte rendu n'est pas possible depuis son état actuel."))


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
    note_meeting_held(meeting=meeting, acting_user=acting_user)
    if meeting.minutes_status == MinutesStatus.NONE or not meeting.minutes:
        meeting.minutes = minutes_draft_text(meeting)
    meeting.minutes_status = MinutesStatus.DRAFT
    meeting.minutes_drafted_by = meeting.minutes_drafted_by or acting_user
    meeting.save(update_fields=["minutes", "minutes_status", "minutes_drafted_by", "updated_at"])
    audit.record(action=AuditAction.MINUTES_DRAFTED, actor=acting_user, target=meeting)
    return meeting


@transaction.atomic(durable=True)
def edit_minutes(*, meeting, text: str, acting_user):
    require(policies.can_manage_meeting(acting_user, meeting))
    if meeting.minutes_status == MinutesStatus.NONE:
        raise ValidationError(_("Générez d'abord le projet de compte rendu."))
    # Still editable while circulated, to take the participants' remarks in.
    _minutes_transition(meeting, meeting.minutes_status)
    meeting.minutes = text
    meeting.save(update_fields=["minutes", "updated_at"])
    audit.record(action=AuditAction.MINUTES_EDITED, actor=acting_user, target=meeting)
    return meeting


@transaction.atomic(durable=True)
def circulate_minutes(*, meeting, acting_user, days: int | None = None):
    """Send the draft to the participants other than its drafter, who have
    `days` days (COORDINATION_MINUTES_REMARKS_DAYS by default) to remark."""
    require(policies.can_manage_meeting(acting_user, meeting))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _minutes_transition(meeting, MinutesStatus.CIRCULATED)
    days = minutes_remarks_days() if days is None else int(days)
    if not 1 <= days <= 30:
        raise ValidationError({"days": _("Le délai de relecture va de 1 à 30 jours.")})
    readers = list(selectors.minutes_readers(meeting).select_related("user", "organisation"))
    if not readers:
        raise ValidationError(
            _(
                "Aucun autre participant que la personne qui l'a rédigé ne peut relire ce compte rendu : relevez "
                "d'abord les présences (ou invitez les participants), il ne peut pas être approuvé sans relecture."
            )
        )
    now = timezone.now()
    meeting.minutes_status = MinutesStatus.CIRCULATED
    meeting.minutes_circulated_at = now
    meeting.minutes_remarks_until = now + timedelta(days=days)
    meeting.save(update_fields=["minutes_status", "minutes_circulated_at", "minutes_remarks_until", "updated_at"])
    audit.record(
        action=AuditAction.MINUTES_CIRCULATED,
        actor=acting_user,
        target=meeting,
        details={"readers": len(readers), "days": days},
    )
    until = timezone.localtime(meeting.minutes_remarks_until).strftime("%d/%m/%Y")
    for invitation in readers:
        notify(
            recipient=invitation.user,
            title=_("Compte rendu à relire : %(title)s") % {"title": meeting.title},
            body=_("Faites part de vos remarques avant le %(d)s ; le compte rendu sera approuvé ensuite.")
            % {"d": until},
            link=f"/coordination/reunions/{meeting.pk}/#compte-rendu",
            organisation=invitation.organisation,
            idempotency_key=f"meeting-{meeting.pk}-minutes-circulated-{invitation.user_id}",
        )
    return meeting


@transaction.atomic(durable=True)
def remark_on_minutes(*, meeting, body: str, acting_user) -> MinutesRemark:
    """A participant's remark on circulated minutes (an empty body says « no
    remark »: the pilot then knows the text was read)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    reader = selectors.minutes_reader(meeting, acting_user)
    require(reader is not None or policies.can_manage_meeting(acting_user, meeting))
    if reader is None:
        raise ValidationError(_("Seuls les participants relisent le compte rendu ; vous pouvez le modifier."))
    if meeting.minutes_status != MinutesStatus.CIRCULATED:
        raise ValidationError(_("Ce compte rendu n'est pas en relecture : les remarques ne sont plus recueillies."))
    if timezone.now() >= meeting.minutes_remarks_until:
        raise ValidationError(
            _("Le délai de relecture a pris fin le %(d)s : adressez votre remarque directement au pilote.")
            % {"d": timezone.localtime(meeting.minutes_remarks_until).strftime("%d/%m/%Y à %H:%M")}
        )
    remark = MinutesRemark.objects.create(
        meeting=meeting, author=acting_user, organisation=reader.organisation, body=(body or "").strip()
    )
    audit.record(
        action=AuditAction.MINUTES_REMARK,
        actor=acting_user,
        target=meeting,
        details={"remark_id": remark.pk, "has_remark": bool(remark.body)},
    )
    if remark.body:
        for recipient in {meeting.minutes_drafted_by or meeting.organiser, meeting.organiser}:
            notify(
                recipient=recipient,
                title=_("Remarque sur le compte rendu : %(title)s") % {"title": meeting.title},
                body=remark.body[:500],
                link=f"/coordination/reunions/{meeting.pk}/compte-rendu/",
                idempotency_key=f"meeting-{meeting.pk}-remark-{remark.pk}-{recipient.pk}",
            )
    return remark


@transaction.atomic(durable=True)
def approve_minutes(*, meeting, acting_user):
    """The pilot approves circulated minutes once the delay is over, or
    sooner when every reader has answered."""
    require(policies.can_manage_meeting(acting_user, meeting))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.minutes_status == MinutesStatus.DRAFT:
        raise ValidationError(
            _(
                "Le compte rendu doit d'abord être adressé aux participants pour relecture : celle ou celui qui l'a "
                "rédigé n'en est pas le seul lecteur."
            )
        )
    if not workflow.minutes_can_move(meeting.minutes_status, MinutesStatus.APPROVED):
        raise ValidationError(_("Seul un compte rendu relu par les participants peut être approuvé."))
    progress = selectors.minutes_review_progress(meeting)
    if timezone.now() < meeting.minutes_remarks_until and progress["answered"] < progress["readers"]:
        raise ValidationError(
            _(
                "Les participants ont jusqu'au %(d)s pour faire part de leurs remarques (%(a)s sur %(n)s ont "
                "répondu) : le compte rendu s'approuve à la fin de ce délai, ou dès que tous ont répondu."
            )
            % {
                "d": timezone.localtime(meeting.minutes_remarks_until).strftime("%d/%m/%Y à %H:%M"),
                "a": progress["answered"],
                "n": progress["readers"],
            }
        )
    meeting.minutes_status = MinutesStatus.APPROVED
    meeting.minutes_approved_by = acting_user
    meeting.minutes_approved_at = timezone.now()
    meeting.save(update_fields=["minutes_status", "minutes_approved_by", "minutes_approved_at", "updated_at"])
    audit.record(
        action=AuditAction.MINUTES_APPROVED,
        actor=acting_user,
        target=meeting,
        details={"remarks": progress["remarks"], "answered": progress["answered"], "readers": progress["readers"]},
    )
    return meeting


def export_minutes_pdf(*, meeting, acting_user) -> bytes:
    """The minutes as a tagged PDF (State identity, PDF/UA-1): for the pilot
    at any stage, for a reader of the meeting once circulated."""
    require(policies.can_read_minutes(acting_user, meeting))
    content = render_pdf(
        "coordination/pdf/minutes.html",
        {
            "meeting": meeting,
            "attending": list(meeting.attending_organisations.all()),
            "remarks": list(selectors.minutes_remarks(meeting)),
        },
        title=_("Compte rendu : %(title)s") % {"title": meeting.title},
    )
    with transaction.atomic(durable=True):
        audit.record(action=AuditAction.MINUTES_PDF, actor=acting_user, kind=AuditKind.EXPORT, target=meeting)
    return content
