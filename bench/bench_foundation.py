"""Foundation: the signed-in home page, in process (query count and latency).

The HTTP throughput of the same page under gunicorn is measured by bench/run.py
(web.* results)."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.common import p95_ms, result


def run(ctx):
    user = get_user_model().objects.get(email="admin.passerelle-paris@demo.maillage.fr")
    client = ctx.client_for(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200, response.status_code
    return [
        result("web.home.queries", len(queries), "queries", None, "lower"),
        result("web.home.inprocess_p95_ms", p95_ms(lambda: client.get("/"), repeat=100), "ms", None, "lower"),
    ]
