"""Record linkage benchmarks (issue 13), run once by bench/run.py (no database).

- linkage.million.seconds: encode 1,000,000 synthetic records from 50
  organisations (the standalone encoder, two processes on this 2-core machine:
  in reality each organisation encodes on its own machine) and link them
  (`python -m maillage.linkage link`, DuckDB + Splink); target 120 s.
- linkage.million.peak_rss_gb: the linker's peak resident memory; target 4 GB.
- linkage.precision / linkage.recall: pairwise, against the generator's truth;
  targets 0.98 and 0.93.

    python bench/bench_linkage.py [--records 100000]   # prints the JSON rows
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
import time
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import result  # noqa: E402
from maillage.linkage.evaluation import pairwise_scores  # noqa: E402
from maillage.linkage.files import encode_file  # noqa: E402
from maillage.linkage.synthetic import generate  # noqa: E402

# bench/run.py calls this module once, not once per database.
PER_DATABASE = False
WORK = ROOT / "var" / "bench" / "linkage"
CAMPAIGN_SECRET = b"bench-campaign-secret-0123456789abcdefghijklmnop"
UNIT_SECRET = b"bench-linkage-unit-secret-0123456789abcdefghijkl"


def _encode(args):
    source, target, secret = args
    return encode_file(source, target, secret_path=secret)


def measure(records: int = 1_000_000, organisations: int = 50) -> list[dict]:
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "identities").mkdir(parents=True)
    campaign, unit = WORK / "campaign.secret", WORK / "unit.secret"
    campaign.write_bytes(CAMPAIGN_SECRET)
    unit.write_bytes(UNIT_SECRET)
    data = generate(records=records, organisations=organisations, seed=2026)
    sources = data.write_csvs(WORK / "identities")
    truth = data.truth
    del data
    encoded = [WORK / f"{p.stem}.encoded.csv" for p in sources]
    started = time.perf_counter()
    with Pool(2) as pool:
        pool.map(_encode, [(s, t, campaign) for s, t in zip(sources, encoded)])
    encode_seconds = time.perf_counter() - started
    clusters = WORK / "clusters.csv"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "maillage.linkage",
            "link",
            "--unit-secret",
            str(unit),
            *map(str, encoded),
            "--output",
            str(clusters),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    total = time.perf_counter() - started
    link_seconds = float(re.search(r"Durée : ([0-9.]+) s", proc.stdout)[1])
    peak_mb = float(re.search(r"mémoire maximale : ([0-9.]+) Mo", proc.stdout)[1])
    with clusters.open(newline="", encoding="utf-8") as handle:
        persons = {r["record_id"]: r["person_id"] for r in csv.DictReader(handle)}
    scores = pairwise_scores(persons, truth)
    shutil.rmtree(WORK, ignore_errors=True)
    label = "million" if records == 1_000_000 else f"{records}"
    return [
        result(f"linkage.{label}.seconds", round(total, 1), "s", 120 if records == 1_000_000 else None, "lower"),
        result(f"linkage.{label}.encode_seconds", round(encode_seconds, 1), "s", None, "lower"),
        result(f"linkage.{label}.link_seconds", round(link_seconds, 1), "s", None, "lower"),
        result(
            f"linkage.{label}.peak_rss_gb",
            round(peak_mb / 1024, 2),
            "GB",
            4 if records == 1_000_000 else None,
            "lower",
        ),
        result("linkage.precision", round(scores.precision, 4), "ratio", 0.98, "higher"),
        result("linkage.recall", round(scores.recall, 4), "ratio", 0.93, "higher"),
    ]


def run(ctx=None) -> list[dict]:
    return measure()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=50)
    args = parser.parse_args()
    print("BENCH-JSON " + json.dumps(measure(args.records, args.organisations)))
