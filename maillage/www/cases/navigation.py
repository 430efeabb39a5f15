"""Main-menu entry « Dossiers » and the home panel « Mes tâches et échéances »."""

from django.utils.translation import gettext_lazy as _

from maillage.cases import selectors
from maillage.organisations import policies
from maillage.www.navigation import MenuEntry, register_menu, register_panel


def _can_read_cases(request) -> bool:
    membership = request.membership
    # request.membership is a lazy object: test its truth, not `is None`.
    return bool(membership) and policies.can_read_victim_data(request.user, membership.organisation)


def _tasks_panel(request):
    if not _can_read_cases(request):
        return None
    return {
        "title": _("Mes tâches et échéances"),
        "template": "cases/panel_tasks.html",
        "tasks": list(selectors.tasks_due_for(request.user)[:10]),
        "reflection_periods": list(selectors.reflection_periods_ending(request.user)[:10]),
    }


register_menu(MenuEntry(key="cases", label=_("Dossiers"), url_name="cases:list", visible=_can_read_cases, order=20))
register_panel("cases_tasks", _tasks_panel, order=20)
