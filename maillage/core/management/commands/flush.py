"""`flush` that also works on SQLite despite the append-only audit triggers.

On PostgreSQL, Django's flush uses TRUNCATE, which the append-only trigger
allows (table owner only, see core/migrations/0002). On SQLite flush is a
`DELETE FROM` per table, which the BEFORE DELETE trigger aborts, so every
transactional or live-server test failed at teardown. Flushing the whole
database is the same deliberate, owner-only reset as TRUNCATE: the SQLite
triggers are dropped for the flush and recreated right after.
"""

from importlib import import_module

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

_append_only = import_module("maillage.core.migrations.0002_audit_append_only")


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite" or _append_only.TABLE not in connection.introspection.table_names():
            return super().handle(**options)
        with connection.cursor() as cursor:
            for statement in _append_only.SQLITE_DOWN:
                cursor.execute(statement)
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for statement in _append_only.SQLITE_UP:
                    cursor.execute(statement)
