from django.utils.functional import SimpleLazyObject

from .policies import active_memberships

SESSION_ACTIVE_MEMBERSHIP = "maillage.active_membership"


def get_active_membership(request):
    """The organisation the user acts for now (a person may belong to several)."""
    if not request.user.is_authenticated:
        return None
    memberships = list(active_memberships(request.user).order_by("organisation__name"))
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
