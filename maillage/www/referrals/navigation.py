"""Main-menu entry « Orientations » and the home panel « Orientations en attente »."""

from django.utils.translation import gettext_lazy as _

from maillage.organisations.actor import actor_for_request
from maillage.referrals import roles, selectors
from maillage.www.common import acting_organisation
from maillage.www.navigation import MenuEntry, register_menu, register_panel


def _can_use(request) -> bool:
    return roles.acting_membership(actor_for_request(request), acting_organisation(request)) is not None


def _pending_panel(request):
    if not _can_use(request):
        return None
    box = selectors.box_for(actor_for_request(request), acting_organisation(request), box="recues")
    return {
        "title": _("Orientations en attente"),
        "template": "referrals/panel_pending.html",
        "counts": box.counts,
        "referrals": box.waiting(5),
    }


register_menu(
    MenuEntry(key="referrals", label=_("Orientations"), url_name="referrals:inbox", visible=_can_use, order=25)
)
register_panel("referrals_pending", _pending_panel, order=25)


def _is_coordinator(request) -> bool:
    return actor_for_request(request).is_coordinator


register_menu(
    MenuEntry(
        key="referrals_coordination",
        label=_("Orientations (national)"),
        url_name="referrals:coordination",
        visible=_is_coordinator,
        order=26,
    )
)


# Ac.Sé (issue 10.4): the coordination finds its requests from the menu, and a
# partner shelter its announced arrivals. The entry depends only on the
# organisation's type, so the cached menu stays right (www/navigation.py).
def _acse_menu(request) -> bool:
    from maillage.organisations.enums import OrganisationType

    organisation = acting_organisation(request)
    return _can_use(request) and getattr(organisation, "type", None) in (
        OrganisationType.ACSE_COORDINATION,
        OrganisationType.SHELTER,
    )


register_menu(MenuEntry(key="acse", label=_("Ac.Sé"), url_name="referrals:acse_list", visible=_acse_menu, order=27))
