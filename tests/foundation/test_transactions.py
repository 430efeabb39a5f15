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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_notice_sent_once_the_service_committed_opens_its_own_transaction():
    # Cases and referrals notify from on-commit callbacks: notify then runs
    # outside any transaction and opens its own; inside a service it joins it.
    from django.db import transaction

    from maillage.notifications.models import Notification
    from maillage.notifications.services import notify
    from tests.factories import UserFactory

    user = UserFactory()
    with transaction.atomic(durable=True):
        transaction.on_commit(lambda: notify(recipient=user, title="Après validation"))
        notify(recipient=user, title="Dans le service")
    assert set(Notification.objects.filter(recipient=user).values_list("title", flat=True)) == {
        "Après validation",
        "Dans le service",
    }
