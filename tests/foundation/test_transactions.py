"""Service entry points and steps (maillage/core/transactions.py)."""

import pytest


def test_a_service_step_refuses_to_run_outside_a_transaction(transactional_db):
    from django.db import transaction

    from maillage.core.transactions import step

    @step
    def grant():
        return "granted"

    with pytest.raises(RuntimeError):
        grant()
    with transaction.atomic(durable=True):
        assert grant() == "granted"
