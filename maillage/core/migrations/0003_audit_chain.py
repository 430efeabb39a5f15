"""Chain the audit journal (issue 16, item 4; maillage/core/journal.py).

Adds `chain_hash`, then seals the rows already written, in id order, with
AUDIT_CHAIN_KEY. The append-only triggers of 0002 refuse the UPDATE this
needs: the migration role (the table owner) suspends them for the sealing
only. On SQLite, adding the column rebuilds the table and drops its
triggers: they are created again here.
"""

import importlib

from django.db import migrations, models

TABLE = "core_auditevent"
append_only = importlib.import_module("maillage.core.migrations.0002_audit_append_only")


def seal_existing_rows(apps, schema_editor):
    from maillage.core import journal

    AuditEvent = apps.get_model("core", "AuditEvent")
    connection = schema_editor.connection
    vendor = connection.vendor
    has_rows = AuditEvent.objects.exists()
    if vendor == "postgresql" and has_rows:
        schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TABLE}_append_only")
    elif vendor == "sqlite":
        for statement in append_only.SQLITE_DOWN:
            schema_editor.execute(statement)
    if has_rows:
        previous = journal.GENESIS
        for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
            previous = journal.digest(previous, event)
            AuditEvent.objects.filter(pk=event.pk).update(chain_hash=previous)
    if vendor == "postgresql" and has_rows:
        schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TABLE}_append_only")
    elif vendor == "sqlite":
        for statement in append_only.SQLITE_UP:
            schema_editor.execute(statement)


def restore_sqlite_triggers(apps, schema_editor):
    # Removing the column rebuilds the table on SQLite too.
    if schema_editor.connection.vendor == "sqlite":
        for statement in append_only.SQLITE_DOWN + append_only.SQLITE_UP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),
        migrations.AddField(
            model_name="auditevent",
            name="chain_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(seal_existing_rows, migrations.RunPython.noop),
    ]
