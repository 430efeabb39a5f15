"""The upload page's browser encoding (static/linkage/upload.js): a return CSV
with identity columns becomes, on the person's machine, the anonymous columns
and the encodings of the standalone encoder — which the server accepts, row
by row, with those very encodings (issue 13)."""

from __future__ import annotations

import base64
import functools
import http.server
import os
import shutil
import threading
import types

import pytest

from maillage.linkage.encoding import ENCODINGS, Encoder
from maillage.linkage.synthetic import generate
from maillage.statistics import spreadsheet
from tests.e2e.conftest import CHROMIUM, ROOT
from tests.linkage.conftest import CAMPAIGN_SECRET

from .helpers import Q
from .test_collection import COLUMNS, GOOD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (make test installs it)"
    ),
]

HARNESS = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Dépôt</title>
<link rel="icon" href="data:,"></head><body><script type="module">
import * as upload from "/static/linkage/upload.js";
window.linkageUpload = upload;
document.body.dataset.ready = "1";
</script></body></html>"""


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    root = tmp_path_factory.mktemp("upload-harness")
    (root / "static" / "linkage").mkdir(parents=True)
    for name in ("encoder.js", "rules.js", "upload.js"):
        shutil.copy(ROOT / "static" / "linkage" / name, root / "static" / "linkage" / name)
    (root / "index.html").write_text(HARNESS, encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


def _encode_in_browser(page, harness, text: str, check: str):
    page.goto(harness)
    page.wait_for_selector("body[data-ready='1']", state="attached")
    return page.evaluate(
        """async ([text, secret, check]) => {
             const bytes = Uint8Array.from(atob(secret), (c) => c.charCodeAt(0));
             try { return await window.linkageUpload.encodeReturn(text, bytes, check); }
             catch (e) { return { error: e.message }; }
           }""",
        [text, base64.b64encode(CAMPAIGN_SECRET).decode(), check],
    )


def test_the_browser_sends_anonymous_columns_and_the_encoders_encodings(page, harness):
    identities = [r for r in generate(records=60, organisations=1, seed=5).rows if r["birth_date"]][:40]
    identities.append({"given_names": "Zoë; «Hélène»", "family_names": 'd"Estaing', "birth_date": "1990-03-07",
                       "local_person_id": "dossier 7"})  # fmt: skip
    header = [*COLUMNS, "given_names", "family_names", "birth_date", "local_person_id"]
    lines = [";".join(header)]
    for identity in identities:
        cells = [*map(str, GOOD), identity["given_names"], identity["family_names"], identity["birth_date"],
                 identity.get("local_person_id", "")]  # fmt: skip
        lines.append(";".join('"' + c.replace('"', '""') + '"' if ";" in c or '"' in c else c for c in cells))
    encoder = Encoder(CAMPAIGN_SECRET)
    result = _encode_in_browser(page, harness, "\r\n".join(lines) + "\r\n", encoder.check)
    assert result["count"] == len(identities)
    sent = result["text"]
    assert "given_names" not in sent and "birth_date" not in sent
    assert not [i for i in identities if len(i["family_names"]) >= 5 and i["family_names"] in sent]

    campaign = types.SimpleNamespace(year=2025, linkage_check=encoder.check)
    report = spreadsheet.parse(sent.encode(), "retour-encode.csv", campaign, Q)
    assert report.ok, (report.refused, report.errors[:2])
    for identity, encoded in zip(identities, report.encodings, strict=True):
        # Sex and citizenship come from the questionnaire's own columns (sexe, nationalites).
        expected = encoder.encode({**identity, "record_id": "", "organisation": "", "sex": "F", "citizenship": "NG"})
        assert {c: encoded[c] for c in ENCODINGS} == {c: expected[c] for c in ENCODINGS}
        assert encoded["local_person_key"] == expected["local_person_key"]
    assert page.js_errors == []


def test_the_browser_refuses_another_campaigns_secret(page, harness):
    text = ";".join([*COLUMNS, "given_names", "family_names", "birth_date"]) + "\n"
    text += ";".join([*map(str, GOOD), "Ngozi", "Okafor", "1998-06-15"]) + "\n"
    result = _encode_in_browser(page, harness, text, "0123456789abcdef")
    assert result["error"].startswith("ce fichier n'est pas le secret de la campagne")
