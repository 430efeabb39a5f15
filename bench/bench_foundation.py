"""Foundation: the signed-in home page, in process (query count and latency),
set against the fixed cost of any signed-in request and an anonymous minimal
view measured the same way.

The HTTP throughput of the same page under gunicorn is measured by bench/run.py
(web.* results)."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench.common import median_ms, p95_ms, result


def run(ctx):
    user = get_user_model().objects.get(email="admin.passerelle-paris@demo.maillage.fr")
    client = ctx.client_for(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200, response.status_code
    # The first request renders the panels (every domain's queries); the next
    # ones reuse the cached panels until something the person sees changes.
    with CaptureQueriesContext(connection) as warm_queries:
        client.get("/")
    rows = [
        result("web.home.queries", len(queries), "queries", None, "lower"),
        result("web.home.queries_warm", len(warm_queries), "queries", None, "lower"),
        result("web.home.inprocess_p95_ms", p95_ms(lambda: client.get("/"), repeat=100), "ms", None, "lower"),
    ]
    # Where a signed-in page's time goes: the anonymous minimal view, a
    # signed-in view that does nothing (what the security middleware costs)
    # and the home page, each as the median of the same loop.
    with override_settings(ROOT_URLCONF="bench.urls"):
        anonymous = Client()
        assert anonymous.get("/robots.txt").status_code == 200
        assert client.get("/_bench/signed-in-empty").status_code == 200
        # The query log is a bounded deque, full after the loop above.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as floor_queries:
            client.get("/_bench/signed-in-empty")
        floor_query_count = len(floor_queries)  # read now: the log is read lazily
        minimal = median_ms(lambda: anonymous.get("/robots.txt"), repeat=300)
        floor = median_ms(lambda: client.get("/_bench/signed-in-empty"), repeat=300)
        home = median_ms(lambda: client.get("/"), repeat=300)
    return [
        *rows,
        result("web.signed_in_floor.queries", floor_query_count, "queries", None, "lower"),
        result("web.minimal.inprocess_median_ms", minimal, "ms", None, "lower"),
        result("web.signed_in_floor.inprocess_median_ms", floor, "ms", None, "lower"),
        result("web.home.inprocess_median_ms", home, "ms", None, "lower"),
        result(
            "web.signed_in_floor.inprocess_ratio_to_minimal",
            round(minimal / floor, 3) if floor else None,
            "ratio",
            None,
            "higher",
        ),
        result(
            "web.home.inprocess_ratio_to_minimal", round(minimal / home, 3) if home else None, "ratio", None, "higher"
        ),
    ]
