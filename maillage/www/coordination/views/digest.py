"""« Ma semaine »: the weekly digest in the application, and its email preference."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.coordination import selectors, services

from ...common import actor_for_request, membership_required, run_action


@membership_required
def digest(request):
    return render(
        request,
        "coordination/digest.html",
        {
            "page_title": _("Ma semaine"),
            **selectors.digest_for(actor_for_request(request)),
            "enabled": request.user.weekly_digest_enabled,
        },
    )


@membership_required
@require_POST
def digest_toggle(request):
    run_action(
        request,
        lambda: services.set_digest_preference(user=request.user, enabled=request.POST.get("enabled") == "1"),
        success=_("Préférence enregistrée."),
    )
    return redirect("coordination:digest")
