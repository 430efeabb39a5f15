"""Service entry points and steps (maillage/core/transactions.py)."""

import pytest


# serialized_rollback, like every transactional test (docs/architecture.md,
# « Tests »): mixing the two kinds made a later serialized test fail at its
# setup (content types inserted twice) whenever random order put this one first.
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
