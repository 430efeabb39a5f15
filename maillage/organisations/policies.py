"""Who may do what with organisations and memberships.

Each function answers a question about one user; `*_for` functions return the
querysets a user may see, so lists cannot leak (style.md, Wagtail policies).
Superusers get nothing special here: access to an organisation's data comes
only from an active membership.
"""

from __future__ import annotations

from django.db.models import QuerySet

from .enums import OrganisationType, Role
from .models import Invitation, Membership, Organisation


def active_memberships(user) -> QuerySet[Membership]:
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.active().filter(user=user).select_related("organisation")


def membership_in(user, organisation) -> Membership | None:
    if organisation is None:
        return None
    return active_memberships(user).filter(organisation=organisation).first()


def can_read_victim_data(user, organisation=None) -> bool:
    """Case workers of operational organisations read their cases' identities.

    The coordination body sees aggregates, never identities (R-PRIVACY)."""
    qs = (
        active_memberships(user)
        .filter(role=Role.CASE_WORKER)
        .exclude(organisation__type=OrganisationType.COORDINATION)
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.exists()


def requires_second_factor(user, memberships=None) -> bool:
    """A second factor is mandatory for anyone who reads victims' data, and
    for administrators and coordinators (they grant such access or see the
    national picture). `memberships`: the user's active memberships when the
    caller already has them (one query per request, see the middleware)."""
    if memberships is None:
        memberships = active_memberships(user)
    return any(m.role in (Role.CASE_WORKER, Role.COORDINATOR) or m.is_admin for m in memberships)


def is_coordinator(user) -> bool:
    return (
        active_memberships(user)
        .filter(role=Role.COORDINATOR, organisation__type=OrganisationType.COORDINATION)
        .exists()
    )


def can_manage_members(user, organisation) -> bool:
    membership = membership_in(user, organisation)
    return membership is not None and membership.is_admin


def can_view_access_log(user, organisation) -> bool:
    return can_manage_members(user, organisation)


def manageable_organisations_for(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__in=active_memberships(user).filter(is_admin=True)).distinct()


def members_visible_for(user, organisation) -> QuerySet[Membership]:
    """Members of an organisation, visible to its own active members."""
    if membership_in(user, organisation) is None:
        return Membership.objects.none()
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_active", "user__last_name", "user__email")
    )


def invitations_visible_for(user, organisation) -> QuerySet[Invitation]:
    if not can_manage_members(user, organisation):
        return Invitation.objects.none()
    return Invitation.objects.filter(organisation=organisation).select_related("invited_by")
