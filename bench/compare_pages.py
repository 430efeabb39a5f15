"""Before/after, in the same run: the pages whose cost grew with the data
(case list, inbox, directory search, home) measured in process on this code
and on a baseline's (`git archive` of a ref, bench/run.py:export_baseline),
in alternating rounds, on the same seeded database (issue 17).

    BENCH_PG_DB=maillage_bench .venv/bin/python bench/compare_pages.py --baseline main --rounds 2

Prints a table and writes bench/results/compare-pages.json. Figures taken on
a shared machine are under load: the 1-minute load average is printed beside
each round.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import PG_BENCH, PY, VAR, _median, export_baseline, loadavg  # noqa: E402

MODULES = ("bench_cases", "bench_referrals", "bench_directory")
SNIPPET = r"""
import importlib, json, sys, django
django.setup()
from bench.run import Context
rows = []
for name in sys.argv[1:]:
    try:
        rows += importlib.import_module(f"bench.{name}").run(Context("postgresql"))
    except Exception as exc:
        rows.append({"name": f"{name}.error", "value": None, "unit": repr(exc)[:200]})
print("BENCH-JSON " + json.dumps(rows))
"""


def measure(code_dir: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DATABASE_URL": PG_BENCH,
        "MAILLAGE_VAR_DIR": str(VAR),
        "PYTHONPATH": str(code_dir),
    }
    proc = subprocess.run([PY, "-c", SNIPPET, *MODULES], env=env, cwd=code_dir, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            return {r["name"]: r["value"] for r in json.loads(line[len("BENCH-JSON ") :])}
    print(proc.stderr[-3000:], file=sys.stderr)
    return {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default="main")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    codes = {"before": export_baseline(args.baseline), "after": ROOT}
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    for rnd in range(args.rounds):
        for variant, code_dir in codes.items():
            load = loadavg()
            rows = measure(code_dir)
            rows["loadavg_1min"] = load
            runs[variant].append(rows)
            print(f"round {rnd + 1} {variant}: load {load}", file=sys.stderr)
    names = sorted({name for rows in runs["after"] + runs["before"] for name in rows})
    out = {}
    print(f"{'benchmark':<55} {'before':>10} {'after':>10}  rounds before / after")
    for name in names:
        before = [r.get(name) for r in runs["before"]]
        after = [r.get(name) for r in runs["after"]]
        numeric = all(isinstance(v, (int, float)) or v is None for v in before + after)
        b = _median(before) if numeric else before[0]
        a = _median(after) if numeric else after[0]
        out[name] = {"before": b, "after": a, "before_rounds": before, "after_rounds": after}
        print(f"{name:<55} {b!s:>10} {a!s:>10}  {before} / {after}")
    target = ROOT / "bench" / "results" / "compare-pages.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
