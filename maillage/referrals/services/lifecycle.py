"""A referral's life: created (with consent, R-CHILD-CRIP), sent, accepted
(a transfer moves the case), declined, withdrawn, completed (workflow.TRANSITIONS)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.cases import access as case_access
from maillage.cases import services as case_services
from maillage.cases.models import Case
from maillage.organisations.actor import as_actor
from maillage.organisations.enums import OrganisationType
from maillage.organisations.models import Organisation

from .. import deadlines, policies, workflow
from ..enums import AuditAction, ConsentBasis, ConsentMethod, DeclineReason, ReferralKind, SharedPart
from ..journal import case_workers_of, hosts_through_acse
from ..models import AcsePlacement, MinorStep, Referral
from .common import (
    S,
    audit_referral,
    case_event,
    conditional,
    history,
    lock,
    require_side,
    sender_event_actor,
    status_error,
    tell,
)

# R-CHILD-CRIP: a child is referred to child protection or the prosecutor without consent.
NO_CONSENT_RECIPIENT_TYPES_FOR_MINORS = frozenset({OrganisationType.CHILD_PROTECTION, OrganisationType.PROSECUTOR})
OVERRIDE_REASON_MIN_LENGTH = 20


def _validate_consent(
    *,
    case: Case,
    organisation,
    actor,
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
                "Sans consentement, un·e mineur·e ne peut être orienté·e que vers la protection de l'enfance "
                "(CRIP/ASE) ou le parquet."
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
        if not policies.can_override_consent(actor, organisation):
            errors["consent_basis"] = _(
                "Seul·e un·e administrateur·rice de votre organisation peut orienter une personne "
                "sans son consentement."
            )
        if len((override_reason or "").strip()) < OVERRIDE_REASON_MIN_LENGTH:
            errors["override_reason"] = _(
                "Expliquez par écrit pourquoi l'orientation se fait sans consentement (%(n)s caractères au moins)."
            ) % {"n": OVERRIDE_REASON_MIN_LENGTH}
    else:
        errors["consent_basis"] = _("Indiquez sur quel fondement l'orientation est faite (consentement ou exception).")
    return errors


@transaction.atomic(durable=True)
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
    urgent: bool = False,
    consent_on: date | None = None,
    consent_method: str = "",
    consent_scope: str = "",
    override_reason: str = "",
    send: bool = False,
) -> Referral:
    actor = as_actor(acting_user)
    if not policies.can_refer(actor, organisation, case):
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
    elif recipient.pk == case.organisation_id and hosts_through_acse(organisation, case):
        # R-ACSE: the owner asked for the placement and must never learn the
        # host; a referral would name the sender in the owner's inbox.
        errors["recipient"] = _(
            "Vous hébergez cette personne au titre d'Ac.Sé : l'organisation qui suit son dossier ne doit pas "
            "savoir où elle se trouve. "
            "Passez par la coordination Ac.Sé pour lui transmettre une demande."
        )
    elif Referral.objects.filter(case=case, recipient_organisation=recipient, status__in=[S.DRAFT, S.SENT]).exists():
        errors["recipient"] = _("Une orientation vers cette organisation est déjà en cours pour ce dossier.")
    if not Service.objects.filter(code=service).exists():
        errors["service"] = _("Choisissez un service dans la liste.")
    elif recipient is not None and "recipient" not in errors:
        # A transmission the law addresses to given bodies (directory migration 0005).
        from maillage.directory.selectors.recipients import transmission_refusal

        if refusal := transmission_refusal(service, recipient.type):
            errors["recipient"] = refusal
    if kind not in ReferralKind.values:
        errors["kind"] = _("Type d'orientation inconnu.")
    elif kind == ReferralKind.TRANSFER and not policies.can_transfer(actor, organisation, case):
        errors["kind"] = _("Seule l'organisation qui suit le dossier peut le transférer.")
    parts = list(dict.fromkeys(shared_parts or []))
    unknown = [p for p in parts if p not in SharedPart.values]
    visible = case_access.parts_for(actor, case)
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
                actor=actor,
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
        urgent=bool(urgent),
        consent_basis=consent_basis,
        consent_on=consent_on if consent else None,
        consent_method=consent_method if consent else "",
        consent_scope=(consent_scope or "").strip()[:300] if consent else "",
        override_reason=(override_reason or "").strip()[:500] if consent_basis == ConsentBasis.OVERRIDE else "",
    )
    history(referral, acting_user, "", S.DRAFT, _("Orientation préparée vers %(org)s") % {"org": recipient.name})
    audit_referral(
        AuditAction.REFERRAL_CREATED,
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
        audit_referral(
            AuditAction.REFERRAL_CONSENT_OVERRIDDEN,
            acting_user,
            referral,
            organisation=organisation,
            details={"reason": referral.override_reason, "admin": True},
        )
    if send:
        referral = _send(referral=referral, organisation=organisation, acting_user=acting_user, actor=actor)
    return referral


@transaction.atomic(durable=True)
def send_referral(*, referral: Referral, organisation, acting_user) -> Referral:
    return _send(referral=referral, organisation=organisation, acting_user=acting_user, actor=as_actor(acting_user))


def _send(*, referral: Referral, organisation, acting_user, actor) -> Referral:
    referral = lock(referral)
    require_side(actor, organisation, referral, "sender")
    if not policies.can_refer(actor, organisation, referral.case):
        raise PermissionDenied
    now = timezone.now()
    # Issue 10 item 6: the delay depends on the service, the recipient and the
    # urgency (hours for an emergency shelter or a CRIP), as data with its source.
    delay = deadlines.answer_delay_for(
        service=referral.service, recipient_type=referral.recipient_organisation.type, urgent=referral.urgent
    )
    referral = conditional(referral, frm=S.DRAFT, to=S.SENT, sent_at=now, answer_due_at=now + delay.delta())
    due = timezone.localtime(referral.answer_due_at)
    history(
        referral,
        acting_user,
        S.DRAFT,
        S.SENT,
        _("Orientation envoyée ; réponse attendue avant le %(d)s à %(h)s")
        % {"d": due.strftime("%d/%m/%Y"), "h": due.strftime("%H:%M")},
    )
    case_event(
        referral,
        sender_event_actor(referral, organisation, acting_user),
        _("Orientation envoyée vers %(org)s") % {"org": referral.recipient_organisation.name},
    )
    audit_referral(
        AuditAction.REFERRAL_SENT,
        acting_user,
        referral,
        organisation=organisation,
        details={
            "urgent": referral.urgent,
            "answer_hours": delay.hours,
            "delay_rule": delay.rule,
            "rules_version": deadlines.ANSWER_DELAY_RULES_VERSION,
        },
    )
    tell(
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


@transaction.atomic(durable=True)
def accept_referral(*, referral: Referral, organisation, acting_user) -> Referral:
    referral = lock(referral)
    require_side(as_actor(acting_user), organisation, referral, "recipient")
    now = timezone.now()
    referral = conditional(
        referral, frm=S.SENT, to=S.ACCEPTED, acting_user=acting_user, decided_at=now, decided_by_id=acting_user.pk
    )
    case = referral.case
    carried: dict[str, int] = {}
    if referral.kind == ReferralKind.TRANSFER:
        # Transfer: the case changes owner (the case file's step); the previous owner keeps no access.
        case_services.transfer_case(
            case=case,
            from_organisation=referral.sender_organisation,
            to_organisation=referral.recipient_organisation,
            acting_user=acting_user,
        )
        Referral.objects.filter(pk=referral.pk).update(previous_owner=referral.sender_organisation)
        # What the owner carries for the person moves too: the open Ac.Sé request
        # (its referrer may read and cancel it) and the child's open steps (their
        # owner completes them and is escalated). Otherwise the previous owner
        # would keep reading and acting on a case it no longer holds.
        carried["acse_requests_moved"] = (
            AcsePlacement.objects.filter(case=case, referring_organisation=referral.sender_organisation)
            .exclude(status__in=workflow.ACSE_CLOSED_STATUSES)
            .update(referring_organisation=referral.recipient_organisation, updated_at=now)
        )
        carried["minor_steps_moved"] = MinorStep.objects.filter(
            case=case, owner_organisation=referral.sender_organisation, done_at__isnull=True, waived_reason=""
        ).update(owner_organisation=referral.recipient_organisation)
    history(
        referral,
        acting_user,
        S.SENT,
        S.ACCEPTED,
        _("Orientation acceptée par %(org)s") % {"org": referral.recipient_organisation.name},
    )
    case_event(
        referral, acting_user, _("Orientation acceptée par %(org)s") % {"org": referral.recipient_organisation.name}
    )
    audit_referral(
        AuditAction.REFERRAL_ACCEPTED,
        acting_user,
        referral,
        organisation=organisation,
        details={"kind": referral.kind, **carried},
    )
    tell(
        [referral.sender_user],
        referral=referral,
        organisation=referral.sender_organisation,
        title=_("Orientation acceptée (dossier %(ref)s)") % {"ref": case.reference},
        key=f"referral-{referral.pk}-accepted",
    )
    return referral


@transaction.atomic(durable=True)
def decline_referral(*, referral: Referral, organisation, acting_user, reason: str, comment: str = "") -> Referral:
    referral = lock(referral)
    require_side(as_actor(acting_user), organisation, referral, "recipient")
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": _("Indiquez le motif du refus.")})
    if reason == DeclineReason.OTHER and not (comment or "").strip():
        raise ValidationError({"comment": _("Précisez le motif du refus.")})
    referral = conditional(
        referral,
        frm=S.SENT,
        to=S.DECLINED,
        acting_user=acting_user,
        decided_at=timezone.now(),
        decided_by_id=acting_user.pk,
        decline_reason=reason,
        decline_comment=(comment or "").strip()[:500],
    )
    history(
        referral,
        acting_user,
        S.SENT,
        S.DECLINED,
        _("Orientation refusée : %(r)s") % {"r": referral.get_decline_reason_display()},
    )
    case_event(
        referral,
        acting_user,
        _("Orientation refusée par %(org)s") % {"org": referral.recipient_organisation.name},
    )
    audit_referral(
        AuditAction.REFERRAL_DECLINED, acting_user, referral, organisation=organisation, details={"reason": reason}
    )
    tell(
        [referral.sender_user],
        referral=referral,
        organisation=referral.sender_organisation,
        title=_("Orientation refusée (dossier %(ref)s)") % {"ref": referral.case.reference},
        key=f"referral-{referral.pk}-declined",
    )
    return referral


@transaction.atomic(durable=True)
def withdraw_referral(*, referral: Referral, organisation, acting_user) -> Referral:
    referral = lock(referral)
    require_side(as_actor(acting_user), organisation, referral, "sender")
    frm = referral.status
    if frm not in (S.DRAFT, S.SENT):
        raise status_error(frm)
    referral = conditional(referral, frm=frm, to=S.WITHDRAWN, acting_user=acting_user, withdrawn_at=timezone.now())
    history(
        referral,
        acting_user,
        frm,
        S.WITHDRAWN,
        _("Orientation retirée par %(org)s") % {"org": referral.sender_organisation.name},
    )
    audit_referral(AuditAction.REFERRAL_WITHDRAWN, acting_user, referral, organisation=organisation)
    if frm == S.SENT:
        case_event(
            referral,
            sender_event_actor(referral, organisation, acting_user),
            _("Orientation vers %(org)s retirée") % {"org": referral.recipient_organisation.name},
        )
        tell(
            case_workers_of(referral.recipient_organisation),
            referral=referral,
            organisation=referral.recipient_organisation,
            title=_("Orientation retirée (dossier %(ref)s)") % {"ref": referral.case.reference},
            key=f"referral-{referral.pk}-withdrawn",
        )
    return referral


@transaction.atomic(durable=True)
def complete_referral(*, referral: Referral, organisation, acting_user) -> Referral:
    referral = lock(referral)
    require_side(as_actor(acting_user), organisation, referral, "recipient")
    referral = conditional(
        referral, frm=S.ACCEPTED, to=S.COMPLETED, acting_user=acting_user, completed_at=timezone.now()
    )
    history(referral, acting_user, S.ACCEPTED, S.COMPLETED, _("Service rendu"))
    case_event(referral, acting_user, _("Service rendu par %(org)s") % {"org": referral.recipient_organisation.name})
    audit_referral(AuditAction.REFERRAL_COMPLETED, acting_user, referral, organisation=organisation)
    tell(
        [referral.sender_user],
        referral=referral,
        organisation=referral.sender_organisation,
        title=_("Service rendu (dossier %(ref)s)") % {"ref": referral.case.reference},
        key=f"referral-{referral.pk}-completed",
    )
    return referral
