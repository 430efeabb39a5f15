from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.core import cache as fresh_cache
from maillage.notifications.selectors import notifications_for
from maillage.notifications.services import mark_all_read
from maillage.organisations.actor import actor_for_request

from ..navigation import panels_for

# The panels query every domain (tasks, referrals, meetings…): their rendered
# HTML is cached per person, active organisation and language, keyed on the
# freshness versions bumped by every audited write and notification, so a
# change shows at once; the TTL bounds what time alone changes (overdue).
HOME_PANELS_TTL = 60


def _panels_html(request) -> str:
    membership = request.membership
    org_id = membership.organisation_id if membership else None
    key = f"maillage:home:{request.user.pk}:{membership.pk if membership else 0}:{get_language()}"
    # The versions and the HTML stored with them, in one round trip.
    html, versions = fresh_cache.get_fresh(key, ("user", request.user.pk), ("org", org_id))
    if html is None:
        html = render_to_string("home/_panels.html", {"panels": panels_for(request)}, request=request)
        fresh_cache.set_fresh(key, versions, html, HOME_PANELS_TTL)
    return html


def home(request):
    """What is waiting for the signed-in user, panel by panel."""
    return render(
        request,
        "home.html",
        {"page_title": _("Accueil"), "panels_html": _panels_html(request), "membership": request.membership},
    )


@require_http_methods(["GET", "POST"])
def notifications(request):
    qs = notifications_for(actor_for_request(request))
    if request.method == "POST":
        mark_all_read(user=request.user)
        return redirect("notifications")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_title": "Notifications", "page": page})
