"""Statistics benchmarks (issue 12).

- stats.release.seconds: every table of a national release (MIPROF, Eurostat,
  GRETA, UNODC: 18 tables) with its disclosure control (primary + secondary
  suppression, HiGHS) from 1,000,000 anonymous records held column-wise
  (`tables.Frame`, built from seeded-like distributions); target 10 s.
  stats.release.peak_mb: the Python/numpy memory peak of that computation
  (tracemalloc), for information.
- stats.import.rows_per_second: reading and checking an XLSX return of
  20,000 rows (spreadsheet.parse: openpyxl read + the questionnaire's checks;
  the bulk insert that follows is not included); target 10,000.
- stats.page.p95_ms: the published release page (every table, 22 grids) for
  the statistics team, and the public page /statistiques/; target 200 ms.
  Needs the release `seed_demo` publishes.
"""

from __future__ import annotations

import io
import time
import tracemalloc
from datetime import date

from bench.common import p95_ms, result

N = 1_000_000


def synthetic_frame(n: int = N, seed: int = 3):
    import numpy as np

    from maillage.statistics import questionnaire, tables

    q = questionnaire.shipped()
    rng = np.random.default_rng(seed)
    forms = q.variable("forms").code_values
    cit = tables.citizenship_leaves()
    weights = np.ones(len(cit))
    for code, w in {
        "NG": 3000,
        "RO": 2000,
        "FR": 4000,
        "CN": 1000,
        "BG": 800,
        "AL": 600,
        "MA": 500,
        "DZ": 400,
    }.items():
        weights[cit.index(code)] = w
    weights /= weights.sum()
    places = tables.place_leaves()
    place_w = np.r_[np.full(len(places) - 3, 30.0), 20, 5, 2]
    place_w[list(tables.departement_codes()).index("75")] = 800
    place_w /= place_w.sum()
    form_w = np.r_[np.full(len(forms) - 1, 0.08), 0.04]
    form_w /= form_w.sum()
    return tables.Frame(
        year=2025,
        on=date(2025, 12, 31),
        form_codes=forms,
        service_codes=q.variable("services").code_values,
        status=rng.choice(3, n, p=[0.4, 0.35, 0.25]),
        sex=rng.choice(4, n, p=[0.6, 0.37, 0.01, 0.02]),
        age=rng.choice(len(tables.AGE_LEAVES), n),
        citizenship=rng.choice(len(cit), n, p=weights),
        forms=(1 << rng.choice(len(forms), n, p=form_w)) | np.where(rng.random(n) < 0.1, 1 << 3, 0),
        services=rng.integers(0, 256, n),
        place=rng.choice(len(places), n, p=place_w),
        new=rng.choice(2, n),
        identified_by=rng.choice(4, n),
        glotip=rng.choice(11, n),
    )


def _release() -> list[dict]:
    from maillage.statistics.release import protect_frame

    frame = synthetic_frame()
    tracemalloc.start()
    start = time.perf_counter()
    protected, _variables, specs = protect_frame(frame)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    assert len(specs) == len(protected.tables)
    return [
        result("stats.release.seconds", round(elapsed, 2), "s", 10, "lower"),
        result("stats.release.peak_mb", round(peak, 1), "MB", None, "lower"),
    ]


class _Campaign:
    pk = 0
    year = 2025


def _import() -> list[dict]:
    from openpyxl import load_workbook

    from maillage.statistics import questionnaire, spreadsheet

    q = questionnaire.shipped()
    campaign = _Campaign()
    wb = load_workbook(io.BytesIO(spreadsheet.template(campaign, q)))
    ws = wb["personnes"]
    rows = 20_000
    for i in range(rows):
        ws.append(["F", 20 + i % 40, "", "N", "NG|FR" if i % 7 else "RO", "PROX|TRAV_FORCE", "", "FR-75", "NG",
                   "presumed", "", "accommodation|legal", 2025])  # fmt: skip
    buffer = io.BytesIO()
    wb.save(buffer)
    content = buffer.getvalue()
    start = time.perf_counter()
    report = spreadsheet.parse(content, "retour.xlsx", campaign, q)
    elapsed = time.perf_counter() - start
    assert report.ok and len(report.rows) == rows, report.refused or report.errors[:3]
    return [result("stats.import.rows_per_second", round(rows / elapsed), "rows/s", 10_000, "higher")]


def _pages(ctx) -> list[dict]:
    from django.test import Client

    from maillage.organisations.models import Membership
    from maillage.statistics.models import Release

    release = Release.objects.select_related("campaign").order_by("-campaign__year", "-number").first()
    membership = (
        Membership.objects.active()
        .filter(role="coordinator", organisation__type="coordination")
        .select_related("user")
        .first()
    )
    if release is None or membership is None:
        return []
    client = ctx.client_for(membership.user)
    url = f"/statistiques/publications/{release.campaign.year}/{release.number}/"

    def page():
        response = client.get(url)
        assert response.status_code == 200

    anonymous = Client()

    def public():
        response = anonymous.get("/statistiques/")
        assert response.status_code == 200

    return [
        result("stats.page.p95_ms", p95_ms(page, repeat=40, warmup=3), "ms", 200, "lower"),
        result("stats.public_page.p95_ms", p95_ms(public, repeat=40, warmup=3), "ms", 200, "lower"),
    ]


def run(ctx) -> list[dict]:
    rows = []
    if ctx.vendor == "sqlite":  # pure computations: once is enough
        rows += _release()
        rows += _import()
    rows += _pages(ctx)
    return rows
