"""Browser tests: Playwright drives Debian's Chromium against a real server.

The server runs in a subprocess with its own SQLite file seeded by
`seed_demo`, so these tests use no pytest-django database fixture. They are
grouped on one xdist worker. Skipped (with the reason) when /usr/bin/chromium
is missing; `make test` installs it (scripts/ensure-chromium.sh).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
# Axe restricted to WCAG 2.0/2.1 A and AA (style.md: DSFR landmark roles are
# reported as redundant by other rule sets).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group("e2e"))
            if not os.path.exists(CHROMIUM):
                item.add_marker(pytest.mark.skip(reason="Debian chromium is not installed (make test installs it)"))


def totp_now(secret: str) -> str:
    import base64
    import hashlib
    import hmac
    import struct

    counter = int(time.time()) // 30
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


def follow(locator) -> None:
    """Click something that loads a new document, and return once it has.

    Playwright's click returns as soon as the navigation starts; reading the
    page right after it races the old document or an empty one (CI once read
    '' from page.content()). Waiting for the navigation, armed before the
    click, removes the race."""
    with locator.page.expect_navigation():
        locator.click()


def sign_in(page, live_app, email: str) -> None:
    """Password then TOTP, as a person would."""
    account = live_app["accounts"][email]
    page.goto(live_app["base"] + "/comptes/login/")
    page.get_by_label("Adresse e-mail").fill(email) if page.get_by_label("Adresse e-mail").count() else page.locator(
        "input[name=login]"
    ).fill(email)
    page.locator("input[name=password]").fill(account["password"])
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/2fa/authenticate/**")
    code = totp_now(account["totp_secret"])
    page.locator("input[name=code]").fill(code)
    follow(page.locator("form[action$='/2fa/authenticate/'] button[type=submit]").first)
    if "/2fa/authenticate/" in page.url:
        # The code may have crossed a 30-second boundary: wait for the next one.
        time.sleep(max(0.0, 30 - time.time() % 30) + 0.5)
        page.locator("input[name=code]").fill(totp_now(account["totp_secret"]))
        follow(page.locator("form[action$='/2fa/authenticate/'] button[type=submit]").first)


def check_axe(page) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error as PlaywrightError

    # A click that navigates returns once the navigation has started, not
    # when the new document exists: wait for it to load, and run axe again
    # if the document was replaced while axe was walking it.
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            results = Axe().run(page, options=AXE_OPTIONS)
            break
        except PlaywrightError as error:
            transient = "documentElement" in str(error) or "context was destroyed" in str(error)
            if not transient or attempt == 2:
                raise
            page.wait_for_timeout(200)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
