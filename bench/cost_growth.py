"""How the cost of the pages that read an organisation's data grows with it
(issue 17 item 6): the case list, the inbox and the directory search at demo
size, national size and three times national, p95 and queries each, the
databases measured in alternating rounds in one run.

    .venv/bin/python bench/cost_growth.py demo=postgres://…/db_demo \
        national=postgres://…/db_national 3x=postgres://…/db_3x --rounds 2

Each database is seeded beforehand with `seed_demo --size <size>` and
ANALYZEd. Measured in process (django.test.Client, bench settings), one
subprocess per database and round. Prints a table, writes
bench/results/cost-growth.json; the 1-minute load average is recorded beside
each measurement (figures on a shared machine are upper bounds).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import PY, VAR, _median, loadavg  # noqa: E402

INBOX_URLS = [
    "/orientations/",
    "/orientations/?boite=recues&etat=attente",
    "/orientations/?boite=recues&etat=acceptees",
]
SEARCH_URLS = [
    "/annuaire/?q=h%C3%A9bergement+s%C3%A9curis%C3%A9&departement=69",
    "/annuaire/?q=accompagnement&departement=13&public=women",
    "/annuaire/?q=passerelle&departement=75&service=legal_aid",
    "/annuaire/?q=soutien+psychologique&region=84",
]


def _acting_client(ctx, membership):
    client = ctx.client_for(membership.user)
    session = client.session
    session["maillage.active_membership"] = membership.pk
    session.save()
    return client


def _measure(client, urls, *, repeat) -> dict:
    """p95 of the wall-clock time per request (the issue's figure), and two
    figures a loaded machine inflates less: the median CPU time of this
    process per request (Python: ORM, templates) and the median time spent
    inside the database calls (the queries' own cost, plus waiting for a core)."""
    from django.db import connection

    from bench.common import percentile

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    executed: list[str] = []
    captured: list[tuple] = []
    in_sql = [0.0]

    def timed(execute, sql, params, many, context):
        # An execute wrapper survives the test client's request signals
        # (reset_queries empties the debug query log at each request start).
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_sql[0] += time.perf_counter() - start
            executed.append(sql)
            if not many:
                captured.append((sql, params))

    walls, cpus, sqls = [], [], []
    with connection.execute_wrapper(timed):
        client.get(urls[0])
        queries = len(executed)
        statements = list(captured)
        for index in range(repeat):
            in_sql[0] = 0.0
            wall, cpu = time.perf_counter(), time.process_time()
            client.get(urls[index % len(urls)])
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            sqls.append(in_sql[0] * 1000)
    return {
        "server_ms": _server_ms(statements),
        "p95_ms": round(percentile(walls, 95), 2),
        "cpu_median_ms": round(statistics.median(cpus), 2),
        "sql_median_ms": round(statistics.median(sqls), 2),
        "queries": queries,
    }


def _server_ms(statements: list[tuple], *, rounds: int = 5) -> float | None:
    """PostgreSQL's own planning + execution time of one request's SELECTs
    (EXPLAIN ANALYZE, median of `rounds`): the part of a page that grows
    with the data, measured inside the server rather than across the socket
    a loaded machine delays."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    totals = []
    for _ in range(rounds):
        total = 0.0
        with connection.cursor() as cursor:
            for sql, params in statements:
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                total += plan[0]["Planning Time"] + plan[0]["Execution Time"]
        totals.append(total)
    return round(statistics.median(totals), 2)


def _put(out: dict, page: str, figures: dict) -> None:
    for key, value in figures.items():
        out[f"{page}.{key}"] = value


def measure_here(repeat: int) -> dict:
    """In the subprocess, Django set up on one database."""
    import django

    django.setup()
    from django.db.models import Count

    from bench.run import Context
    from maillage.cases.models import Case
    from maillage.directory.models import Profile
    from maillage.organisations.enums import Role
    from maillage.organisations.models import Membership, Organisation
    from maillage.referrals.models import Referral

    ctx = Context("postgresql")
    out = {
        "size.organisations": Organisation.objects.count(),
        "size.profiles": Profile.objects.count(),
        "size.cases": Case.objects.count(),
        "size.referrals": Referral.objects.count(),
    }
    biggest = Organisation.objects.annotate(n=Count("cases")).order_by("-n").first()
    member = (
        Membership.objects.active().filter(organisation=biggest, role=Role.CASE_WORKER).select_related("user").first()
    )
    out["size.cases_of_the_organisation"] = biggest.n
    _put(out, "cases.list", _measure(_acting_client(ctx, member), ["/dossiers/"], repeat=repeat))
    top = Referral.objects.values("recipient_organisation").annotate(n=Count("pk")).order_by("-n").first()
    member = (
        Membership.objects.active()
        .filter(organisation_id=top["recipient_organisation"], role=Role.CASE_WORKER)
        .select_related("user")
        .first()
    )
    out["size.referrals_received_by_the_organisation"] = top["n"]
    _put(out, "referrals.inbox", _measure(_acting_client(ctx, member), INBOX_URLS, repeat=repeat))
    # The search page (form, search, 20 result cards), as a member.
    member = Membership.objects.active().filter(role=Role.CASE_WORKER).select_related("user").first()
    _put(out, "directory.search", _measure(_acting_client(ctx, member), SEARCH_URLS, repeat=repeat))
    return out


def measure(database_url: str, repeat: int) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DATABASE_URL": database_url,
        "MAILLAGE_VAR_DIR": str(VAR),
    }
    proc = subprocess.run(
        [PY, str(Path(__file__)), "--here", "--repeat", str(repeat)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            return json.loads(line[len("BENCH-JSON ") :])
    print(proc.stderr[-3000:], file=sys.stderr)
    return {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("databases", nargs="*", help="size=database_url, e.g. national=postgres://…")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=40, help="requests per page, database and round")
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.here:
        print("BENCH-JSON " + json.dumps(measure_here(args.repeat)))
        return
    databases = dict(item.split("=", 1) for item in args.databases)
    runs: dict[str, list[dict]] = {size: [] for size in databases}
    for rnd in range(args.rounds):
        for size, url in databases.items():
            before = loadavg()
            rows = measure(url, args.repeat)
            rows["loadavg_1min"] = [before, loadavg()]
            runs[size].append(rows)
            print(f"round {rnd + 1} {size}: {rows}", file=sys.stderr)
    names = sorted({name for rows in runs.values() for row in rows for name in row if name != "loadavg_1min"})
    out = {"loadavg_1min": {size: [r["loadavg_1min"] for r in rows] for size, rows in runs.items()}}
    print(f"{'measure':<45}" + "".join(f"{size:>12}" for size in databases))
    for name in names:
        values = {size: _median([r.get(name) for r in rows]) for size, rows in runs.items()}
        out[name] = {size: {"median": values[size], "rounds": [r.get(name) for r in runs[size]]} for size in runs}
        print(f"{name:<45}" + "".join(f"{values[size]!s:>12}" for size in databases))
    target = ROOT / "bench" / "results" / "cost-growth.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
