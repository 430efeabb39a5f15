"""Re-encrypt every identity field and private file with the newest key and
recompute lookup hashes.

Procedure (docs/operations.md § Key rotation):
1. Put a new Fernet key first in FIELD_ENCRYPTION_KEYS, keep the old ones after it.
   (For the lookup key: set the new LOOKUP_HASH_KEY.)
2. Deploy, then run `manage.py rotate_encryption_keys`.
3. Check with `manage.py rotate_encryption_keys --check` (exit 1 while a row
   or a file is left under an old key), remove the old Fernet key, deploy again.

The command works in batches (keyset pagination on the primary key), each
in its own transaction, and prints its progress. It is resumable: a row whose
every token already verifies under the newest key and whose lookup hashes
are already those of the current key is read but not written, so a run
interrupted at 80 % resumes in the time it takes to read the first 80 %.
Private files (case documents, letters) are re-encrypted one at a time, each
replaced atomically; files stored in clear before encryption existed are
encrypted on the first run.
"""

import time

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from maillage.core import audit
from maillage.core.context import command_context
from maillage.core.encryption import encrypted_fields, lookup_fields
from maillage.core.enums import AuditAction
from maillage.core.filecrypt import encrypted_file_fields, newest_key_id
from maillage.core.models import AuditKind


class Command(BaseCommand):
    help = "Re-encrypt identity fields with the newest key and recompute lookup hashes."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--check",
            action="store_true",
            help="write nothing; count rows and files still under an old key (exit status 1 if any)",
        )

    def handle(self, *args, batch_size: int, check: bool, **options):
        self._verbosity = options.get("verbosity", 1)
        self._newest = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode("ascii"))
        total = files = 0
        started = time.monotonic()
        with command_context("rotate_encryption_keys"):
            for model in apps.get_models():
                enc = encrypted_fields(model)
                hashed = lookup_fields(model)
                if not enc and not hashed:
                    continue
                count = self._rotate_model(model, enc, hashed, batch_size, check=check)
                total += count
                self.stdout.write(f"{model._meta.label}: {count} rows" + (" under an old key" if check else ""))
            for model in apps.get_models():
                for field in encrypted_file_fields(model):
                    count = self._rotate_files(model, field, check=check)
                    files += count
                    self.stdout.write(
                        f"{model._meta.label}.{field.name}: {count} files" + (" under an old key" if check else "")
                    )
            if check:
                if total or files:
                    raise CommandError(f"{total} rows and {files} files are still under an old key.")
                self.stdout.write(self.style.SUCCESS("Every row and file is under the newest keys."))
                return
            with transaction.atomic():
                audit.record(
                    action=AuditAction.KEYS_ROTATED,
                    actor=None,
                    kind=AuditKind.SECURITY,
                    details={"rows": total, "files": files},
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {total} rows and {files} files re-encrypted in {time.monotonic() - started:.1f} s."
            )
        )

    def _rotate_files(self, model, field, *, check: bool) -> int:
        """Re-encrypt the files a model points to (not a walk of the directory:
        only files the database knows are touched)."""
        storage = field.storage
        count = 0
        newest = newest_key_id()
        names = model._base_manager.exclude(**{field.attname: ""}).values_list(field.attname, flat=True)
        for name in names.iterator(chunk_size=500):
            if not storage.exists(name):
                self.stderr.write(f"{model._meta.label}.{field.name}: missing file {name}")
                continue
            if check:
                count += storage.key_id_of(name) != newest
            elif storage.reencrypt(name):
                count += 1
        return count

    def _under_newest_key(self, token) -> bool:
        if not token:
            return True  # empty values are stored as is
        try:
            # Verifies the HMAC under the newest key only, without decrypting.
            self._newest.extract_timestamp(token.encode("ascii"))
        except InvalidToken:
            return False
        return True

    def _rotate_model(self, model, enc, hashed, batch_size: int, *, check: bool) -> int:
        manager = model._base_manager
        label = model._meta.label
        total_rows = manager.count()
        raw = {f"_raw_{f.attname}": Cast(f.attname, output_field=TextField()) for f in enc}
        changed = seen = 0
        last_pk = None
        started = last_report = time.monotonic()
        while True:
            with transaction.atomic():
                batch = manager.order_by("pk")
                if last_pk is not None:
                    batch = batch.filter(pk__gt=last_pk)
                if not check:
                    batch = batch.select_for_update()
                # Loading decrypts with any configured key; the raw tokens say
                # which key they are under.
                instances = list(batch.annotate(**raw)[:batch_size])
                if not instances:
                    break
                stale = []
                for instance in instances:
                    outdated = any(not self._under_newest_key(getattr(instance, name)) for name in raw)
                    for field in hashed:
                        value = field.compute(instance)
                        if value != getattr(instance, field.attname):
                            setattr(instance, field.attname, value)
                            outdated = True
                    if outdated:
                        stale.append(instance)
                if stale and not check:
                    # bulk_update runs get_prep_value: encryption with the
                    # newest key; it touches only the listed columns.
                    manager.bulk_update(stale, [f.attname for f in (*enc, *hashed)])
                changed += len(stale)
                seen += len(instances)
                last_pk = instances[-1].pk
            now = time.monotonic()
            if now - last_report >= 10 and self._verbosity >= 1:
                last_report = now
                rate = seen / (now - started)
                self.stdout.write(f"  {label}: {seen}/{total_rows} rows read, {changed} rewritten ({rate:.0f} rows/s)")
        return changed
