"""National plan benchmarks (issue 6).

- plan.page.p95_ms: the public /plan/ page of an adopted plan of 100 measures
  (5 axes, 100 indicators with 300 measurements) whose consultation received
  2,000 contributions (1,000 positions, 600 comments, 400 amendments); target 200 ms.
- plan.round_page.p95_ms: the coordination's view of that round (positions
  counted per measure); no target, for information.
- plan.report_pdf.seconds: the consultation report in PDF for that round; target 10 s.

Data: the plan that `seed_demo --size national` creates
(maillage.plans.demo.NATIONAL_PLAN_TITLE, the one /plan/ shows). When the
database was not seeded at that size, the same plan is built with
`build_bulk_plan` inside a transaction rolled back at the end, so the
benchmark leaves the database as it found it. Django's test client runs in the
same thread and connection, so it sees the uncommitted rows; the signals that
close connections between requests are detached meanwhile (as Django's
TestCase does).
"""

from __future__ import annotations

import time
from datetime import timedelta

from bench.common import p95_ms, result

ORGS = 10


class _Rollback(Exception):
    pass


def _seeded():
    """(coordinator, round) of the seeded national plan, or None."""
    from maillage.organisations.models import Membership
    from maillage.plans.demo import NATIONAL_PLAN_TITLE
    from maillage.plans.models import Plan

    plan = Plan.objects.filter(title=NATIONAL_PLAN_TITLE).first()
    round_ = plan.rounds.first() if plan else None
    if round_ is None:
        return None
    membership = (
        Membership.objects.active()
        .filter(organisation=plan.coordination, role="coordinator")
        .select_related("user")
        .first()
    )
    if membership is None:
        return None
    return membership.user, round_


def _build():
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from maillage.organisations.enums import OrganisationType, Role, TerritoryLevel
    from maillage.organisations.models import Membership, Organisation
    from maillage.plans.demo import build_bulk_plan

    User = get_user_model()
    coordination, _ = Organisation.objects.get_or_create(
        slug="bench-plans-coordination",
        defaults={
            "name": "Coordination (bench plans)",
            "type": OrganisationType.COORDINATION,
            "territory_level": TerritoryLevel.NATIONAL,
        },
    )
    coordinator = User.objects.create_user(email="bench.plans.coordination@example.fr", password=None)
    Membership.objects.create(user=coordinator, organisation=coordination, role=Role.COORDINATOR, is_admin=True)
    TOTP.activate(coordinator, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # coordinators must have a second factor
    orgs, authors = [], []
    for i in range(ORGS):
        org = Organisation.objects.create(
            slug=f"bench-plans-asso-{i}",
            name=f"Association (bench plans) {i}",
            type=OrganisationType.ASSOCIATION,
            territory_level=TerritoryLevel.NATIONAL,
        )
        user = User.objects.create_user(email=f"bench.plans.{i}@example.fr", password=None)
        Membership.objects.create(user=user, organisation=org, role=Role.MEMBER)
        orgs.append(org)
        authors.append(user)
    # Adopted "in the future" so that it is the plan /plan/ shows during the run.
    _plan, round_ = build_bulk_plan(
        title="Plan national (benchmark)",
        coordination=coordination,
        coordinator=coordinator,
        orgs=orgs,
        authors=authors,
        adopted_at=timezone.now() + timedelta(days=3650),
    )
    return coordinator, round_


def run(ctx) -> list[dict]:
    from django.core import signals
    from django.db import close_old_connections, transaction
    from django.test import Client

    rows = []
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with transaction.atomic():
            seeded = _seeded()
            coordinator, round_ = seeded or _build()
            expected = round_.plan.title.encode()
            anonymous = Client()

            def public_page():
                response = anonymous.get("/plan/")
                assert response.status_code == 200 and expected in response.content

            rows.append(result("plan.page.p95_ms", p95_ms(public_page, repeat=60, warmup=5), "ms", 200, "lower"))
            coord_client = ctx.client_for(coordinator)

            def round_page():
                response = coord_client.get(f"/plan/consultations/{round_.pk}/")
                assert response.status_code == 200, response.status_code

            rows.append(result("plan.round_page.p95_ms", p95_ms(round_page, repeat=40, warmup=3), "ms", None, "lower"))
            from maillage.plans.reports import consultation_pdf

            start = time.perf_counter()
            pdf = consultation_pdf(round_)
            elapsed = round(time.perf_counter() - start, 2)
            assert pdf.startswith(b"%PDF")
            rows.append(result("plan.report_pdf.seconds", elapsed, "s", 10, "lower"))
            raise _Rollback
    except _Rollback:
        pass
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return rows
