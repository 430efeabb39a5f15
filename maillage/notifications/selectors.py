"""A person's in-app notifications.

They take the actor of the request (organisations/actor.py: the person and
the organisations they actively belong to, read once): notifications sit below
organisations and never read memberships themselves."""

from django.db.models import Q

from .models import Notification


def _visible(actor):
    """A person's notifications, except those sent on behalf of an
    organisation they no longer belong to: they carry only a reference and a
    link, but a reference to a case one no longer follows is not one's
    business any more (access ends at the next request, docs/security.md)."""
    if not actor.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=actor.user).filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=actor.organisation_ids)
    )


def notifications_for(actor):
    return _visible(actor).order_by("-created_at")


def unread_count(actor) -> int:
    return _visible(actor).filter(read_at__isnull=True).count()


def sent_emails(*, limit: int = 200):
    """The latest emails of the outbox, newest first: for the development
    page that shows what `make run` sent (maillage.www.dev; 404 unless
    settings.DEV_TOOLS, never in production)."""
    from .models import OutboundEmail

    return OutboundEmail.objects.order_by("-created_at", "-pk")[:limit]
