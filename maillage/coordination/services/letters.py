"""The correspondence register of the coordination body: letters received
and sent, numbered per year, with a reply deadline (coordination/workflow.py)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.sequences import next_in_year
from maillage.notifications.services import notify

from .. import policies, workflow
from ..enums import AuditAction, LetterDirection, LetterStatus
from ..models import Letter, LetterCounter
from .common import reply_delay_days, require, validate_pdf


def _next_number(year: int) -> int:
    """Allocate the next chronological number of the year (maillage.core.sequences;
    the unique constraint on (year, number) is the last line of defence)."""
    return next_in_year(LetterCounter, year, field="last_number")


@transaction.atomic(durable=True)
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
    require(policies.can_manage_letters(acting_user))
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
        action=AuditAction.LETTER_REGISTERED,
        actor=acting_user,
        target=letter,
        target_label=letter.reference,
        details={"direction": direction},
    )
    return letter


@transaction.atomic(durable=True)
def update_letter(*, letter, acting_user, status: str | None = None, assignee=None) -> Letter:
    require(policies.can_manage_letters(acting_user))
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
        if not workflow.letter_can_move(letter.status, status):
            raise ValidationError(
                {
                    "status": _("Passage de « %(a)s » à « %(b)s » impossible.")
                    % {"a": letter.get_status_display(), "b": LetterStatus(status).label}
                }
            )
        letter.status = status
    letter.save(update_fields=["assignee", "status"])
    audit.record(
        action=AuditAction.LETTER_UPDATED,
        actor=acting_user,
        target=letter,
        target_label=letter.reference,
        details={"status": letter.status},
    )
    return letter
