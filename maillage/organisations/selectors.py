"""Reads about organisations and memberships, shared by every domain."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from maillage.core.models import AuditEvent, AuditKind

from . import policies
from .enums import OrganisationType, Role
from .models import Invitation, Membership, Organisation


def active_memberships(user) -> QuerySet[Membership]:
    """A person's active memberships (membership, organisation and account
    active): the only source of access to an organisation's data."""
    return Membership.objects.active_of(user)


def membership_in(user, organisation) -> Membership | None:
    if organisation is None:
        return None
    return active_memberships(user).filter(organisation=organisation).first()


def organisation_for_member(user, slug: str) -> Organisation | None:
    membership = active_memberships(user).filter(organisation__slug=slug).first()
    return membership.organisation if membership else None


def case_workers_of(organisation) -> QuerySet:
    """The people who follow an organisation's cases: its active case workers.

    Written once here for every domain (reminders, referral notices, access
    checks); like `Actor.case_worker_organisation_ids`, the coordination
    body has none (it sees aggregates, never identities, R-PRIVACY)."""
    memberships = (
        Membership.objects.active()
        .filter(organisation=organisation, role=Role.CASE_WORKER)
        .exclude(organisation__type=OrganisationType.COORDINATION)
    )
    return get_user_model().objects.filter(pk__in=memberships.values("user_id"))


def active_organisations(*, type: str | None = None) -> QuerySet[Organisation]:
    """The active organisations, by name (choice lists), of one type if given."""
    qs = Organisation.objects.filter(is_active=True).order_by("name")
    return qs.filter(type=type) if type else qs


def organisations_with_ids(ids) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=ids)


def people_with_active_membership() -> QuerySet:
    """Everyone who belongs to an organisation now (choice lists of people)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__is_active=True)
        .distinct()
        .order_by("last_name", "email")
    )


def active_members_of(organisation) -> QuerySet:
    """People with an active membership in `organisation`."""
    return (
        get_user_model().objects.filter(memberships__organisation=organisation, memberships__is_active=True).distinct()
    )


def all_active_memberships() -> QuerySet[Membership]:
    """Every active membership (a person in an organisation), for choice lists."""
    return (
        Membership.objects.active()
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name")
    )


def active_members(actor, organisation) -> QuerySet[Membership]:
    return policies.members_visible_to(actor, organisation).filter(is_active=True)


def pending_invitations(actor, organisation) -> QuerySet[Invitation]:
    return policies.invitations_visible_to(actor, organisation).filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    )


def access_log_for(actor, organisation, *, kind: str = "") -> QuerySet[AuditEvent]:
    """Journal rows about an organisation's data, for its administrators."""
    if not policies.can_view_access_log(actor, organisation):
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.filter(organisation=organisation).select_related("actor", "acting_organisation")
    if kind in AuditKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-at", "-id")
