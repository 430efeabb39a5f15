"""Work-queue benchmarks (issue 10), on `seed_demo --size national`.

- queues.home.p95_ms: the signed-in home page of the busiest CRIP (the child
  protection service receiving the most referrals still waiting for an
  answer), its panels cache cleared before every request, so each request
  composes every queue (« À traiter », « Mes tâches et échéances »).
- queues.home.queries: the number of SQL queries of that page (it must not
  grow with the data: tests/referrals/test_queue_inbox.py holds that).
- queues.page.p95_ms: the « À traiter » page of the same organisation.
"""

from __future__ import annotations

from bench.common import p95_ms, result


def run(ctx) -> list[dict]:
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count

    from maillage.organisations.enums import OrganisationType, Role
    from maillage.organisations.models import Membership
    from maillage.referrals.enums import ReferralStatus
    from maillage.referrals.models import Referral

    busiest = (
        Referral.objects.filter(
            status=ReferralStatus.SENT, recipient_organisation__type=OrganisationType.CHILD_PROTECTION
        )
        .values("recipient_organisation")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        return []
    membership = (
        Membership.objects.active()
        .filter(organisation_id=busiest["recipient_organisation"], role=Role.CASE_WORKER)
        .select_related("user", "organisation")
        .first()
    )
    if membership is None:
        return []
    client = ctx.client_for(membership.user)
    session = client.session
    session["maillage.active_membership"] = membership.pk
    session.save()

    def home():
        cache.clear()
        response = client.get("/")
        assert response.status_code == 200

    home()
    queries = []

    def count(execute, sql, params, many, context):
        # (CaptureQueriesContext saw none on the bench settings; a wrapper sees every query.)
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        home()
    out = [
        result("queues.home.p95_ms", p95_ms(home, repeat=60, warmup=5), "ms", 100, "lower"),
        result("queues.home.queries", len(queries), "queries", None, "lower"),
        result("queues.home.waiting_referrals", busiest["n"], "referrals", None, "higher"),
    ]
    assert client.get("/a-traiter/").status_code == 200
    out.append(
        result(
            "queues.page.p95_ms", p95_ms(lambda: client.get("/a-traiter/"), repeat=60, warmup=5), "ms", 150, "lower"
        )
    )
    return out
