"""National plan benchmarks (issue 6).

- plan.page.p95_ms: the public /plan/ page of an adopted plan of 100 measures
  (5 axes, 100 indicators with 300 measurements) whose consultation received
  2,000 contributions (1,000 positions, 600 comments, 400 amendments); target 200 ms.
- plan.round_page.p95_ms: the coordination's view of that round (positions
  counted per measure); no target, for information.
- plan.report_pdf.seconds: the consultation report in PDF for that round; target 10 s.

The data is created inside a transaction rolled back at the end, so the
benchmark leaves the national database as it found it. Django's test client
runs in the same thread and connection, so it sees the uncommitted rows; the
signals that close connections between requests are detached meanwhile (as
Django's TestCase does).
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from bench.common import p95_ms, result

MEASURES = 100
PRIORITIES = 5
ORGS = 10  # 10 organisations × 100 measures = 1,000 positions


class _Rollback(Exception):
    pass


def _build():
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from maillage.organisations.enums import OrganisationType, Role, TerritoryLevel
    from maillage.organisations.models import Membership, Organisation
    from maillage.plans import services
    from maillage.plans.enums import PlanStatus
    from maillage.plans.models import Amendment, Comment, ConsultationRound, Indicator, Measure, Measurement, Plan, PlanVersion, Position, Priority

    User = get_user_model()
    coordination, _ = Organisation.objects.get_or_create(
        slug="bench-plans-coordination",
        defaults={"name": "Coordination (bench plans)", "type": OrganisationType.COORDINATION, "territory_level": TerritoryLevel.NATIONAL},
    )
    coordinator = User.objects.create_user(email="bench.plans.coordination@example.fr", password=None)
    Membership.objects.create(user=coordinator, organisation=coordination, role=Role.COORDINATOR, is_admin=True)
    TOTP.activate(coordinator, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # coordinators must have a second factor
    orgs, authors = [], []
    for i in range(ORGS):
        org = Organisation.objects.create(
            slug=f"bench-plans-asso-{i}", name=f"Association (bench plans) {i}", type=OrganisationType.ASSOCIATION, territory_level=TerritoryLevel.NATIONAL
        )
        user = User.objects.create_user(email=f"bench.plans.{i}@example.fr", password=None)
        Membership.objects.create(user=user, organisation=org, role=Role.MEMBER)
        orgs.append(org)
        authors.append(user)
    plan = Plan.objects.create(title="Plan national (benchmark)", period_start=date(2027, 1, 1), period_end=date(2030, 12, 31), coordination=coordination)
    priorities = Priority.objects.bulk_create([Priority(plan=plan, number=n + 1, title=f"Axe de mesure {n + 1}") for n in range(PRIORITIES)])
    Measure.objects.bulk_create(
        [
            Measure(
                plan=plan,
                priority=priorities[n % PRIORITIES],
                number=n + 1,
                title=f"Mesure de mesure n° {n + 1}",
                description="Texte " * 40,
                lead=orgs[n % ORGS],
                progress=n % 101,
                progress_updated_at=timezone.now(),
            )
            for n in range(MEASURES)
        ]
    )
    measures = list(plan.measures.order_by("number"))
    version = PlanVersion.objects.create(plan=plan, number=1, snapshot=services.snapshot_of(plan), created_by=coordinator)
    now = timezone.now()
    round_ = ConsultationRound.objects.create(
        plan=plan,
        version=version,
        title="Consultation (benchmark)",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        created_by=coordinator,
    )
    round_.invited.set(orgs)
    Position.objects.bulk_create(
        [
            Position(
                round=round_,
                organisation=orgs[o],
                measure=m,
                value=("agree", "mixed", "disagree")[(o + m.number) % 3],
                argument="Argument " * 10,
                author=authors[o],
            )
            for o in range(ORGS)
            for m in measures
        ]
    )
    Comment.objects.bulk_create(
        [
            Comment(
                round=round_, measure=measures[i % MEASURES], organisation=orgs[i % ORGS], author=authors[i % ORGS], stance="neutral", body="Commentaire " * 15
            )
            for i in range(600)
        ]
    )
    Amendment.objects.bulk_create(
        [
            Amendment(
                round=round_,
                version=version,
                measure=measures[i % MEASURES],
                organisation=orgs[i % ORGS],
                author=authors[i % ORGS],
                field="title",
                proposed_text="Rédaction " * 12,
                rationale="Motif " * 12,
                decision="rejected",
                answer="Réponse " * 8,
            )
            for i in range(400)
        ]
    )
    indicators = Indicator.objects.bulk_create(
        [Indicator(measure=m, name=f"Indicateur {m.number}", unit="nombre", baseline_value=10, target_value=100) for m in measures]
    )
    Measurement.objects.bulk_create(
        [
            Measurement(indicator=ind, value=j * 10, date=date(2027 + j, 1, 1), entered_by=coordinator, validated_by=coordinator, validated_at=now)
            for ind in indicators
            for j in range(3)
        ]
    )
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.IN_IMPLEMENTATION, adopted_version=version, adopted_at=now + timedelta(days=3650))
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
            coordinator, round_ = _build()
            anonymous = Client()

            def public_page():
                response = anonymous.get("/plan/")
                assert response.status_code == 200 and b"Plan national (benchmark)" in response.content

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
