"""Who reads the directory: a `Viewer`, worked out once per request.

Its organisations (all, administered, Ac.Sé-coordinated) and whether it is a
coordinator of the coordination body; the field groups of a profile it may
see (policies.py explains the three levels) and the networks it manages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from maillage.organisations import selectors as org_selectors
from maillage.organisations.enums import OrganisationType, Role

from .enums import NetworkKind
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


def field_groups(viewer: Viewer, profile: Profile) -> frozenset[str]:
    groups = {PUBLIC}
    if viewer.is_member:
        groups.add(MEMBERS)
    own = profile.organisation_id in viewer.organisation_ids
    if own or profile.organisation_id in viewer.acse_coordinated_ids:
        groups.add(CONFIDENTIAL)
    return frozenset(groups)


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
