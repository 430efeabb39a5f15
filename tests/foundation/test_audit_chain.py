"""The audit journal is a keyed hash chain (issue 16, item 4): altering,
removing, reordering or forging a row is found by `verify_journal`, which
says where; two writers never fork the chain; the runtime database role must
not own the journal (`check --deploy`)."""

import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from maillage.core import audit, checks, journal
from maillage.core.context import RequestContext, bind
from maillage.core.models import AuditEvent, AuditKind

pytestmark = pytest.mark.django_db

TABLE = "core_auditevent"


def write(n: int, **kwargs) -> list[AuditEvent]:
    return [
        audit.record(
            action="test.chain", actor=None, kind=AuditKind.SECURITY, details={"n": i, **kwargs}, target_label=f"r{i}"
        )
        for i in range(n)
    ]


def raw(sql: str, params=()):
    """Run SQL as the table owner would, with the append-only triggers off
    (inside the test's transaction: rolled back with it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TABLE}_append_only")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")
        cursor.execute(sql, params)


def verify_output(*args) -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("verify_journal", *args, stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


def test_every_row_is_chained_and_the_chain_verifies():
    events = write(5)
    assert all(len(e.chain_hash) == 64 for e in events)
    assert len({e.chain_hash for e in events}) == 5
    ok, output = verify_output()
    assert ok, output
    assert f"head {events[-1].chain_hash}" in output


def test_the_chain_survives_the_database_round_trip():
    with bind(
        RequestContext(request_id="r1", origin="web", method="POST", path="/dossiers/1/é", ip_address="2001:DB8:0::1")
    ):
        audit.record(
            action="test.unicode",
            actor=None,
            details={"texte": "Élodie — « guillemets » 🙂", "nested": {"b": [1, 2.5, None, True]}, "a": (1, 2)},
            target_label="TEH-2026-000001",
        )
    assert journal.verify(AuditEvent).ok


def test_an_altered_row_is_reported_where_it_is():
    events = write(4)
    raw(f"UPDATE {TABLE} SET object_label = %s WHERE id = %s", ["falsifié", events[1].pk])
    ok, output = verify_output()
    assert not ok
    assert f"Chain broken at row {events[1].pk} " in output
    assert f"row {events[2].pk} " not in output  # one change, one place


def test_a_removed_row_breaks_the_chain_at_the_next_one():
    events = write(4)
    raw(f"DELETE FROM {TABLE} WHERE id = %s", [events[1].pk])
    result = journal.verify(AuditEvent)
    assert [pk for pk, _ in result.breaks] == [events[2].pk]


def test_a_row_forged_without_the_key_is_reported(settings):
    write(2)
    settings.AUDIT_CHAIN_KEY = "a-guessed-key"
    forged = write(1, forged=True)[0]
    settings.AUDIT_CHAIN_KEY = "test-journal-chain-key"
    after = write(1)[0]
    result = journal.verify(AuditEvent)
    assert [pk for pk, _ in result.breaks] == [forged.pk]
    assert after.pk not in [pk for pk, _ in result.breaks]


def test_rows_removed_from_the_end_are_found_with_the_recorded_head():
    events = write(3)
    head = events[-1].chain_hash
    assert verify_output("--expect-head", head)[0]
    raw(f"DELETE FROM {TABLE} WHERE id = %s", [events[-1].pk])
    ok, output = verify_output("--expect-head", head)
    assert not ok and "removed from its end" in output


def test_the_chain_key_is_a_deploy_check(settings):
    settings.AUDIT_CHAIN_KEY = ""
    assert [e.id for e in checks.journal_chain_key_check(None)] == ["maillage.E005"]
    settings.AUDIT_CHAIN_KEY = settings.LOOKUP_HASH_KEY
    assert [e.id for e in checks.journal_chain_key_check(None)] == ["maillage.E006"]
    settings.AUDIT_CHAIN_KEY = "a-separate-key"
    assert checks.journal_chain_key_check(None) == []


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://…)"
)


@pytest.mark.postgres
@needs_postgres
def test_the_runtime_role_may_not_own_the_journal():
    # The test database belongs to the connecting superuser: that is the
    # configuration `check --deploy` must refuse.
    assert [e.id for e in checks.journal_not_owned_by_runtime_role(None)] == ["maillage.E007"]
    role = "maillage_test_runtime"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT INSERT, SELECT ON {TABLE} TO {role}")
        cursor.execute(f"SET ROLE {role}")
    try:
        assert checks.journal_not_owned_by_runtime_role(None) == []
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f"GRANT UPDATE ON {TABLE} TO {role}")
            cursor.execute(f"SET ROLE {role}")
        assert [e.id for e in checks.journal_not_owned_by_runtime_role(None)] == ["maillage.E008"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f"REVOKE ALL ON {TABLE} FROM {role}")
            cursor.execute(f"DROP ROLE {role}")


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_never_fork_the_chain():
    errors = []

    def worker(n):
        from django.db import connections

        try:
            for i in range(15):
                audit.record(action="test.concurrent", actor=None, kind=AuditKind.SECURITY, details={"w": n, "i": i})
        except Exception as exc:  # collected and reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    result = journal.verify(AuditEvent)
    assert result.rows >= 120 and result.ok, result.breaks
    hashes = list(AuditEvent.objects.values_list("chain_hash", flat=True))
    assert len(hashes) == len(set(hashes))


def test_on_sqlite_the_owner_check_has_nothing_to_say():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite has no roles")
    assert checks.journal_not_owned_by_runtime_role(None) == []
