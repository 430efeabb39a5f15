"""Every write to referrals goes through here.

Each function is keyword-only, takes the acting user and the organisation
they act for, checks the policy (PermissionDenied → 404 in views), validates
everything before writing (ValidationError with French messages: nothing is
half-done), writes its audit row and history in the same transaction, and
queues notifications that leave only after commit.

Decisions are taken with a conditional UPDATE (`status='sent'` in the WHERE
clause): under concurrency exactly one decision wins, the others get a French
message saying what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from maillage.cases import policies as case_policies
from maillage.cases.enums import EventKind
from maillage.cases.models import Case, CaseEvent
from maillage.core import audit
from maillage.notifications.services import notify, send_email
from maillage.organisations.enums import OrganisationType, Role
from maillage.organisations.models import Membership, Organisation

from . import deadlines, policies, workflow
from .enums import ConsentBasis, ConsentMethod, DeclineReason, ReferralKind, ReferralStatus, SharedPart
from .models import AnonymousNotification, Referral, ReferralEvent

S = ReferralStatus

# R-CHILD-CRIP: a child is referred to child protection or the prosecutor without consent.
NO_CONSENT_RECIPIENT_TYPES_FOR_MINORS = frozenset({OrganisationType.CHILD_PROTECTION, OrganisationType.PROSECUTOR})
OVERRIDE_REASON_MIN_LENGTH = 20

STATUS_MESSAGES = {
    S.DRAFT: _lazy("Cette orientation n'a pas encore été envoyée."),
    S.ACCEPTED: _lazy("Cette orientation a déjà été acceptée."),
    S.DECLINED: _lazy("Cette orientation a déjà été refusée."),
    S.WITHDRAWN: _lazy(
        "Cette orientation a été retirée par l'organisation qui l'avait envoyée : elle ne peut plus recevoir de réponse."
    ),
    S.EXPIRED: _lazy("Cette orientation a expiré faute de réponse dans le délai."),
    S.COMPLETED: _lazy("Cette orientation est terminée (service rendu)."),
    S.SENT: _lazy("Cette orientation attend la réponse du destinataire."),
}


def _status_error(status: str) -> ValidationError:
    return ValidationError(
        {"status": str(STATUS_MESSAGES.get(status, _("Action impossible dans l'état actuel de l'orientation.")))}
    )


def _url(path: str) -> str:
    return f"{getattr(settings, 'SITE_BASE_URL', '')}{path}"


def _history(referral: Referral, actor, frm: str, to: str, summary: str) -> None:
    ReferralEvent.objects.create(referral=referral, actor=actor, from_status=frm, to_status=to, summary=summary[:300])


def _case_event(case: Case, actor, summary: str) -> None:
    CaseEvent.objects.create(case=case, actor=actor, kind=EventKind.EDITED, summary=summary[:300])


def _hidden_host_placement(referral: Referral, organisation):
    """The Ac.Sé placement when `organisation` sends `referral` as the host of
    the person (a host may refer the person on), else None. The case owner is
    the referring organisation, which must never learn who hosts the person
    (R-ACSE, decision 0007): its journal and its case timeline then carry
    neither the host nor its staff. Any status: the host stays recorded after
    the exit, so a later withdrawal stays hidden too."""
    from .models import AcsePlacement

    if (
        organisation is None
        or organisation.pk != referral.sender_organisation_id
        or organisation.pk == referral.case.organisation_id
    ):
        return None
    return (
        AcsePlacement.objects.filter(case_id=referral.case_id, host=organisation)
        .select_related("case", "host")
        .order_by("-created_at", "-id")
        .first()
    )


def _hosts_through_acse(organisation, case) -> bool:
    """Whether `organisation` hosts (or hosted) the person through Ac.Sé."""
    from .models import AcsePlacement

    return organisation is not None and AcsePlacement.objects.filter(case=case, host=organisation).exists()


def _sender_event_actor(referral: Referral, organisation, acting_user):
    """Who the owner's case timeline names for a sender-side step: nobody when
    the sender is the Ac.Sé host (its staff would reveal it to the owner)."""
    return None if _hidden_host_placement(referral, organisation) is not None else acting_user


def _audit(action: str, actor, referral: Referral, *, organisation, details: dict | None = None) -> None:
    placement = _hidden_host_placement(referral, organisation)
    if placement is not None:
        from .pathways import _audit_without_host

        # The owner's row without the host or its staff; the host's row keeps both (same request id).
        _audit_without_host(
            action,
            actor=actor,
            target=referral,
            placement=placement,
            host=organisation,
            acting_organisation=organisation,
            actor_is_host=True,
            details=details,
        )
        return
    audit.record(
        action=action,
        actor=actor,
        target=referral,
        target_label=f"ORI-{referral.pk} ({referral.case.reference})",
        organisation=referral.case.organisation,
        acting_organisation=organisation,
        details=details,
    )


def case_workers_of(organisation):
    from django.contrib.auth import get_user_model

    ids = Membership.objects.active().filter(organisation=organisation, role=Role.CASE_WORKER).values("user_id")
    return get_user_model().objects.filter(pk__in=ids)


def _tell(users, *, referral: Referral, title: str, key: str, organisation) -> None:
    """In-app notification after commit, e-mail through the outbox (sent after
    commit, exactly once). Only the case reference and a link: never identity."""
    link = f"/orientations/{referral.pk}/"
    for user in users:
        send_email(
            to=user.email,
            subject=title,
            template="referrals/emails/referral.txt",
            context={"title": title, "reference": referral.case.reference, "url": _url(link)},
            idempotency_key=f"{key}-{user.pk}",
        )
        transaction.on_commit(
            lambda user=user: notify(
                recipient=user, title=title, link=link, organisation=organisation, idempotency_key=f"{key}-{user.pk}"
            )
        )


# ---------------------------------------------------------------------------
# Creation and sending
# ---------------------------------------------------------------------------


def _validate_consent(
    *,
    case: Case,
    organisation,
    acting_user,
    recipient: Organisation,
    basis: str,
    consent_on,
    consent_method: str,
    consent_scope: str,
    override_reason: str,
) -> dict:
    errors: dict[str, str] = {}
    if basis == ConsentBasis.MINOR_CHILD_PROTECTION:
        if not case.treated_as_minor:
            errors["consent_basis"] = _(
                "La personne est traitée comme majeure : son consentement éclairé est nécessaire."
            )
        elif recipient.type not in NO_CONSENT_RECIPIENT_TYPES_FOR_MINORS:
            errors["consent_basis"] = _(
                "Sans consentement, un·e mineur·e ne peut être orienté·e que vers la protection de l'enfance (CRIP/ASE) ou le parquet."
            )
    elif basis == ConsentBasis.CONSENT:
        if consent_on is None:
            errors["consent_on"] = _("Indiquez la date du consentement.")
        elif consent_on > timezone.localdate():
            errors["consent_on"] = _("La date du consentement ne peut pas être dans le futur.")
        if consent_method not in ConsentMethod.values:
            errors["consent_method"] = _("Indiquez comment le consentement a été recueilli.")
        if not (consent_scope or "").strip():
            errors["consent_scope"] = _(
                "Indiquez à quoi la personne a consenti (organisation, service, informations partagées)."
            )
    elif basis == ConsentBasis.OVERRIDE:
        if not policies.can_override_consent(acting_user, organisation):
            errors["consent_basis"] = _(
                "Seul·e un·e administrateur·rice de votre organisation peut orienter une personne sans son consentement."
            )
        if len((override_reason or "").strip()) < OVERRIDE_REASON_MIN_LENGTH:
            errors["override_reason"] = _(
                "Expliquez par écrit pourquoi l'orientation se fait sans consentement (%(n)s caractères au moins)."
            ) % {"n": OVERRIDE_REASON_MIN_LENGTH}
    else:
        errors["consent_basis"] = _("Indiquez sur quel fondement l'orientation est faite (consentement ou exception).")
    return errors


@transaction.atomic
def create_referral(
    *,
    case: Case,
    organisation,
    acting_user,
    recipient: Organisation,
    service: str,
    shared_parts: list[str],
    consent_basis: str,
    kind: str = ReferralKind.REFERRAL,
    message: str = "",
    consent_on: date | None = None,
    consent_method: str = "",
    consent_scope: str = "",
    override_reason: str = "",
    send: bool = False,
) -> Referral:
    if not policies.can_refer(acting_user, organisation, case):
        raise PermissionDenied
    from maillage.directory.models import Service

    case = Case.objects.select_for_update().get(pk=case.pk)  # fresh status, age and owner
    errors: dict[str, str] = {}
    if case.is_closed:
        errors["__all__"] = _("Ce dossier est clos : rouvrez-le avant de l'orienter.")
    if recipient is None or not recipient.is_active:
        errors["recipient"] = _("Choisissez une organisation active du réseau.")
    elif recipient.pk == organisation.pk:
        errors["recipient"] = _("Vous ne pouvez pas orienter une personne vers votre propre organisation.")
    elif recipient.type in policies.NOT_A_RECIPIENT:
        errors["recipient"] = str(policies.NOT_A_RECIPIENT[recipient.type])
    elif recipient.pk == case.organisation_id and _hosts_through_acse(organisation, case):
        # R-ACSE: the owner asked for the placement and must never learn the
        # host; a referral would name the sender in the owner's inbox.
        errors["recipient"] = _(
            "Vous hébergez cette personne au titre d'Ac.Sé : l'organisation qui suit son dossier ne doit pas savoir où elle se trouve. "
            "Passez par la coordination Ac.Sé pour lui transmettre une demande."
        )
    elif Referral.objects.filter(case=case, recipient_organisation=recipient, status__in=[S.DRAFT, S.SENT]).exists():
        errors["recipient"] = _("Une orientation vers cette organisation est déjà en cours pour ce dossier.")
    if not Service.objects.filter(code=service).exists():
        errors["service"] = _("Choisissez un service dans la liste.")
    if kind not in ReferralKind.values:
        errors["kind"] = _("Type d'orientation inconnu.")
    elif kind == ReferralKind.TRANSFER and not policies.can_transfer(acting_user, organisation, case):
        errors["kind"] = _("Seule l'organisation qui suit le dossier peut le transférer.")
    parts = list(dict.fromkeys(shared_parts or []))
    unknown = [p for p in parts if p not in SharedPart.values]
    visible = case_policies.parts_for(acting_user, case)
    hidden = [p for p in parts if p in SharedPart.values and p not in visible]
    if unknown:
        errors["shared_parts"] = _("Partie du dossier inconnue.")
    elif hidden:
        labels = dict(SharedPart.choices)
        errors["shared_parts"] = _("Vous ne pouvez pas partager ce que vous ne voyez pas vous-même : %(parts)s.") % {
            "parts": ", ".join(str(labels[p]) for p in hidden)
        }
    if recipient is not None and "recipient" not in errors:
        errors.update(
            _validate_consent(
                case=case,
                organisation=organisation,
                acting_user=acting_user,
                recipient=recipient,
                basis=consent_basis,
                consent_on=consent_on,
                consent_method=consent_method,
                consent_scope=consent_scope,
                override_reason=override_reason,
            )
        )
    if errors:
        raise ValidationError(errors)
    consent = consent_basis == ConsentBasis.CONSENT
    referral = Referral.objects.create(
        case=case,
        kind=kind,
        sender_organisation=organisation,
        sender_user=acting_user,
        recipient_organisation=recipient,
        service=service,
        shared_parts=parts,
        message=(message or "").strip(),
        consent_basis=consent_basis,
        consent_on=consent_on if consent else None,
        consent_method=consent_method if consent else "",
        consent_scope=(consent_scope or "").strip()[:300] if consent else "",
        override_reason=(override_reason or "").strip()[:500] if consent_basis == ConsentBasis.OVERRIDE else "",
    )
    _history(referral, acting_user, "", S.DRAFT, _("Orientation préparée vers %(org)s") % {"org": recipient.name})
    _audit(
        "referral.created",
        acting_user,
        referral,
        organisation=organisation,
        details={
            "recipient": recipient.pk,
            "service": service,
            "parts": parts,
            "kind": kind,
            "consent_basis": consent_basis,
        },
    )
    if consent_basis == ConsentBasis.OVERRIDE:
        # The exception and its written reason are journaled on their own row.
        _audit(
            "referral.consent_overridden",
            acting_user,
            referral,
            organisation=organisation,
            details={"reason": referral.override_reason, "admin": True},
        )
    if send:
        referral = send_referral(referral=referral, organisation=organisation, acting_user=acting_user)
    return referral


def _lock(referral: Referral) -> Referral:
    return Referral.objects.select_related("case", "sender_organisation", "recipient_organisation").get(pk=referral.pk)


def _require_side(acting_user, organisation, referral: Referral, expected: str) -> None:
    if policies.side(acting_user, organisation, referral) != expected:
        raise PermissionDenied


def _conditional(referral: Referral, *, frm: str, to: str, **fields) -> Referral:
    """Apply a transition only if the row is still in `frm` (one winner)."""
    if not workflow.can_transition(frm, to):
        raise _status_error(referral.status)
    updated = Referral.objects.filter(pk=referral.pk, status=frm).update(status=to, **fields)
    if updated != 1:
        current = Referral.objects.filter(pk=referral.pk).values_list("status", flat=True).first()
        raise _status_error(current)
    return _lock(referral)


@transaction.atomic
def send_referral(*, referral: Referral, organisation, acting_user) -> Referral:
    referral = _lock(referral)
    _require_side(acting_user, organisation, referral, "sender")
    if not policies.can_refer(acting_user, organisation, referral.case):
        raise PermissionDenied
    now = timezone.now()
    referral = _conditional(
        referral, frm=S.DRAFT, to=S.SENT, sent_at=now, answer_due_at=now + deadlines.ANSWER_DELAY.delta()
    )
    _history(
        referral,
        acting_user,
        S.DRAFT,
        S.SENT,
        _("Orientation envoyée ; réponse attendue avant le %(d)s")
        % {"d": timezone.localtime(referral.answer_due_at).strftime("%d/%m/%Y")},
    )
    _case_event(
        referral.case,
        _sender_event_actor(referral, organisation, acting_user),
        _("Orientation envoyée vers %(org)s") % {"org": referral.recipient_organisation.name},
    )
    _audit("referral.sent", acting_user, referral, organisation=organisation)
    _tell(
        case_workers_of(referral.recipient_organisation),
        referral=referral,
        organisation=referral.recipient_organisation,
        title=_("Nouvelle orientation reçue (dossier %(ref)s)") % {"ref": referral.case.reference},
        key=f"referral-{referral.pk}-sent",
    )
    return referral


# ---------------------------------------------------------------------------
# Decisions (recipient) and withdrawal (sender)
# ---------------------------------------------------------------------------


@transaction.atomic
def accept_referral(*, referral: Referral, organisation, acting_user) -> Referral:
    referral = _lock(referral)
    _require_side(acting_user, organisation, referral, "recipient")
    now = timezone.now()
    referral = _conditional(referral, frm=S.SENT, to=S.ACCEPTED, decided_at=now, decided_by_id=acting_user.pk)
    case = referral.case
    carried: dict[str, int] = {}
    if referral.kind == ReferralKind.TRANSFER:
        # Transfer: the case changes owner; the previous owner keeps no access.
        moved = Case.objects.filter(pk=case.pk, organisation=referral.sender_organisation).update(
            organisation=referral.recipient_organisation, updated_at=now
        )
        if moved != 1:
            raise ValidationError(
                {
                    "status": _(
                        "Le dossier n'appartient plus à l'organisation qui l'a transféré : transfert impossible."
                    )
                }
            )
        Referral.objects.filter(pk=referral.pk).update(previous_owner=referral.sender_organisation)
        # What the owner carries for the person moves too: the open Ac.Sé request
        # (its referrer may read and cancel it) and the child's open steps (their
        # owner completes them and is escalated). Otherwise the previous owner
        # would keep reading and acting on a case it no longer holds.
        from .models import AcsePlacement, MinorStep

        carried["acse_requests_moved"] = (
            AcsePlacement.objects.filter(case=case, referring_organisation=referral.sender_organisation)
            .exclude(status__in=workflow.ACSE_CLOSED_STATUSES)
            .update(referring_organisation=referral.recipient_organisation, updated_at=now)
        )
        carried["minor_steps_moved"] = MinorStep.objects.filter(
            case=case, owner_organisation=referral.sender_organisation, done_at__isnull=True, waived_reason=""
        ).update(owner_organisation=referral.recipient_organisation)
        _case_event(
            case,
            acting_user,
            _("Dossier transféré de %(a)s à %(b)s")
            % {"a": referral.sender_organisation.name, "b": referral.recipient_organisation.name},
        )
    _history(
        referral,
        acting_user,
        S.SENT,
        S.ACCEPTED,
        _("Orientation acceptée par %(org)s") % {"org": referral.recipient_organisation.name},
    )
    _case_event(
        case, acting_user, _("Orientation acceptée par %(org)s") % {"org": referral.recipient_organisation.name}
    )
    _audit(
        "referral.accepted",
        acting_user,
        referral,
        organisation=organisation,
        details={"kind": referral.kind, **carried},
    )
    _tell(
        [referral.sender_user],
        referral=referral,
        organisation=referral.sender_organisation,
        title=_("Orientation acceptée (dossier %(ref)s)") % {"ref": case.reference},
        key=f"referral-{referral.pk}-accepted",
    )
    return referral


@transaction.atomic
def decline_referral(*, referral: Referral, organisation, acting_user, reason: str, comment: str = "") -> Referral:
    referral = _lock(referral)
    _require_side(acting_user, organisation, referral, "recipient")
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": _("Indiquez le motif du refus.")})
    if reason == DeclineReason.OTHER and not (comment or "").strip():
        raise ValidationError({"comment": _("Précisez le motif du refus.")})
    referral = _conditional(
        referral,
        frm=S.SENT,
        to=S.DECLINED,
        decided_at=timezone.now(),
        decided_by_id=acting_user.pk,
        decline_reason=reason,
        decline_comment=(comment or "").strip()[:500],
    )
    _history(
        referral,
        acting_user,
        S.SENT,
        S.DECLINED,
        _("Orientation refusée : %(r)s") % {"r": referral.get_decline_reason_display()},
    )
    _case_event(
        referral.case,
        acting_user,
        _("Orientation refusée par %(org)s") % {"org": referral.recipient_organisation.name},
    )
    _audit("referral.declined", acting_user, referral, organisation=organisation, details={"reason": reason})
    _tell(
        [referral.sender_user],
        referral=referral,
        organisation=referral.sender_organisation,
        title=_("Orientation refusée (dossier %(ref)s)") % {"ref": referral.case.reference},
        key=f"referral-{referral.pk}-declined",
    )
    return referral


@transaction.atomic
def withdraw_referral(*, referral: Referral, organisation, acting_user) -> Referral:
    referral = _lock(referral)
    _require_side(acting_user, organisation, referral, "sender")
    frm = referral.status
    if frm not in (S.DRAFT, S.SENT):
        raise _status_error(frm)
    referral = _conditional(referral, frm=frm, to=S.WITHDRAWN, withdrawn_at=timezone.now())
    _history(
        referral,
        acting_user,
        frm,
        S.WITHDRAWN,
        _("Orientation retirée par %(org)s") % {"org": referral.sender_organisation.name},
    )
    _audit("referral.withdrawn", acting_user, referral, organisation=organisation)
    if frm == S.SENT:
        _case_event(
            referral.case,
            _sender_event_actor(referral, organisation, acting_user),
            _("Orientation vers %(org)s retirée") % {"org": referral.recipient_organisation.name},
        )
        _tell(
            case_workers_of(referral.recipient_organisation),
            referral=referral,
            organisation=referral.recipient_organisation,
            title=_("Orientation retirée (dossier %(ref)s)") % {"ref": referral.case.reference},
            key=f"referral-{referral.pk}-withdrawn",
        )
    return referral


@transaction.atomic
def complete_referral(*, referral: Referral, organisation, acting_user) -> Referral:
    referral = _lock(referral)
    _require_side(acting_user, organisation, referral, "recipient")
    referral = _conditional(referral, frm=S.ACCEPTED, to=S.COMPLETED, completed_at=timezone.now())
    _history(referral, acting_user, S.ACCEPTED, S.COMPLETED, _("Service rendu"))
    _case_event(
        referral.case, acting_user, _("Service rendu par %(org)s") % {"org": referral.recipient_organisation.name}
    )
    _audit("referral.completed", acting_user, referral, organisation=organisation)
    _tell(
        [referral.sender_user],
        referral=referral,
        organisation=referral.sender_organisation,
        title=_("Service rendu (dossier %(ref)s)") % {"ref": referral.case.reference},
        key=f"referral-{referral.pk}-completed",
    )
    return referral


# ---------------------------------------------------------------------------
# Expiry and reminders (scheduled; idempotent)
# ---------------------------------------------------------------------------


@dataclass
class SweepReport:
    expired: int = 0
    reminded: int = 0


def expire_and_remind(*, now: datetime | None = None) -> SweepReport:
    """Expire referrals past their answer date; remind recipients on the days
    of `deadlines.REMINDERS`. Each step is a conditional update, so running
    twice (or a retried task) changes and sends nothing more."""
    now = now or timezone.now()
    report = SweepReport()
    for pk in Referral.objects.filter(status=S.SENT, answer_due_at__lt=now).values_list("pk", flat=True).iterator():
        with transaction.atomic():
            if Referral.objects.filter(pk=pk, status=S.SENT).update(status=S.EXPIRED, expired_at=now) != 1:
                continue
            referral = _lock(Referral(pk=pk))
            _history(referral, None, S.SENT, S.EXPIRED, _("Expirée sans réponse dans le délai"))
            _case_event(
                referral.case,
                None,
                _("Orientation vers %(org)s expirée sans réponse") % {"org": referral.recipient_organisation.name},
            )
            audit.record(
                action="referral.expired",
                actor=None,
                target=referral,
                target_label=referral.label,
                organisation=referral.case.organisation,
            )
            _tell(
                [referral.sender_user],
                referral=referral,
                organisation=referral.sender_organisation,
                title=_("Orientation expirée sans réponse (dossier %(ref)s)") % {"ref": referral.case.reference},
                key=f"referral-{pk}-expired",
            )
            report.expired += 1
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
            with transaction.atomic():
                if Referral.objects.filter(pk=pk, status=S.SENT, reminders_sent=done).update(reminders_sent=due) != 1:
                    continue
                referral = _lock(Referral(pk=pk))
                _history(referral, None, S.SENT, S.SENT, _("Relance n° %(n)s envoyée au destinataire") % {"n": due})
                _tell(
                    case_workers_of(referral.recipient_organisation),
                    referral=referral,
                    organisation=referral.recipient_organisation,
                    title=_("Relance : orientation en attente de réponse (dossier %(ref)s)")
                    % {"ref": referral.case.reference},
                    key=f"referral-{pk}-reminder-{due}",
                )
                report.reminded += 1
    return report


# ---------------------------------------------------------------------------
# « Duty to notify »: anonymous notification when an adult refuses
# ---------------------------------------------------------------------------

AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55+", "inconnu")


@transaction.atomic
def record_anonymous_notification(
    *,
    organisation,
    acting_user,
    reason: str,
    sex: str = "",
    age_band: str = "",
    nationality: str = "",
    exploitation_forms: list[str] | None = None,
    exploitation_departement: str = "",
    exploitation_country: str = "",
) -> AnonymousNotification:
    """Non-identifying facts only (UK NRM « duty to notify »): no name, no birth
    date, no contact; the age is a band of adults (the person refused, which
    only an adult may do: a child is referred without consent)."""
    from maillage.cases.enums import ExploitationForm, Sex
    from maillage.territories import reference as ref

    from .enums import AnonymousReason

    if policies.acting_membership(acting_user, organisation) is None:
        raise PermissionDenied
    errors = {}
    if reason not in AnonymousReason.values:
        errors["reason"] = _("Choisissez un motif.")
    if sex and sex not in Sex.values:
        errors["sex"] = _("Valeur inconnue.")
    if age_band and age_band not in AGE_BANDS:
        errors["age_band"] = _("Tranche d'âge inconnue (le signalement anonyme concerne une personne majeure).")
    if nationality and not ref.is_citizenship_code(nationality):
        errors["nationality"] = _("Nationalité inconnue.")
    forms = list(exploitation_forms or [])
    if any(f not in ExploitationForm.values for f in forms):
        errors["exploitation_forms"] = _("Forme d'exploitation inconnue.")
    # Issue 5, « Bad input »: unknown country codes are refused like the other codes.
    if exploitation_country and not ref.is_country_code(exploitation_country):
        errors["exploitation_country"] = _("Code de pays inconnu : %(code)s.") % {"code": exploitation_country}
    elif exploitation_departement and exploitation_country and exploitation_country != "FR":
        errors["exploitation_departement"] = _("Un département ne se renseigne que pour un lieu en France.")
    if exploitation_departement and not ref.is_departement_code(exploitation_departement):
        errors["exploitation_departement"] = _("Département inconnu.")
    if errors:
        raise ValidationError(errors)
    notification = AnonymousNotification.objects.create(
        organisation=organisation,
        recorded_by=acting_user,
        reason=reason,
        sex=sex,
        age_band=age_band,
        nationality=nationality,
        exploitation_forms=forms,
        exploitation_departement=exploitation_departement,
        exploitation_country=exploitation_country,
    )
    audit.record(
        action="referral.anonymous_notification",
        actor=acting_user,
        target=notification,
        target_label=f"SIG-{notification.pk}",
        organisation=organisation,
        acting_organisation=organisation,
    )
    return notification
