"""Who may do what with organisations and memberships.

The vocabulary of every domain's policies (docs/decisions/0009-conventions.md):
`can_<verb>(actor, obj) -> bool`, `is_<role>(actor) -> bool` and
`<things>_visible_to(actor, …) -> QuerySet`, so lists cannot leak (style.md,
Wagtail policies). `actor` is an `Actor` (organisations/actor.py) or a user:
views pass `actor_for_request(request)`, services `as_actor(acting_user)`.
Superusers get nothing special here: access to an organisation's data comes
only from an active membership.
"""

from __future__ import annotations

from django.db.models import QuerySet

from .actor import as_actor
from .models import Invitation, Membership


def can_read_victim_data(actor, organisation=None) -> bool:
    """Case workers of operational organisations read their cases' identities.

    The coordination body sees aggregates, never identities (R-PRIVACY)."""
    actor = as_actor(actor)
    if organisation is None:
        return bool(actor.case_worker_organisation_ids)
    return actor.is_case_worker_of(organisation)


def is_coordinator(actor) -> bool:
    """A coordinator of the national coordination body (MIPROF): the one
    definition is `Actor.is_coordinator`."""
    return as_actor(actor).is_coordinator


def can_manage_members(actor, organisation) -> bool:
    return as_actor(actor).is_admin_of(organisation)


def can_view_access_log(actor, organisation) -> bool:
    return can_manage_members(actor, organisation)


def members_visible_to(actor, organisation) -> QuerySet[Membership]:
    """Members of an organisation, visible to its own active members."""
    if not as_actor(actor).is_member_of(organisation):
        return Membership.objects.none()
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_active", "user__last_name", "user__email")
    )


def invitations_visible_to(actor, organisation) -> QuerySet[Invitation]:
    if not can_manage_members(actor, organisation):
        return Invitation.objects.none()
    return Invitation.objects.filter(organisation=organisation).select_related("invited_by")
