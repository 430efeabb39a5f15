"""Who sees what in the directory (issue 3: three levels of visibility).

A `Viewer` (viewers.py) is computed once per request (2 queries); these
policies answer:
- which profiles a viewer may list (`profiles_visible_to`, a queryset, so
  lists and exports cannot leak);
- which *field groups* of a profile a viewer may see (`viewers.field_groups`):
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

from django.db.models import Q, QuerySet

from maillage.organisations import policies as org_policies
from maillage.organisations.enums import OrganisationType

from .enums import NetworkKind, Visibility
from .models import Profile
from .viewers import CONFIDENTIAL, MEMBERS, Viewer, field_groups, managing_organisation_ids


def profiles_visible_to(viewer: Viewer) -> QuerySet[Profile]:
    qs = Profile.objects.filter(organisation__is_active=True)
    if not viewer.is_member:
        return qs.filter(visibility=Visibility.PUBLIC)
    return qs.filter(
        Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS]) | Q(organisation_id__in=viewer.organisation_ids)
    )


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


def can_manage_network(viewer: Viewer, network, coordinator_ids: frozenset[int] | None = None) -> bool:
    if viewer.is_coordinator:
        return True
    return bool(managing_organisation_ids(viewer, network, coordinator_ids))


def can_coordinate(network_kind: str, organisation) -> bool:
    """Coordinating an Ac.Sé network reveals its shelters' confidential
    addresses (field_groups above), so only an Ac.Sé coordination may be a
    coordinator of one; not even the national coordination body."""
    return network_kind != NetworkKind.ACSE or organisation.type == OrganisationType.ACSE_COORDINATION
