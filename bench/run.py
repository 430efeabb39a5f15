"""`make bench`: seed national-size data, run every benchmark, write
bench/results/latest.json and print a table.

1. For each database (SQLite file under var/bench/, and PostgreSQL database
   `maillage_bench` when a server answers on 127.0.0.1:5432), migrate and run
   `seed_demo --size national` once (reused on later runs; --reseed redoes it).
2. In a subprocess per database, call `run(ctx)` of every bench/bench_*.py
   module (in-process measurements through django.test.Client or the ORM).
   Results on PostgreSQL keep their plain name; SQLite ones get ".sqlite".
3. Serve the app with gunicorn (production settings, 2 workers) on the
   PostgreSQL data (SQLite if no server) and load it with 20 concurrent
   keep-alive clients on loopback: /healthz, the signed-in home page, a
   minimal Django view (/robots.txt) and a signed-in page that renders
   nothing (bench/wsgi.py adds it), reporting requests/s and p50/p95.
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results" / "latest.json"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/test"
# BENCH_PG_DB: another database name on a shared server.
PG_DB = os.environ.get("BENCH_PG_DB", "maillage_bench")
PG_BENCH = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
PY = sys.executable


def pg_available() -> bool:
    return (
        shutil.which("pg_isready") is not None
        and subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0
    )


def database_urls() -> dict[str, str]:
    urls = {"sqlite": f"sqlite:///{VAR / 'bench.sqlite3'}"}
    if pg_available():
        urls["postgresql"] = PG_BENCH
    return urls


def manage(args: list[str], *, database_url: str, settings: str = "config.settings.bench", check=True, **kwargs):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": database_url,
        "MAILLAGE_VAR_DIR": str(VAR),
    }
    return subprocess.run([PY, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=check, **kwargs)


def seed(vendor: str, url: str, *, reseed: bool) -> None:
    marker = VAR / f"seeded-{vendor}"
    if marker.exists() and not reseed:
        # The code may have new migrations since the data was seeded.
        manage(["migrate", "--noinput", "-v0"], database_url=url)
        print(f"[{vendor}] reusing seeded database ({marker})")
        return
    if vendor == "sqlite":
        (VAR / "bench.sqlite3").unlink(missing_ok=True)
    else:
        subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {PG_DB}"], check=True)
        subprocess.run(["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {PG_DB}"], check=True)
    started = time.time()
    manage(["migrate", "--noinput", "-v0"], database_url=url)
    manage(["seed_demo", "--size", "national", "--quiet-accounts"], database_url=url, stdout=subprocess.DEVNULL)
    if vendor == "postgresql":
        # A running database has planner statistics and a visibility map
        # (autovacuum keeps both); right after a bulk load it has neither:
        # the planner picks plans for one-row tables and no index-only scan
        # is possible (the inbox's counts read heap pages: 31.6 ms server
        # time at national size after ANALYZE alone, 10.3 ms after VACUUM).
        subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
    print(f"[{vendor}] seeded in {time.time() - started:.0f} s")
    marker.write_text(time.strftime("%Y-%m-%d %H:%M:%S"))


# --- in-process benchmarks (run in a subprocess per database) -------------


class Context:
    def __init__(self, vendor: str):
        self.vendor = vendor

    def client_for(self, user):
        from django.test import Client

        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.session
        session["account_authentication_methods_user"] = str(user.pk)
        session["account_authentication_methods"] = [{"method": "mfa", "at": time.time(), "type": "totp"}]
        session.save()
        return client


def inprocess(vendor: str) -> None:
    import django

    django.setup()
    results = []
    for path in sorted((ROOT / "bench").glob("bench_*.py")):
        module = importlib.import_module(f"bench.{path.stem}")
        if not getattr(module, "PER_DATABASE", True):
            continue  # run once, outside the per-database loop (linkage_benchmarks)
        try:
            for row in module.run(Context(vendor)):
                results.append(row)
        except Exception as exc:  # report and go on: one broken bench must not hide the others
            results.append(
                {
                    "name": f"{path.stem}.error",
                    "value": None,
                    "unit": repr(exc)[:200],
                    "target": None,
                    "better": "lower",
                }
            )
    print("BENCH-JSON " + json.dumps(results))


# --- record linkage (no database; once) ----------------------------------


def linkage_benchmarks() -> list[dict]:
    """bench/bench_linkage.py in its own process: 1,000,000 records encoded and linked."""
    proc = subprocess.run([PY, str(ROOT / "bench" / "bench_linkage.py")], cwd=ROOT, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            return json.loads(line[len("BENCH-JSON ") :])
    print(proc.stderr[-3000:], file=sys.stderr)
    return [{"name": "bench_linkage.error", "value": None, "unit": "see stderr", "target": None, "better": "lower"}]


# --- HTTP load -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load(port: int, path: str, *, headers: dict, clients: int = 20, duration: float = 6.0) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + duration

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local = []
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            local.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 2) if latencies else None

    return {
        "rps": round(len(latencies) / elapsed, 1),
        "p50": pct(50),
        "p95": pct(95),
        "errors": errors[0],
        "count": len(latencies),
    }


WRK_SCRIPT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK-JSON {\"requests\": %d, \"duration_us\": %d, \"p50_us\": %d, \"p95_us\": %d, " ..
    "\"errors\": %d}\n", summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def wrk_load(port: int, path: str, *, headers: dict, clients: int = 20, duration: float = 6.0) -> dict | None:
    """The same measurement with wrk (C, epoll): the Python client tops out
    near the minimal view's throughput and so flattered every ratio (issue 17).
    None when wrk is not installed."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    script = VAR / "wrk-report.lua"
    script.write_text(WRK_SCRIPT)
    args = [wrk, "-t", "2", "-c", str(clients), "-d", f"{max(1, round(duration))}s", "-s", str(script), "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    proc = subprocess.run([*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("WRK-JSON "):
            data = json.loads(line[len("WRK-JSON ") :])
            seconds = data["duration_us"] / 1e6
            return {
                "rps": round(data["requests"] / seconds, 1) if seconds else 0.0,
                "p50": round(data["p50_us"] / 1000, 2),
                "p95": round(data["p95_us"] / 1000, 2),
                "errors": data["errors"],
                "count": data["requests"],
            }
    print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
    return None


def loadavg() -> float:
    """The machine's 1-minute load average, recorded beside every web figure:
    the bench machine may be shared, and figures under load are lower."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0]


def export_baseline(ref: str) -> Path:
    """The code of `ref` (e.g. main) exported beside the branch, served by a
    second gunicorn on the same database, so that before and after are
    measured in the same run, in alternating rounds."""
    sha = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True, text=True, check=True)
    target = VAR / f"baseline-{sha.stdout.strip()}"
    if not (target / "manage.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.Popen(["git", "archive", ref], cwd=ROOT, stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(target)], stdin=archive.stdout, check=True)
        archive.wait()
    # The same static files: copying them spares a second collectstatic.
    if (ROOT / "staticfiles").is_dir() and not (target / "staticfiles").exists():
        shutil.copytree(ROOT / "staticfiles", target / "staticfiles")
    return target


def _serve(code_dir: Path, env: dict) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "bench.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env={**env, "PYTHONPATH": str(code_dir)},
        cwd=code_dir,
    )
    for _ in range(120):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.25)
    return server, port


def _median(values: list[float]) -> float | None:
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else round((values[mid - 1] + values[mid]) / 2, 3)


# Pages served by bench/urls.py of this code only (a baseline may predate them).
BRANCH_ONLY_PAGES = {"home_jinja2"}


def web_benchmarks(
    vendor: str,
    url: str,
    *,
    rounds: int = 3,
    duration: float = 6.0,
    baseline: str | None = None,
    client: str = "auto",
    collectstatic: bool = True,
) -> list[dict]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DATABASE_URL": url,
        "DJANGO_SECRET_KEY": "bench-secret-key-" + "x" * 40,
        # The seeded data was encrypted with the development keys.
        "FIELD_ENCRYPTION_KEYS": "q8Jk3mAfkAeLDzPsDQvPkI8X0oJrPSQHhpUYLk6gqzM=",
        "LOOKUP_HASH_KEY": "dev-only-lookup-key-distinct-from-the-encryption-key",
        "AUDIT_CHAIN_KEY": "dev-only-journal-chain-key",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MAILLAGE_VAR_DIR": str(VAR),
    }
    redis_ok = (
        subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, text=True).stdout.strip()
        == "PONG"
        if shutil.which("redis-cli")
        else False
    )
    if redis_ok:
        env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
    else:
        subprocess.run([PY, "manage.py", "createcachetable"], env=env, cwd=ROOT, check=True)
    if collectstatic or not (ROOT / "staticfiles" / "staticfiles.json").exists():
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    # A signed-in session with a second factor, made directly in the database.
    cookie = (
        subprocess.run([PY, "-c", SESSION_SNIPPET], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    # The variants: this code, and the baseline's when asked (same data,
    # same cache, same session), loaded one at a time, in alternating rounds.
    codes = {"": ROOT}
    if baseline:
        codes["baseline."] = export_baseline(baseline)
        if not (codes["baseline."] / "staticfiles").is_dir():
            subprocess.run(
                [PY, "manage.py", "collectstatic", "--noinput", "-v0"],
                env={**env, "PYTHONPATH": str(codes["baseline."])},
                cwd=codes["baseline."],
                check=True,
            )
    use_wrk = client in ("auto", "wrk") and shutil.which("wrk") is not None
    generator = "wrk" if use_wrk else "python client (fallback: wrk not installed)"
    print(f"[web] load generator: {generator}; {rounds} rounds of {duration:.0f} s per page and variant")
    servers = {}
    try:
        for prefix, code_dir in codes.items():
            servers[prefix] = _serve(code_dir, env)
        https = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        signed_in = {**https, "Cookie": f"__Host-sessionid={cookie}"}
        pages = (
            ("minimal", "/robots.txt", https),
            ("healthz", "/healthz", https),
            # A signed-in page that renders nothing: what the session, user,
            # memberships and second-factor checks cost every signed-in page.
            ("signed_in_floor", "/_bench/signed-in-empty", signed_in),
            ("home", "/", signed_in),
            # The same page with a Jinja2 layout (bench/jinja2_home.py), for
            # decision 0014; absent from a baseline that predates it.
            ("home_jinja2", "/_bench/home-jinja2", signed_in),
        )
        runs: dict[tuple[str, str], list[dict]] = {}
        loads: list[float] = []
        for _server, port in servers.values():  # warm-up, every variant
            for _key, path, headers in pages:
                load(port, path, headers=headers, clients=4, duration=1.0)
        for rnd in range(rounds):
            for prefix, (_server, port) in servers.items():
                for key, path, headers in pages:
                    if prefix and key in BRANCH_ONLY_PAGES:
                        continue
                    loads.append(loadavg())
                    m = wrk_load(port, path, headers=headers, duration=duration) if use_wrk else None
                    if m is None:
                        m = load(port, path, headers=headers, duration=duration)
                        m["client"] = "python"
                    else:
                        m["client"] = "wrk"
                    m["round"] = rnd
                    m["loadavg"] = loads[-1]
                    runs.setdefault((prefix, key), []).append(m)
                    print(
                        f"[web] round {rnd + 1} {prefix or 'branch.'}{key}: {m['rps']} req/s, p95 {m['p95']} ms "
                        f"({m['client']}, load {loads[-1]})"
                    )
        if use_wrk and any(m["client"] == "python" for ms in runs.values() for m in ms):
            generator = "wrk, python client (fallback) for some rounds"
        rows = [
            {"name": "web.load_generator", "value": generator, "unit": "", "target": None, "better": ""},
            {"name": "web.loadavg_1min.min", "value": min(loads), "unit": "load", "target": None, "better": "lower"},
            {"name": "web.loadavg_1min.max", "value": max(loads), "unit": "load", "target": None, "better": "lower"},
        ]
        for prefix in servers:
            for key, path, _headers in pages:
                if (prefix, key) not in runs:
                    continue
                ms = runs[(prefix, key)]
                errors = sum(m["errors"] for m in ms)
                if errors:
                    print(f"[web] {prefix}{path}: {errors} errors", file=sys.stderr)
                rows += [
                    {"name": f"web.{prefix}{key}.errors", "value": errors, "unit": "responses", "target": 0,
                     "better": "lower"},
                    {"name": f"web.{prefix}{key}.rps", "value": _median([m["rps"] for m in ms]), "unit": "req/s",
                     "target": None, "better": "higher", "rounds": [m["rps"] for m in ms]},
                    {"name": f"web.{prefix}{key}.p50_ms", "value": _median([m["p50"] for m in ms]), "unit": "ms",
                     "target": None, "better": "lower"},
                    {"name": f"web.{prefix}{key}.p95_ms", "value": _median([m["p95"] for m in ms]), "unit": "ms",
                     "target": None, "better": "lower"},
                ]  # fmt: skip
            # Ratios per round (same minute, same load), then their median.
            for key, target in (("home", 0.25), ("signed_in_floor", 0.40), ("home_jinja2", None)):
                if (prefix, key) not in runs:
                    continue
                ratios = [
                    round(page["rps"] / minimal["rps"], 3) if minimal["rps"] else None
                    for page, minimal in zip(runs[(prefix, key)], runs[(prefix, "minimal")], strict=True)
                ]
                rows.append(
                    {
                        "name": f"web.{prefix}{key}.rps_ratio_to_minimal_view",
                        "value": _median(ratios),
                        "unit": "ratio",
                        "target": target if not prefix else None,
                        "better": "higher",
                        "rounds": ratios,
                    }
                )
        if ("", "home_jinja2") in runs:
            # Decision 0014: Jinja2 layout against Django templates with fragments, same rounds.
            ratios = [
                round(j["rps"] / d["rps"], 3) if d["rps"] else None
                for j, d in zip(runs[("", "home_jinja2")], runs[("", "home")], strict=True)
            ]
            rows.append(
                {"name": "web.home_jinja2.rps_ratio_to_home", "value": _median(ratios), "unit": "x", "target": None,
                 "better": "higher", "rounds": ratios}
            )  # fmt: skip
        if "baseline." in servers:
            for key in ("home", "signed_in_floor"):
                after = [m["rps"] for m in runs[("", key)]]
                before = [m["rps"] for m in runs[("baseline.", key)]]
                speedups = [round(a / b, 3) if b else None for a, b in zip(after, before, strict=True)]
                rows.append(
                    {
                        "name": f"web.{key}.rps_speedup_over_baseline",
                        "value": _median(speedups),
                        "unit": "x",
                        "target": None,
                        "better": "higher",
                        "rounds": speedups,
                    }
                )
        for row in rows:
            row["database"] = vendor
            row["client"] = generator
        return rows
    finally:
        for server, _port in servers.values():
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a loaded machine: never leave a server behind
                server.kill()
                server.wait()


SESSION_SNIPPET = r"""
import django
django.setup()
from django.contrib.auth import get_user_model
from bench.common import signed_in_session_key
print(signed_in_session_key(get_user_model().objects.get(email="admin.passerelle-paris@demo.maillage.fr")))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--inprocess", choices=["sqlite", "postgresql"])
    parser.add_argument("--skip-web", action="store_true")
    parser.add_argument("--skip-linkage", action="store_true", help="skip the 1,000,000-record linkage benchmark")
    parser.add_argument("--web-only", action="store_true", help="only the HTTP load test (data already seeded)")
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgresql"], help="only these databases")
    parser.add_argument("--rounds", type=int, default=3, help="HTTP rounds, variants interleaved in each")
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per page, variant and round")
    parser.add_argument("--baseline", help="a git ref (e.g. main) served beside this code and measured in turn")
    parser.add_argument(
        "--no-collectstatic", action="store_true", help="reuse staticfiles/ (minutes on a busy machine)"
    )
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto", help="HTTP load generator")
    args = parser.parse_args()
    if args.inprocess:
        inprocess(args.inprocess)
        return
    VAR.mkdir(parents=True, exist_ok=True)
    urls = database_urls()
    if args.databases:
        urls = {vendor: url for vendor, url in urls.items() if vendor in args.databases}
    results = []
    for vendor, url in urls.items():
        seed(vendor, url, reseed=args.reseed)
        if args.web_only:
            continue
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.bench",
            "DATABASE_URL": url,
            "MAILLAGE_VAR_DIR": str(VAR),
        }
        proc = subprocess.run(
            [PY, str(Path(__file__)), "--inprocess", vendor], env=env, cwd=ROOT, capture_output=True, text=True
        )
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
        for line in proc.stdout.splitlines():
            if line.startswith("BENCH-JSON "):
                for row in json.loads(line[len("BENCH-JSON ") :]):
                    if vendor == "sqlite":
                        row["name"] += ".sqlite"
                    row["database"] = vendor
                    results.append(row)
    if not args.web_only and not args.skip_linkage:
        results += linkage_benchmarks()
    if not args.skip_web:
        web_vendor = "postgresql" if "postgresql" in urls else "sqlite"
        results += web_benchmarks(
            web_vendor,
            urls[web_vendor],
            rounds=args.rounds,
            duration=args.duration,
            baseline=args.baseline,
            client=args.client,
            collectstatic=not args.no_collectstatic,
        )
    if args.web_only and RESULTS.exists():
        # Keep the in-process figures of the last full run; replace the web ones.
        kept = [
            r
            for r in json.loads(RESULTS.read_text())
            if not r["name"].startswith("web.") or r["name"].startswith(("web.home.queries", "web.home.inprocess"))
        ]
        results = kept + results
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    width = max(len(r["name"]) for r in results) if results else 10
    print(f"\n{'benchmark':<{width}}  {'value':>12}  {'unit':<8} {'target':>8}  better  ok")
    for r in results:
        ok = ""
        if r["target"] is not None and r["value"] is not None:
            ok = (
                "yes" if (r["value"] <= r["target"] if r["better"] == "lower" else r["value"] >= r["target"]) else "NO"
            )
        print(f"{r['name']:<{width}}  {r['value']!s:>12}  {r['unit']:<8} {r['target']!s:>8}  {r['better']:<6}  {ok}")
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
