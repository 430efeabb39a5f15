import threading

import pytest
from django.db import connection

from maillage.cases import services


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reference_allocation_is_unique_under_concurrency():
    """Four writers at once never share a reference (row lock on the year's
    counter). Needs PostgreSQL: SQLite's in-memory test database has one writer."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    results, errors = [], []

    def worker():
        from django.db import connections

        try:
            for _ in range(10):
                results.append(services.allocate_reference(year=2040))
        except Exception as exc:  # collected and reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 40 and len(set(results)) == 40
    assert max(results) == "TEH-2040-000040"
