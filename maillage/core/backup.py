"""Backup and restore of an instance: the database and the private files in
one encrypted archive (issue 16, « Backup and restore »; docs/operations.md
§ Backups).

The archive is a tar stream encrypted with the streaming AES-256-GCM of
`filecrypt` (its own magic, `MLGBAK`) under a key derived from BACKUP_KEYS,
distinct from the field, lookup and journal keys: whoever holds the archive
without that key learns nothing but its size, and one altered, reordered or
missing byte makes the restore refuse it. Inside:

- `database.pgdump` (pg_dump custom format, PostgreSQL) or
  `database.sqlite3` (SQLite online backup API), a consistent snapshot;
- `private/<path>`: every private file as stored, i.e. still encrypted under
  the field keys (an archive key alone does not open a case document);
- `manifest.json` last: size and SHA-256 of every member, the row count of
  every table, the applied migrations, the journal's row count and head hash,
  and fingerprints (never the keys) of the field, lookup and journal keys the
  data needs.

On PostgreSQL the counts, the journal head and the dump come from one
exported snapshot (`pg_export_snapshot()` + `pg_dump --snapshot`), so the
manifest describes exactly what was dumped while the application runs.

`restore` refuses a target that is not empty (a table in the database or a
file in the private directory), an archive it cannot authenticate, a member
whose SHA-256 differs from the manifest, migrations the code does not know,
and keys that differ from the backup's. It decrypts everything into a
staging directory before writing anything, then loads the database, moves
the files in place, and verifies: the same count in every table, the same
migrations, the journal chain intact up to the same head, every file the
database points to present and decrypting (and of the recorded size).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cryptography.exceptions import InvalidTag
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from . import filecrypt, journal
from .encryption import DecryptionError

ARCHIVE_MAGIC = b"MLGBAK"
FORMAT = 1
MANIFEST = "manifest.json"
DB_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
PRIVATE_PREFIX = "private/"
# Leftovers of an interrupted upload (filecrypt.write_encrypted): ciphertext
# no row points to, not worth keeping.
PART_PREFIX = ".upload-"
_READ = 1024 * 1024


class BackupError(Exception):
    """A refusal or a failed verification, with a message for the operator."""


# --- keys -------------------------------------------------------------------


def backup_keyring():
    keys = tuple(getattr(settings, "BACKUP_KEYS", ()) or ())
    if not keys:
        raise ImproperlyConfigured("BACKUP_KEYS is empty: backups cannot be encrypted.")
    others = {*settings.FIELD_ENCRYPTION_KEYS, settings.LOOKUP_HASH_KEY, getattr(settings, "AUDIT_CHAIN_KEY", "")}
    if others & set(keys):
        # A stolen archive and a stolen field key must remain two thefts.
        raise ImproperlyConfigured("BACKUP_KEYS must differ from the field, lookup and journal keys.")
    return filecrypt.derive_keyring(keys, info=b"maillage.backup.v1", id_label=b"maillage.backup.key-id")


def _fingerprint(secret: str, purpose: str) -> str:
    return hashlib.sha256(f"maillage.key-fingerprint\x1f{purpose}\x1f{secret}".encode()).hexdigest()[:16]


def key_references() -> dict:
    """Which keys the data needs, as fingerprints: a restore with other keys
    would give back ciphertext nobody can read."""
    return {
        "field_keys": [_fingerprint(k, "field") for k in settings.FIELD_ENCRYPTION_KEYS],
        "lookup_key": _fingerprint(settings.LOOKUP_HASH_KEY, "lookup"),
        "audit_chain_key": _fingerprint(getattr(settings, "AUDIT_CHAIN_KEY", ""), "journal"),
    }


def _missing_keys(recorded: dict) -> list[str]:
    current = key_references()
    missing = []
    if not set(recorded.get("field_keys", [])) <= set(current["field_keys"]):
        missing.append("FIELD_ENCRYPTION_KEYS")
    if recorded.get("lookup_key") != current["lookup_key"]:
        missing.append("LOOKUP_HASH_KEY")
    if recorded.get("audit_chain_key") != current["audit_chain_key"]:
        missing.append("AUDIT_CHAIN_KEY")
    return missing


# --- facts about a database -------------------------------------------------


def _table_names(cursor, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return sorted(row[0] for row in cursor.fetchall())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def database_facts(cursor, vendor: str) -> dict:
    """Row count per table, applied migrations, journal count and head; raw
    SQL, so that it runs on a snapshot connection or on a copied file."""
    tables = _table_names(cursor, vendor)
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    migrations = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    table = apps.get_model("core", "AuditEvent")._meta.db_table
    head = ""
    if table in counts:
        cursor.execute(f"SELECT chain_hash FROM {_quote(table)} ORDER BY id DESC LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
        head = (row[0] or "") if row else ""
    return {
        "tables": counts,
        "migrations": migrations,
        "journal": {"rows": counts.get(table, 0), "head": head},
    }


# --- archive writing --------------------------------------------------------


class _HashingReader:
    def __init__(self, raw):
        self._raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        data = self._raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_READ), b""):
            digest.update(block)
    return digest.hexdigest()


def private_root() -> Path:
    """Where the encrypted FileFields live (PRIVATE_MEDIA_ROOT)."""
    return Path(default_storage.location)


def _private_files(root: Path):
    if not root.exists():
        return
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            if filename.startswith(PART_PREFIX):
                continue
            path = Path(directory) / filename
            yield path, path.relative_to(root).as_posix()


def _pg_env_args(settings_dict: dict) -> tuple[dict, list[str]]:
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args = []
    if settings_dict.get("HOST"):
        args += ["-h", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", str(settings_dict["USER"])]
    return env, args


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


def _dump_database(alias: str, target: Path) -> dict:
    """Dump to `target`; returns the facts of exactly what was dumped."""
    connection = connections[alias]
    vendor = connection.vendor
    if vendor == "postgresql":
        # A connection of our own: the snapshot needs a transaction we open.
        snapshot_connection = connections.create_connection(alias)
        try:
            with snapshot_connection.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                env, args = _pg_env_args(snapshot_connection.settings_dict)
                _run(
                    [
                        "pg_dump",
                        *args,
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        "--no-owner",
                        "--no-privileges",
                        f"--file={target}",
                        snapshot_connection.settings_dict["NAME"],
                    ],
                    env,
                )
                facts = database_facts(cursor, vendor)
                cursor.execute("COMMIT")
        finally:
            snapshot_connection.close()
        return facts
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            cursor = copy.cursor()
            facts = database_facts(cursor, vendor)
            cursor.close()
        finally:
            copy.close()
        return facts
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")


@dataclass
class Report:
    manifest: dict
    size: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _tarinfo(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    return info


def backup(output: Path, *, using: str = "default") -> Report:
    """Write the encrypted archive to `output` (via `output.part`, renamed
    when complete and fsynced: a crash never leaves a short archive under the
    final name)."""
    keyring = backup_keyring()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    vendor = connections[using].vendor
    timings = {}
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=output.parent) as staging:
        started = time.perf_counter()
        dump = Path(staging) / DB_MEMBERS.get(vendor, "database")
        facts = _dump_database(using, dump)
        timings["database"] = time.perf_counter() - started
        started = time.perf_counter()
        manifest = {
            "format": FORMAT,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "vendor": vendor,
            **facts,
            "keys": key_references(),
            "database": {"name": dump.name, "size": dump.stat().st_size, "sha256": _sha256_of(dump)},
            "files": [],
        }
        part = output.with_name(output.name + ".part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw:
                writer = filecrypt.EncryptingWriter(raw, keyring=keyring, magic=ARCHIVE_MAGIC)
                with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                    with open(dump, "rb") as handle:
                        tar.addfile(_tarinfo(dump.name, manifest["database"]["size"]), handle)
                    for path, relative in _private_files(private_root()):
                        # One open handle: a file replaced meanwhile (key
                        # rotation) is read whole, old or new, and hashed as read.
                        with open(path, "rb") as handle:
                            size = os.fstat(handle.fileno()).st_size
                            reader = _HashingReader(handle)
                            tar.addfile(_tarinfo(PRIVATE_PREFIX + relative, size), reader)
                        manifest["files"].append(
                            {"path": relative, "size": reader.size, "sha256": reader.sha256.hexdigest()}
                        )
                    body = json.dumps(manifest, indent=1, sort_keys=True).encode()
                    tar.addfile(_tarinfo(MANIFEST, len(body)), io.BytesIO(body))
                writer.finish()
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(part, output)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(part)
            raise
        timings["files_and_encryption"] = time.perf_counter() - started
    return Report(manifest=manifest, size=output.stat().st_size, timings=timings)


# --- archive reading --------------------------------------------------------


def _member_path(name: str) -> str | None:
    """The relative private path of a member, None for the other members;
    refuses anything that could escape the staging directory."""
    if name in (MANIFEST, *DB_MEMBERS.values()):
        return None
    pure = PurePosixPath(name)
    if not name.startswith(PRIVATE_PREFIX) or pure.is_absolute() or ".." in pure.parts or "\\" in name:
        raise BackupError(f"Unexpected member in the archive: {name!r}.")
    relative = name[len(PRIVATE_PREFIX) :]
    if not relative or relative.startswith("/"):
        raise BackupError(f"Unexpected member in the archive: {name!r}.")
    return relative


def unpack(archive: Path, staging: Path) -> dict:
    """Decrypt and authenticate the whole archive into `staging`; check every
    member against the manifest. Returns the manifest. Nothing outside
    `staging` is written."""
    keyring = backup_keyring()
    seen: dict[str, tuple[int, str]] = {}
    manifest_bytes = None
    try:
        with (
            filecrypt.DecryptingReader(
                open(archive, "rb"), keyring=keyring, magic=ARCHIVE_MAGIC, allow_plain=False
            ) as reader,
            tarfile.open(fileobj=reader, mode="r|") as tar,
        ):
            for member in tar:
                if not member.isfile():
                    raise BackupError(f"Unexpected member in the archive: {member.name!r}.")
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    if member.size > 64 * 1024 * 1024:
                        raise BackupError("The manifest is implausibly large.")
                    manifest_bytes = source.read()
                    continue
                relative = _member_path(member.name)
                destination = staging / ("db" if relative is None else "private") / (relative or member.name)
                destination.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with open(destination, "xb") as out:
                    for block in iter(lambda s=source: s.read(_READ), b""):
                        digest.update(block)
                        out.write(block)
                seen[member.name] = (member.size, digest.hexdigest())
            # Drain the stream: the last chunk's tag proves nothing was cut off.
            while reader.read(_READ):
                pass
    except (DecryptionError, InvalidTag) as exc:
        raise BackupError(
            "The archive cannot be authenticated: altered, truncated, or encrypted under another BACKUP_KEYS."
        ) from exc
    except (tarfile.TarError, FileExistsError) as exc:
        raise BackupError(f"The archive is malformed: {exc}.") from exc
    if manifest_bytes is None:
        raise BackupError("The archive has no manifest.")
    manifest = json.loads(manifest_bytes)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
    expected = {manifest["database"]["name"]: (manifest["database"]["size"], manifest["database"]["sha256"])}
    for entry in manifest["files"]:
        expected[PRIVATE_PREFIX + entry["path"]] = (entry["size"], entry["sha256"])
    for name, recorded in expected.items():
        if seen.get(name) != tuple(recorded):
            raise BackupError(f"{name}: absent or different from the manifest (size or SHA-256).")
    extra = set(seen) - set(expected)
    if extra:
        raise BackupError(f"Members not listed in the manifest: {sorted(extra)[:5]}.")
    return manifest


# --- restore ----------------------------------------------------------------


def target_problems(using: str) -> list[str]:
    connection = connections[using]
    problems = []
    with connection.cursor() as cursor:
        tables = _table_names(cursor, connection.vendor)
    if tables:
        problems.append(f"the database is not empty ({len(tables)} tables)")
    root = private_root()
    if root.exists() and any(root.iterdir()):
        problems.append(f"the private directory {root} is not empty")
    return problems


def _unknown_migrations(manifest: dict) -> list[str]:
    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    return sorted(set(manifest["migrations"]) - known)


def _load_database(using: str, dump: Path, vendor: str) -> None:
    connection = connections[using]
    if connection.vendor != vendor:
        raise BackupError(f"The archive holds a {vendor} database; the target is {connection.vendor}.")
    if vendor == "postgresql":
        env, args = _pg_env_args(connection.settings_dict)
        _run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ],
            env,
        )
        return
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _move_files(staged: Path, root: Path) -> None:
    if not staged.exists():
        return
    root.mkdir(parents=True, exist_ok=True)
    for path, relative in _private_files(staged):
        destination = root / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, destination)  # same file system: the staging dir sits beside the root


def verify(manifest: dict, *, using: str = "default") -> list[str]:
    """What differs between the restored instance and the manifest (empty
    when everything was given back)."""
    problems = []
    connection = connections[using]
    with connection.cursor() as cursor:
        facts = database_facts(cursor, connection.vendor)
    for table, count in manifest["tables"].items():
        if facts["tables"].get(table) != count:
            problems.append(f"table {table}: {facts['tables'].get(table)} rows instead of {count}")
    if facts["migrations"] != manifest["migrations"]:
        problems.append("the applied migrations differ from the archive's")
    AuditEvent = apps.get_model("core", "AuditEvent")
    chain = journal.verify(AuditEvent, using=using)
    if not chain.ok:
        problems.append(f"the journal chain is broken in {chain.broken} place(s), first at row {chain.breaks[0][0]}")
    if chain.rows != manifest["journal"]["rows"] or chain.head != manifest["journal"]["head"]:
        problems.append("the journal does not end at the archive's head")
    recorded = {entry["path"]: entry for entry in manifest["files"]}
    for model in apps.get_models():
        for file_field in filecrypt.encrypted_file_fields(model):
            size_field = "size" if any(f.name == "size" for f in model._meta.concrete_fields) else None
            rows = model._base_manager.using(using).exclude(**{file_field.attname: ""})
            for pk, name, *size in rows.values_list("pk", file_field.attname, *([size_field] if size_field else [])):
                label = f"{model._meta.label} {pk}"
                if name not in recorded or not file_field.storage.exists(name):
                    problems.append(f"{label}: file {name} missing")
                    continue
                try:
                    with file_field.storage.open(name) as handle:
                        length = sum(len(b) for b in iter(lambda h=handle: h.read(_READ), b""))
                except DecryptionError:
                    problems.append(f"{label}: file {name} does not decrypt with the configured keys")
                    continue
                if size and size[0] is not None and length != size[0]:
                    problems.append(f"{label}: file {name} is {length} bytes, {size[0]} recorded")
    return problems


def restore(archive: Path, *, using: str = "default") -> Report:
    """Restore `archive` into the empty database `using` and the empty
    private directory, then verify. Raises BackupError before writing
    anything when the archive or the target is refused; returns the
    verification's problems otherwise (empty: everything came back)."""
    archive = Path(archive)
    problems = target_problems(using)
    if problems:
        raise BackupError("Restore refused: " + "; ".join(problems) + ". Restore into an empty server.")
    timings = {}
    root = private_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=root.parent))
    try:
        started = time.perf_counter()
        manifest = unpack(archive, staging)
        timings["decrypt_and_check"] = time.perf_counter() - started
        missing = _missing_keys(manifest["keys"])
        if missing:
            raise BackupError(
                "Restore refused: the configured keys are not those of the backup ("
                + ", ".join(missing)
                + "); configure the keys the backed-up instance used."
            )
        unknown = _unknown_migrations(manifest)
        if unknown:
            raise BackupError(f"Restore refused: the archive has migrations this code does not know: {unknown[:5]}.")
        started = time.perf_counter()
        _load_database(using, staging / "db" / manifest["database"]["name"], manifest["vendor"])
        timings["database"] = time.perf_counter() - started
        started = time.perf_counter()
        _move_files(staging / "private", root)
        timings["files"] = time.perf_counter() - started
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    started = time.perf_counter()
    problems = verify(manifest, using=using)
    timings["verify"] = time.perf_counter() - started
    return Report(manifest=manifest, size=archive.stat().st_size, timings=timings, problems=problems)
