"""Menu entries and home panels of the statistics pages."""

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.organisations.actor import actor_for_request
from maillage.statistics import policies, selectors
from maillage.www.navigation import MenuEntry, register_menu, register_panel


def _team(request) -> bool:
    return policies.can_run_campaigns(actor_for_request(request))


def _reader(request) -> bool:
    return policies.can_read_all_published(actor_for_request(request))


# Whether an organisation was invited to an annual survey: a fact about the
# organisation (no person, no authorisation: the returns page checks access
# itself), kept five minutes so the menu of an administrator costs one cache
# round trip instead of a query at every page (issue 17). A campaign opened
# shows in the menu within five minutes.
_INVITED_TTL = 300


def _admin(request) -> bool:
    org_ids = sorted(actor_for_request(request).admin_organisation_ids)
    if not org_ids:  # most people administer nothing: no query, no cache
        return False
    keys = {org_id: f"maillage:statistics:invited:{org_id}" for org_id in org_ids}
    found = cache.get_many(list(keys.values()))
    if any(found.get(key) for key in keys.values()):
        return True
    missing = [org_id for org_id, key in keys.items() if key not in found]
    if not missing:
        return False
    invited = set(selectors.invited_organisation_ids(missing))
    cache.set_many({keys[org_id]: org_id in invited for org_id in missing}, _INVITED_TTL)
    return bool(invited)


register_menu(MenuEntry(key="statistics_campaigns", label=_("Enquête annuelle"), url_name="statistics:campaigns",
                        visible=_team, order=60))  # fmt: skip
register_menu(MenuEntry(key="statistics_returns", label=_("Retour à l'enquête"), url_name="statistics:returns",
                        visible=lambda r: not _team(r) and _admin(r), order=61))  # fmt: skip
register_menu(MenuEntry(key="statistics_releases", label=_("Statistiques publiées"), url_name="statistics:releases",
                        visible=_reader, order=62))  # fmt: skip
register_menu(MenuEntry(key="statistics_public", label=_("Statistiques"), url_name="statistics:public",
                        visible=lambda r: False, anonymous=True, order=63))  # fmt: skip


def _waiting_panel(request):
    waiting = selectors.waiting_returns(actor_for_request(request))
    if not waiting:
        return None
    return {
        "title": _("Enquête annuelle : retour attendu"),
        "template": "statistics/panel_waiting.html",
        "invitations": waiting,
        "url": reverse("statistics:returns"),
    }


def _team_panel(request):
    if not _team(request):
        return None
    campaign = selectors.campaigns().filter(status="open").first()
    return {
        "title": _("Enquête annuelle"),
        "template": "statistics/panel_team.html",
        "campaign": campaign,
        "rows": selectors.follow_up(campaign) if campaign else [],
        "url": reverse("statistics:campaigns"),
    }


def _reader_panel(request):
    if not _reader(request) or _team(request):
        return None
    return {
        "title": _("Statistiques publiées"),
        "template": "statistics/panel_reader.html",
        "release": selectors.latest_release(),
        "url": reverse("statistics:releases"),
    }


register_panel("statistics_waiting", _waiting_panel, order=30)
register_panel("statistics_team", _team_panel, order=55)
register_panel("statistics_reader", _reader_panel, order=56)
