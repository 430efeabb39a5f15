"""Demo data (PHASE2 « Demo data »): the demo CRIP and parquet accounts each find
a child's item waiting in their queue (a case in Seine-Saint-Denis)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from maillage.core import queues
from maillage.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_seed_demo_leaves_a_crip_item_and_a_parquet_item_for_the_demo_accounts(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    users = get_user_model().objects
    for email, slug, key, label in (
        ("crip93@demo.maillage.fr", "crip-93", "minors_crip", "Évaluation de l'information préoccupante par la CRIP"),
        (
            "parquet.paris@demo.maillage.fr",
            "parquet-paris",
            "minors_parquet",
            "Suites données par le parquet au signalement",
        ),
    ):
        queue = {
            q.provider.key: q for q in queues.queues_for(users.get(email=email), Organisation.objects.get(slug=slug))
        }[key]
        items = queues.queues_for(users.get(email=email), Organisation.objects.get(slug=slug), limit=20)
        labels = [i.label for q in items if q.provider.key == key for i in q.items]
        assert queue.total >= 1 and label in labels
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())  # idempotent
    from maillage.referrals.models import MinorStep

    assert MinorStep.objects.filter(kind="crip_evaluation").count() == 1
