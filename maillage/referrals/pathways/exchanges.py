"""Cross-border exchanges (Warsaw arts. 32–34, R-INTL-URGENT): with a foreign
counterpart of the directory, a legal basis always, a child's identity only
for a danger or a missing-child search; urgent ones escalated at once, the
others when their answer is overdue."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.cases import access as case_access
from maillage.cases.models import Case
from maillage.core import audit
from maillage.organisations.actor import as_actor
from maillage.organisations.enums import OrganisationType
from maillage.organisations.models import Organisation

from .. import deadlines
from ..enums import AuditAction, ExchangeChannel, ExchangePurpose, SharedPart
from ..journal import admins_of, notify_users
from ..models import InternationalExchange
from .common import audit_pathway, require_owner


@transaction.atomic(durable=True)
def record_exchange(
    *,
    case: Case,
    organisation,
    acting_user,
    counterpart: Organisation,
    purpose: str,
    channel: str,
    legal_basis: str,
    shared_parts: list[str],
    conditions: str = "",
) -> InternationalExchange:
    actor = as_actor(acting_user)
    require_owner(actor, organisation, case)
    errors = {}
    if (
        counterpart is None
        or not counterpart.is_active
        or counterpart.type != OrganisationType.FOREIGN_COUNTERPART
        or counterpart.country == "FR"
    ):
        errors["counterpart"] = _("Choisissez un homologue étranger de l'annuaire.")
    if purpose not in ExchangePurpose.values:
        errors["purpose"] = _("Choisissez l'objet de l'échange (arts. 33 et 34).")
    if channel not in ExchangeChannel.values:
        errors["channel"] = _("Choisissez le canal de transmission.")
    if not (legal_basis or "").strip():
        errors["legal_basis"] = _(
            "Indiquez la base légale de la transmission : aucun échange international sans base légale."
        )
    parts = list(dict.fromkeys(shared_parts or []))
    visible = case_access.parts_for(actor, case)
    if any(p not in SharedPart.values or p not in visible for p in parts):
        errors["shared_parts"] = _("Vous ne pouvez transmettre que des parties du dossier que vous voyez.")
    # Warsaw art. 34.4 « with due respect to art. 11 »: a child's identity leaves only for
    # a danger or a missing-child search.
    if (
        case.treated_as_minor
        and SharedPart.IDENTITY in parts
        and purpose not in (ExchangePurpose.DANGER_33_1, ExchangePurpose.MISSING_CHILD_33_2)
    ):
        errors["shared_parts"] = _(
            "L'identité d'un·e mineur·e ne se transmet à l'étranger qu'en cas de danger immédiat "
            "ou de recherche d'enfant disparu (arts. 11, 33)."
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    days = deadlines.EXCHANGE_ANSWER_DAYS.get(purpose, 0)
    urgent = purpose == ExchangePurpose.DANGER_33_1
    exchange = InternationalExchange.objects.create(
        case=case,
        organisation=organisation,
        counterpart=counterpart,
        created_by=acting_user,
        purpose=purpose,
        channel=channel,
        legal_basis=legal_basis.strip()[:300],
        shared_parts=parts,
        conditions=(conditions or "").strip()[:500],
        urgent=urgent,
        sent_at=now,
        answer_due_on=(timezone.localdate() + timedelta(days=days)) if days else None,
        escalated_at=now if urgent else None,
    )
    audit_pathway(
        AuditAction.EXCHANGE_RECORDED,
        acting_user,
        exchange,
        case=case,
        organisation=organisation,
        details={
            "purpose": purpose,
            "channel": channel,
            "country": counterpart.country,
            "parts": parts,
            "urgent": urgent,
        },
    )
    if urgent:
        # R-INTL-URGENT (art. 33.1): escalated at once to the organisation's administrators.
        notify_users(
            admins_of(organisation),
            title=_("URGENT : danger immédiat signalé à l'étranger (dossier %(ref)s)") % {"ref": case.reference},
            link=f"/dossiers/{case.pk}/",
            key=f"exchange-{exchange.pk}-urgent",
            organisation=organisation,
            reference=case.reference,
        )
    return exchange


ANSWER_SUMMARY_MAX = 1000


@transaction.atomic(durable=True)
def record_exchange_answer(
    *, exchange: InternationalExchange, organisation, acting_user, answered_on: date | None, summary: str
) -> InternationalExchange:
    """Warsaw art. 34.1: the foreign counterpart's answer, recorded once by the
    case workers of the organisation that holds the case now: after a
    transfer the new owner follows the person, and the exchange keeps the
    organisation that sent it as history. The summary carries no identity."""
    # Lock the row first (two workers recording the same answer at once, only
    # one wins), then check ownership on the case as it is now, not as the
    # caller's copy remembers it (a transfer may have moved it).
    exchange = (
        InternationalExchange.objects.select_for_update(of=("self",))
        .select_related("case", "counterpart")
        .get(pk=exchange.pk)
    )
    require_owner(as_actor(acting_user), organisation, exchange.case)
    errors = {}
    if exchange.answered_at is not None:
        errors["__all__"] = _("La réponse de cet homologue a déjà été enregistrée le %(date)s.") % {
            "date": exchange.answered_on.strftime("%d/%m/%Y")
        }
    sent_on = timezone.localdate(exchange.sent_at)
    if answered_on is None:
        errors["answered_on"] = _("Indiquez la date de réception de la réponse.")
    elif answered_on < sent_on:
        errors["answered_on"] = _("La réponse ne peut pas être antérieure à l'envoi de l'échange (%(date)s).") % {
            "date": sent_on.strftime("%d/%m/%Y")
        }
    elif answered_on > timezone.localdate():
        errors["answered_on"] = _("La date de réception de la réponse ne peut pas être dans le futur.")
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("Résumez la réponse reçue (sans identité).")
    elif len(summary) > ANSWER_SUMMARY_MAX:
        errors["summary"] = _("Le résumé ne peut pas dépasser %(n)d caractères.") % {"n": ANSWER_SUMMARY_MAX}
    if errors:
        raise ValidationError(errors)
    exchange.answered_on, exchange.answer_summary, exchange.answered_by, exchange.answered_at = (
        answered_on,
        summary,
        acting_user,
        timezone.now(),
    )
    exchange.save(update_fields=["answered_on", "answer_summary", "answered_by", "answered_at"])
    # The summary itself stays out of the audit trail (it is free text); the audit says who, when, how late.
    late_days = (
        (answered_on - exchange.answer_due_on).days
        if exchange.answer_due_on and answered_on > exchange.answer_due_on
        else 0
    )
    audit_pathway(
        AuditAction.EXCHANGE_ANSWERED,
        acting_user,
        exchange,
        case=exchange.case,
        organisation=organisation,
        details={
            "purpose": exchange.purpose,
            "country": exchange.counterpart.country,
            "answered_on": answered_on.isoformat(),
            "late_days": late_days,
        },
    )
    return exchange


def escalate_overdue_exchanges(*, now: datetime | None = None) -> int:
    """Unanswered exchanges past their answer due date are escalated once to the
    administrators of the organisation holding the case now (the sender, or
    the new owner after a transfer: the former owner no longer follows the
    person). Conditional update, idempotent. Urgent exchanges were escalated
    when sent and are not escalated again."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = InternationalExchange.objects.filter(
        answered_at__isnull=True, escalated_at__isnull=True, answer_due_on__lt=today
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(rows):
        with transaction.atomic(durable=True):
            if (
                InternationalExchange.objects.filter(
                    pk=pk, answered_at__isnull=True, escalated_at__isnull=True
                ).update(escalated_at=now)
                != 1
            ):
                continue
            exchange = InternationalExchange.objects.select_related("case__organisation", "counterpart").get(pk=pk)
            holder = exchange.case.organisation
            title = _("Échange international sans réponse après l'échéance : %(counterpart)s (dossier %(ref)s)") % {
                "counterpart": exchange.counterpart.name,
                "ref": exchange.case.reference,
            }
            notify_users(
                admins_of(holder),
                title=title,
                link=f"/orientations/mineurs/{exchange.case_id}/",
                key=f"exchange-{pk}-overdue",
                organisation=holder,
                reference=exchange.case.reference,
            )
            audit.record(
                action=AuditAction.EXCHANGE_ESCALATED,
                actor=None,
                target=exchange,
                target_label=exchange.case.reference,
                organisation=holder,
                details={"purpose": exchange.purpose, "due_on": exchange.answer_due_on.isoformat()},
            )
            count += 1
    return count
