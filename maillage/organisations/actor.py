"""The actor: who is acting, and for which organisations, read once.

Every policy of every domain asks the same questions about the person acting:
is this person an active case worker of that organisation, an administrator,
the coordinator? Before this object each policy ran its own membership query
(a case page walked the memberships seven times). An `Actor` holds the
person's **active** memberships, loaded in one query, and answers those
questions in memory.

Lifetime (no authorisation is cached across requests): a view gets
`actor_for_request(request)`, built once for that request from
`request_memberships(request)`; a service builds a fresh one with
`as_actor(acting_user)` inside its transaction. Policies accept either an
`Actor` or a user (`as_actor` normalises), so a member removed is refused at
the next request or service call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from .enums import OrganisationType, Role


@dataclass(frozen=True, eq=False)
class Actor:
    user: object
    memberships: tuple = field(default=())

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    @property
    def pk(self):
        return getattr(self.user, "pk", None)

    # --- memberships ------------------------------------------------------------

    def membership_in(self, organisation):
        """The active membership in `organisation` (an object or a pk), or None."""
        if organisation is None:
            return None
        org_id = getattr(organisation, "pk", organisation)
        for membership in self.memberships:
            if membership.organisation_id == org_id:
                return membership
        return None

    def is_member_of(self, organisation) -> bool:
        return self.membership_in(organisation) is not None

    def is_admin_of(self, organisation) -> bool:
        membership = self.membership_in(organisation)
        return membership is not None and membership.is_admin

    def has_role_in(self, organisation, *roles: str) -> bool:
        membership = self.membership_in(organisation)
        return membership is not None and membership.role in roles

    @cached_property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(m.organisation_id for m in self.memberships)

    @cached_property
    def admin_organisation_ids(self) -> frozenset[int]:
        return frozenset(m.organisation_id for m in self.memberships if m.is_admin)

    # --- the questions every domain asks ---------------------------------------

    @cached_property
    def case_worker_organisation_ids(self) -> frozenset[int]:
        """Organisations where this person reads victims' data: case worker of
        an operational organisation. The coordination body sees aggregates,
        never identities (R-PRIVACY), so its case workers are not counted."""
        return frozenset(
            m.organisation_id
            for m in self.memberships
            if m.role == Role.CASE_WORKER and m.organisation.type != OrganisationType.COORDINATION
        )

    def is_case_worker_of(self, organisation) -> bool:
        if organisation is None:
            return False
        return getattr(organisation, "pk", organisation) in self.case_worker_organisation_ids

    @cached_property
    def is_coordinator(self) -> bool:
        """A coordinator of the national coordination body (MIPROF)."""
        return any(
            m.role == Role.COORDINATOR and m.organisation.type == OrganisationType.COORDINATION
            for m in self.memberships
        )

    @cached_property
    def is_coordination_body_member(self) -> bool:
        return any(m.organisation.type == OrganisationType.COORDINATION for m in self.memberships)

    def organisations_of_type(self, *types: str) -> list:
        return [m.organisation for m in self.memberships if m.organisation.type in types]


def _load_memberships(user) -> tuple:
    from .models import Membership

    return tuple(Membership.objects.active_of(user).order_by("organisation__name"))


def actor_from_memberships(user, memberships: Iterable) -> Actor:
    return Actor(user=user, memberships=tuple(memberships))


def as_actor(user_or_actor) -> Actor:
    """An `Actor` for a user (one query), or the actor itself.

    Services call it with their `acting_user`: a fresh read inside the
    transaction, never a membership remembered from an earlier request."""
    if isinstance(user_or_actor, Actor):
        return user_or_actor
    return Actor(user=user_or_actor, memberships=_load_memberships(user_or_actor))


def actor_for_request(request) -> Actor:
    """The actor of this request, built once from the memberships the
    middleware already read (`request_memberships`)."""
    actor = getattr(request, "_maillage_actor", None)
    if actor is None or actor.user is not request.user:
        from .middleware import request_memberships

        memberships = request_memberships(request) if getattr(request.user, "is_authenticated", False) else []
        actor = actor_from_memberships(request.user, memberships)
        request._maillage_actor = actor
    return actor
