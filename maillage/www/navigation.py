"""Main menu and home-page panels, contributed by each feature.

A feature registers a menu entry (with a predicate deciding who sees it) or a
home panel (a function returning what waits for the user, or None). The home
page and the header stay ignorant of the features.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import get_language


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


def _visible_entries(request) -> list[tuple[str, str]]:
    user = request.user
    entries = []
    for entry in sorted(_menu.values(), key=lambda e: e.order):
        if user.is_authenticated:
            if not entry.visible(request):
                continue
        elif not entry.anonymous:
            continue
        entries.append((str(entry.label), reverse(entry.url_name)))
    return entries


def _menu_cache_key(request) -> str:
    from maillage.core import freshness
    from maillage.organisations.middleware import request_memberships

    # Who sees which entry depends only on the person's active memberships
    # (roles, admin flags, organisation types): they are part of the key, so a
    # role change or a removal shows at the next request.
    signature = ",".join(
        f"{m.pk}:{m.role}:{int(m.is_admin)}:{m.organisation.type}" for m in request_memberships(request)
    )
    return "maillage:menu:{user}:{lang}:{sig}:{versions}".format(
        user=request.user.pk,
        lang=get_language(),
        sig=signature,
        versions=freshness.versions(("user", request.user.pk)),
    )


def menu_for(request) -> list[dict]:
    if request.user.is_authenticated:
        key = _menu_cache_key(request)
        entries = cache.get(key)
        if entries is None:
            entries = _visible_entries(request)
            cache.set(key, entries, 300)
    else:
        entries = _visible_entries(request)
    return [
        {"label": label, "url": url, "current": request.path == url or (url != "/" and request.path.startswith(url))}
        for label, url in entries
    ]


def panels_for(request) -> list[dict]:
    panels = []
    for _order, func in sorted(_panels.values(), key=lambda item: item[0]):
        panel = func(request)
        if panel:
            panels.append(panel)
    return panels
