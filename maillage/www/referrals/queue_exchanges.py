"""Work queue of requests and alerts from abroad (issue 10 item 1, issue 11;
Warsaw arts 33, 34.4): what France must answer without delay, urgent first.
Read through the referrals selectors; one query per call."""

from __future__ import annotations

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.cases import policies as case_policies
from maillage.core import queues
from maillage.referrals import selectors


def _items(actor, organisation, *, limit):
    return [
        queues.WorkItem(
            provider="law_incoming_exchanges",
            label=_("Alerte urgente reçue de l'étranger") if e.urgent else _("Demande reçue de l'étranger à traiter"),
            subject=e.case.reference,
            url=reverse("referrals:minors", args=[e.case_id]),
            received_at=e.sent_at,
            due_at=timezone.make_aware(datetime.combine(e.answer_due_on, time(18, 0))),
            urgent=e.urgent,
            detail=f"{e.counterpart.name} — {e.get_purpose_display()}",
        )
        for e in selectors.incoming_exchanges_awaiting(actor, organisation)[:limit]
    ]


queues.register(
    queues.Provider(
        key="law_incoming_exchanges",
        label=gettext_lazy("Demandes reçues de l'étranger"),
        applies_to=lambda actor, organisation: case_policies.can_create_in(actor, organisation),
        items=_items,
        count=lambda actor, organisation: selectors.incoming_exchanges_awaiting(actor, organisation).count(),
        list_url=None,
        order=42,
    )
)
