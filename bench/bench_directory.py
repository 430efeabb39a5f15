"""Directory benchmarks (issue 3): a filtered word search and the coverage map
over the national data set (10,000 organisations, `seed_demo --size national`).

Both measure the domain functions the pages call (selector + SVG render),
with the viewer computed once as the views do; queries vary so a cache of a
single query plan or result does not flatter the figure. On PostgreSQL the
word search is full-text (migration directory.0003, `maillage_fr` with
unaccent, GIN index); on SQLite the portable normalised-token match.
"""

from __future__ import annotations

from itertools import cycle

from .common import p95_ms, result

SEARCHES = [
    {"text": "hébergement sécurisé", "departement": "69"},
    {"text": "accompagnement", "departement": "13", "public": "women"},
    {"text": "passerelle", "departement": "75", "service": "legal_aid"},
    {"text": "soutien psychologique", "region": "84", "has_capacity": True},
    {"text": "refuge", "departement": "33", "accepts_minors": True},
]
COVERAGE = [
    {"service": "secure_accommodation"},
    {"service": "legal_aid", "public": "minors"},
    {"service": "psychological_support", "form": "TRAV_FORCE"},
    {},
]


def run(ctx) -> list[dict]:
    from maillage.directory import viewers
    from maillage.directory.selectors import coverage_by_departement, search_directory
    from maillage.organisations.models import Membership
    from maillage.territories.map_svg import render_departement_map

    membership = Membership.objects.active().select_related("user").first()
    viewer = viewers.viewer_for(membership.user if membership else None)
    searches = cycle(SEARCHES)
    coverages = cycle(COVERAGE)

    def search():
        return search_directory(viewer=viewer, limit=20, **next(searches)).results

    def coverage_map():
        counts = coverage_by_departement(viewer=viewer, **next(coverages))
        return render_departement_map(counts, title="Couverture", description="Organisations par département")

    return [
        result("directory.search.p95_ms", p95_ms(search, repeat=100), "ms", 50, "lower"),
        result("directory.coverage_map.p95_ms", p95_ms(coverage_map, repeat=40, warmup=4), "ms", 200, "lower"),
    ]
