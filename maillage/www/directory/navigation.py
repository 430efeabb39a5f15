"""Menu entry and coordinator home panel of the directory."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.www.navigation import MenuEntry, register_menu, register_panel

register_menu(
    MenuEntry(
        key="directory",
        label=_("Annuaire"),
        url_name="directory_list",
        visible=lambda r: True,
        order=20,
        anonymous=True,
    )
)


def _coverage_panel(request):
    # Imported lazily: the panel runs per request, the app registry is ready.
    from django.core.cache import cache

    from maillage.directory import policies, selectors

    if not policies.is_coordinator(request.user):
        return None
    # An aggregate over the whole directory (~150 ms at 10,000 profiles) shown
    # on every home page load of coordinators: ten minutes old is fine.
    rows = cache.get("directory:uncovered:v1")
    if rows is None:
        rows = [
            {"label": r["service"].display_label, "uncovered": r["uncovered"]}
            for r in selectors.services_with_most_uncovered(limit=5)
        ]
        cache.set("directory:uncovered:v1", rows, 600)
    return {
        "title": _("Couverture territoriale"),
        "template": "directory/panel_coverage.html",
        "rows": rows,
        "url": reverse("directory_coverage"),
    }


register_panel("directory_coverage", _coverage_panel, order=50)
