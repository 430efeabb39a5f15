"""Main-menu entry « Orientations » and the home panel « Orientations en attente »."""

from django.utils.translation import gettext_lazy as _

from maillage.referrals import policies, selectors
from maillage.www.navigation import MenuEntry, register_menu, register_panel


def _organisation(request):
    membership = request.membership  # lazy object: test its truth
    return membership.organisation if membership else None


def _can_use(request) -> bool:
    return policies.acting_membership(request.user, _organisation(request)) is not None


def _pending_panel(request):
    if not _can_use(request):
        return None
    box = selectors.box_for(request.user, _organisation(request), box="recues")
    return {
        "title": _("Orientations en attente"),
        "template": "referrals/panel_pending.html",
        "counts": box.counts,
        "referrals": list(box.referrals.filter(status="sent")[:5]),
    }


register_menu(
    MenuEntry(key="referrals", label=_("Orientations"), url_name="referrals:inbox", visible=_can_use, order=25)
)
register_panel("referrals_pending", _pending_panel, order=25)


def _is_coordinator(request) -> bool:
    from maillage.organisations.policies import is_coordinator

    return is_coordinator(request.user)


register_menu(
    MenuEntry(
        key="referrals_coordination",
        label=_("Orientations (national)"),
        url_name="referrals:coordination",
        visible=_is_coordinator,
        order=26,
    )
)
