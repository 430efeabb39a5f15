"""The work queues of the acting organisation, as the pages show them
(maillage/core/queues.py composes the providers the web layer registered).

Composed once per request: the home page's « À traiter » panel and
« Mes tâches et échéances » read the same queues, so the providers run once.
Each provider runs a bounded number of queries whatever the data, so a page
costs the same for an organisation with one waiting item or ten thousand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from maillage.core import queues
from maillage.organisations.actor import actor_for_request
from maillage.www.common import acting_organisation

# Items per queue: enough for the home page's most urgent items and for
# everything due within 48 h; the « À traiter » page shows more per queue.
HOME_LIMIT = 10
PAGE_LIMIT = 25


def queues_for_request(request, *, limit: int = HOME_LIMIT) -> list[queues.Queue]:
    memo = request.__dict__.setdefault("_maillage_queues", {})
    if limit not in memo:
        memo[limit] = queues.queues_for(actor_for_request(request), acting_organisation(request), limit=limit)
    return memo[limit]


def has_queues(request) -> bool:
    """Does any queue apply to the acting organisation? (menu entry; no query
    beyond the actor's memberships, read once per request)."""
    organisation = acting_organisation(request)
    if organisation is None:
        return False
    actor = actor_for_request(request)
    return any(provider.applies_to(actor, organisation) for provider in queues.providers())


def when(value: datetime, *, all_day: bool = False) -> str:
    """« dimanche 27 décembre 2026 à 10 h 00 » (English: « Sunday 27 December 2026, 10:00 »)."""
    local = timezone.localtime(value)
    # Translators: a PHP-style date format (Django's date filter): keep the letters, escape literal ones.
    fmt = _("l j F Y") if all_day else _("l j F Y à G \\h i")
    return formats.date_format(local, fmt)


@dataclass(frozen=True)
class Row:
    """One item as a page shows it: words and dates in the reader's language."""

    item: queues.WorkItem
    queue_label: str
    overdue: bool
    due_text: str
    received_text: str

    @property
    def urgent(self) -> bool:
        return self.item.urgent


def rows(items: list[queues.WorkItem], labels: dict[str, str], *, now: datetime | None = None) -> list[Row]:
    now = now or timezone.now()
    return [
        Row(
            item=item,
            queue_label=labels.get(item.provider, ""),
            overdue=item.is_overdue(now),
            due_text=when(item.due_at, all_day=item.due_all_day) if item.due_at else "",
            received_text=formats.date_format(timezone.localtime(item.received_at), "SHORT_DATE_FORMAT"),
        )
        for item in items
    ]


def labels_of(queue_list: list[queues.Queue]) -> dict[str, str]:
    return {queue.provider.key: str(queue.provider.label) for queue in queue_list}
