"""Menu entry and coordinator home panel of the national plan, registered by
the web layer (maillage/www/apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.plans import policies, selectors

from ..common import actor_for_request
from ..navigation import MenuEntry, register_menu, register_panel

register_menu(
    MenuEntry(
        key="plan", label=_("Plan national"), url_name="plans:public", visible=lambda r: True, order=60, anonymous=True
    )
)


def _coordinator_panel(request):
    actor = actor_for_request(request)
    if not policies.can_manage_plans(actor):
        return None
    return {
        "title": _("Plan national"),
        "template": "plans/panel_coordinator.html",
        "open_rounds": list(selectors.open_rounds().select_related("plan")[:5]),
        "pending_reports": selectors.pending_reports(actor).count(),
        "manage_url": reverse("plans:manage"),
    }


register_panel("plans", _coordinator_panel, order=40)
