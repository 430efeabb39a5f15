"""API benchmarks (issue 14), on `seed_demo --size national`.

- api.referrals.inbox.p95_ms: GET /api/v1/orientations/recues/ (first page of
  50 + the box's counts) for the organisation receiving the most referrals,
  with an API token (authentication, scope, same selector as the page).
- api.directory.export.seconds: every public profile of the directory in the
  data·inclusion shape, read page by page (taille=1000) as a harvester would.
"""

from __future__ import annotations

import datetime
import time

from bench.common import p95_ms, result


def run(ctx) -> list[dict]:
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from maillage.api import services as token_services
    from maillage.api.enums import Scope
    from maillage.organisations.enums import Role
    from maillage.organisations.models import Membership
    from maillage.referrals.models import Referral

    out = []
    top = Referral.objects.values("recipient_organisation").annotate(n=Count("pk")).order_by("-n").first()
    if top is not None:
        membership = (
            Membership.objects.active()
            .filter(organisation_id=top["recipient_organisation"], role=Role.CASE_WORKER)
            .select_related("user", "organisation")
            .first()
        )
        if membership is not None:
            if not membership.is_admin:  # the bench database only: a token needs an administrator
                Membership.objects.filter(pk=membership.pk).update(is_admin=True)
            _token, secret = token_services.create_token(
                organisation=membership.organisation,
                acting_user=membership.user,
                name="bench",
                scopes=[Scope.REFERRALS_READ],
                expires_on=timezone.localdate() + datetime.timedelta(days=2),
            )
            client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
            assert client.get("/api/v1/orientations/recues/").status_code == 200
            out.append(
                result(
                    "api.referrals.inbox.p95_ms",
                    p95_ms(lambda: client.get("/api/v1/orientations/recues/"), repeat=100),
                    "ms",
                    50,
                    "lower",
                )
            )

    client = Client()
    started = time.perf_counter()
    url, structures = "/api/v1/annuaire/structures/?taille=1000", 0
    while url:
        page = client.get(url).json()
        structures += len(page["results"])
        url = page["next"]
    seconds = round(time.perf_counter() - started, 2)
    out.append(result("api.directory.export.seconds", seconds, "s", 3, "lower"))
    out.append(result("api.directory.export.structures", structures, "count", None, "higher"))
    return out
