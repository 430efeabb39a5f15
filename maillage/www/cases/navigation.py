"""Main-menu entry « Dossiers » and the home panel « Mes tâches et échéances »."""

from django.utils.translation import gettext_lazy as _

from maillage.cases import policies, selectors
from maillage.organisations.actor import actor_for_request
from maillage.www.common import acting_organisation
from maillage.www.navigation import MenuEntry, register_menu, register_panel


def _can_read_cases(request) -> bool:
    return policies.can_create_in(actor_for_request(request), acting_organisation(request))


def _tasks_panel(request):
    if not _can_read_cases(request):
        return None
    actor = actor_for_request(request)
    return {
        "title": _("Mes tâches et échéances"),
        "template": "cases/panel_tasks.html",
        "tasks": list(selectors.tasks_due_for(actor)[:10]),
        "reflection_periods": list(selectors.reflection_periods_ending(actor)[:10]),
    }


register_menu(MenuEntry(key="cases", label=_("Dossiers"), url_name="cases:list", visible=_can_read_cases, order=20))
register_panel("cases_tasks", _tasks_panel, order=20)
