"""What reasonable grounds set in motion (R-REASONABLE-GROUNDS, Warsaw art.
10.2, 12.1-2, 13; rules.md §2 and §6.6): a lasting non-removal alert on the
case, the assistance package offered, the reflection period *proposed* to a
foreign national with the person's answer recorded, and everyone who follows
the person told at once (the owner's administrators, the organisations the
case is shared with)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.models import AuditKind
from maillage.core.transactions import step
from maillage.notifications.services import notify, send_email
from maillage.organisations.actor import as_actor
from maillage.organisations.models import Membership
from maillage.organisations.selectors import case_workers_of

from .. import deadlines, policies
from ..enums import AssistanceCode, AuditAction, ConsentStatus, EventKind, ReflectionAnswer
from ..models import AssistanceMeasure, Case, CaseAccessGrant, Person, ReflectionOffer
from .common import audit_case, record_event, require

# Warsaw art. 12.1-2: the assistance package offered on reasonable grounds.
REASONABLE_GROUNDS_ASSISTANCE = (
    AssistanceCode.HOUSING,
    AssistanceCode.PSY,
    AssistanceCode.MATERIAL,
    AssistanceCode.MED_EMERG,
    AssistanceCode.INTERP,
    AssistanceCode.INFO_RIGHTS,
    AssistanceCode.LEGAL_PROC,
)


def is_foreign_national(case: Case) -> bool:
    """Art. 13 / CESEDA L425-1: the reflection period concerns foreign
    nationals; an unknown nationality gets the offer (the doubt protects)."""
    return not case.nationalities or any(code != "FR" for code in case.nationalities)


def people_to_tell(case: Case):
    """The owner's administrators and the case workers of every organisation
    holding an open grant on the case (cases/access.py)."""
    admins = Membership.objects.active().filter(organisation_id=case.organisation_id, is_admin=True)
    ids = set(admins.values_list("user_id", flat=True))
    grants = CaseAccessGrant.objects.open().filter(case=case).select_related("organisation")
    for grant in grants:
        ids |= set(case_workers_of(grant.organisation).values_list("pk", flat=True))
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk")


def _tell(case: Case, *, title: str, key: str) -> None:
    link = f"/dossiers/{case.pk}/"
    for user in people_to_tell(case):
        send_email(
            to=user.email,
            subject=title,
            template="cases/emails/notice.txt",
            context={
                "title": title,
                "reference": case.reference,
                "url": f"{getattr(settings, 'SITE_BASE_URL', '')}{link}",
            },
            idempotency_key=f"{key}-{user.pk}",
        )
        transaction.on_commit(
            lambda user=user: notify(
                recipient=user,
                title=title,
                link=link,
                organisation=case.organisation,
                idempotency_key=f"{key}-{user.pk}",
            )
        )


@step
def apply_reasonable_grounds(case: Case, acting_user) -> ReflectionOffer | None:
    """Called by `change_status` inside its transaction (reported → presumed)."""
    now = timezone.now()
    # Art. 10.2: no removal from the territory until identification is complete.
    if case.non_removal_since is None:
        case.non_removal_since, case.non_removal_ended_at = now, None
        Case.objects.filter(pk=case.pk).update(non_removal_since=now, non_removal_ended_at=None)
    record_event(
        case,
        acting_user,
        EventKind.STATUS,
        _(
            "Alerte non-éloignement : aucune mesure d'éloignement tant que "
            "l'identification n'est pas terminée (art. 10.2)"
        ),
    )
    # Art. 12.1-2: the assistance package is offered (consent recorded per measure, art. 12.7).
    codes = list(REASONABLE_GROUNDS_ASSISTANCE) + ([AssistanceCode.EDU_CHILD] if case.treated_as_minor else [])
    existing = set(AssistanceMeasure.objects.filter(case=case).values_list("code", flat=True))
    AssistanceMeasure.objects.bulk_create(
        [
            AssistanceMeasure(case=case, code=code, status=ConsentStatus.OFFERED, updated_by=acting_user)
            for code in codes
            if code not in existing
        ]
    )
    record_event(case, acting_user, EventKind.ASSISTANCE, _("Mesures d'assistance de l'article 12 proposées"))
    offer = None
    # Art. 13.1 / CESEDA L425-1: the reflection period is proposed as soon as
    # reasonable grounds exist, not conditional on cooperation (GRETA).
    if is_foreign_national(case) and not ReflectionOffer.objects.filter(case=case).exists():
        offer = ReflectionOffer.objects.create(
            case=case,
            offered_at=now,
            offered_by=acting_user,
            follow_up_on=timezone.localdate(now) + deadlines.REFLECTION_OFFER_FOLLOW_UP.delta(),
        )
        record_event(
            case,
            acting_user,
            EventKind.REFLECTION,
            _("Délai de réflexion proposé à la personne (art. 13, CESEDA L425-1) : réponse à recueillir"),
        )
    _tell(
        case,
        title=_("Motifs raisonnables retenus (dossier %(ref)s) : non-éloignement de la personne (art. 10.2)")
        % {"ref": case.reference},
        key=f"case-{case.pk}-non-removal",
    )
    return offer


def end_non_removal(case: Case, *, now) -> None:
    """The identification process ended without retaining the case (art. 10.2)."""
    if case.non_removal_since is not None and case.non_removal_ended_at is None:
        case.non_removal_ended_at = now


@transaction.atomic(durable=True)
def answer_reflection_offer(*, offer: ReflectionOffer, acting_user, answer: str, on: date | None) -> ReflectionOffer:
    """The person's answer to the proposal (accepted, declined, no answer) and its date."""
    offer = ReflectionOffer.objects.select_for_update().select_related("case").get(pk=offer.pk)
    case = offer.case
    require(policies.can_edit(as_actor(acting_user), case))
    errors = {}
    if not offer.is_pending:
        errors["answer"] = _("La réponse de la personne a déjà été enregistrée le %(d)s.") % {
            "d": offer.answered_on.strftime("%d/%m/%Y")
        }
    elif answer not in ReflectionAnswer.values or answer == ReflectionAnswer.PENDING:
        errors["answer"] = _("Choisissez la réponse de la personne : acceptée, refusée ou sans réponse.")
    if on is None:
        errors["on"] = _("Indiquez la date de la réponse.")
    elif on > timezone.localdate():
        errors["on"] = _("La date ne peut pas être dans le futur.")
    elif on < timezone.localdate(offer.offered_at):
        errors["on"] = _("La réponse ne peut pas précéder la proposition (%(d)s).") % {
            "d": timezone.localdate(offer.offered_at).strftime("%d/%m/%Y")
        }
    if errors:
        raise ValidationError(errors)
    offer.answer, offer.answered_on, offer.answer_recorded_by = answer, on, acting_user
    offer.save(update_fields=["answer", "answered_on", "answer_recorded_by"])
    record_event(
        case,
        acting_user,
        EventKind.REFLECTION,
        _("Proposition du délai de réflexion : %(a)s") % {"a": offer.get_answer_display()},
    )
    audit_case(AuditAction.REFLECTION_OFFER_ANSWERED, acting_user, case, details={"answer": answer})
    return offer


@transaction.atomic(durable=True)
def issue_non_removal_attestation(*, case: Case, acting_user) -> dict:
    """Warsaw art. 10.2: the printable attestation the case worker hands to the
    authorities (préfecture, police, court) — the person's identity, the date
    reasonable grounds were found and the legal basis. An export: journaled."""
    actor = as_actor(acting_user)
    require(policies.is_owner(actor, case) and policies.can_see_identity(actor, case))
    case = Case.objects.get(pk=case.pk)
    if not case.non_removal_alert:
        raise ValidationError(
            _("Aucune alerte de non-éloignement en cours sur ce dossier : l'attestation ne peut pas être établie.")
        )
    person = Person.objects.filter(case=case).first()
    audit_case(AuditAction.NON_REMOVAL_ATTESTATION, acting_user, case, kind=AuditKind.EXPORT)
    return {
        "case": case,
        "person": person,
        "organisation": case.organisation,
        "issued_by": acting_user,
        "issued_at": timezone.now(),
    }
