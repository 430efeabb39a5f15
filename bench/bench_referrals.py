"""Referral benchmarks (issue 5), on `seed_demo --size national` (150,000
referrals, 10,000 organisations).

- referrals.inbox.p95_ms: the received-referrals page (counts per state +
  first page of 50) of the organisation receiving the most referrals, signed-in
  case worker, alternating « all » and « waiting » filters.
- referrals.suggestions.p95_ms: suggested recipients for a case (directory
  search over 10,000 organisations + ranking on languages, forms, capacity,
  distancing), cycling through services.
"""

from __future__ import annotations

from itertools import cycle

from bench.common import p95_ms, result

SERVICES = ["secure_accommodation", "legal_aid", "psychological_support", "emergency_accommodation", "social_support"]


def run(ctx) -> list[dict]:
    from django.db.models import Count

    from maillage.cases.models import Case
    from maillage.organisations.enums import Role
    from maillage.organisations.models import Membership
    from maillage.referrals import selectors
    from maillage.referrals.models import Referral

    out = []
    top = Referral.objects.values("recipient_organisation").annotate(n=Count("pk")).order_by("-n").first()
    if top is None:
        return out
    membership = (
        Membership.objects.active()
        .filter(organisation_id=top["recipient_organisation"], role=Role.CASE_WORKER)
        .select_related("user", "organisation")
        .first()
    )
    if membership is not None:
        client = ctx.client_for(membership.user)
        session = client.session
        session["maillage.active_membership"] = membership.pk
        session.save()
        urls = cycle(
            [
                "/orientations/",
                "/orientations/?boite=recues&etat=attente",
                "/orientations/?boite=recues&etat=acceptees",
            ]
        )
        assert client.get("/orientations/").status_code == 200
        out.append(
            result("referrals.inbox.p95_ms", p95_ms(lambda: client.get(next(urls)), repeat=100), "ms", 100, "lower")
        )

    sender = (
        Membership.objects.active()
        .filter(role=Role.CASE_WORKER, organisation__cases__isnull=False)
        .select_related("user", "organisation")
        .first()
    )
    if sender is not None:
        cases = cycle(list(Case.objects.filter(organisation=sender.organisation).order_by("pk")[:20]))
        services = cycle(SERVICES)

        def suggest():
            return selectors.suggest_recipients(
                user=sender.user,
                organisation=sender.organisation,
                case=next(cases),
                service=next(services),
                danger_departements=["93"],
            )

        out.append(result("referrals.suggestions.p95_ms", p95_ms(suggest, repeat=60, warmup=5), "ms", 150, "lower"))
    return out
