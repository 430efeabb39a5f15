"""Main menu entry and home panel of coordination, registered by the web
layer (maillage/www/apps.py)."""

from django.utils.translation import gettext_lazy as _

from maillage.coordination import selectors

from ..common import actor_for_request
from ..navigation import MenuEntry, register_menu, register_panel


def _has_membership(request) -> bool:
    # `request.membership` is a lazy object, never None itself: ask the
    # memberships the request loaded (issue 17).
    return bool(actor_for_request(request).memberships)


register_menu(
    MenuEntry(
        key="coordination", label=_("Coordination"), url_name="coordination:index", visible=_has_membership, order=50
    )
)


def _coordination_panel(request):
    if not _has_membership(request):
        return None
    actor = actor_for_request(request)
    return {
        "title": _("Coordination"),
        "template": "coordination/panel_home.html",
        "meetings": list(selectors.upcoming_meetings(actor, limit=3)),
        "overdue_actions": list(selectors.my_actions(actor, overdue_only=True)[:5]),
        "letters": list(selectors.letters_awaiting_reply(actor)[:5]),
        "decisions": list(selectors.decisions_due_for_review(actor)[:3]),
    }


register_panel("coordination", _coordination_panel, order=50)
