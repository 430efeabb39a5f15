import io
import random

import pytest

from maillage.demo.registry import SeedContext
from maillage.directory.demo import UNCOVERED, seed_directory
from maillage.directory.models import Network, Profile
from maillage.directory.selectors import coverage_by_departement, search_directory
from maillage.organisations.demo import seed_network

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_has_holes():
    ctx = SeedContext(size="demo", rng=random.Random(2013), stdout=io.StringIO())
    seed_network(ctx)
    seed_directory(ctx)
    count = Profile.objects.count()
    assert 140 <= count <= 160
    assert (
        Network.objects.filter(slug__in=["reseau-acse", "ensemble-contre-la-traite", "comite-traite-93"]).count() == 3
    )
    ctx2 = SeedContext(size="demo", rng=random.Random(2013), stdout=io.StringIO(), shared=ctx.shared)
    seed_directory(ctx2)
    assert Profile.objects.count() == count
    counts = coverage_by_departement(viewer=None, service="secure_accommodation")
    assert all(counts[code] == 0 for code in UNCOVERED)
    assert 30 < sum(1 for v in counts.values() if v) < len(counts) - len(UNCOVERED)
    assert search_directory(viewer=None, text="passerelle").total >= 1
