"""Work queues of the person's legal situation (issue 10 item 1, issue 11):
reflection-period proposals awaiting the person's answer (Warsaw art. 10.2,
13.1) and residence permits to renew (art. 14; CESEDA R431-5: the renewal is
applied for in the two months before expiry). Read only through the case
file's selectors; two queries per queue, whatever the data."""

from __future__ import annotations

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.cases import policies, selectors
from maillage.core import queues


def _applies(actor, organisation) -> bool:
    return policies.can_create_in(actor, organisation)


def _at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(18, 0)))


def _offer_items(actor, organisation, *, limit):
    return [
        queues.WorkItem(
            provider="law_reflection_offers",
            label=_("Recueillir la réponse de la personne au délai de réflexion proposé"),
            subject=offer.case.reference,
            url=reverse("cases:reflection_offer_answer", args=[offer.case_id, offer.pk]),
            received_at=offer.offered_at,
            due_at=_at(offer.follow_up_on),
            detail=_("Proposé le %(d)s (motifs raisonnables, art. 13)")
            % {"d": timezone.localtime(offer.offered_at).strftime("%d/%m/%Y")},
        )
        for offer in selectors.reflection_offers_awaiting(actor, organisation)[:limit]
    ]


def _permit_items(actor, organisation, *, limit):
    items = []
    for permit in selectors.permits_to_renew(actor, organisation)[:limit]:
        expired = permit.end < timezone.localdate()
        items.append(
            queues.WorkItem(
                provider="law_permits",
                label=_("Titre de séjour expiré : renouvellement à demander")
                if expired
                else _("Titre de séjour à renouveler"),
                subject=permit.case.reference,
                url=reverse("cases:detail", args=[permit.case_id]),
                received_at=_at(permit.start),
                due_at=_at(permit.end),
                urgent=expired,
                detail=_("%(kind)s, valable jusqu'au %(d)s")
                % {"kind": permit.kind_label, "d": permit.end.strftime("%d/%m/%Y")},
            )
        )
    return items


queues.register(
    queues.Provider(
        key="law_reflection_offers",
        label=gettext_lazy("Délais de réflexion proposés, réponse à recueillir"),
        applies_to=_applies,
        items=_offer_items,
        count=lambda actor, organisation: selectors.reflection_offers_awaiting(actor, organisation).count(),
        list_url=lambda organisation: reverse("cases:list") + "?statut=presumed",
        order=40,
    )
)
queues.register(
    queues.Provider(
        key="law_permits",
        label=gettext_lazy("Titres de séjour à renouveler"),
        applies_to=_applies,
        items=_permit_items,
        count=lambda actor, organisation: selectors.permits_to_renew(actor, organisation).count(),
        list_url=lambda organisation: reverse("cases:list"),
        order=41,
    )
)
