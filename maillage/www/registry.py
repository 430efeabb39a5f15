"""Menu entries and home panels of the foundation (accounts, organisations)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.core import queues
from maillage.notifications.selectors import unread_count
from maillage.organisations import selectors
from maillage.organisations.actor import actor_for_request

from .navigation import MenuEntry, register_menu, register_panel
from .queues import compose


def _has_membership(request) -> bool:
    # `request.membership` is lazy and never None itself: test its truth.
    return bool(request.membership)


register_menu(MenuEntry(key="home", label=_("Accueil"), url_name="home", visible=lambda r: True, order=0))
# « À traiter »: every queue of the acting organisation (maillage/core/queues.py),
# shown to whoever acts for an organisation some queue applies to.
register_menu(
    MenuEntry(key="queues", label=_("À traiter"), url_name="queues:list", visible=compose.has_queues, order=5)
)


def _queues_panel(request):
    """The most urgent items across the organisation's queues (issue 10 item 1):
    nothing waits for an actor only in a notification."""
    queue_list = compose.queues_for_request(request)
    if not queue_list:
        return None
    labels = compose.labels_of(queue_list)
    return {
        "title": _("À traiter"),
        "template": "home/panel_queues.html",
        "rows": compose.rows(queues.most_urgent(queue_list, limit=HOME_QUEUE_ITEMS), labels),
        "waiting": sum(queue.total for queue in queue_list),
        # Each queue's count and its domain's full list (the referrals inbox,
        # the minors' steps…): what the per-domain home panels used to give.
        "queues": [queue for queue in queue_list if queue.total],
        "url": reverse("queues:list"),
    }


HOME_QUEUE_ITEMS = 6


def _organisation_panel(request):
    membership = request.membership
    if not membership:  # lazy: wraps None for a person without an organisation
        return {
            "title": _("Aucune organisation"),
            "template": "home/panel_no_membership.html",
        }
    organisation = membership.organisation
    context = {
        "title": organisation.name,
        "template": "home/panel_organisation.html",
        "membership": membership,
        "members_url": reverse("organisation_members", kwargs={"slug": organisation.slug}),
    }
    if membership.is_admin:
        context["pending_invitations"] = selectors.pending_invitations(
            actor_for_request(request), organisation
        ).count()
        context["access_log_url"] = reverse("organisation_access_log", kwargs={"slug": organisation.slug})
    return context


def _notifications_panel(request):
    count = unread_count(actor_for_request(request))
    return {
        "title": _("Notifications"),
        "template": "home/panel_notifications.html",
        "unread": count,
        "url": reverse("notifications"),
    }


register_panel("queues", _queues_panel, order=5)
register_panel("organisation", _organisation_panel, order=10)
register_panel("notifications", _notifications_panel, order=900)
