from django.db.models import Q

from maillage.organisations.policies import active_memberships

from .models import Notification


def _visible(user):
    """A person's notifications, except those sent on behalf of an
    organisation they no longer belong to: they carry only a reference and a
    link, but a reference to a case one no longer follows is not one's
    business any more (access ends at the next request, docs/security.md)."""
    return Notification.objects.filter(recipient=user).filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=active_memberships(user).values("organisation_id"))
    )


def notifications_for(user):
    return _visible(user).order_by("-created_at")


def unread_count(user) -> int:
    return _visible(user).filter(read_at__isnull=True).count()
