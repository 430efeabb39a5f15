"""What a person does in a browser: sign in with password and TOTP, switch the
language, and every page they can reach passes axe (WCAG 2.0/2.1 A and AA)
without a JavaScript or CSP error."""

import re
from urllib.parse import urljoin, urlparse

from .conftest import check_axe, follow, sign_in

CASE_WORKER = "admin.passerelle-paris@demo.maillage.fr"
COORDINATOR = "coordination@demo.maillage.fr"

# Links a crawler must not follow: they change state, download files or leave.
SKIP = re.compile(
    r"(/i18n/|/logout|/deconnexion|\.(csv|xlsx|pdf|ics|zip)$|/export|/telecharger|/ical/|/flux/|/documents/\d+/?$)"
)


def _pattern(path: str) -> str:
    # One visit per page template: /dossiers/TEH-2026-000123/ ~ /dossiers/TEH-2026-000124/
    path = re.sub(r"TEH-\d{4}-\d+", "REF", path)
    return re.sub(r"\d+", "N", path)


def crawl(page, live_app, *, limit: int = 45) -> list[str]:
    base = live_app["base"]
    queue, seen_patterns, visited = ["/"], set(), []
    while queue and len(visited) < limit:
        path = queue.pop(0)
        pattern = _pattern(path)
        if pattern in seen_patterns:
            continue
        seen_patterns.add(pattern)
        response = page.goto(base + path)
        if (
            response is None
            or response.status >= 400
            or "text/html" not in (response.headers.get("content-type") or "")
        ):
            continue
        visited.append(path)
        assert not page.js_errors, f"{path}: {page.js_errors}"
        check_axe(page)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            url = urlparse(urljoin(base + path, href))
            if url.netloc != urlparse(base).netloc or SKIP.search(url.path):
                continue
            if _pattern(url.path) not in seen_patterns:
                queue.append(url.path)
    return visited


def test_anonymous_pages_are_accessible(page, live_app):
    visited = crawl(page, live_app, limit=25)
    for path in ("/comptes/login/", "/accessibilite/", "/mentions-legales/", "/donnees-personnelles/"):
        page.goto(live_app["base"] + path)
        check_axe(page)
    assert visited  # the home page redirects to the login page, which is crawled


def test_sign_in_with_password_and_totp_then_home(page, live_app):
    sign_in(page, live_app, CASE_WORKER)
    assert page.url.rstrip("/") == live_app["base"], page.url
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bonjour")
    check_axe(page)


def test_wrong_totp_code_is_refused_with_a_message(page, live_app):
    account = live_app["accounts"][CASE_WORKER]
    page.goto(live_app["base"] + "/comptes/login/")
    page.locator("input[name=login]").fill(CASE_WORKER)
    page.locator("input[name=password]").fill(account["password"])
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/2fa/authenticate/**")
    page.locator("input[name=code]").fill("000000")
    follow(page.locator("form[action$='/2fa/authenticate/'] button[type=submit]").first)
    assert "/2fa/authenticate/" in page.url
    assert page.locator(".fr-message--error, .fr-alert--error").count() >= 1
    check_axe(page)


def test_language_switch_to_english_and_back(page, live_app):
    sign_in(page, live_app, CASE_WORKER)
    follow(page.get_by_role("button", name="English"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Log out").count() == 1
    check_axe(page)
    follow(page.get_by_role("button", name="Français"))
    assert page.locator("html").get_attribute("lang") == "fr"


def test_every_page_a_case_worker_reaches_is_accessible(page, live_app):
    sign_in(page, live_app, CASE_WORKER)
    visited = crawl(page, live_app)
    assert len(visited) >= 5, visited


def test_every_page_the_coordinator_reaches_is_accessible(page, live_app):
    sign_in(page, live_app, COORDINATOR)
    visited = crawl(page, live_app)
    assert len(visited) >= 5, visited
