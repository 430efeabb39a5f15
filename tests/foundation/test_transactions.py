"""Service entry points and steps (maillage/core/transactions.py)."""

import pytest


# Outside the test's own transaction (like a real request); serialized_rollback keeps the
# catalogue rows of the data migrations for the tests that follow (see docs/architecture.md, Tests).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_service_step_refuses_to_run_outside_a_transaction():
    from django.db import transaction

    from maillage.core.transactions import step

    @step
    def grant():
        return "granted"

    with pytest.raises(RuntimeError):
        grant()
    with transaction.atomic(durable=True):
        assert grant() == "granted"
