"""Case file benchmarks (issue 4).

- cases.list.p95_ms: the case list of the organisation holding the most cases
  (20,000 with `seed_demo --size national`), first page, signed-in case worker.
- cases.detail.p95_ms: the detail page of one of its cases (identity decrypted
  and the access-log row written, as in production).
- screening.assess.per_second: the pure ILO/EC engine on one core (AL set,
  2–9 present indicators per assessment).
Query counts do not depend on the number of cases (paginated list without
joins to the identity table; detail sections sliced).
"""

from __future__ import annotations

import random
import time

from bench.common import p95_ms, result


def _assess_per_second(seconds: float = 2.0) -> float:
    from maillage.identification import screening as engine
    from maillage.identification.indicator_csv import load_indicator_sets

    sets = load_indicator_sets(engine.DEFAULT_CATALOGUE_PATH)
    al = sets["AL"]
    rng = random.Random(4)
    codes = list(al.indicators)
    samples = [frozenset(rng.sample(codes, k=rng.randint(2, 9))) for _ in range(2000)]
    assess = engine.assess
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for sample in samples:
            assess(al, sample)
        count += len(samples)
        if time.perf_counter() >= deadline:
            break
    return count / (time.perf_counter() - start)


def run(ctx) -> list[dict]:
    from django.db.models import Count

    from maillage.cases.models import Case
    from maillage.organisations.enums import Role
    from maillage.organisations.models import Membership, Organisation

    out = [result("screening.assess.per_second", round(_assess_per_second()), "assessments/s", 50_000, "higher")]
    organisation = Organisation.objects.annotate(n=Count("cases")).order_by("-n").first()
    if organisation is None or organisation.n == 0:
        return out
    membership = (
        Membership.objects.active()
        .filter(organisation=organisation, role=Role.CASE_WORKER)
        .select_related("user")
        .first()
    )
    if membership is None:
        return out
    user = membership.user
    # Act for this organisation if the person belongs to several.
    client = ctx.client_for(user)
    session = client.session
    session["maillage.active_membership"] = membership.pk
    session.save()
    list_response = client.get("/dossiers/")
    assert list_response.status_code == 200, list_response.status_code
    out.append(result("cases.list.p95_ms", p95_ms(lambda: client.get("/dossiers/"), repeat=100), "ms", 100, "lower"))
    case = Case.objects.filter(organisation=organisation).order_by("-id").first()
    url = f"/dossiers/{case.pk}/"
    assert client.get(url).status_code == 200
    out.append(result("cases.detail.p95_ms", p95_ms(lambda: client.get(url), repeat=100), "ms", 100, "lower"))
    return out
