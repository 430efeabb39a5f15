"""Scheduled work on referrals: expiry without an answer, escalation of a
referral past a short answer delay, and reminders to the recipient
(`deadlines.ANSWER_DELAY`, `deadlines.answer_delay_for`, `deadlines.REMINDERS`).
Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit

from .. import deadlines
from ..enums import AuditAction
from ..journal import admins_of, case_workers_of
from ..models import Referral
from .common import S, case_event, follow_access, history, lock, tell


@dataclass
class SweepReport:
    expired: int = 0
    reminded: int = 0
    escalated: int = 0


def expire_and_remind(*, now: datetime | None = None) -> SweepReport:
    """Expire referrals past their answer date; remind recipients on the days
    of `deadlines.REMINDERS`. Each step is a conditional update in its own
    transaction, so running twice (or a retried task) changes and sends
    nothing more."""
    now = now or timezone.now()
    report = SweepReport()
    # A referral expires once past its answer date and the general delay: one
    # with a short delay (an emergency shelter, a CRIP, an urgent one) is
    # escalated at its deadline rather than dropped (issue 10 item 6).
    expiry = now - deadlines.ANSWER_DELAY.delta()
    for pk in (
        Referral.objects.filter(status=S.SENT, answer_due_at__lt=now, sent_at__lte=expiry)
        .values_list("pk", flat=True)
        .iterator()
    ):
        with transaction.atomic(durable=True):
            if Referral.objects.filter(pk=pk, status=S.SENT).update(status=S.EXPIRED, expired_at=now) != 1:
                continue
            referral = lock(Referral(pk=pk))
            follow_access(referral, frm=S.SENT, to=S.EXPIRED, acting_user=None)
            history(referral, None, S.SENT, S.EXPIRED, _("Expirée sans réponse dans le délai"))
            case_event(
                referral,
                None,
                _("Orientation vers %(org)s expirée sans réponse") % {"org": referral.recipient_organisation.name},
            )
            audit.record(
                action=AuditAction.REFERRAL_EXPIRED,
                actor=None,
                target=referral,
                target_label=referral.label,
                organisation=referral.case.organisation,
            )
            tell(
                [referral.sender_user],
                referral=referral,
                organisation=referral.sender_organisation,
                title=_("Orientation expirée sans réponse (dossier %(ref)s)") % {"ref": referral.case.reference},
                key=f"referral-{pk}-expired",
            )
            report.expired += 1
    report.escalated = escalate_overdue(now=now)
    schedule = deadlines.REMINDERS.days()
    if schedule:
        earliest = now - timedelta(days=schedule[0])
        rows = Referral.objects.filter(status=S.SENT, answer_due_at__gte=now, sent_at__lte=earliest).values_list(
            "pk", "sent_at", "reminders_sent"
        )
        for pk, sent_at, done in rows.iterator():
            due = sum(1 for d in schedule if sent_at + timedelta(days=d) <= now)
            if due <= done:
                continue
            with transaction.atomic(durable=True):
                if Referral.objects.filter(pk=pk, status=S.SENT, reminders_sent=done).update(reminders_sent=due) != 1:
                    continue
                referral = lock(Referral(pk=pk))
                history(referral, None, S.SENT, S.SENT, _("Relance n° %(n)s envoyée au destinataire") % {"n": due})
                tell(
                    case_workers_of(referral.recipient_organisation),
                    referral=referral,
                    organisation=referral.recipient_organisation,
                    title=_("Relance : orientation en attente de réponse (dossier %(ref)s)")
                    % {"ref": referral.case.reference},
                    key=f"referral-{pk}-reminder-{due}",
                )
                report.reminded += 1
    return report


def escalate_overdue(*, now: datetime | None = None) -> int:
    """Referrals past their answer deadline but not yet expired (a short
    delay: hours for an emergency shelter or a CRIP, 48 h for an urgent one):
    the recipient's administrators and case workers and the sender are told
    once, the referral shows « en retard » in every queue. Conditional update
    on `escalated_at`: a retried sweep escalates nothing twice."""
    now = now or timezone.now()
    escalated = 0
    rows = Referral.objects.filter(status=S.SENT, answer_due_at__lt=now, escalated_at__isnull=True)
    for pk in rows.values_list("pk", flat=True).iterator():
        with transaction.atomic(durable=True):
            if Referral.objects.filter(pk=pk, status=S.SENT, escalated_at__isnull=True).update(escalated_at=now) != 1:
                continue
            referral = lock(Referral(pk=pk))
            history(referral, None, S.SENT, S.SENT, _("Délai de réponse dépassé : signalé aux responsables"))
            audit.record(
                action=AuditAction.REFERRAL_ESCALATED,
                actor=None,
                target=referral,
                target_label=referral.label,
                organisation=referral.recipient_organisation,
                details={"answer_due_at": referral.answer_due_at.isoformat(), "urgent": referral.urgent},
            )
            reference = referral.case.reference
            recipients = {
                *admins_of(referral.recipient_organisation),
                *case_workers_of(referral.recipient_organisation),
            }
            tell(
                list(recipients),
                referral=referral,
                organisation=referral.recipient_organisation,
                title=_("En retard : orientation sans réponse dans le délai (dossier %(ref)s)") % {"ref": reference},
                key=f"referral-{pk}-escalated",
            )
            tell(
                [referral.sender_user],
                referral=referral,
                organisation=referral.sender_organisation,
                title=_("Sans réponse dans le délai : appelez le destinataire (dossier %(ref)s)") % {"ref": reference},
                key=f"referral-{pk}-escalated-sender",
            )
            escalated += 1
    return escalated
