"""Private calendar feeds: subscription addresses and the feed itself."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from maillage.coordination import policies, selectors, services
from maillage.coordination.ical import feed_ics

from ...common import actor_for_request, membership_required


@membership_required
@require_http_methods(["GET", "POST"])
def feeds(request):
    actor = actor_for_request(request)
    new_url = None
    if request.method == "POST":
        group = None
        posted = request.POST.get("group", "")
        if posted:
            # Not a number (found by tests/foundation/test_form_fuzzing.py): the
            # same 404 as a group out of reach, not a 500.
            if not (posted.isascii() and posted.isdigit()):
                raise Http404
            group = get_object_or_404(policies.groups_visible_to(actor), pk=posted)
        issued = services.issue_feed_token(acting_user=request.user, group=group)
        new_url = request.build_absolute_uri(f"/coordination/agenda/{issued.token}.ics")
        messages.success(request, _("Adresse d'abonnement créée. Copiez-la maintenant : elle ne sera plus affichée."))
    return render(
        request,
        "coordination/feeds.html",
        {
            "page_title": _("Agendas privés"),
            "tokens": policies.feeds_visible_to(actor).select_related("group"),
            "new_url": new_url,
            "groups": policies.groups_visible_to(actor),
        },
    )


@membership_required
@require_POST
def feed_revoke(request, pk):
    feed = get_object_or_404(policies.feeds_visible_to(actor_for_request(request)), pk=pk)
    services.revoke_feed_token(feed=feed, acting_user=request.user)
    messages.success(request, _("Adresse d'abonnement révoquée : les agendas abonnés ne seront plus mis à jour."))
    return redirect("coordination:feeds")


@login_not_required
def feed(request, token):
    """Calendar applications fetch this without a session: the secret token is
    the credential. Unknown and revoked tokens are the same 404."""
    found = selectors.feed_for_token(token)
    if found is None:
        raise Http404
    name = found.group.name if found.group_id else _("Maillage — mes réunions")
    meetings = list(selectors.feed_meetings(found))
    # Calendar applications poll the same feed every few minutes: the text is
    # cached under a key made of what it shows (meetings, versions, statuses),
    # so any change or loss of visibility gives a new key at once.
    fingerprint = repr([name, found.pk, *((m.pk, m.sequence, m.status, m.updated_at.isoformat()) for m in meetings)])
    key = "coordination-feed:" + hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()
    body = cache.get(key)
    if body is None:
        body = feed_ics(meetings, name=name)
        cache.set(key, body, 300)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
