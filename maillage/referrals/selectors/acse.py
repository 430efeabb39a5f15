"""Reads of the Ac.Sé pathway: placements as each side may see them, the
partner centres that fit a request, the coordination's and the host's queues."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .. import policies, workflow
from ..enums import ReferralStatus

S = ReferralStatus


# --- Ac.Sé ---------------------------------------------------------------------------


def acse_host_label(actor, organisation, placement) -> str:
    """The host for the coordination and the host; a neutral phrase for the
    referring organisation (R-ACSE: host location confidential)."""
    if placement.host_id is None:
        return ""
    if policies.can_see_acse_host(actor, organisation, placement):
        return placement.host.name
    return str(_("Hébergée dans un centre partenaire"))


def placements_for(actor, organisation, *, limit: int = 200) -> list:
    """The Ac.Sé list: each placement with the host as this organisation may
    see it (`host_label`)."""
    placements = list(
        policies.placements_visible_to(actor, organisation).select_related("case", "host", "referring_organisation")[
            :limit
        ]
    )
    for placement in placements:
        placement.host_label = acse_host_label(actor, organisation, placement)
    return placements


def case_placements(actor, organisation, case) -> list:
    """The Ac.Sé requests of one case, as the organisation may see them."""
    placements = list(
        policies.placements_visible_to(actor, organisation).filter(case=case).select_related("host", "case")
    )
    for placement in placements:
        placement.host_label = acse_host_label(actor, organisation, placement)
    return placements


def placement_for(actor, organisation, pk):
    return (
        policies.placements_visible_to(actor, organisation)
        .select_related("case", "host", "referring_organisation", "coordination")
        .filter(pk=pk)
        .first()
    )


# --- Ac.Sé: the centres that fit, the queues (issue 10.4) ------------------------------------


@dataclass(frozen=True)
class AcseCentre:
    """A partner centre as the coordination chooses it: where it is and how
    many places it has left (declared in the directory, minus the arrivals
    announced since that declaration)."""

    organisation: object
    commune: str
    departement: str
    departement_label: str
    places_left: int | None
    in_danger_zone: bool

    @property
    def fits(self) -> bool:
        return not self.in_danger_zone and (self.places_left or 0) > 0


def acse_partner_centres(coordination, *, danger_departements=(), only: int | None = None) -> list[AcseCentre]:
    """The members of the Ac.Sé networks `coordination` coordinates (the
    directory's networks), with their département and places left. Two
    queries whatever the number of centres."""
    from maillage.directory.enums import NetworkKind
    from maillage.directory.models import NetworkMembership, Profile
    from maillage.territories import reference as ref

    from ..models import AcsePlacement

    networks = NetworkMembership.objects.filter(
        organisation=coordination, is_coordinator=True, network__kind=NetworkKind.ACSE
    ).values("network_id")
    profiles = (
        Profile.objects.filter(
            organisation__network_memberships__network_id__in=networks,
            organisation__network_memberships__is_coordinator=False,
            organisation__is_active=True,
        )
        .exclude(organisation=coordination)
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name")
    )
    if only is not None:
        profiles = profiles.filter(organisation_id=only)
    profiles = list(profiles)
    announced = AcsePlacement.objects.filter(
        host_id__in=[p.organisation_id for p in profiles], status__in=workflow.ACSE_ANNOUNCED_STATUSES
    ).values_list("host_id", "placed_at")
    taken: dict[int, list] = {}
    for host_id, placed_at in announced:
        taken.setdefault(host_id, []).append(placed_at)
    centres = []
    danger = set(danger_departements)
    for profile in profiles:
        places = profile.capacity_places
        if places is not None:
            since = profile.capacity_updated_at
            places -= sum(1 for at in taken.get(profile.organisation_id, []) if since is None or (at and at > since))
            places = max(places, 0)
        dep = profile.departement or profile.organisation.departement
        centres.append(
            AcseCentre(
                organisation=profile.organisation,
                commune=profile.commune,
                departement=dep,
                departement_label=ref.departement(dep).label if ref.is_departement_code(dep) else "",
                places_left=places,
                in_danger_zone=bool(dep) and dep in danger,
            )
        )
    return centres


def acse_centres_for(placement) -> tuple[list[AcseCentre], int]:
    """The centres the coordination may choose for `placement` (away from the
    danger départements, with places), and how many members were left out."""
    current = placement.host_id if placement.status in workflow.ACSE_HOST_ACCESS_STATUSES else None
    centres = [
        c
        for c in acse_partner_centres(placement.coordination, danger_departements=placement.danger_departements)
        if c.organisation.pk != current
    ]
    fitting = [c for c in centres if c.fits]
    return fitting, len(centres) - len(fitting)


def acse_to_place(actor, organisation):
    """The coordination's queue: requests to assess and place (a no-show
    included), most urgent first, then the oldest (issue 10.1)."""
    from django.db.models import Case as CaseWhen
    from django.db.models import IntegerField, Value, When

    from ..enums import AcseUrgency

    rank = CaseWhen(
        When(urgency=AcseUrgency.IMMEDIATE, then=Value(0)),
        When(urgency=AcseUrgency.DAYS, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        policies.placements_visible_to(actor, organisation)
        .filter(coordination=organisation, status__in=workflow.ACSE_PLACEABLE_STATUSES)
        .select_related("case", "referring_organisation")
        .annotate(urgency_rank=rank)
        .order_by("urgency_rank", "created_at", "id")
    )


def acse_arrivals(actor, organisation):
    """The host's queue: announced arrivals to confirm, the oldest first.
    Only the pseudonymous case reference travels with it (R-ACSE; Warsaw art. 11)."""
    return (
        policies.placements_visible_to(actor, organisation)
        .filter(host=organisation, status__in=workflow.ACSE_ANNOUNCED_STATUSES)
        .select_related("case")
        .order_by("placed_at", "id")
    )
