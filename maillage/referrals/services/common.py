"""What the referral services share: the transition guard (one winner under
concurrency), the history and the case timeline, the journal row (without the
Ac.Sé host when the host sends), the notices, and the recipient's access to
the case (the case file's grants)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from maillage.cases import services as case_services
from maillage.cases.enums import AccessReason
from maillage.core import audit
from maillage.core.transactions import step

from .. import roles, workflow
from ..enums import AuditAction, ReferralKind, ReferralStatus
from ..journal import audit_without_host, hidden_host_placement, notify_users
from ..models import Referral, ReferralEvent

S = ReferralStatus

STATUS_MESSAGES = {
    S.DRAFT: _lazy("Cette orientation n'a pas encore été envoyée."),
    S.ACCEPTED: _lazy("Cette orientation a déjà été acceptée."),
    S.DECLINED: _lazy("Cette orientation a déjà été refusée."),
    S.WITHDRAWN: _lazy(
        "Cette orientation a été retirée par l'organisation qui l'avait envoyée : "
        "elle ne peut plus recevoir de réponse."
    ),
    S.EXPIRED: _lazy("Cette orientation a expiré faute de réponse dans le délai."),
    S.COMPLETED: _lazy("Cette orientation est terminée (service rendu)."),
    S.SENT: _lazy("Cette orientation attend la réponse du destinataire."),
}


def status_error(status: str) -> ValidationError:
    return ValidationError(
        {"status": str(STATUS_MESSAGES.get(status, _("Action impossible dans l'état actuel de l'orientation.")))}
    )


@step
def history(referral: Referral, actor, frm: str, to: str, summary: str) -> None:
    ReferralEvent.objects.create(referral=referral, actor=actor, from_status=frm, to_status=to, summary=summary[:300])


def case_event(referral: Referral, actor, summary: str) -> None:
    case_services.add_case_event(case=referral.case, actor=actor, summary=summary)


def sender_event_actor(referral: Referral, organisation, acting_user):
    """Who the owner's case timeline names for a sender-side step: nobody when
    the sender is the Ac.Sé host (its staff would reveal it to the owner)."""
    return None if hidden_host_placement(referral, organisation) is not None else acting_user


@step
def audit_referral(
    action: AuditAction, actor, referral: Referral, *, organisation, details: dict | None = None
) -> None:
    placement = hidden_host_placement(referral, organisation)
    if placement is not None:
        # The owner's row without the host or its staff; the host's row keeps both (same request id).
        audit_without_host(
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


def tell(users, *, referral: Referral, title: str, key: str, organisation) -> None:
    """Reference and link only, never identity (journal.notify_users)."""
    notify_users(
        users,
        title=title,
        link=f"/orientations/{referral.pk}/",
        key=key,
        organisation=organisation,
        reference=referral.case.reference,
    )


# ---------------------------------------------------------------------------
# Access to the case (the case file's grants)
# ---------------------------------------------------------------------------


def follow_access(referral: Referral, *, frm: str, to: str, acting_user) -> None:
    """The recipient reads the shared parts of the case while the referral is in
    `workflow.GRANTING_STATUSES`: entering them opens a grant in the case file,
    leaving them ends it, in the transaction of the transition. A transfer
    gives ownership instead (`cases.services.transfer_case`)."""
    if referral.kind == ReferralKind.TRANSFER:
        return
    was, now = frm in workflow.GRANTING_STATUSES, to in workflow.GRANTING_STATUSES
    if now and not was:
        case_services.grant_access(
            case=referral.case,
            organisation=referral.recipient_organisation,
            parts=referral.shared_parts,
            reason=AccessReason.REFERRAL,
            source=case_services.source_of(referral),
            granted_by=acting_user,
        )
    elif was and not now:
        case_services.end_access(source=case_services.source_of(referral))


def lock(referral: Referral) -> Referral:
    return Referral.objects.select_related("case", "sender_organisation", "recipient_organisation").get(pk=referral.pk)


def require_side(actor, organisation, referral: Referral, expected: str) -> None:
    if roles.side(actor, organisation, referral) != expected:
        raise PermissionDenied


def conditional(referral: Referral, *, frm: str, to: str, acting_user=None, **fields) -> Referral:
    """Apply a transition only if the row is still in `frm` (one winner), and
    open or end the recipient's access to the case with it."""
    if not workflow.can_transition(frm, to):
        raise status_error(referral.status)
    updated = Referral.objects.filter(pk=referral.pk, status=frm).update(status=to, **fields)
    if updated != 1:
        current = Referral.objects.filter(pk=referral.pk).values_list("status", flat=True).first()
        raise status_error(current)
    referral = lock(referral)
    follow_access(referral, frm=frm, to=to, acting_user=acting_user)
    return referral
