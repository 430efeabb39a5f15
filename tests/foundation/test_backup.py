"""Backup and restore (issue 16, « Backup and restore »): one encrypted
archive of the database and the private files; restoring it into an empty
server gives back every case, document and journal row, the chain verifies;
an altered archive, a non-empty target or other keys are refused before
anything is written. Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

import io
import tarfile
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connections

from maillage.cases import services
from maillage.cases.models import Case, Document, Person
from maillage.core import backup, filecrypt, journal
from maillage.core.models import AuditEvent
from tests.cases.conftest import base_facts, base_identity

# serialized_rollback: the flush after each test must not re-create the content
# types that the serialized-rollback tests of the same worker restore (IntegrityError).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TARGET = "restore_target"
PDF = b"%PDF-1.4 certificat medical fictif " + bytes(range(256)) * 300


@pytest.fixture
def instance(case_worker, organisation):
    """A small instance: two cases with identities, a document, journal rows."""
    first = services.create_case(
        organisation=organisation,
        acting_user=case_worker,
        facts=base_facts(),
        identity=base_identity(),
        confirm_duplicate=True,
    )
    services.create_case(
        organisation=organisation,
        acting_user=case_worker,
        facts=base_facts(sex="M"),
        identity=base_identity(last_name="Mensah", first_name="Kwame"),
        confirm_duplicate=True,
    )
    services.add_document(
        case=first,
        acting_user=case_worker,
        doc_type="medical",
        upload=SimpleUploadedFile("certificat.pdf", PDF, content_type="application/pdf"),
    )
    return first


@pytest.fixture
def empty_target(tmp_path):
    """A second, empty database (SQLite file or PostgreSQL database) under
    the alias TARGET."""
    default = connections["default"]
    if default.vendor == "postgresql":
        name = f"{default.settings_dict['NAME']}_restore"
        with default.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(tmp_path / "restored.sqlite3")
    connections.settings[TARGET] = dict(default.settings_dict, NAME=name)
    # Connected here, directly: the test case only lets an alias it declares
    # open a connection on demand, and this one is created for the test.
    connections[TARGET].connect()
    yield TARGET
    connections[TARGET].close()
    del connections.settings[TARGET]
    if hasattr(connections._connections, TARGET):
        delattr(connections._connections, TARGET)
    if default.vendor == "postgresql":
        with default.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def use_private_root(settings, path):
    """The restored server's private directory (the backed-up one stays)."""
    settings.PRIVATE_MEDIA_ROOT = path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": path, "base_url": None}},
    }


def make_archive(tmp_path):
    path = tmp_path / "backups" / "maillage.mlgbak"
    out = StringIO()
    call_command("backup", output=str(path), stdout=out)
    assert "Archive written" in out.getvalue()
    return path


def target_tables(alias) -> list[str]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return backup._table_names(cursor, connection.vendor)


def test_restore_into_an_empty_server_gives_everything_back(instance, tmp_path, settings, empty_target):
    document = Document.objects.get()
    archive = make_archive(tmp_path)
    raw = archive.read_bytes()
    # Nothing readable in the archive: not the identity, not the document, not the SQL.
    for clear in (b"Okafor", b"Mensah", b"certificat medical", b"CREATE TABLE", b"cases_person"):
        assert clear not in raw
    assert raw.startswith(backup.ARCHIVE_MAGIC)

    use_private_root(settings, tmp_path / "restored-private")
    out = StringIO()
    call_command("restore", str(archive), database=empty_target, stdout=out)
    assert "Restored and verified" in out.getvalue()

    # Every case and identity (decrypted with the same keys), the document, the journal.
    restored = Person.objects.using(empty_target).order_by("case__reference")
    assert sorted(p.last_name for p in restored) == ["Mensah", "Okafor"]
    assert Case.objects.using(empty_target).count() == 2
    copy = Document.objects.using(empty_target).get()
    assert copy.file.name == document.file.name
    assert default_storage.path(copy.file.name).startswith(str(tmp_path / "restored-private"))
    with default_storage.open(copy.file.name) as handle:
        assert handle.read() == PDF
    chain = journal.verify(AuditEvent, using=empty_target)
    assert chain.ok
    assert chain.rows == AuditEvent.objects.count() >= 3
    assert chain.head == journal.verify(AuditEvent).head


def test_restore_refuses_a_server_that_is_not_empty(instance, tmp_path):
    archive = make_archive(tmp_path)
    before = Case.objects.count()
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=StringIO())
    assert Case.objects.count() == before


