"""Development-only pages (settings.DEV_TOOLS, set by config/settings/dev.py):
a 404 anywhere else, production included."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from maillage.notifications import selectors


def emails(request):
    """The emails the demo sent (the outbox), for a signed-in developer: with
    `make run` they are otherwise only in var/worker.log."""
    if not getattr(settings, "DEV_TOOLS", False):
        raise Http404
    return render(
        request,
        "dev/emails.html",
        {"page_title": _("Courriels envoyés (développement)"), "emails": list(selectors.sent_emails())},
    )
