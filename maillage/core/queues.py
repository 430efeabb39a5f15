"""What waits for an organisation: every actor's work queue, from every domain.

Maillage exists so that actors hand a person on to one another without losing
them, so whatever waits for an organisation — a referral to answer, an
information préoccupante to evaluate, an Ac.Sé request to place, an arrival to
confirm, a report to act on — must show on its home page and in a list reachable
from the menu, oldest and most urgent first, with its deadline. A notification
is never the only way in (style.md, « pages as people use them »).

Each domain registers a *provider* from its `AppConfig.ready()` (domains depend
on core, never the other way); the web layer composes the providers that apply
to the acting organisation. A provider reads through its domain's selectors, so
it can only list what the actor may open, and must run a bounded number of
queries whatever the data (`queues.home.p95_ms` in bench/).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

# « Mes tâches et échéances » shows everything due within this horizon, from
# every queue (issue 10 item 6: a 24-hour step must not wait for a weekly look
# at a list). Choix d'ergonomie, overridable per deployment.
DUE_SOON_HOURS_DEFAULT = 48
DUE_SOON_SETTING = "QUEUES_DUE_SOON_HOURS"


def due_soon_horizon() -> timedelta:
    return timedelta(hours=int(getattr(settings, DUE_SOON_SETTING, DUE_SOON_HOURS_DEFAULT)))


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for the organisation. Words only, never identity:
    `subject` is a pseudonymous reference (a case reference, a request number)."""

    provider: str
    label: str  # what there is to do, in words: « Orientation à examiner »
    subject: str  # « TEH-2026-0042 »
    url: str
    received_at: datetime
    due_at: datetime | None = None
    urgent: bool = False
    detail: str = ""  # from whom, which step, in words
    due_all_day: bool = False  # the deadline is a day (a task's date), not an hour

    def is_due_within(self, horizon: timedelta, now: datetime | None = None) -> bool:
        """Overdue, or due before `now + horizon`."""
        return self.due_at is not None and self.due_at <= (now or timezone.now()) + horizon

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.due_at is not None and self.due_at < (now or timezone.now())

    def sort_key(self, now: datetime | None = None) -> tuple:
        """Overdue first, then urgent, then the nearest deadline, then the oldest."""
        now = now or timezone.now()
        far = datetime.max.replace(tzinfo=now.tzinfo)
        return (not self.is_overdue(now), not self.urgent, self.due_at or far, self.received_at)


@dataclass(frozen=True)
class Provider:
    key: str
    label: str  # the queue's name: « Orientations reçues »
    applies_to: Callable  # (actor, organisation) -> bool: cheap, no query when possible
    items: Callable  # (actor, organisation, *, limit) -> list[WorkItem], most urgent first
    count: Callable  # (actor, organisation) -> int: everything waiting
    list_url: Callable | None = None  # (organisation) -> str: the domain's full list
    order: int = 100


@dataclass
class Queue:
    provider: Provider
    items: list[WorkItem] = field(default_factory=list)
    total: int = 0
    list_url: str = ""


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    _providers[provider.key] = provider


def providers() -> list[Provider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.key))


def queues_for(actor, organisation, *, limit: int = 5) -> list[Queue]:
    """The queues that apply to `organisation` for `actor`, each with its
    `limit` most urgent items and its total. Empty queues are kept: the page
    says « rien en attente » per queue rather than hiding the queue."""
    if organisation is None:
        return []
    result = []
    for provider in providers():
        if not provider.applies_to(actor, organisation):
            continue
        items = list(provider.items(actor, organisation, limit=limit))
        total = provider.count(actor, organisation) if len(items) >= limit else len(items)
        list_url = provider.list_url(organisation) if provider.list_url else ""
        result.append(Queue(provider=provider, items=items, total=total, list_url=list_url))
    return result


def most_urgent(queues: list[Queue], *, limit: int = 10) -> list[WorkItem]:
    """Across queues, the items to do first (home page)."""
    now = timezone.now()
    merged = [item for queue in queues for item in queue.items]
    return sorted(merged, key=lambda item: item.sort_key(now))[:limit]


def due_soon(
    queues: list[Queue], *, now: datetime | None = None, exclude: frozenset[str] = frozenset()
) -> list[WorkItem]:
    """Every item of `queues` overdue or due within `due_soon_horizon()`,
    most urgent first; `exclude`: provider keys the caller lists otherwise."""
    now = now or timezone.now()
    horizon = due_soon_horizon()
    merged = [
        item
        for queue in queues
        if queue.provider.key not in exclude
        for item in queue.items
        if item.is_due_within(horizon, now)
    ]
    return sorted(merged, key=lambda item: item.sort_key(now))
