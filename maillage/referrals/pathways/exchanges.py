"""Cross-border exchanges (Warsaw arts. 32–34, R-INTL-URGENT): with a foreign
counterpart of the directory, both ways. What leaves France always has a legal
basis and the conditions of use attached to it (art. 34.3); a child's identity
leaves only for a danger or a missing-child search. A request from abroad for
the information needed for arts 13, 14 and 16 is answered without delay (art.
34.4: due the day it arrives); an urgent alert from abroad (art. 33.1 immediate
danger, 33.2 missing child) reaches at once the case's owner, the coordination
body and the police liaison. Overdue ones are escalated."""

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
from ..enums import AuditAction, ExchangeChannel, ExchangeDirection, ExchangePurpose, SharedPart, UseCondition
from ..journal import admins_of, case_workers_of, notify_users
from ..models import InternationalExchange
from .common import audit_pathway, require_owner


def _is_foreign_counterpart(counterpart) -> bool:
    """An active foreign counterpart of the directory (Warsaw art. 34: the exchange needs one)."""
    return (
        counterpart is not None
        and counterpart.is_active
        and counterpart.type == OrganisationType.FOREIGN_COUNTERPART
        and counterpart.country != "FR"
    )


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
    use_conditions: list[str] | None = None,
) -> InternationalExchange:
    actor = as_actor(acting_user)
    require_owner(actor, organisation, case)
    errors = {}
    if not _is_foreign_counterpart(counterpart):
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
    use_conditions = list(dict.fromkeys(use_conditions or []))
    condition_error = _check_use_conditions(parts, use_conditions, conditions)
    if condition_error:
        errors["use_conditions"] = condition_error
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
        use_conditions=use_conditions,
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
    if exchange.direction == ExchangeDirection.INCOMING:
        errors["__all__"] = _("Cette demande vient de l'étranger : enregistrez la réponse que vous lui envoyez.")
    elif exchange.answered_at is not None:
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
            if exchange.direction == ExchangeDirection.INCOMING:
                # Art. 34.4: France owes the answer; it is late.
                title = _("Demande reçue de l'étranger toujours sans réponse : %(counterpart)s (dossier %(ref)s)")
            else:
                title = _("Échange international sans réponse après l'échéance : %(counterpart)s (dossier %(ref)s)")
            title %= {"counterpart": exchange.counterpart.name, "ref": exchange.case.reference}
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


def _check_use_conditions(parts: list[str], use_conditions: list[str], free_text: str = "") -> str:
    """Warsaw art. 34.3: the providing Party may attach conditions of use; an
    identity never leaves without them (art. 11, the data-protection check
    before transmission of rules.md §2 arts 32–34)."""
    if any(c not in UseCondition.values for c in use_conditions):
        return _("Condition d'utilisation inconnue.")
    if SharedPart.IDENTITY in parts and not use_conditions and not (free_text or "").strip():
        return _(
            "Une identité ne se transmet qu'avec ses conditions d'utilisation (art. 34.3), "
            "par exemple « usage limité à l'objet de la demande »."
        )
    return ""


# --- requests and alerts from abroad (Warsaw arts. 33, 34.4) ---------------------------

# Days France has to answer a request from abroad, by purpose (rules as data).
# None: no answer is owed (a result or spontaneous information received).
INCOMING_ANSWER_DAYS: dict[str, int | None] = {
    ExchangePurpose.DANGER_33_1: 0,  # art. 33.1 « transmit all relevant information without delay »
    ExchangePurpose.MISSING_CHILD_33_2: 0,  # art. 33.2 search for a missing child
    ExchangePurpose.RIGHTS_34_4: 0,  # art. 34.4 information for arts 13, 14, 16 « without delay, on request »
    ExchangePurpose.RESULT_34_1: None,
    ExchangePurpose.SPONTANEOUS_34_2: None,
}
INCOMING_SOURCE = "Convention de Varsovie (STCE 197) art. 33.1, 33.2 et 34.4 (rules.md §2, R-INTL-URGENT)"
URGENT_INCOMING = frozenset({ExchangePurpose.DANGER_33_1, ExchangePurpose.MISSING_CHILD_33_2})
REQUEST_SUMMARY_MAX = 2000


