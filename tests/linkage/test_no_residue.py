"""After a run, nothing of the identities or of the encodings remains at the
linkage unit: not in its directory, its temporary directory, DuckDB's spill
files, its home directory or what it printed. Only record_id,person_id stays."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

from maillage.linkage.__main__ import main
from maillage.linkage.synthetic import generate
from tests.e2e.conftest import ROOT


def test_the_linkage_unit_keeps_nothing_but_record_to_person(tmp_path, campaign_secret_file, unit_secret_file):
    organisation = tmp_path / "organisation"
    unit = tmp_path / "unit"
    unit_tmp, unit_home = tmp_path / "unit-tmp", tmp_path / "unit-home"
    for directory in (organisation, unit, unit_tmp, unit_home):
        directory.mkdir()
    data = generate(records=500, organisations=3, seed=21)
    encoded = []
    for path in data.write_csvs(organisation):
        target = unit / f"{path.stem}.encoded.csv"
        assert main(["encode", "--campaign-secret", str(campaign_secret_file), str(path), str(target)]) == 0
        encoded.append(target)
    values = set()
    for path in encoded:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                values.update(v for k, v in row.items() if (k.startswith("e_") or k == "local_person_key") and v)
    names = {
        word
        for row in data.rows
        for word in (row["given_names"] + " " + row["family_names"]).lower().replace("-", " ").split()
        if len(word) >= 5
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "maillage.linkage",
            "link",
            "--unit-secret",
            str(unit_secret_file),
            *map(str, encoded),
            "--output",
            str(unit / "clusters.csv"),
        ],
        cwd=unit,
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "TMPDIR": str(unit_tmp), "HOME": str(unit_home)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    left = sorted(p for base in (unit, unit_tmp, unit_home) for p in base.rglob("*") if p.is_file())
    assert left == [unit / "clusters.csv"]
    everything = (unit / "clusters.csv").read_text(encoding="utf-8") + result.stdout + result.stderr
    lowered = everything.lower()
    assert not [v for v in values if v in everything]
    assert not [n for n in names if n in lowered]
