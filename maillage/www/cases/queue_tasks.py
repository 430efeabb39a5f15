"""Queue « Tâches des dossiers » (issue 10 item 1): the open tasks on the
organisation's own cases, overdue or due within the tasks panel's horizon,
whoever they are assigned to. One query for the page of tasks (with case and
assignee), one more for the count when the page is full."""

from __future__ import annotations

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.cases import policies, selectors
from maillage.core import queues

KEY = "case_tasks"


def _applies(actor, organisation) -> bool:
    return policies.can_create_in(actor, organisation)


def _end_of(day) -> datetime:
    # A task is due on a day: it is late from the next morning, not at midnight.
    return timezone.make_aware(datetime.combine(day, time.max))


def _items(actor, organisation, *, limit: int) -> list[queues.WorkItem]:
    return [
        queues.WorkItem(
            provider=KEY,
            label=_("Tâche : %(title)s") % {"title": task.title},
            subject=task.case.reference,
            url=reverse("cases:detail", args=[task.case_id]),
            received_at=task.created_at,
            due_at=_end_of(task.due_on),
            due_all_day=True,
            detail=_("Attribuée à %(name)s") % {"name": task.assignee.get_full_name()},
        )
        for task in selectors.open_tasks_of(actor, organisation)[:limit]
    ]


def _count(actor, organisation) -> int:
    return selectors.open_tasks_of(actor, organisation).count()


def _list_url(organisation) -> str:
    return reverse("cases:list")


queues.register(
    queues.Provider(
        key=KEY,
        label=gettext_lazy("Tâches des dossiers de l'organisation"),
        applies_to=_applies,
        items=_items,
        count=_count,
        list_url=_list_url,
        order=40,
    )
)