def _members_of(organisations):
    from django.contrib.auth import get_user_model

    from maillage.organisations.models import Membership

    ids = Membership.objects.active().filter(organisation__in=organisations).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


def _urgent_recipients(case: Case, liaison: Organisation | None):
    """Art. 33: the competent actors at once — the case's owner (its case
    workers and administrators), the national coordination body, the police
    liaison. Notices carry the reference only, never identity."""
    coordination = Organisation.objects.filter(type=OrganisationType.COORDINATION, is_active=True)
    groups = [case_workers_of(case.organisation), admins_of(case.organisation), _members_of(coordination)]
    if liaison is not None:
        groups.append(_members_of([liaison]))
    ids = set()
    for users in groups:
        ids |= set(users.values_list("pk", flat=True))
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk__in=ids).order_by("pk")


@transaction.atomic(durable=True)
def record_incoming_exchange(
    *,
    case: Case,
    organisation,
    acting_user,
    counterpart: Organisation,
    purpose: str,
    channel: str,
    summary: str,
    liaison: Organisation | None = None,
) -> InternationalExchange:
    """A request or an alert received from a foreign counterpart about the
    person of `case` (Warsaw arts. 33, 34)."""
    actor = as_actor(acting_user)
    require_owner(actor, organisation, case)
    errors = {}
    if not _is_foreign_counterpart(counterpart):
        errors["counterpart"] = _("Choisissez un homologue étranger de l'annuaire.")
    if purpose not in ExchangePurpose.values:
        errors["purpose"] = _("Choisissez l'objet de la demande (arts. 33 et 34).")
    if channel not in ExchangeChannel.values:
        errors["channel"] = _("Choisissez le canal par lequel la demande est arrivée.")
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("Résumez ce que demande l'homologue étranger.")
    elif len(summary) > REQUEST_SUMMARY_MAX:
        errors["summary"] = _("Le résumé ne peut pas dépasser %(n)d caractères.") % {"n": REQUEST_SUMMARY_MAX}
    if liaison is not None and (not liaison.is_active or liaison.type != OrganisationType.POLICE):
        errors["liaison"] = _("Choisissez un service de police ou de gendarmerie de l'annuaire.")
    elif liaison is None and purpose in URGENT_INCOMING:
        errors["liaison"] = _(
            "Une alerte urgente parvient immédiatement au service de police ou de gendarmerie de liaison "
            "(art. 33) : choisissez-le."
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    days = INCOMING_ANSWER_DAYS.get(purpose)
    urgent = purpose in URGENT_INCOMING
    exchange = InternationalExchange.objects.create(
        case=case,
        organisation=organisation,
        counterpart=counterpart,
        created_by=acting_user,
        direction=ExchangeDirection.INCOMING,
        purpose=purpose,
        channel=channel,
        request_summary=summary,
        liaison=liaison,
        urgent=urgent,
        sent_at=now,
        answer_due_on=(timezone.localdate(now) + timedelta(days=days)) if days is not None else None,
        escalated_at=now if urgent else None,
    )
    audit_pathway(
        AuditAction.EXCHANGE_RECEIVED,
        acting_user,
        exchange,
        case=case,
        organisation=organisation,
        details={"purpose": purpose, "channel": channel, "country": counterpart.country, "urgent": urgent},
    )
    link = f"/orientations/mineurs/{case.pk}/"
    if urgent:
        # R-INTL-URGENT (art. 33.1, 33.2): at once, to every competent actor.
        title = _("URGENT : alerte reçue de l'étranger — %(purpose)s (dossier %(ref)s)") % {
            "purpose": exchange.get_purpose_display(),
            "ref": case.reference,
        }
        notify_users(
            _urgent_recipients(case, liaison),
            title=title,
            link=link,
            key=f"exchange-{exchange.pk}-incoming-urgent",
            organisation=case.organisation,
            reference=case.reference,
        )
    elif days is not None:
        # Art. 34.4: the case workers answer today.
        notify_users(
            case_workers_of(case.organisation),
            title=_("Demande reçue de l'étranger, à traiter sans délai (dossier %(ref)s)") % {"ref": case.reference},
            link=link,
            key=f"exchange-{exchange.pk}-incoming",
            organisation=case.organisation,
            reference=case.reference,
        )
    return exchange


@transaction.atomic(durable=True)
def answer_incoming_exchange(
    *,
    exchange: InternationalExchange,
    organisation,
    acting_user,
    legal_basis: str,
    shared_parts: list[str],
    use_conditions: list[str],
    summary: str,
) -> InternationalExchange:
    """France's answer to a request from abroad: never without a legal basis,
    only parts the actor sees, a child's identity only for a danger or a
    missing child, and the conditions of use attached (art. 34.3)."""
    exchange = (
        InternationalExchange.objects.select_for_update(of=("self",))
        .select_related("case", "counterpart")
        .get(pk=exchange.pk)
    )
    actor = as_actor(acting_user)
    require_owner(actor, organisation, exchange.case)
    case = exchange.case
    errors = {}
    if exchange.direction != ExchangeDirection.INCOMING:
        errors["__all__"] = _("Seule une demande reçue de l'étranger appelle une réponse de votre part.")
    elif exchange.answered_at is not None:
        errors["__all__"] = _("La réponse à cette demande a déjà été envoyée le %(date)s.") % {
            "date": exchange.answered_on.strftime("%d/%m/%Y")
        }
    if not (legal_basis or "").strip():
        errors["legal_basis"] = _(
            "Indiquez la base légale de la réponse : aucune information ne part à l'étranger sans base légale "
            "(Convention de Varsovie art. 34 ; RGPD art. 6 et 10)."
        )
    parts = list(dict.fromkeys(shared_parts or []))
    visible = case_access.parts_for(actor, case)
    if any(p not in SharedPart.values or p not in visible for p in parts):
        errors["shared_parts"] = _("Vous ne pouvez transmettre que des parties du dossier que vous voyez.")
    elif (
        case.treated_as_minor
        and SharedPart.IDENTITY in parts
        and exchange.purpose not in (ExchangePurpose.DANGER_33_1, ExchangePurpose.MISSING_CHILD_33_2)
    ):
        errors["shared_parts"] = _(
            "L'identité d'un·e mineur·e ne se transmet à l'étranger qu'en cas de danger immédiat "
            "ou de recherche d'enfant disparu (arts. 11, 33)."
        )
    use_conditions = list(dict.fromkeys(use_conditions or []))
    condition_error = _check_use_conditions(parts, use_conditions)
    if parts and not use_conditions and not condition_error:
        # Art. 34.3: France, the providing Party, says how what it sends may be used.
        condition_error = _("Indiquez les conditions d'utilisation des informations transmises (art. 34.3).")
    if condition_error:
        errors["use_conditions"] = condition_error
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("Résumez la réponse envoyée (sans identité).")
    elif len(summary) > ANSWER_SUMMARY_MAX:
        errors["summary"] = _("Le résumé ne peut pas dépasser %(n)d caractères.") % {"n": ANSWER_SUMMARY_MAX}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    today = timezone.localdate(now)
    exchange.answered_on, exchange.answered_at, exchange.answered_by = today, now, acting_user
    exchange.answer_summary, exchange.answer_legal_basis = summary, legal_basis.strip()[:300]
    exchange.answer_shared_parts, exchange.use_conditions = parts, use_conditions
    exchange.save(
        update_fields=[
            "answered_on",
            "answered_at",
            "answered_by",
            "answer_summary",
            "answer_legal_basis",
            "answer_shared_parts",
            "use_conditions",
        ]
    )
    late_days = (
        (today - exchange.answer_due_on).days if exchange.answer_due_on and today > exchange.answer_due_on else 0
    )
    audit_pathway(
        AuditAction.EXCHANGE_REPLIED,
        acting_user,
        exchange,
        case=case,
        organisation=organisation,
        details={
            "purpose": exchange.purpose,
            "country": exchange.counterpart.country,
            "parts": parts,
            "conditions": use_conditions,
            "late_days": late_days,
        },
    )
    return exchange
