"""Main-menu entries « Orientations », « Orientations (national) » and « Ac.Sé ».

The referrals waiting for an answer show on the home page in the « À traiter »
panel (queue_inbox.py), with their count and a link to the inbox's « en
attente » list; the former « Orientations en attente » panel repeated it and
counted every referral received by state on each home page (issue 10,
docs/benchmarks.md « Work queues »)."""

from django.utils.translation import gettext_lazy as _

from maillage.organisations.actor import actor_for_request
from maillage.referrals import roles
from maillage.www.common import acting_organisation
from maillage.www.navigation import MenuEntry, register_menu


def _can_use(request) -> bool:
    return roles.acting_membership(actor_for_request(request), acting_organisation(request)) is not None


register_menu(
    MenuEntry(key="referrals", label=_("Orientations"), url_name="referrals:inbox", visible=_can_use, order=25)
)


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
