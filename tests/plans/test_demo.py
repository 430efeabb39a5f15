import io
import random

import pytest
from django.utils.module_loading import autodiscover_modules

from maillage.demo.registry import SeedContext, seeders
from maillage.plans.enums import PlanStatus
from maillage.plans.models import Amendment, Comment, ConsultationRound, Measure, Plan, Position

pytestmark = pytest.mark.django_db


def _seed():
    autodiscover_modules("demo")
    ctx = SeedContext(size="demo", rng=random.Random(1), stdout=io.StringIO())
    for name, func in seeders():
        if name in ("organisations et comptes", "plans"):
            func(ctx)


def test_demo_plans_are_realistic_and_idempotent(client):
    _seed()
    first = Plan.objects.get(status=PlanStatus.IN_IMPLEMENTATION)
    assert first.priorities.count() == 3
    assert first.measures.count() == 23
    assert first.measures.get(number=1).title == "Aller au-devant des victimes et favoriser l'accès aux droits"
    assert first.measures.get(number=10).title == "Plate-forme européenne d'identification des mineurs victimes"
    assert all("illustrative" in m.title.lower() for m in first.measures.filter(is_illustrative=True))
    closed = ConsultationRound.objects.get(plan=first)
    assert closed.phase == "closed"
    assert Position.objects.filter(round=closed).values("organisation").distinct().count() >= 3
    assert (
        Comment.objects.filter(round=closed).exists()
        and Amendment.objects.filter(round=closed).exclude(answer="").count() == 2
    )
    draft = Plan.objects.get(status=PlanStatus.CONSULTATION)
    assert draft.rounds.get().phase == "open"
    counts = (Plan.objects.count(), Measure.objects.count(), Position.objects.count())
    _seed()
    assert (Plan.objects.count(), Measure.objects.count(), Position.objects.count()) == counts
    page = client.get("/plan/").content.decode()
    assert "mesure illustrative" in page and "Dernière mise à jour" in page


def test_national_size_adds_a_benchmark_plan_shown_on_the_public_page(client):
    from maillage.plans.demo import NATIONAL_PLAN_TITLE
    from maillage.plans.models import Indicator, Measurement

    autodiscover_modules("demo")
    national = SeedContext(size="demo", rng=random.Random(1), stdout=io.StringIO())
    funcs = dict(seeders())
    funcs["organisations et comptes"](national)  # the 10,000 national organisations are not needed here
    national.size = "national"
    funcs["plans"](national)
    plan = Plan.objects.get(title=NATIONAL_PLAN_TITLE)
    assert plan.status == PlanStatus.IN_IMPLEMENTATION and plan.adopted_version is not None
    assert plan.measures.count() == 100 and plan.priorities.count() == 5
    round_ = plan.rounds.get()
    contributions = (
        Position.objects.filter(round=round_).count()
        + Comment.objects.filter(round=round_).count()
        + Amendment.objects.filter(round=round_).count()
    )
    assert contributions == 2000
    assert Indicator.objects.filter(measure__plan=plan).count() == 100
    assert Measurement.objects.filter(indicator__measure__plan=plan, validated_at__isnull=False).count() == 300
    funcs["plans"](national)  # idempotent
    assert Plan.objects.filter(title=NATIONAL_PLAN_TITLE).count() == 1
    assert NATIONAL_PLAN_TITLE in client.get("/plan/").content.decode()
