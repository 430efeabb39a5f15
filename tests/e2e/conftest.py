"""Browser tests: Playwright drives Debian's Chromium against a real server.

The server runs in a subprocess with its own SQLite file seeded by
`seed_demo`, so these tests use no pytest-django database fixture. They are
grouped on one xdist worker. Skipped (with the reason) when /usr/bin/chromium
is missing; `make test` installs it (scripts/ensure-chromium.sh).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
# Axe restricted to WCAG 2.0/2.1 A and AA (style.md: DSFR landmark roles are
# reported as redundant by other rule sets).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group("e2e"))
            if not os.path.exists(CHROMIUM):
                item.add_marker(pytest.mark.skip(reason="Debian chromium is not installed (make test installs it)"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.e2e", "MAILLAGE_E2E_DB": str(workdir / "e2e.sqlite3")}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run([*manage, "seed_demo", "--quiet-accounts"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    accounts = json.loads((workdir / "demo-accounts.json").read_text())
    port = _free_port()
    log = open(workdir / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        raise RuntimeError("e2e server did not start: " + (workdir / "server.log").read_text()[-2000:])
    yield {"base": base, "accounts": {a["email"]: a for a in accounts}, "env": env, "workdir": workdir}
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    errors: list[str] = []
    # A CSP violation or a JavaScript error is a failure of the page.
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


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


def sign_in(page, live_app, email: str) -> None:
    """Password then TOTP, as a person would."""
    account = live_app["accounts"][email]
    page.goto(live_app["base"] + "/comptes/login/")
    page.get_by_label("Adresse e-mail").fill(email) if page.get_by_label("Adresse e-mail").count() else page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(account["password"])
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/2fa/authenticate/**")
    code = totp_now(account["totp_secret"])
    page.locator("input[name=code]").fill(code)
    page.locator("form[action$='/2fa/authenticate/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/2fa/authenticate/" in page.url:
        # The code may have crossed a 30-second boundary: wait for the next one.
        time.sleep(max(0.0, 30 - time.time() % 30) + 0.5)
        page.locator("input[name=code]").fill(totp_now(account["totp_secret"]))
        page.locator("form[action$='/2fa/authenticate/'] button[type=submit]").first.click()
        page.wait_for_load_state()


def check_axe(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
