"""Key rotation at scale (issue 16, « Key rotation »): rotate the field,
lookup and file keys of a database holding N fictional cases and report the
time, rows/s and the check that nothing is left under the old key.

Not part of `make bench`'s per-database loop (PER_DATABASE = False): it
rewrites every encrypted row of the database it runs on. It builds its own
scratch PostgreSQL database (dropped at the end unless --keep):

    .venv/bin/python bench/bench_key_rotation.py --cases 50000 [--template DB]

1. scratch database: a copy of --template (e.g. a `seed_demo` database with
   its documents, whose private directory is --template-private), or
   migrate + `seed_demo`; then the national case seeder tops it up to
   --cases cases (bulk_create, `maillage/cases/demo.py`);
2. `rotate_encryption_keys` with a new Fernet key first and a new lookup
   key, timed (wall clock, Django start included, and the command's own time);
3. `rotate_encryption_keys --check` with the new key alone: must report
   nothing left under an old key;
4. `rotate_encryption_keys` again: the cost of resuming (read, no write).
Prints one JSON line; figures go to docs/benchmarks.md with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_DATABASE = False
PG = "postgres://postgres@127.0.0.1:5432"
# The development key the seeders encrypt with (config/settings/dev.py).
OLD_KEY = "q8Jk3mAfkAeLDzPsDQvPkI8X0oJrPSQHhpUYLk6gqzM="


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True)


def manage(args, env, *, check=True):
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.monotonic() - started
    if check and done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done, elapsed


SEED_CASES = """
import random, io
from maillage.demo.registry import SeedContext
from maillage.organisations.demo import seed_network
from maillage.cases.demo import seed_cases, NATIONAL_CASES
import maillage.cases.demo as cases_demo
from maillage.core.context import command_context
cases_demo.NATIONAL_CASES = {cases}
ctx = SeedContext(size="national", rng=random.Random(7), stdout=io.StringIO())
with command_context("bench_key_rotation"):
    seed_network(ctx)
    seed_cases(ctx)
print(ctx.stdout.getvalue())
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--db", default="bench_rotation", help="scratch PostgreSQL database (dropped)")
    parser.add_argument("--template", default="", help="copy this database instead of seeding the demo")
    parser.add_argument("--template-private", default="", help="private directory of the template")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    private = Path(tempfile.mkdtemp(prefix="rotation-private-"))
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DATABASE_URL": f"{PG}/{args.db}",
        "PRIVATE_MEDIA_ROOT": str(private),
        "FIELD_ENCRYPTION_KEYS": OLD_KEY,
        "LOOKUP_HASH_KEY": "dev-only-lookup-key-distinct-from-the-encryption-key",
    }
    psql(f'DROP DATABASE IF EXISTS "{args.db}"')
    try:
        started = time.monotonic()
        if args.template:
            psql(f'CREATE DATABASE "{args.db}" TEMPLATE "{args.template}"')
            if args.template_private:
                shutil.copytree(args.template_private, private, dirs_exist_ok=True)
        else:
            psql(f'CREATE DATABASE "{args.db}"')
            manage(["migrate", "-v0"], base_env)
            manage(["seed_demo", "--quiet-accounts"], base_env)
        done = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()\n" + SEED_CASES.format(cases=args.cases)],
            cwd=ROOT,
            env=base_env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"seeding failed:\n{done.stderr}")
        seeding = time.monotonic() - started
        print(done.stdout.strip(), file=sys.stderr)

        from cryptography.fernet import Fernet

        new_key = Fernet.generate_key().decode()
        rotating = {
            **base_env,
            "FIELD_ENCRYPTION_KEYS": f"{new_key},{OLD_KEY}",
            "LOOKUP_HASH_KEY": "rotated-lookup-key",
        }
        rotated, wall = manage(["rotate_encryption_keys"], rotating)
        print(rotated.stdout, file=sys.stderr)
        match = re.search(r"Done: (\d+) rows and (\d+) files re-encrypted in ([\d.]+) s", rotated.stdout)
        rows, files, own = int(match[1]), int(match[2]), float(match[3])
        only_new = {**rotating, "FIELD_ENCRYPTION_KEYS": new_key}
        checked, check_wall = manage(["rotate_encryption_keys", "--check"], only_new, check=False)
        resumed, resume_wall = manage(["rotate_encryption_keys"], rotating)
        resume_match = re.search(r"Done: (\d+) rows .* in ([\d.]+) s", resumed.stdout)
        print(
            json.dumps(
                {
                    "cases": args.cases,
                    "seeding_s": round(seeding, 1),
                    "rows_reencrypted": rows,
                    "files_reencrypted": files,
                    "rotation_wall_s": round(wall, 1),
                    "rotation_command_s": own,
                    "rows_per_s": round(rows / own, 0) if own else None,
                    "check_exit_status": checked.returncode,
                    "check_says": checked.stdout.strip().splitlines()[-1]
                    if checked.stdout.strip()
                    else checked.stderr,
                    "check_wall_s": round(check_wall, 1),
                    "resume_rows_rewritten": int(resume_match[1]),
                    "resume_command_s": float(resume_match[2]),
                    "resume_wall_s": round(resume_wall, 1),
                    "load_average": os.getloadavg(),
                }
            )
        )
    finally:
        shutil.rmtree(private, ignore_errors=True)
        if not args.keep:
            psql(f'DROP DATABASE IF EXISTS "{args.db}"')


if __name__ == "__main__":
    main()
