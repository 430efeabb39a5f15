"""`make soak`: signed-in people on gunicorn with production settings for a
while (SOAK_SECONDS, default 600), and what it costs over time.

1. A PostgreSQL database (SOAK_DB, default `faults_soak`) migrated and
   seeded once with `seed_demo` (SOAK_SIZE=demo|national; --reseed redoes it).
2. gunicorn serves config.wsgi (config.settings.prod, 2 sync workers, Redis
   cache and sessions) on a free loopback port.
3. locust (bench/soak_locustfile.py, headless) runs SOAK_USERS people (case
   workers, CRIP, coordination) with 1–4 s of think time: home, case list,
   case detail, inbox, referral detail, directory searches, and notes
   written on cases.
4. Every 10 s: RSS of each gunicorn worker, the server's connections to the
   database, the load average.

`--fault pg-restart` restarts PostgreSQL (`pg_ctlcluster
--skip-systemctl-redirect <ver> main restart`) once, SOAK_FAULT_AT seconds in,
and reports the outage: statuses answered during it (503 French page or
not), the time from the restart until requests succeed again, and the notes
acknowledged against the rows written.

Figures go to bench/results/soak-<size>.json (or soak-pg-restart.json) and
are printed as a Markdown table for docs/benchmarks.md. Loopback only.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "soak"
PY = sys.executable
BIN = Path(PY).parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/test"
DB = os.environ.get("SOAK_DB", "faults_soak")
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
REDIS_URL = os.environ.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/5")
# The demo data is encrypted with the development keys (config/settings/base.py).
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "DATABASE_URL": DB_URL,
    "DJANGO_SECRET_KEY": "soak-secret-key-" + "x" * 40,
    "FIELD_ENCRYPTION_KEYS": "q8Jk3mAfkAeLDzPsDQvPkI8X0oJrPSQHhpUYLk6gqzM=",
    "LOOKUP_HASH_KEY": "dev-only-lookup-key-distinct-from-the-encryption-key",
    "AUDIT_CHAIN_KEY": "dev-only-journal-chain-key",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "REDIS_URL": REDIS_URL,
    "MAILLAGE_VAR_DIR": str(VAR),
    "SITE_BASE_URL": "https://127.0.0.1",
}
# Who the locust people are (demo accounts, var/soak/demo-accounts.json).
ACCOUNTS = {
    "case_worker": [
        "admin.passerelle-paris@demo.maillage.fr",
        "accompagnement.passerelle-paris@demo.maillage.fr",
        "admin.escale-marseille@demo.maillage.fr",
        "accompagnement.escale-marseille@demo.maillage.fr",
        "chrs.tilleuls@demo.maillage.fr",
    ],
    "crip": ["crip93@demo.maillage.fr"],
    "coordination": ["coordination@demo.maillage.fr", "coordination.acse@demo.maillage.fr"],
}

SESSIONS_SNIPPET = r"""
import json, sys, django
django.setup()
from django.contrib.auth import get_user_model
from bench.common import signed_in_session_key
accounts, per_account = json.loads(sys.argv[1]), int(sys.argv[2])
out = {}
for kind, emails in accounts.items():
    for email in emails:
        user = get_user_model().objects.get(email=email)
        for _ in range(per_account):
            out.setdefault(kind, []).append(signed_in_session_key(user))
