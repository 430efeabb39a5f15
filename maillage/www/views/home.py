from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from maillage.notifications.selectors import notifications_for

from ..navigation import panels_for


def home(request):
    """What is waiting for the signed-in user, panel by panel."""
    return render(
        request,
        "home.html",
        {"page_title": "Accueil", "panels": panels_for(request), "membership": request.membership},
    )


@require_http_methods(["GET", "POST"])
def notifications(request):
    qs = notifications_for(request.user)
    if request.method == "POST":
        qs.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_title": "Notifications", "page": page})
