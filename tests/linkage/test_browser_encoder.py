"""The browser encoder (static/linkage/encoder.js, WebCrypto) gives exactly the
encodings of the command line, for the same file and secret.

Chromium loads the module from a loopback HTTP server that serves only the
encoder and a test harness page (tests/linkage/harness.html); the file is
chosen in a real <input type=file> and read by the page, as on the upload page.
"""

from __future__ import annotations

import base64
import csv
import functools
import http.server
import io
import os
import random
import shutil
import threading
import unicodedata
from pathlib import Path

import pytest

from maillage.linkage.__main__ import main
from maillage.linkage.encoding import INPUT_COLUMNS, LOCAL_PERSON_COLUMN, Encoder
from maillage.linkage.synthetic import generate
from tests.e2e.conftest import CHROMIUM, ROOT

from .conftest import CAMPAIGN_SECRET

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("e2e"),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (make test installs it)"
    ),
]

HERE = Path(__file__).resolve().parent

CORPUS = [
    # accents, capitals, hyphens, particles, several given names
    ("Hélène Marie-Ève", "de La Fontaine", "1990-03-07", "F", "FR"),
    ("HELENE MARIE EVE", "LAFONTAINE", "1990-07-03", "femme", "fr"),
    ("Jean-Baptiste", "d'Estaing", "07/03/1990", "Homme", ""),
    ("François", "Lefèvre", "1985-01-01", "M", "FR"),  # placeholder date
    ("Zoë", "Müller-Łukasz", "1985", "F", "DE"),
    ("Œdipe", "Straße", "", "", ""),
    # written in Cyrillic, and transliterated several ways
    ("Юлия", "Шевченко", "1999-11-05", "Ж", "UA"),
    ("Yulia", "Shevchenko", "1999-11-05", "F", "UA"),
    ("Ioulia", "Chevtchenko", "1999-05-11", "F", "UA"),
    ("Олександр", "Ткаченко", "2001-02-28", "M", "UA"),
    ("Oleksandr", "Tkachenko", "2001-02-28", "M", "UA"),
    ("Aleksandr", "Tkatchenko", "2001", "M", "RU"),
    # Arabic names transliterated
    ("Mohamed", "Ben Ali", "1995-12-31", "M", "TN"),
    ("Muhammad", "Benali", "1995", "M", "TN"),
    ("Mouhamed", "El Idrissi", "1995-04-09", "M", "MA"),
    ("محمد", "العلي", "1995-04-09", "M", "MA"),  # Arabic script: kept as letters
    ("Youssouf", "Abdelkader", "2003-09-10", "M", "DZ"),
    # given and family names swapped
    ("Ngozi", "Okafor", "1998-06-15", "F", "NG"),
    ("Okafor", "Ngozi", "1998-06-15", "F", "NG"),
    ("Tesfamariam", "Senait", "2000-01-01", "F", "ER"),
    ("Wang", "Wei", "1997-08-08", "M", "CN"),
    ("Nguyễn Thị", "Hương", "2002-10-20", "F", "VN"),
    # empty and odd values
    ("", "Dupont", "1970-05-05", "", ""),
    ("Ben", "", "1970", "m", ""),
    ("  ", "  ", "", "", ""),
]


def _random_name(rng: random.Random) -> str:
    alphabet = (
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        "éèêëàâäîïôöûüùçÉÈÀÇœæßøłđıñãõåÅ"
        "абвгдежзийклмнопрстуфхцчшщъыьэюяЁЖЩ"
        "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
        "αβγδεζηθικλμνξοπρστυφχψωΣ"
        "ǅǈǲﬁﬂ"
        " -'’.,0123456789\u0301\u0308\u00a0\t"
    )
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 18)))


