"""Menu entry and coordinator home panel of the national plan."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.plans import policies, selectors
from maillage.www.navigation import MenuEntry, register_menu, register_panel

register_menu(
    MenuEntry(
        key="plan", label=_("Plan national"), url_name="plans:public", visible=lambda r: True, order=60, anonymous=True
    )
)


def _coordinator_panel(request):
    if not policies.can_manage_plans(request.user):
        return None
    return {
        "title": _("Plan national"),
        "template": "plans/panel_coordinator.html",
        "open_rounds": list(selectors.open_rounds().select_related("plan")[:5]),
        "pending_reports": selectors.pending_reports(request.user).count(),
        "manage_url": reverse("plans:manage"),
    }


register_panel("plans", _coordinator_panel, order=40)
