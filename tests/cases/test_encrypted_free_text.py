"""Free text of a case is ciphertext in the database (issue 16, item 3)."""

import datetime

import pytest
from django.db import connection

from maillage.cases import services
from maillage.cases.models import Case, Proceeding, Task
from maillage.core.encryption import decrypt_str

pytestmark = pytest.mark.django_db


def raw(model, pk, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_task_title_legal_hold_and_proceeding_reference_are_ciphertext(case, case_worker):
    task = services.add_task(
        case=case,
        acting_user=case_worker,
        title="Appeler Mme Okafor au 06 00 00 00 00",
        due_on=datetime.date.today() + datetime.timedelta(days=3),
        assignee=case_worker,
    )
    services.set_legal_hold(case=case, acting_user=case_worker, hold=True, reason="Plainte de Mme Okafor")
    proceeding = services.record_proceeding(
        case=case, acting_user=case_worker, kind="complaint", on=datetime.date.today(), reference="PV 2026/0042 Okafor"
    )
    for model, pk, column, clear in (
        (Task, task.pk, "title", "Appeler Mme Okafor au 06 00 00 00 00"),
        (Case, case.pk, "legal_hold_reason", "Plainte de Mme Okafor"),
        (Proceeding, proceeding.pk, "reference", "PV 2026/0042 Okafor"),
    ):
        stored = raw(model, pk, column)
        assert "Okafor" not in stored
        assert decrypt_str(stored) == clear
    assert Task.objects.get(pk=task.pk).title == "Appeler Mme Okafor au 06 00 00 00 00"
    # The check constraint « a legal hold has a reason » still holds on ciphertext.
    assert Case.objects.filter(pk=case.pk, legal_hold_reason="").count() == 0
