import io
import random

import pytest

from maillage.coordination.demo import GROUP_NAME, seed_coordination
from maillage.coordination.models import ActionItem, Appointment, Letter, Meeting, WorkingGroup
from maillage.demo.registry import SeedContext
from maillage.organisations.demo import seed_network

pytestmark = pytest.mark.django_db


def test_demo_seeder_is_complete_and_idempotent():
    ctx = SeedContext(size="demo", rng=random.Random(1), stdout=io.StringIO())
    seed_network(ctx)
    seed_coordination(ctx)
    seed_coordination(ctx)
    group = WorkingGroup.objects.get(name=GROUP_NAME)
    assert group.focus == "minors"
    assert group.members.values("organisation").distinct().count() >= 4
    assert Meeting.objects.filter(group=group, minutes_status="approved").count() == 1
    circulated = Meeting.objects.get(group=group, minutes_status="circulated")
    assert circulated.status == "held" and circulated.minutes_remarks.exclude(body="").exists()
    assert Meeting.objects.filter(group=group, minutes_status="none").count() == 1
    assert ActionItem.objects.filter(group=group).count() >= 5
    assert any(a.is_overdue for a in ActionItem.objects.filter(group=group))
    dates = set(Letter.objects.values_list("letter_date", flat=True))
    assert {d.isoformat() for d in dates} >= {"2013-05-07", "2013-05-24"}
    assert Letter.objects.get(letter_date="2013-05-07").status == "answered"
    assert Appointment.objects.filter(status="pending").count() == 1
    assert WorkingGroup.objects.filter(name=GROUP_NAME).count() == 1
