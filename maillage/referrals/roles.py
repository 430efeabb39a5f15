"""Who an organisation is for a referral or an Ac.Sé placement.

The policies answer yes or no; these functions name the actor's position
(the case-worker membership it acts through, its side of a referral, its
role in a placement), which the policies, selectors and pages read. Active
case-worker memberships only: a worker who leaves loses the role at once.
"""

from __future__ import annotations

from maillage.organisations.actor import as_actor

from .enums import ReferralStatus
from .models import Referral


def acting_membership(actor, organisation):
    """The actor's active case-worker membership in `organisation` (not the
    coordination body, which sees counts only), or None."""
    actor = as_actor(actor)
    if not actor.is_case_worker_of(organisation):
        return None
    return actor.membership_in(organisation)


def side(actor, organisation, referral: Referral) -> str | None:
    """'sender', 'recipient' or None, for the organisation the actor acts for."""
    if acting_membership(actor, organisation) is None:
        return None
    if referral.sender_organisation_id == organisation.pk:
        return "sender"
    if referral.recipient_organisation_id == organisation.pk and referral.status != ReferralStatus.DRAFT:
        return "recipient"
    return None


def acse_role(actor, organisation, placement) -> str | None:
    """« coordination », « host » or « referrer »: who the organisation is for
    the placement (each fires its own steps), or None."""
    if acting_membership(actor, organisation) is None:
        return None
    if organisation.pk == placement.coordination_id:
        return "coordination"
    if placement.host_id and organisation.pk == placement.host_id:
        return "host"
    if organisation.pk == placement.referring_organisation_id:
        return "referrer"
    return None
