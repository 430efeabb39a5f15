from django.utils.functional import SimpleLazyObject

from .models import Membership

SESSION_ACTIVE_MEMBERSHIP = "maillage.active_membership"


def request_memberships(request) -> list:
    """The user's active memberships, read once per request (the second-factor
    middleware and the active-organisation middleware both need them)."""
    cached = getattr(request, "_maillage_memberships", None)
    if cached is None:
        cached = list(Membership.objects.active_of(request.user).order_by("organisation__name"))
        request._maillage_memberships = cached
    return cached


def get_active_membership(request):
    """The organisation the user acts for now (a person may belong to several)."""
    if not request.user.is_authenticated:
        return None
    memberships = request_memberships(request)
    if not memberships:
        return None
    wanted = request.session.get(SESSION_ACTIVE_MEMBERSHIP)
    for membership in memberships:
        if membership.pk == wanted:
            return membership
    return memberships[0]


class ActiveMembershipMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: get_active_membership(request))
        return self.get_response(request)