def _rows() -> list[dict[str, str]]:
    rows = []
    for i, (given, family, birth, sex, citizenship) in enumerate(CORPUS):
        rows.append(
            {
                "record_id": f"c{i}",
                "organisation": "asso-a" if i % 2 else "acse",
                "given_names": given,
                "family_names": family,
                "birth_date": birth,
                "sex": sex,
                "citizenship": citizenship,
                LOCAL_PERSON_COLUMN: f"dossier-{i // 3}" if i % 3 == 0 else "",
            }
        )
    rng = random.Random(13)
    for i in range(150):
        rows.append(
            {
                "record_id": f"r{i}",
                "organisation": f"org-{i % 4}",
                "given_names": _random_name(rng),
                "family_names": _random_name(rng),
                "birth_date": rng.choice(["", "1988", "1988-02-29", "2000-01-01", "29/02/2004", "2011-12-31"]),
                "sex": rng.choice(["", "M", "f", "F", "X", "Féminin"]),
                "citizenship": rng.choice(["", "FR", "ng", " ua "]),
                LOCAL_PERSON_COLUMN: rng.choice(["", "", "d1", "d2"]),
            }
        )
    for row in generate(records=150, organisations=5, seed=7).rows:
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    root = tmp_path_factory.mktemp("encoder-harness")
    (root / "static" / "linkage").mkdir(parents=True)
    for name in ("encoder.js", "rules.js"):
        shutil.copy(ROOT / "static" / "linkage" / name, root / "static" / "linkage" / name)
    shutil.copy(HERE / "harness.html", root / "index.html")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()
    server.server_close()


def _open(page, harness):
    page.goto(harness)
    page.wait_for_selector("body[data-ready='1']")


def test_browser_and_command_line_give_identical_encodings(page, harness, tmp_path):
    rows = _rows()
    source = tmp_path / "identites.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*INPUT_COLUMNS, LOCAL_PERSON_COLUMN])
        writer.writeheader()
        writer.writerows(rows)
    secret = tmp_path / "campagne.secret"
    secret.write_bytes(CAMPAIGN_SECRET + b"\r\n")
    cli_output = tmp_path / "encodages.csv"
    assert main(["encode", "--campaign-secret", str(secret), str(source), str(cli_output)]) == 0
    with cli_output.open(newline="", encoding="utf-8") as handle:
        expected = list(csv.DictReader(handle))

    _open(page, harness)
    page.set_input_files("#identities", str(source))
    page.set_input_files("#secret", str(secret))
    page.click("#encode")
    page.wait_for_selector("#status[data-done='1']")
    assert page.text_content("#status") == f"{len(rows)} enregistrements encodés"
    browser_rows = list(csv.DictReader(io.StringIO(page.text_content("#result"))))
    assert len(browser_rows) == len(expected)
    for mine, theirs in zip(browser_rows, expected):
        assert mine == theirs, (mine["record_id"], mine, theirs)
    assert page.js_errors == []


def test_browser_normalisation_matches_python_word_by_word(page, harness):
    from maillage.linkage.normalise import fold, name_words, phonetic

    texts = [r["given_names"] for r in _rows()] + [r["family_names"] for r in _rows()]
    texts += [unicodedata.normalize("NFC", t) for t in texts[:40]]
    _open(page, harness)
    result = page.evaluate(
        """(texts) => texts.map((t) => {
             const e = window.linkageEncoder;
             const words = e.nameWords(t);
             return [e.fold(t), words, words.map(e.phonetic)];
           })""",
        texts,
    )
    for text, (folded, words, sounds) in zip(texts, result):
        assert folded == fold(text), text
        assert words == name_words(text), text
        assert sounds == [phonetic(w) for w in name_words(text)], text


def test_browser_refuses_like_the_command_line(page, harness, tmp_path):
    _open(page, harness)
    short = base64.b64encode(b"x" * 31).decode()
    message = page.evaluate(
        """async (secret) => {
             const bytes = Uint8Array.from(atob(secret), (c) => c.charCodeAt(0));
             try { await window.linkageEncoder.encodeCsv("record_id,organisation\\n", bytes); }
             catch (e) { return e.message; }
           }""",
        base64.b64encode(CAMPAIGN_SECRET).decode(),
    )
    assert message.startswith("Colonnes manquantes : given_names, family_names, birth_date, sex, citizenship")
    message = page.evaluate(
        """async (secret) => {
             const bytes = Uint8Array.from(atob(secret), (c) => c.charCodeAt(0));
             try { await window.linkageEncoder.createEncoder(bytes); } catch (e) { return e.message; }
           }""",
        short,
    )
    assert message.startswith("Le secret fait 31 octets : il en faut au moins 32.")
    check = page.evaluate(
        """async (secret) => (await window.linkageEncoder.createEncoder(
             Uint8Array.from(atob(secret), (c) => c.charCodeAt(0)))).check""",
        base64.b64encode(CAMPAIGN_SECRET).decode(),
    )
    assert check == Encoder(CAMPAIGN_SECRET).check
