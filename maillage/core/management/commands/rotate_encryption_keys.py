"""Re-encrypt every identity field and private file with the newest key and
recompute lookup hashes.

Procedure (docs/operations.md § Key rotation):
1. Put a new Fernet key first in FIELD_ENCRYPTION_KEYS, keep the old ones after it.
   (For the lookup key: set the new LOOKUP_HASH_KEY.)
2. Deploy, then run `manage.py rotate_encryption_keys`.
3. Remove the old Fernet key from FIELD_ENCRYPTION_KEYS and deploy again.
The command is idempotent and works in batches, each in its own transaction.
Private files (case documents, letters) are re-encrypted one at a time, each
replaced atomically; files stored in clear before encryption existed are
encrypted on the first run.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from maillage.core import audit
from maillage.core.context import command_context
from maillage.core.encryption import encrypted_fields, lookup_fields
from maillage.core.enums import AuditAction
from maillage.core.filecrypt import encrypted_file_fields
from maillage.core.models import AuditKind


class Command(BaseCommand):
    help = "Re-encrypt identity fields with the newest key and recompute lookup hashes."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        total = 0
        files = 0
        with command_context("rotate_encryption_keys"):
            for model in apps.get_models():
                enc = encrypted_fields(model)
                hashed = lookup_fields(model)
                if not enc and not hashed:
                    continue
                count = self._rotate_model(model, enc, hashed, batch_size)
                total += count
                self.stdout.write(f"{model._meta.label}: {count} rows")
            for model in apps.get_models():
                for field in encrypted_file_fields(model):
                    count = self._rotate_files(model, field)
                    files += count
                    self.stdout.write(f"{model._meta.label}.{field.name}: {count} files")
            with transaction.atomic():
                audit.record(
                    action=AuditAction.KEYS_ROTATED,
                    actor=None,
                    kind=AuditKind.SECURITY,
                    details={"rows": total, "files": files},
                )
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows and {files} files re-encrypted."))

    def _rotate_files(self, model, field) -> int:
        """Re-encrypt the files a model points to (not a walk of the directory:
        only files the database knows are touched)."""
        storage = field.storage
        count = 0
        names = model._base_manager.exclude(**{field.attname: ""}).values_list(field.attname, flat=True)
        for name in names.iterator(chunk_size=500):
            if not storage.exists(name):
                self.stderr.write(f"{model._meta.label}.{field.name}: missing file {name}")
                continue
            if storage.reencrypt(name):
                count += 1
        return count

    def _rotate_model(self, model, enc, hashed, batch_size: int) -> int:
        manager = model._base_manager
        ids = list(manager.order_by("pk").values_list("pk", flat=True))
        count = 0
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            with transaction.atomic():
                # Loading decrypts with any configured key; update() below
                # encrypts with the first (newest) one.
                for instance in manager.filter(pk__in=chunk).select_for_update():
                    updates = {}
                    for field in enc:
                        updates[field.attname] = getattr(instance, field.attname)
                    for field in hashed:
                        updates[field.attname] = field.compute(instance)
                    # QuerySet.update() runs get_prep_value (encryption with
                    # the newest key) and touches no other column.
                    manager.filter(pk=instance.pk).update(**updates)
                    count += 1
        return count
