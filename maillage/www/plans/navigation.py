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


def _consultations_panel(request):
    """Invited organisations find their open and coming consultations on their
    home page, not only through a notification (issue 10)."""
    actor = actor_for_request(request)
    if policies.can_manage_plans(actor):
        return None
    rounds = list(selectors.rounds_awaiting(actor)[:5])
    if not rounds:
        return None
    return {
        "title": _("Consultations sur le plan national"),
        "template": "plans/panel_consultations.html",
        "rounds": rounds,
    }


register_panel("plans", _coordinator_panel, order=40)
register_panel("plans_consultations", _consultations_panel, order=41)
