from io import StringIO

import pytest
from django.core.management import call_command

from maillage.referrals.enums import ReferralStatus
from maillage.referrals.models import AcsePlacement, InternationalExchange, MinorStep, Referral

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_referrals_in_every_state_and_pathways(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    states = set(Referral.objects.values_list("status", flat=True))
    assert states == set(ReferralStatus.values)
    assert Referral.objects.filter(status=ReferralStatus.SENT, answer_due_at__isnull=False).count() >= 2
    placement = AcsePlacement.objects.get(status="hosted")
    assert placement.status == "hosted" and placement.host is not None
    assert (
        MinorStep.objects.filter(done_at__isnull=True).exists()
        and MinorStep.objects.filter(done_at__isnull=False).exists()
    )
    from django.utils import timezone

    assert MinorStep.objects.filter(done_at__isnull=True, due_at__lt=timezone.now()).exists()  # overdue
    assert MinorStep.objects.filter(done_at__isnull=True, due_at__gt=timezone.now()).exists()  # on time
    assert InternationalExchange.objects.filter(urgent=True).exists()
    counts = (Referral.objects.count(), MinorStep.objects.count(), InternationalExchange.objects.count())
    call_command("seed_demo", "--quiet-accounts", stdout=StringIO())
    assert (Referral.objects.count(), MinorStep.objects.count(), InternationalExchange.objects.count()) == counts
