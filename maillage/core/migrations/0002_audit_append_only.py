"""Make the audit journal append-only in the database itself.

PostgreSQL: a trigger function raises on UPDATE and DELETE. SQLite: BEFORE
UPDATE / BEFORE DELETE triggers abort. TRUNCATE (table owner only) stays
possible on PostgreSQL so that test databases can be reset; the production
role should not own the tables (docs/operations.md).
"""

from django.db import migrations

TABLE = "core_auditevent"

PG_UP = f"""
CREATE OR REPLACE FUNCTION maillage_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'maillage: the audit journal is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {TABLE}_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION maillage_audit_append_only();
"""
PG_DOWN = f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}; DROP FUNCTION IF EXISTS maillage_audit_append_only();"

SQLITE_UP = [
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} BEGIN SELECT RAISE(ABORT, 'maillage: the audit journal is append-only (UPDATE refused)'); END;",
    f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} BEGIN SELECT RAISE(ABORT, 'maillage: the audit journal is append-only (DELETE refused)'); END;",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update;", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # params=None: the PL/pgSQL body holds a literal "%" (RAISE format),
        # which psycopg would otherwise read as a placeholder.
        schema_editor.execute(PG_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)
    else:  # pragma: no cover
        raise RuntimeError(f"Append-only audit triggers are not written for {vendor}.")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
