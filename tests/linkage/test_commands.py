"""`python -m maillage.linkage encode|link`: the contract of issue 13."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from maillage.linkage.__main__ import main
from maillage.linkage.encoding import ENCODINGS, OUTPUT_COLUMNS, Encoder
from maillage.linkage.synthetic import generate
from tests.e2e.conftest import ROOT

from .conftest import CAMPAIGN_SECRET


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def organisation_files(tmp_path):
    data = generate(records=600, organisations=3, seed=5)
    return data, data.write_csvs(tmp_path / "identities")


def encode_all(paths, secret_file, tmp_path):
    out = []
    for path in paths:
        target = tmp_path / f"encoded-{path.stem}.csv"
        assert main(["encode", "--campaign-secret", str(secret_file), str(path), str(target)]) == 0
        out.append(target)
    return out


def test_encode_writes_identifiers_and_encodings_only(organisation_files, campaign_secret_file, tmp_path):
    data, paths = organisation_files
    [encoded] = encode_all(paths[:1], campaign_secret_file, tmp_path)
    rows = read(encoded)
    assert list(rows[0]) == list(OUTPUT_COLUMNS)
    originals = {r["record_id"]: r for r in data.rows}
    # The values only (the header's column names are not identities). Words of
    # six letters or more: a shorter one could turn up by chance in base64.
    text = encoded.read_text(encoding="utf-8").lower().split("\n", 1)[1]
    for row in rows:
        identity = originals[row["record_id"]]
        for column in ("given_names", "family_names"):
            for word in identity[column].lower().replace("-", " ").split():
                if len(word) >= 6:
                    assert word not in text
        if identity["birth_date"]:
            assert identity["birth_date"] not in text
        assert row["key_check"] == Encoder(CAMPAIGN_SECRET).check


def test_encode_then_link_returns_a_person_for_every_record(
    organisation_files, campaign_secret_file, unit_secret_file, tmp_path, capsys
):
    data, paths = organisation_files
    encoded = encode_all(paths, campaign_secret_file, tmp_path)
    clusters = tmp_path / "clusters.csv"
    capsys.readouterr()
    status = main(["link", "--unit-secret", str(unit_secret_file), *map(str, encoded), "--output", str(clusters)])
    assert status == 0
    out = capsys.readouterr().out
    assert "Durée :" in out and "mémoire maximale :" in out
    rows = read(clusters)
    assert list(rows[0]) == ["record_id", "person_id"]
    assert {r["record_id"] for r in rows} == set(data.truth)
    assert len({r["person_id"] for r in rows}) < len(rows)  # some people are followed by several organisations
    # The unit keeps no encoding once the run is over.
    assert not any(path.exists() for path in encoded)


def test_the_module_runs_without_django(organisation_files, campaign_secret_file, tmp_path):
    _, paths = organisation_files
    code = (
        "import sys, runpy; sys.argv = ['x', 'encode', '--campaign-secret', sys.argv[1], sys.argv[2], sys.argv[3]];"
        "import maillage.linkage.__main__ as m; status = m.main(sys.argv[1:]);"
        "assert 'django' not in sys.modules, 'django imported'; sys.exit(status)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(campaign_secret_file), str(paths[0]), str(tmp_path / "out.csv")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", ["encode", "link"])
def test_a_secret_shorter_than_32_bytes_is_refused(command, tmp_path, organisation_files, capsys):
    _, paths = organisation_files
    short = tmp_path / "short.secret"
    short.write_bytes(b"0123456789abcdef0123456789abcde\n")  # 31 bytes and a line ending
    if command == "encode":
        args = ["encode", "--campaign-secret", str(short), str(paths[0]), str(tmp_path / "out.csv")]
    else:
        args = ["link", "--unit-secret", str(short), str(paths[0]), "--output", str(tmp_path / "out.csv")]
    assert main(args) == 2
    assert "fait 31 octets : il en faut au moins 32" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_missing_columns_are_named(tmp_path, campaign_secret_file, unit_secret_file, capsys):
    source = tmp_path / "in.csv"
    source.write_text("record_id,organisation,given_names,birth_date\nr1,asso,Ivie,1999\n", encoding="utf-8")
    assert main(["encode", "--campaign-secret", str(campaign_secret_file), str(source), str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "Colonnes manquantes dans" in err and "family_names, sex, citizenship" in err
    encoded = tmp_path / "encoded.csv"
    encoded.write_text("record_id,organisation,key_check\nr1,asso,00\n", encoding="utf-8")
    assert (
        main(["link", "--unit-secret", str(unit_secret_file), str(encoded), "--output", str(tmp_path / "c.csv")]) == 2
    )
    assert "Colonnes manquantes dans" in capsys.readouterr().err


def test_an_identity_file_given_to_the_linker_is_refused(organisation_files, unit_secret_file, tmp_path, capsys):
    _, paths = organisation_files
    assert (
        main(["link", "--unit-secret", str(unit_secret_file), str(paths[0]), "--output", str(tmp_path / "c.csv")]) == 2
    )
    assert "contient des colonnes d'identité" in capsys.readouterr().err
    assert paths[0].exists()


def test_encodings_made_with_another_campaigns_secret_are_detected(
    organisation_files, campaign_secret_file, unit_secret_file, tmp_path, capsys
):
    _, paths = organisation_files
    last_year = tmp_path / "last-year.secret"
    last_year.write_bytes(b"campaign-2025-secret-from-the-key-custodian-0123456789")
    good = encode_all(paths[:2], campaign_secret_file, tmp_path)
    stale = tmp_path / "stale.csv"
    assert main(["encode", "--campaign-secret", str(last_year), str(paths[2]), str(stale)]) == 0
    clusters = tmp_path / "c.csv"
    args = ["link", "--unit-secret", str(unit_secret_file), *map(str, good), str(stale), "--output", str(clusters)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "pas tous été faits avec le même secret de campagne" in err and "stale.csv" in err
    assert not clusters.exists() and stale.exists()
    # With the check value the key custodian announced, even one file alone is refused…
    expected = Encoder(CAMPAIGN_SECRET).check
    args = [
        "link",
        "--unit-secret",
        str(unit_secret_file),
        "--expect-check",
        expected,
        str(stale),
        "--output",
        str(clusters),
    ]
    assert main(args) == 2
    assert "avec un autre secret que celui de la campagne" in capsys.readouterr().err
    # …and so is the wrong secret file at the organisation, before any encoding.
    args = [
        "encode",
        "--campaign-secret",
        str(last_year),
        "--expect-check",
        expected,
        str(paths[0]),
        str(tmp_path / "x.csv"),
    ]
    assert main(args) == 2
    assert "n'est pas celui de la campagne" in capsys.readouterr().err


def test_bad_values_are_refused_with_their_line(tmp_path, campaign_secret_file, capsys):
    source = tmp_path / "in.csv"
    source.write_text(
        "record_id,organisation,given_names,family_names,birth_date,sex,citizenship\n"
        "r1,asso,Ivie,Omoruyi,1999-04-02,F,NG\n"
        "r2,asso,Joy,Eweka,1999-02-30,F,NGA\n",
        encoding="utf-8",
    )
    output = tmp_path / "out.csv"
    assert main(["encode", "--campaign-secret", str(campaign_secret_file), str(source), str(output)]) == 2
    assert "Ligne 3 : date de naissance « 1999-02-30 » : ce jour n'existe pas" in capsys.readouterr().err
    assert not output.exists() and not list(tmp_path.glob(".encodage-*"))


def test_encodings_that_are_not_encodings_are_refused(tmp_path, unit_secret_file, capsys):
    encoded = tmp_path / "encoded.csv"
    header = ",".join(OUTPUT_COLUMNS)
    values = ["r1", "asso", "", "abcd"] + ["Dupont Marie 1990"] + [""] * (len(ENCODINGS) - 1)
    encoded.write_text(header + "\n" + ",".join(values) + "\n", encoding="utf-8")
    assert (
        main(["link", "--unit-secret", str(unit_secret_file), str(encoded), "--output", str(tmp_path / "c.csv")]) == 2
    )
    assert "autre chose que des encodages" in capsys.readouterr().err
