"""Every demo role's home page and menu, page by page (issue 10 item 8, WCAG
1.4.10): signed in as each role, the crawler opens the home page, then the
links of the menu, then the links of the home page's panels (same origin,
GET only: no sign-out, language, download or export link), and on each page
checks axe (WCAG 2.1 A/AA), no horizontal scroll at 1280 px and at 320 px,
and no code shown instead of words (in French). The home page is also read
in English (the header's language button): no code, no French interface
text left.

Runtime stays reasonable (under 3 minutes on an idle machine): one visit per
page template and role (/dossiers/12/ ~ /dossiers/13/), at most PAGES_PER_ROLE
pages per role, menu links first."""

import os
import re
from urllib.parse import urljoin, urlparse

import pytest

from tests.e2e.checks import check_both_languages, check_page, check_words
from tests.e2e.conftest import CHROMIUM, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (make test installs it)"
    ),
]

# One account per kind of organisation of the demo (maillage/organisations/demo.py).
ROLES = {
    "coordination (MIPROF)": "coordination@demo.maillage.fr",
    "association, administrator": "admin.passerelle-paris@demo.maillage.fr",
    "association, case worker": "accompagnement.escale-marseille@demo.maillage.fr",
    "CRIP": "crip93@demo.maillage.fr",
    "parquet": "parquet.paris@demo.maillage.fr",
    "police unit": "bpm.paris@demo.maillage.fr",
    "Ac.Sé coordination": "coordination.acse@demo.maillage.fr",
    "host shelter": "chrs.tilleuls@demo.maillage.fr",
    "national rapporteur": "rapporteur.cncdh@demo.maillage.fr",
}
PAGES_PER_ROLE = 9
# Links a crawler must not follow: they change state, download files or leave.
SKIP = re.compile(
    r"(/i18n/|/logout|/deconnexion|\.(csv|xlsx|pdf|ics|zip|json|yaml)$|/export|/telecharger|/ical/|/flux/"
    r"|/documents/\d+/?$|/dev/)"
)


def _pattern(path: str) -> str:
    path = re.sub(r"TEH-\d{4}-\d+", "REF", path)
    return re.sub(r"\d+", "N", path)


def _links(page, selector: str, base: str) -> list[str]:
    out = []
    for href in page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))"):
        url = urlparse(urljoin(page.url, href))
        if url.netloc == urlparse(base).netloc and not SKIP.search(url.path) and not href.startswith("#"):
            out.append(url.path + (f"?{url.query}" if url.query else ""))
    return out


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_the_home_and_menu_reflows_for(role, page, live_app):
    base = live_app["base"]
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_app, ROLES[role])
    page.goto(base + "/")
    check_page(page)
    check_both_languages(page)
    queue = _links(page, "#navigation-principale a[href]", base) + _links(page, "main a[href]", base)
    seen, visited = {_pattern("/")}, ["/"]
    for path in queue:
        if len(visited) >= PAGES_PER_ROLE:
            break
        if _pattern(path) in seen:
            continue
        seen.add(_pattern(path))
        response = page.goto(base + path)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        assert response.status < 400, f"{role}: {path} answers {response.status}, yet the page links to it"
        visited.append(path)
        check_page(page)
        check_words(page)
    assert len(visited) >= 4, visited
    assert not page.js_errors, page.js_errors
