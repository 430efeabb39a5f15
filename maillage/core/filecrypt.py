"""Encryption at rest of private files (case documents, letters, minutes).

Streaming, so that a 10 MB upload never sits in memory twice: AES-256-GCM per
64 KiB chunk, the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár
2015) that libsodium's secretstream and Tink's streaming AEAD also use:

    header = MAGIC (6) | VERSION (1) | key id (8) | nonce prefix (7) | chunk size (4)
    chunk i = AES-GCM(key, nonce = prefix | i (4, big endian) | last? (1), data, aad = header)

Every chunk is authenticated with the header (a key id or a chunk size
changed by hand fails), its position (chunks cannot be reordered) and
whether it is the last one (a truncated file fails instead of reading short).

Keys are derived (HKDF-SHA256) from FIELD_ENCRYPTION_KEYS, newest first, so
the one rotation procedure of docs/operations.md covers identities and files:
`rotate_encryption_keys` re-encrypts every file whose key id is not the
newest key's. Files written before this module (plain bytes, no header) are
still read, and the same command encrypts them.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import secrets
import struct
import tempfile
from collections.abc import Iterable, Iterator
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db import models

from .encryption import DecryptionError

MAGIC = b"MLGDOC"
VERSION = 1
CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
_HEADER = struct.Struct(">6sB8s7sI")
HEADER_SIZE = _HEADER.size  # 26 bytes
_HKDF_INFO = b"maillage.private-files.v1"


@cache
def derive_keyring(secrets_: tuple[str, ...], *, info: bytes, id_label: bytes) -> tuple[tuple[bytes, bytes], ...]:
    """(key id, AES-256 key) per configured secret, in the order given (newest
    first). `info` separates purposes: the same secret never keys two of them."""
    derived = []
    for secret in secrets_:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret.encode("utf-8"))
        key_id = hashlib.sha256(id_label + b"\x1f" + key).digest()[:8]
        derived.append((key_id, key))
    return tuple(derived)


def _keys_for(field_keys: tuple[str, ...]) -> tuple[tuple[bytes, bytes], ...]:
    """(key id, AES-256 key) per Fernet key, newest first."""
    if not field_keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: private files cannot be encrypted.")
    # A separate key per purpose: the Fernet key itself never meets AES-GCM.
    return derive_keyring(field_keys, info=_HKDF_INFO, id_label=b"maillage.private-files.key-id")


def _keys() -> tuple[tuple[bytes, bytes], ...]:
    return _keys_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def newest_key_id() -> bytes:
    return _keys()[0][0]


def _key_for(key_id: bytes, keyring=None) -> bytes:
    for candidate_id, key in keyring or _keys():
        if candidate_id == key_id:
            return key
    raise DecryptionError("A file is encrypted under a key that is no longer configured.")


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0)


class Sealer:
    """Push-style encryption of one stream: `header`, then the blocks
    returned by `push()`, then `finish()` (the last chunk)."""

    def __init__(self, *, keyring=None, magic: bytes = MAGIC):
        key_id, key = (keyring or _keys())[0]
        self._prefix = secrets.token_bytes(7)
        self.header = _HEADER.pack(magic, VERSION, key_id, self._prefix, CHUNK_SIZE)
        self._aead = AESGCM(key)
        self._pending = bytearray()
        self._index = 0

    def push(self, piece) -> list[bytes]:
        if isinstance(piece, str):
            piece = piece.encode("utf-8")
        self._pending += piece
        blocks = []
        # Keep at least one byte back: only the end of the stream says which chunk is last.
        while len(self._pending) > CHUNK_SIZE:
            block = bytes(self._pending[:CHUNK_SIZE])
            del self._pending[:CHUNK_SIZE]
            blocks.append(self._aead.encrypt(_nonce(self._prefix, self._index, False), block, self.header))
            self._index += 1
            if self._index >= 2**32:  # pragma: no cover - 256 TiB
                raise ValueError("File too large for one encrypted stream.")
        return blocks

    def finish(self) -> bytes:
        return self._aead.encrypt(_nonce(self._prefix, self._index, True), bytes(self._pending), self.header)


def encrypt_chunks(chunks: Iterable[bytes], *, keyring=None, magic: bytes = MAGIC) -> Iterator[bytes]:
    """Yield the header then the encrypted chunks of a stream of plaintext
    pieces of any size (at most two chunks are held at once)."""
    sealer = Sealer(keyring=keyring, magic=magic)
    yield sealer.header
    for piece in chunks:
        yield from sealer.push(piece)
    yield sealer.finish()


class EncryptingWriter:
    """A write-only file object encrypting what is written to `raw` (for
    producers that push, like tarfile); `finish()` writes the last chunk."""

    def __init__(self, raw, *, keyring=None, magic: bytes = MAGIC):
        self._raw = raw
        self._sealer = Sealer(keyring=keyring, magic=magic)
        raw.write(self._sealer.header)

    def write(self, data) -> int:
        for block in self._sealer.push(bytes(data)):
            self._raw.write(block)
        return len(data)

    def finish(self) -> None:
        self._raw.write(self._sealer.finish())


def is_encrypted(head: bytes, magic: bytes = MAGIC) -> bool:
    return head[: len(magic)] == magic


def read_header(handle, magic: bytes = MAGIC) -> tuple[bytes, bytes, int, bytes] | None:
    """(key id, nonce prefix, chunk size, raw header), or None for a plain file."""
    raw = handle.read(HEADER_SIZE)
    if not is_encrypted(raw, magic):
        return None
    if len(raw) < HEADER_SIZE:
        raise DecryptionError("A private file has a truncated header.")
    _magic, version, key_id, prefix, chunk_size = _HEADER.unpack(raw)
    if version != VERSION or not 0 < chunk_size <= 16 * 1024 * 1024:
        raise DecryptionError("A private file has an unknown format.")
    return key_id, prefix, chunk_size, raw


class DecryptingReader(io.RawIOBase):
    """A read-only, non-seekable file object giving back the plaintext of an
    encrypted file, one chunk at a time (or a legacy plain file as is)."""

    def __init__(self, raw, *, keyring=None, magic: bytes = MAGIC, allow_plain: bool = True):
        super().__init__()
        self._raw = raw
        header = read_header(raw, magic)
        self._buffer = b""
        self._done = False
        if header is None and not allow_plain:
            raw.close()
            raise DecryptionError("Not an encrypted stream of the expected kind.")
        if header is None:
            # A file written before encryption (docs/operations.md: run
            # `rotate_encryption_keys` once to encrypt them).
            raw.seek(0)
            self._aead = None
            self.key_id = None
            return
        self.key_id, self._prefix, self._chunk_size, self._aad = header
        self._aead = AESGCM(_key_for(self.key_id, keyring))
        self._index = 0
        self._next = raw.read(self._chunk_size + TAG_SIZE)

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        current = self._next
        self._next = self._raw.read(self._chunk_size + TAG_SIZE)
        last = not self._next
        if len(current) < TAG_SIZE:
            raise DecryptionError("A private file is truncated.")
        try:
            self._buffer = self._aead.decrypt(_nonce(self._prefix, self._index, last), current, self._aad)
        except InvalidTag as exc:
            raise DecryptionError("A private file could not be decrypted (altered, truncated or wrong key).") from exc
        self._index += 1
        self._done = last

    def readinto(self, target) -> int:
        if self._aead is None:
            return self._raw.readinto(target)
        while not self._buffer and not self._done:
            self._fill()
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def write_encrypted(directory: str, chunks: Iterable[bytes]) -> str:
    """Encrypt `chunks` into a new temporary file of `directory` (fsynced);
    returns its path. On any error (a full disk) the temporary file is removed."""
    fd, tmp_path = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            for block in encrypt_chunks(chunks):
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        os.unlink(tmp_path)
        raise
    return tmp_path


class EncryptedFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose files are encrypted (see the module docstring).

    Writes go to a temporary file in the target directory, then are linked to
    their final name: a full disk or a crash leaves no half-written file under
    a name the database may point to (a leftover `.upload-*.part` file holds
    ciphertext only)."""

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        if hasattr(content, "seek"):
            with contextlib.suppress(OSError, ValueError):
                content.seek(0)
        tmp_path = write_encrypted(directory, content.chunks())
        try:
            while True:
                try:
                    # link() fails if the name exists: no overwrite, no race.
                    os.link(tmp_path, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            os.unlink(tmp_path)
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        name = os.path.relpath(full_path, self.location)
        return str(name).replace("\\", "/")

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Encrypted files are written through save() only.")
        return File(DecryptingReader(open(self.path(name), "rb")), name=os.path.basename(name))

    def key_id_of(self, name) -> bytes | None:
        """The key id of a stored file, None for a plain (legacy) file."""
        with open(self.path(name), "rb") as handle:
            header = read_header(handle)
        return header[0] if header else None

    def reencrypt(self, name) -> bool:
        """Re-encrypt one file under the newest key (or encrypt a plain one),
        replacing it atomically. Returns False when it already was."""
        if self.key_id_of(name) == newest_key_id():
            return False
        full_path = self.path(name)
        with DecryptingReader(open(full_path, "rb")) as reader:
            tmp_path = write_encrypted(os.path.dirname(full_path), iter(lambda: reader.read(CHUNK_SIZE), b""))
        try:
            os.replace(tmp_path, full_path)
        except BaseException:
            os.unlink(tmp_path)
            raise
        return True


def encrypted_file_fields(model) -> list:
    """The FileFields of `model` stored through this module (key rotation,
    backup verification)."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField) and isinstance(f.storage, EncryptedFileSystemStorage)
    ]
