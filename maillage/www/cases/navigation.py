"""Main-menu entry « Dossiers » and the home panel « Mes tâches et échéances »."""

from django.utils.translation import gettext_lazy as _

from maillage.cases import policies, selectors
from maillage.core import queues
from maillage.organisations.actor import actor_for_request
from maillage.www.common import acting_organisation
from maillage.www.navigation import MenuEntry, register_menu, register_panel
from maillage.www.queues import compose

# The organisation's case tasks have their own queue (queue_tasks.py); the
# panel lists the person's own tasks already, so that queue is not repeated.
_LISTED_HERE = frozenset({"case_tasks"})


def _can_read_cases(request) -> bool:
    return policies.can_create_in(actor_for_request(request), acting_organisation(request))


def _tasks_panel(request):
    """The person's tasks and the case deadlines, and every item of the
    organisation's queues due within 48 hours (issue 10 item 6), whatever the
    domain: a 24-hour step shows here the day it is due."""
    queue_list = compose.queues_for_request(request)
    due_soon = compose.rows(queues.due_soon(queue_list, exclude=_LISTED_HERE), compose.labels_of(queue_list))
    can_read = _can_read_cases(request)
    if not can_read and not due_soon:
        return None
    actor = actor_for_request(request)
    return {
        "title": _("Mes tâches et échéances"),
        "template": "cases/panel_tasks.html",
        "tasks": list(selectors.tasks_due_for(actor)[:10]) if can_read else [],
        "reflection_periods": list(selectors.reflection_periods_ending(actor)[:10]) if can_read else [],
        "due_soon": due_soon,
        "can_read_cases": can_read,
        "due_soon_hours": int(queues.due_soon_horizon().total_seconds() // 3600),
    }


register_menu(MenuEntry(key="cases", label=_("Dossiers"), url_name="cases:list", visible=_can_read_cases, order=20))
register_panel("cases_tasks", _tasks_panel, order=20)
