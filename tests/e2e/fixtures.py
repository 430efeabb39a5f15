"""Session fixtures of the browser tests (registered for the whole suite in
tests/conftest.py so every domain's browser tests share one server and one
browser per xdist worker)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from .conftest import CHROMIUM, ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.e2e",
        "MAILLAGE_E2E_DB": str(workdir / "e2e.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run(
        [*manage, "seed_demo", "--quiet-accounts"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    accounts = json.loads((workdir / "demo-accounts.json").read_text())
    port = _free_port()
    log = open(workdir / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120  # a loaded machine takes long over the system checks
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
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
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
