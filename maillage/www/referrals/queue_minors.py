"""Work queues of the minors' chain (issue 10.1 and 10.2; rules.md §3.5).

- The CRIP: informations préoccupantes to evaluate (3 months, shorter under
  2 years, R-CHILD-CRIP), reports it owes the prosecutor (L226-4) and the child's
  steps the law gives it (emergency reception, respite, minority evaluation…).
- The parquet: reports received (OPP, investigation, juge des enfants) and
  requests for an ad hoc administrator (CPP art. 706-50).
- Any other organisation: the steps of the chain it owns (the report to the
  prosecutor and the transmission to the CRIP within 24 hours).

Read through `referrals.selectors.minor_steps_waiting_for` (restricted to the
organisation's own open steps): two queries per queue, whatever the data.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core import queues
from maillage.organisations.enums import OrganisationType
from maillage.referrals import selectors


def _item(provider: str, step) -> queues.WorkItem:
    source = step.source_step
    detail = (
        _("Transmis par %(org)s") % {"org": source.owner_organisation.name}
        if source is not None
        else str(step.legal_source)
    )
    return queues.WorkItem(
        provider=provider,
        label=str(step.get_kind_display()),
        subject=step.case.reference,
        url=reverse("referrals:minor_step", args=[step.case_id, step.pk]),
        received_at=step.created_at,
        due_at=step.due_at,
        urgent=step.grave_danger,
        detail=detail,
    )


def _provider(key: str, label, order: int, applies) -> queues.Provider:
    def items(actor, organisation, *, limit):
        # Danger grave et immédiat first among the steps due soonest (WorkItem.sort_key).
        rows = selectors.minor_steps_waiting_for(actor, organisation)[: limit * 4]
        return sorted((_item(key, s) for s in rows), key=lambda i: i.sort_key())[:limit]

    def count(actor, organisation):
        return selectors.minor_steps_waiting_for(actor, organisation).count()

    return queues.Provider(
        key=key,
        label=label,
        applies_to=lambda actor, organisation: applies(organisation),
        items=items,
        count=count,
        order=order,
    )


queues.register(
    _provider(
        "minors_crip",
        gettext_lazy("Informations préoccupantes et étapes de protection de l'enfant"),
        20,
        lambda org: org.type == OrganisationType.CHILD_PROTECTION,
    )
)
queues.register(
    _provider(
        "minors_parquet",
        gettext_lazy("Signalements reçus et demandes concernant des mineur·es"),
        20,
        lambda org: org.type == OrganisationType.PROSECUTOR,
    )
)
queues.register(
    _provider(
        "minors_steps",
        gettext_lazy("Étapes du parcours mineur à faire"),
        30,
        lambda org: org.type not in (OrganisationType.CHILD_PROTECTION, OrganisationType.PROSECUTOR),
    )
)