print("SESSIONS " + json.dumps(out))
"""


def psql(url: str, sql: str) -> str:
    return subprocess.run(["psql", url, "-XAtqc", sql], check=True, capture_output=True, text=True).stdout.strip()


def manage(args: list[str], *, settings: str = "config.settings.bench", **kwargs):
    env = {**os.environ, **PROD_ENV, "DJANGO_SETTINGS_MODULE": settings}
    return subprocess.run([PY, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True, **kwargs)


def seed(*, size: str, reseed: bool) -> None:
    marker = VAR / f"seeded-{DB}-{size}"
    exists = psql(PG_ADMIN, f"SELECT 1 FROM pg_database WHERE datname = '{DB}'") == "1"
    if marker.exists() and exists and not reseed:
        manage(["migrate", "--noinput", "-v0"])
        print(f"[soak] reusing the seeded database {DB} ({size})")
        return
    psql(PG_ADMIN, f"DROP DATABASE IF EXISTS {DB}")
    psql(PG_ADMIN, f"CREATE DATABASE {DB}")
    started = time.time()
    manage(["migrate", "--noinput", "-v0"])
    manage(["seed_demo", "--size", size, "--quiet-accounts"], stdout=subprocess.DEVNULL)
    psql(DB_URL, "ANALYZE")
    print(f"[soak] seeded {DB} ({size}) in {time.time() - started:.0f} s")
    marker.write_text(time.strftime("%Y-%m-%d %H:%M:%S"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int, workers: int) -> subprocess.Popen:
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        manage(["collectstatic", "--noinput", "-v0"], settings="config.settings.prod")
    server = subprocess.Popen(
        [
            *(str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"),
            *("--workers", str(workers), "--log-level", "warning"),
        ],
        env={**os.environ, **PROD_ENV},
        cwd=ROOT,
    )
    for _ in range(240):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.25)
    raise RuntimeError("gunicorn did not start")


class Sampler(threading.Thread):
    """RSS per gunicorn worker, database connections, load average: every
    `every` seconds, from the start of the load."""

    def __init__(self, master_pid: int, every: float = 10.0):
        super().__init__(daemon=True)
        self.master = psutil.Process(master_pid)
        self.every = every
        self.samples: list[dict] = []
        self.stop = threading.Event()
        self.t0 = time.time()

    def run(self):
        while not self.stop.is_set():
            rss = {}
            for child in self.master.children():
                with contextlib.suppress(psutil.NoSuchProcess):
                    rss[child.pid] = round(child.memory_info().rss / 2**20, 1)
            try:
                conns = int(psql(PG_ADMIN, f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{DB}'"))
            except subprocess.CalledProcessError:
                conns = None  # the server is restarting
            self.samples.append(
                {"t": round(time.time() - self.t0), "rss_mb": rss, "db_connections": conns, "load": os.getloadavg()[0]}
            )
            self.stop.wait(self.every)


def pg_restart() -> tuple[float, float]:
    """Restart the cluster serving 127.0.0.1:5432; (start, end) timestamps."""
    clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout.split("\n")
    version = next(line.split()[0] for line in clusters if line.split()[2] == "5432")
    began = time.time()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)
    ended = time.time()
    print(f"[fault] PostgreSQL {version} restarted at {time.strftime('%H:%M:%S', time.gmtime(began))} UTC "
          f"in {ended - began:.1f} s")  # fmt: skip
    subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432"], check=True)
    return began, ended


def note_rows() -> int:
    return int(psql(DB_URL, "SELECT count(*) FROM cases_note"))


def read_stats(prefix: Path) -> list[dict]:
    rows = []
    with open(f"{prefix}_stats.csv") as f:
        for r in csv.DictReader(f):
            count = int(r["Request Count"])
            rows.append(
                {
                    "name": r["Name"],
                    "requests": count,
                    "failures": int(r["Failure Count"]),
                    "error_rate": round(int(r["Failure Count"]) / count, 5) if count else None,
                    "rps": round(float(r["Requests/s"]), 2),
                    "p50_ms": float(r["50%"] or 0),
                    "p95_ms": float(r["95%"] or 0),
                    "p99_ms": float(r["99%"] or 0),
                    "max_ms": round(float(r["Max Response Time"] or 0)),
                }
            )
    return rows


def memory_summary(samples: list[dict]) -> dict:
    """Per worker: RSS at the first sample after minute 1, at the end, growth."""
    workers: dict[int, list[tuple[int, float]]] = {}
    for s in samples:
        for pid, mb in s["rss_mb"].items():
            workers.setdefault(pid, []).append((s["t"], mb))
    out = {}
    end = max((s["t"] for s in samples), default=0)
    warm = min(60, end / 3)  # minute 1, or a third of a shorter run
    for pid, series in workers.items():
        after_1min = [mb for t, mb in series if t >= warm] or [series[0][1]]
        first, last = after_1min[0], series[-1][1]
        out[str(pid)] = {
            "rss_mb_minute_1": first,
            "rss_mb_end": last,
            "rss_mb_max": max(mb for _t, mb in series),
            "growth_pct": round(100 * (last - first) / first, 1),
        }
    return out


def outage(timeline: dict, restart: tuple[float, float]) -> dict:
    """The statuses answered from the restart on, and the time until the first
    second in which every response succeeded again."""
    began, ended = restart
    seconds = sorted((int(k), v) for k, v in timeline.items())
    during = {}
    bad_seconds = []
    for sec, counts in seconds:
        if sec < int(began) - 1:
            continue
        bad = sum(n for status, n in counts.items() if not status.startswith(("2", "3")))
        if bad:
            bad_seconds.append(sec)
        if sec <= (bad_seconds[-1] if bad_seconds else int(ended)) + 1:
            for status, n in counts.items():
                during[status] = during.get(status, 0) + n
    last_bad = bad_seconds[-1] if bad_seconds else None
    return {
        "restart_seconds": round(ended - began, 1),
        "failed_seconds": len(bad_seconds),
        "statuses_from_restart_to_recovery": during,
        # From the restart command to the first second with no failure.
        "recovered_after_s": round(last_bad + 1 - began, 1) if last_bad else round(ended - began, 1),
        "recovered_after_postgres_ready_s": round(max(0.0, (last_bad + 1) - ended), 1) if last_bad else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", 600)))
    parser.add_argument("--users", type=int, default=int(os.environ.get("SOAK_USERS", 50)))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--size", choices=["demo", "national"], default=os.environ.get("SOAK_SIZE", "demo"))
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--fault", choices=["pg-restart"], help="a fault injected during the load")
    parser.add_argument("--fault-at", type=int, default=int(os.environ.get("SOAK_FAULT_AT", 20)))
    args = parser.parse_args()
    if shutil.which("pg_isready") is None or subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode:
        sys.exit("PostgreSQL must answer on 127.0.0.1:5432")
    VAR.mkdir(parents=True, exist_ok=True)
    seed(size=args.size, reseed=args.reseed)
    per_account = max(1, -(-args.users // sum(len(v) for v in ACCOUNTS.values())))
    made = subprocess.run(
        [PY, "-c", SESSIONS_SNIPPET, json.dumps(ACCOUNTS), str(per_account)],
        env={**os.environ, **PROD_ENV},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    sessions = next(line for line in made.stdout.splitlines() if line.startswith("SESSIONS "))
    files = {name: VAR / f"{name}.json" for name in ("sessions", "timeline", "acks")}
    files["sessions"].write_text(sessions[len("SESSIONS ") :])
    port = free_port()
    server = serve(port, args.workers)
    notes_before = note_rows()
    prefix = VAR / ("locust-" + (args.fault or "soak"))
    locust = None
    try:
        sampler = Sampler(server.pid)
        sampler.start()
        locust = subprocess.Popen(
            [
                *(str(BIN / "locust"), "-f", str(ROOT / "bench" / "soak_locustfile.py"), "--headless"),
                *("-u", str(args.users), "-r", str(max(1, args.users // 10)), "--run-time", f"{args.seconds}s"),
                *("--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary"),
                *("--stop-timeout", "10", "--loglevel", "WARNING"),
            ],
            env={**os.environ, **{f"SOAK_{k.upper()}": str(v) for k, v in files.items()}},
            cwd=ROOT,
        )
        restart = None
        if args.fault == "pg-restart":
            time.sleep(args.fault_at)
            restart = pg_restart()
        locust.wait()
        sampler.stop.set()
        sampler.join()
    finally:
        if locust and locust.poll() is None:
            locust.terminate()
        server.terminate()
        server.wait(timeout=20)
    stats = read_stats(prefix)
    checks = json.loads(files["acks"].read_text())
    timeline = json.loads(files["timeline"].read_text())
    loads = [s["load"] for s in sampler.samples]
    conns = [s["db_connections"] for s in sampler.samples if s["db_connections"] is not None]
    result = {
        "when_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "seconds": args.seconds,
        "users": args.users,
        "gunicorn_workers": args.workers,
        "size": args.size,
        "load_generator": "locust (headless, FastHttpUser)",
        "loadavg_1min": {"min": min(loads), "max": max(loads), "mean": round(sum(loads) / len(loads), 2)},
        "pages": stats,
        "memory_per_worker": memory_summary(sampler.samples),
        "db_connections": {"min": min(conns), "max": max(conns), "first": conns[0], "last": conns[-1]}
        if conns
        else {},
        "checks": checks,
        "writes": {
            "notes_acknowledged": checks.get("note (write) acknowledged", 0),
            "note_rows_written": note_rows() - notes_before,
        },
        "samples": sampler.samples,
    }
    if restart:
        result["outage"] = outage(timeline, restart)
        result["outage"]["restart_at_utc"] = time.strftime("%H:%M:%S", time.gmtime(restart[0]))
    out = ROOT / "bench" / "results" / (f"soak-{args.size}.json" if not args.fault else f"soak-{args.fault}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_table(result)
    print(f"\nWritten to {out.relative_to(ROOT)}")


def print_table(result: dict) -> None:
    la = result["loadavg_1min"]
    print(
        f"\n{result['seconds']} s, {result['users']} users, {result['gunicorn_workers']} gunicorn workers, "
        f"{result['size']} data; load average {la['min']}–{la['max']} (mean {la['mean']})\n"
    )
    print("| page | requests | req/s | errors | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in result["pages"]:
        rate = f"{100 * r['error_rate']:.2f} %" if r["error_rate"] is not None else ""
        print(
            f"| {r['name']} | {r['requests']} | {r['rps']} | {r['failures']} ({rate}) | {r['p50_ms']:g} "
            f"| {r['p95_ms']:g} | {r['p99_ms']:g} |"
        )
    print("\n| gunicorn worker | RSS at minute 1 (MB) | RSS at the end (MB) | max | growth |")
    print("|---|---:|---:|---:|---:|")
    for pid, m in result["memory_per_worker"].items():
        print(f"| {pid} | {m['rss_mb_minute_1']} | {m['rss_mb_end']} | {m['rss_mb_max']} | {m['growth_pct']} % |")
    print(f"\ndatabase connections: {result['db_connections']}")
    print(f"writes: {result['writes']}; checks: {result['checks']}")
    if "outage" in result:
        print(f"outage: {json.dumps(result['outage'], ensure_ascii=False)}")


if __name__ == "__main__":
    main()