def test_restore_refuses_a_private_directory_that_is_not_empty(instance, tmp_path, settings, empty_target):
    archive = make_archive(tmp_path)
    restored_root = tmp_path / "restored-private"
    (restored_root / "cases").mkdir(parents=True)
    (restored_root / "cases" / "leftover").write_bytes(b"x")
    use_private_root(settings, restored_root)
    with pytest.raises(CommandError, match="private directory"):
        call_command("restore", str(archive), database=empty_target, stdout=StringIO())
    assert target_tables(empty_target) == []


@pytest.mark.parametrize("damage", ["flip", "truncate", "other_backup_key"])
def test_an_altered_archive_is_refused_and_nothing_is_written(instance, tmp_path, settings, empty_target, damage):
    archive = make_archive(tmp_path)
    raw = bytearray(archive.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0x01
    elif damage == "truncate":
        raw = raw[: -filecrypt.TAG_SIZE - 3]
    archive.write_bytes(bytes(raw))
    if damage == "other_backup_key":
        settings.BACKUP_KEYS = ["another-backup-key"]
    use_private_root(settings, tmp_path / "restored-private")
    with pytest.raises(CommandError, match="cannot be authenticated"):
        call_command("restore", str(archive), database=empty_target, stdout=StringIO())
    assert target_tables(empty_target) == []
    assert not (tmp_path / "restored-private").exists() or not any((tmp_path / "restored-private").iterdir())


def _rewrite(archive, change):
    """Decrypt the archive, let `change(name, data)` alter members, and
    encrypt it again under the backup key: only the manifest can catch it."""
    keyring = backup.backup_keyring()
    members = []
    with (
        filecrypt.DecryptingReader(
            open(archive, "rb"), keyring=keyring, magic=backup.ARCHIVE_MAGIC, allow_plain=False
        ) as reader,
        tarfile.open(fileobj=reader, mode="r|") as tar,
    ):
        for member in tar:
            members.append((member.name, tar.extractfile(member).read()))
    with open(archive, "wb") as raw:
        writer = filecrypt.EncryptingWriter(raw, keyring=keyring, magic=backup.ARCHIVE_MAGIC)
        with tarfile.open(fileobj=writer, mode="w|") as tar:
            for name, data in members:
                data = change(name, data)
                tar.addfile(backup._tarinfo(name, len(data)), io.BytesIO(data))
        writer.finish()


def test_a_member_that_differs_from_the_manifest_is_refused(instance, tmp_path, settings, empty_target):
    archive = make_archive(tmp_path)

    def swap_document(name, data):
        if name.startswith(backup.PRIVATE_PREFIX):
            return bytes(reversed(data))
        return data

    _rewrite(archive, swap_document)
    use_private_root(settings, tmp_path / "restored-private")
    with pytest.raises(CommandError, match="different from the manifest"):
        call_command("restore", str(archive), database=empty_target, stdout=StringIO())
    assert target_tables(empty_target) == []


def test_a_member_escaping_the_private_directory_is_refused(tmp_path, settings, empty_target):
    archive = tmp_path / "evil.mlgbak"
    keyring = backup.backup_keyring()
    with open(archive, "wb") as raw:
        writer = filecrypt.EncryptingWriter(raw, keyring=keyring, magic=backup.ARCHIVE_MAGIC)
        with tarfile.open(fileobj=writer, mode="w|") as tar:
            tar.addfile(backup._tarinfo("private/../../evil", 4), io.BytesIO(b"evil"))
        writer.finish()
    use_private_root(settings, tmp_path / "restored-private")
    with pytest.raises(CommandError, match="Unexpected member"):
        call_command("restore", str(archive), database=empty_target, stdout=StringIO())
    assert not (tmp_path / "evil").exists()


@pytest.mark.parametrize("key", ["AUDIT_CHAIN_KEY", "LOOKUP_HASH_KEY", "FIELD_ENCRYPTION_KEYS"])
def test_restore_with_other_keys_is_refused_before_writing(instance, tmp_path, settings, empty_target, key):
    archive = make_archive(tmp_path)
    if key == "FIELD_ENCRYPTION_KEYS":
        from cryptography.fernet import Fernet

        settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    else:
        setattr(settings, key, "another-key-entirely")
    use_private_root(settings, tmp_path / "restored-private")
    with pytest.raises(CommandError, match=key):
        call_command("restore", str(archive), database=empty_target, stdout=StringIO())
    assert target_tables(empty_target) == []


def test_the_backup_key_must_be_set_and_distinct(settings, tmp_path):
    settings.BACKUP_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        backup.backup(tmp_path / "a.mlgbak")
    settings.BACKUP_KEYS = [settings.AUDIT_CHAIN_KEY]
    with pytest.raises(ImproperlyConfigured):
        backup.backup(tmp_path / "a.mlgbak")
    assert not (tmp_path / "a.mlgbak").exists()
