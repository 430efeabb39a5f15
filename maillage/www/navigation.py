"""Main menu and home-page panels, contributed by each feature.

A feature registers a menu entry (with a predicate deciding who sees it) or a
home panel (a function returning what waits for the user, or None). The home
page and the header stay ignorant of the features.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str
    url_name: str
    visible: Callable[[object], bool]
    order: int = 100
    anonymous: bool = False


_menu: dict[str, MenuEntry] = {}
_panels: dict[str, tuple[int, Callable]] = {}


def register_menu(entry: MenuEntry) -> None:
    _menu[entry.key] = entry


def register_panel(key: str, func: Callable, *, order: int = 100) -> None:
    """`func(request)` returns a dict {title, template, context...} or None."""
    _panels[key] = (order, func)


def _url(url_name: str) -> str:
    """`reverse()` of a menu entry, memoised per URLconf and script prefix:
    menu URLs take no arguments, so they change only with those two."""
    key = (url_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    url = _urls.get(key)
    if url is None:
        url = _urls[key] = reverse(url_name)
    return url


_urls: dict[tuple, str] = {}


def _visible_entries(request) -> list[tuple[str, str]]:
    user = request.user
    entries = []
    for entry in sorted(_menu.values(), key=lambda e: e.order):
        if user.is_authenticated:
            if not entry.visible(request):
                continue
        elif not entry.anonymous:
            continue
        entries.append((str(entry.label), _url(entry.url_name)))
    return entries


def menu_for(request) -> list[dict]:
    """The entries this person sees, decided at every request from the
    memberships the request already loaded (`actor_for_request`): no query
    and no cache round trip for most people (an organisation administrator
    costs one indexed EXISTS, the statistics return entry), and nothing
    about authorisation kept across requests (issue 17)."""
    return [
        {"label": label, "url": url, "current": request.path == url or (url != "/" and request.path.startswith(url))}
        for label, url in _visible_entries(request)
    ]


def panels_for(request) -> list[dict]:
    panels = []
    for _order, func in sorted(_panels.values(), key=lambda item: item[0]):
        panel = func(request)
        if panel:
            panels.append(panel)
    return panels
