"""The journal and notices of the referrals domain, shared by the referral
services and the pathways.

R-ACSE: the Ac.Sé host's identity and location stay unknown to the case owner
(the referring organisation), whose journal shows every row about its cases.
`audit_without_host` writes such events twice in one transaction (decision
0007); `hidden_host_placement` tells a referral service when its sender is
that host, so that the owner's journal and timeline name neither it nor its
staff.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from maillage.core import audit
from maillage.core.models import AuditKind
from maillage.notifications.services import notify, send_email
from maillage.organisations.enums import Role
from maillage.organisations.models import Membership

from .models import AcsePlacement


def audit_without_host(
    action: str,
    *,
    actor,
    target,
    placement: AcsePlacement,
    host,
    acting_organisation,
    actor_is_host: bool,
    kind: str = AuditKind.WRITE,
    details: dict | None = None,
) -> None:
    """Two rows: the owner's journal says what happened, without the host and,
    when the host's staff acted, without the person or the organisation; the
    host's own journal keeps who did it. Both rows carry the same request id,
    so the DPO can join them."""
    case = placement.case
    details = {**(details or {}), "placement": placement.pk}
    audit.record(
        action=action,
        actor=None if actor_is_host else actor,
        kind=kind,
        target=target,
        target_label=case.reference,
        organisation=case.organisation,
        acting_organisation=None if actor_is_host else acting_organisation,
        details={**details, "by": "acse_host" if actor_is_host else "acse"},
    )
    audit.record(
        action=action,
        actor=actor,
        kind=kind,
        target=target,
        target_label=case.reference,
        organisation=host,
        acting_organisation=acting_organisation,
        details={**details, "host": host.pk},
    )


def hidden_host_placement(referral, organisation) -> AcsePlacement | None:
    """The Ac.Sé placement when `organisation` sends `referral` as the host of
    the person (a host may refer the person on), else None. The case owner is
    the referring organisation, which must never learn who hosts the person
    (R-ACSE, decision 0007): its journal and its case timeline then carry
    neither the host nor its staff. Any status: the host stays recorded after
    the exit, so a later withdrawal stays hidden too."""
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


def hosts_through_acse(organisation, case) -> bool:
    """Whether `organisation` hosts (or hosted) the person through Ac.Sé."""
    return organisation is not None and AcsePlacement.objects.filter(case=case, host=organisation).exists()


# --- who is told, and how ------------------------------------------------------------


def case_workers_of(organisation):
    ids = Membership.objects.active().filter(organisation=organisation, role=Role.CASE_WORKER).values("user_id")
    return get_user_model().objects.filter(pk__in=ids)


def admins_of(organisation):
    ids = Membership.objects.active().filter(organisation=organisation, is_admin=True).values("user_id")
    return get_user_model().objects.filter(pk__in=ids)


def notify_users(users, *, title: str, link: str, key: str, organisation, reference: str) -> None:
    """In-app notification after commit, e-mail through the outbox (sent after
    commit, exactly once). Only the case reference and a link: never identity."""
    for user in users:
        send_email(
            to=user.email,
            subject=title,
            template="referrals/emails/referral.txt",
            context={"title": title, "reference": reference, "url": f"{getattr(settings, 'SITE_BASE_URL', '')}{link}"},
            idempotency_key=f"{key}-{user.pk}",
        )
        transaction.on_commit(
            lambda user=user: notify(
                recipient=user, title=title, link=link, organisation=organisation, idempotency_key=f"{key}-{user.pk}"
            )
        )
