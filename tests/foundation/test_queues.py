"""Work queues (maillage/core/queues.py): what waits for an organisation,
composed from every domain, most urgent first."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maillage.core import queues


def _item(label, *, received_days_ago=0, due_in_days=None, urgent=False):
    now = timezone.now()
    return queues.WorkItem(
        provider="test",
        label=label,
        subject="TEH-2026-0001",
        url="/",
        received_at=now - timedelta(days=received_days_ago),
        due_at=None if due_in_days is None else now + timedelta(days=due_in_days),
        urgent=urgent,
    )


def test_overdue_then_urgent_then_nearest_deadline_then_oldest():
    items = [
        _item("no deadline, old", received_days_ago=30),
        _item("due in 5 days", due_in_days=5),
        _item("urgent, due in 2 days", due_in_days=2, urgent=True),
        _item("overdue", due_in_days=-1),
        _item("due in 1 day", due_in_days=1),
        _item("no deadline, older", received_days_ago=40),
    ]
    ordered = [i.label for i in sorted(items, key=lambda i: i.sort_key())]
    assert ordered == [
        "overdue",
        "urgent, due in 2 days",
        "due in 1 day",
        "due in 5 days",
        "no deadline, older",
        "no deadline, old",
    ]


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(queues, "_providers", {})
    return queues


def test_only_the_queues_that_apply_to_the_organisation(registry):
    counted = []

    def count(actor, org):
        counted.append(org)
        return 12

    registry.register(
        queues.Provider(
            key="crip",
            label="Informations préoccupantes",
            applies_to=lambda actor, org: org == "crip",
            items=lambda actor, org, limit: [_item(f"IP {n}") for n in range(limit)],
            count=count,
            list_url=lambda org: "/ip/",
        )
    )
    registry.register(
        queues.Provider(
            key="empty",
            label="Rien",
            applies_to=lambda actor, org: True,
            items=lambda actor, org, limit: [],
            count=lambda actor, org: pytest.fail("not counted when the page holds everything"),
        )
    )
    assert [q.provider.key for q in registry.queues_for(None, "association")] == ["empty"]
    crip = registry.queues_for(None, "crip", limit=3)
    assert [q.provider.key for q in crip] == ["crip", "empty"]
    assert crip[0].total == 12 and len(crip[0].items) == 3 and crip[0].list_url == "/ip/"
    assert crip[1].total == 0
    assert registry.queues_for(None, None) == []
    assert len(registry.most_urgent(crip, limit=2)) == 2
