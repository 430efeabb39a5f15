"""Main menu and home-page panels, contributed by each feature.

A feature registers a menu entry (with a predicate deciding who sees it) or a
home panel (a function returning what waits for the user, or None). The home
page and the header stay ignorant of the features.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


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


def menu_for(request) -> list[dict]:
    user = request.user
    items = []
    for entry in sorted(_menu.values(), key=lambda e: e.order):
        if user.is_authenticated:
            if not entry.visible(request):
                continue
        elif not entry.anonymous:
            continue
        url = reverse(entry.url_name)
        items.append({"label": entry.label, "url": url, "current": request.path == url or (url != "/" and request.path.startswith(url))})
    return items


def panels_for(request) -> list[dict]:
    panels = []
    for _order, func in sorted(_panels.values(), key=lambda item: item[0]):
        panel = func(request)
        if panel:
            panels.append(panel)
    return panels
