"""Work queues of the Ac.Sé pathway (issue 10.1 and 10.4; R-ACSE).

- the Ac.Sé coordination: requests to assess and place (a person who did not
  arrive included), the most urgent first, then the oldest, each with the
  delay its urgency allows;
- a partner centre: the arrivals announced to it, to confirm (or to say the
  person did not come). It learns only the pseudonymous case reference and
  when the arrival was announced: the rest it reads on the case's shared parts.

Two queries per provider and per call, whatever the number of placements.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from maillage.core import queues
from maillage.organisations.enums import OrganisationType
from maillage.referrals import pathways, selectors
from maillage.referrals.enums import AcseStatus, AcseUrgency


def _detail_url(placement) -> str:
    return reverse("referrals:acse_detail", args=[placement.pk])


def _list_url(_organisation) -> str:
    return reverse("referrals:acse_list")


# --- the coordination ------------------------------------------------------------------------


def _is_coordination(_actor, organisation) -> bool:
    return organisation.type == OrganisationType.ACSE_COORDINATION


def _to_place_items(actor, organisation, *, limit):
    items = []
    for p in selectors.acse_to_place(actor, organisation)[:limit]:
        items.append(
            queues.WorkItem(
                provider="acse_to_place",
                label=_("Personne non arrivée : à replacer")
                if p.status == AcseStatus.NO_SHOW
                else _("Demande à évaluer et placer"),
                subject=p.case.reference,
                url=_detail_url(p),
                received_at=p.created_at,
                due_at=p.created_at + pathways.ACSE_PLACEMENT_DELAYS[p.urgency],
                urgent=p.urgency == AcseUrgency.IMMEDIATE,
                detail=_("Urgence : %(u)s — de %(org)s")
                % {"u": p.get_urgency_display(), "org": p.referring_organisation.name},
            )
        )
    return items


def _to_place_count(actor, organisation) -> int:
    return selectors.acse_to_place(actor, organisation).count()


queues.register(
    queues.Provider(
        key="acse_to_place",
        label=_lazy("Demandes Ac.Sé à évaluer et placer"),
        applies_to=_is_coordination,
        items=_to_place_items,
        count=_to_place_count,
        list_url=_list_url,
        order=30,
    )
)


# --- the host centre -------------------------------------------------------------------------


def _may_host(_actor, organisation) -> bool:
    # A shelter always sees the queue (empty: « rien en attente »); another
    # organisation only while an arrival is announced to it.
    return organisation.type == OrganisationType.SHELTER or selectors.acse_arrivals(_actor, organisation).exists()


def _arrival_items(actor, organisation, *, limit):
    items = []
    for p in selectors.acse_arrivals(actor, organisation)[:limit]:
        announced = p.placed_at or p.updated_at
        items.append(
            queues.WorkItem(
                provider="acse_arrivals",
                label=_("Arrivée annoncée à confirmer"),
                subject=p.case.reference,
                url=_detail_url(p),
                received_at=announced,
                due_at=announced + pathways.ACSE_ARRIVAL_DELAY,
                urgent=p.urgency == AcseUrgency.IMMEDIATE,
                detail=_("Annoncée par la coordination Ac.Sé"),
            )
        )
    return items


def _arrival_count(actor, organisation) -> int:
    return selectors.acse_arrivals(actor, organisation).count()


queues.register(
    queues.Provider(
        key="acse_arrivals",
        label=_lazy("Arrivées annoncées"),
        applies_to=_may_host,
        items=_arrival_items,
        count=_arrival_count,
        list_url=_list_url,
        order=31,
    )
)
