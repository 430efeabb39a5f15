"""Who sees what in the directory (issue 3: three levels of visibility).

A `Viewer` is computed once per request (2 queries) and answers:
- which profiles a viewer may list (`profiles_visible_for`, a queryset, so
  lists and exports cannot leak);
- which *field groups* of a profile a viewer may see (`field_groups`):
  * PUBLIC: identity, commune, territories, forms, services, publics,
    languages, hours, whether referrals are accepted, public contact;
  * MEMBERS: any signed-in member of an active organisation also sees the
    members-only contacts, the referral procedure, capacity and the street
    address;
  * CONFIDENTIAL: a confidential street address (Ac.Sé partner shelters) is
    seen only by the organisation itself and by organisations coordinating an
    Ac.Sé network it belongs to (the Ac.Sé coordination), not even by the
    national coordination body.
Superusers get nothing special (same rule as maillage.organisations.policies).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from maillage.organisations import policies as org_policies
from maillage.organisations import selectors as org_selectors
from maillage.organisations.enums import OrganisationType, Role

from .enums import NetworkKind, Visibility
from .models import NetworkMembership, Profile

PUBLIC = "public"
MEMBERS = "members"
CONFIDENTIAL = "confidential"


@dataclass(frozen=True)
class Viewer:
    user: object = None
    organisation_ids: frozenset[int] = frozenset()
    admin_organisation_ids: frozenset[int] = frozenset()
    is_coordinator: bool = False
    # Organisations whose confidential fields this viewer sees (Ac.Sé).
    acse_coordinated_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_member(self) -> bool:
        return bool(self.organisation_ids)


ANONYMOUS = Viewer()


def viewer_for(user) -> Viewer:
    if isinstance(user, Viewer):
        return user
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    memberships = list(org_selectors.active_memberships(user))
    org_ids = frozenset(m.organisation_id for m in memberships)
    if not org_ids:
        return Viewer(user=user)
    coordinated = frozenset(
        NetworkMembership.objects.filter(
            network__kind=NetworkKind.ACSE,
            network__memberships__organisation_id__in=org_ids,
            network__memberships__is_coordinator=True,
        ).values_list("organisation_id", flat=True)
    )
    return Viewer(
        user=user,
        organisation_ids=org_ids,
        admin_organisation_ids=frozenset(m.organisation_id for m in memberships if m.is_admin),
        is_coordinator=any(
            m.role == Role.COORDINATOR and m.organisation.type == OrganisationType.COORDINATION for m in memberships
        ),
        acse_coordinated_ids=coordinated,
    )


def profiles_visible_for(viewer: Viewer) -> QuerySet[Profile]:
    qs = Profile.objects.filter(organisation__is_active=True)
    if not viewer.is_member:
        return qs.filter(visibility=Visibility.PUBLIC)
    return qs.filter(
        Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS]) | Q(organisation_id__in=viewer.organisation_ids)
    )


def field_groups(viewer: Viewer, profile: Profile) -> frozenset[str]:
    groups = {PUBLIC}
    if viewer.is_member:
        groups.add(MEMBERS)
    own = profile.organisation_id in viewer.organisation_ids
    if own or profile.organisation_id in viewer.acse_coordinated_ids:
        groups.add(CONFIDENTIAL)
    return frozenset(groups)


def can_see_street_address(viewer: Viewer, profile: Profile) -> bool:
    groups = field_groups(viewer, profile)
    return CONFIDENTIAL in groups if profile.address_confidential else MEMBERS in groups


def can_edit_profile(viewer: Viewer, organisation) -> bool:
    """Only the organisation's own administrators edit its profile."""
    return organisation.pk in viewer.admin_organisation_ids


def can_import(viewer: Viewer) -> bool:
    """Imports create or overwrite other organisations' profiles: only the
    national coordination body, which maintains the network's lists
    (decision recorded in docs/domain/directory.md)."""
    return viewer.is_coordinator


def can_view_coverage(viewer: Viewer) -> bool:
    """The coverage map shows aggregates only: any network member."""
    return viewer.is_member


def is_coordinator(user) -> bool:
    return org_policies.is_coordinator(user)


# --- Networks ------------------------------------------------------------------
#
# Everyone may list the networks; a network's member organisations are shown
# per the profile visibility above. Managing a network (editing it, adding or
# removing member organisations and coordinators) is for the coordinators of
# the national coordination body, and for the administrators of an
# organisation that coordinates the network. Creating one: coordination body.


def can_create_network(viewer: Viewer) -> bool:
    return viewer.is_coordinator


def network_coordinator_ids(network) -> frozenset[int]:
    return frozenset(
        NetworkMembership.objects.filter(network=network, is_coordinator=True).values_list(
            "organisation_id", flat=True
        )
    )


def managing_organisation_ids(
    viewer: Viewer, network, coordinator_ids: frozenset[int] | None = None
) -> frozenset[int]:
    """The viewer's organisations (administered) that coordinate `network`."""
    if coordinator_ids is None:
        coordinator_ids = network_coordinator_ids(network)
    return viewer.admin_organisation_ids & coordinator_ids


def can_manage_network(viewer: Viewer, network, coordinator_ids: frozenset[int] | None = None) -> bool:
    if viewer.is_coordinator:
        return True
    return bool(managing_organisation_ids(viewer, network, coordinator_ids))


def may_coordinate(network_kind: str, organisation) -> bool:
    """Coordinating an Ac.Sé network reveals its shelters' confidential
    addresses (field_groups above), so only an Ac.Sé coordination may be a
    coordinator of one; not even the national coordination body."""
    return network_kind != NetworkKind.ACSE or organisation.type == OrganisationType.ACSE_COORDINATION
