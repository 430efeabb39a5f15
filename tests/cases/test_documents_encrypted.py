"""Case documents encrypted at rest (issue 16, item 2): streaming AES-GCM
chunks, written through a temporary file, covered by key rotation, deleted
by erasure and retention."""

import errno
import io
import os
import tracemalloc

import pytest
from cryptography.fernet import Fernet
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from maillage.cases import services
from maillage.cases.models import Document
from maillage.core import filecrypt
from maillage.core.encryption import DecryptionError

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
MARKER = b"PASSEPORT-OKAFOR-BLESSING-"


def pdf_bytes(size: int) -> bytes:
    body = (MARKER * (size // len(MARKER) + 1))[: max(size - 5, 0)]
    return b"%PDF-" + body


def upload(case, user, content: bytes):
    return services.add_document(
        case=case,
        acting_user=user,
        doc_type="identity",
        upload=SimpleUploadedFile("passeport Okafor.pdf", content, content_type="application/pdf"),
    )


def raw_bytes(name: str) -> bytes:
    with open(default_storage.path(name), "rb") as handle:
        return handle.read()


def read_back(name: str) -> bytes:
    with default_storage.open(name) as handle:
        return handle.read()


@pytest.fixture
def keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    return settings


@pytest.mark.parametrize(
    "size",
    [0, 1, filecrypt.CHUNK_SIZE - 1, filecrypt.CHUNK_SIZE, filecrypt.CHUNK_SIZE + 1, 3 * filecrypt.CHUNK_SIZE + 7],
)
def test_round_trip_at_chunk_boundaries(keys, size):
    content = os.urandom(size)
    name = default_storage.save("tests/roundtrip", io.BytesIO(content))
    try:
        assert read_back(name) == content
        raw = raw_bytes(name)
        assert raw.startswith(filecrypt.MAGIC)
        chunks = max(1, -(-size // filecrypt.CHUNK_SIZE))  # a full last chunk is the final one
        assert len(raw) == filecrypt.HEADER_SIZE + size + chunks * filecrypt.TAG_SIZE
    finally:
        default_storage.delete(name)


def test_uploaded_document_is_ciphertext_on_disk_and_plaintext_on_download(keys, client, login, case, case_worker):
    content = pdf_bytes(200_000)
    document = upload(case, case_worker, content)
    raw = raw_bytes(document.file.name)
    assert raw.startswith(filecrypt.MAGIC)
    assert MARKER not in raw and b"%PDF" not in raw
    login(client, case_worker)
    response = client.get(reverse("cases:document_download", args=[case.pk, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize("damage", ["flip", "truncate", "drop_last_chunk", "swap_chunks", "other_key"])
def test_altered_or_foreign_files_do_not_decrypt(keys, damage):
    content = os.urandom(3 * filecrypt.CHUNK_SIZE + 10)
    name = default_storage.save("tests/damaged", io.BytesIO(content))
    path = default_storage.path(name)
    raw = bytearray(raw_bytes(name))
    block = filecrypt.CHUNK_SIZE + filecrypt.TAG_SIZE
    start = filecrypt.HEADER_SIZE
    if damage == "flip":
        raw[start + 100] ^= 0x01
    elif damage == "truncate":
        raw = raw[:-5]
    elif damage == "drop_last_chunk":
        raw = raw[: start + 3 * block]
    elif damage == "swap_chunks":
        first, second = raw[start : start + block], raw[start + block : start + 2 * block]
        raw[start : start + 2 * block] = second + first
    with open(path, "wb") as handle:
        handle.write(raw)
    if damage == "other_key":
        keys.FIELD_ENCRYPTION_KEYS = [KEY_B]
    try:
        with pytest.raises(DecryptionError):
            read_back(name)
    finally:
        default_storage.delete(name)


class _DiskFull(File):
    """An upload whose second chunk hits ENOSPC, as a full disk would."""

    def chunks(self, chunk_size=None):
        yield b"%PDF-" + MARKER * 3000
        raise OSError(errno.ENOSPC, "No space left on device")


def test_disk_full_during_upload_leaves_nothing_half_written(keys, case, case_worker):
    directory = default_storage.path(f"cases/{case.pk}")
    before = set(os.listdir(directory)) if os.path.isdir(directory) else set()
    upload_file = _DiskFull(io.BytesIO(b"%PDF-x"), name="x.pdf")
    upload_file.size = 100_000
    upload_file.content_type = "application/pdf"
    with pytest.raises(OSError):
        services.add_document(case=case, acting_user=case_worker, doc_type="identity", upload=upload_file)
    assert not Document.objects.filter(case=case).exists()
    after = set(os.listdir(directory)) if os.path.isdir(directory) else set()
    assert after == before  # neither the final name nor a temporary part


def test_a_ten_megabyte_file_is_never_held_in_memory(keys, tmp_path):
    source = tmp_path / "big.pdf"
    with open(source, "wb") as handle:
        for _ in range(160):
            handle.write(os.urandom(64 * 1024))  # 10 MiB
    tracemalloc.start()
    try:
        with open(source, "rb") as handle:
            name = default_storage.save("tests/big", File(handle, name="big.pdf"))
        _, peak_write = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        with default_storage.open(name) as handle:
            while handle.read(64 * 1024):
                pass
        _, peak_read = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        default_storage.delete(name)
    # A few chunks of 64 KiB, nowhere near the 10 MiB of the file.
    assert peak_write < 1024 * 1024, peak_write
    assert peak_read < 1024 * 1024, peak_read


def test_rotation_reencrypts_documents_and_encrypts_legacy_plain_files(keys, case, case_worker):
    content = pdf_bytes(100_000)
    document = upload(case, case_worker, content)
    legacy_content = pdf_bytes(5_000)
    legacy_name = f"cases/{case.pk}/legacy-plain-file"
    with open(default_storage.path(legacy_name), "wb") as handle:
        handle.write(legacy_content)  # as written before encryption existed
    legacy = upload(case, case_worker, pdf_bytes(10))
    default_storage.delete(legacy.file.name)
    Document.objects.filter(pk=legacy.pk).update(file=legacy_name)
    assert read_back(legacy_name) == legacy_content  # still readable before rotation

    keys.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "cases.Document.file: 2 files" in out.getvalue()
    keys.FIELD_ENCRYPTION_KEYS = [KEY_B]  # the old key can now be dropped
    for name, expected in ((document.file.name, content), (legacy_name, legacy_content)):
        assert default_storage.key_id_of(name) == filecrypt.newest_key_id()
        assert read_back(name) == expected
        assert MARKER not in raw_bytes(name)
    # Idempotent.
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "cases.Document.file: 0 files" in out.getvalue()


def test_erasure_deletes_the_files(keys, case, case_worker, django_capture_on_commit_callbacks):
    document = upload(case, case_worker, pdf_bytes(1_000))
    path = default_storage.path(document.file.name)
    assert os.path.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        services.erase_identity(case=case, acting_user=case_worker)
    assert not os.path.exists(path)
    assert not Document.objects.filter(case=case).exists()
