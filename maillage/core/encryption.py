"""Encryption at rest of identity fields, and keyed-hash lookup columns.

Why not a library: django-fernet-encrypted-fields derives its keys from
SECRET_KEY, which couples two rotations that must stay independent (see
docs/decisions/0003-field-encryption.md). This module is a thin layer over
`cryptography`'s MultiFernet (AES-128-CBC + HMAC-SHA256, authenticated):

- FIELD_ENCRYPTION_KEYS: Fernet keys, newest first. New values are encrypted
  with the first key; any listed key decrypts. Rotation: prepend a new key, run
  `manage.py rotate_encryption_keys`, then drop the old key.
- LOOKUP_HASH_KEY: a separate HMAC-SHA256 key for blind indexes, so exact
  matches (duplicate detection) work without decrypting, and a stolen database
  without this key does not allow dictionary attacks on names.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

TOKEN_PREFIX = "gAAAAA"  # noqa: S105 - every Fernet token starts with the version byte 0x80


class DecryptionError(Exception):
    pass


@cache
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: set at least one Fernet key.")
    try:
        return MultiFernet([Fernet(key.encode("ascii")) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds an invalid Fernet key.") from exc


def fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_str(value: str) -> str:
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_str(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        # Never include the token or any plaintext in the message.
        raise DecryptionError("A value could not be decrypted with the configured keys.") from exc


def rotate_token(token: str) -> str:
    """Re-encrypt a token with the newest key (MultiFernet.rotate)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def normalise_for_lookup(value: str) -> str:
    """Case-, accent- and space-insensitive form used before hashing.

    "  Élodie  DUPONT " and "elodie dupont" give the same lookup hash, so the
    duplicate warning catches the usual spelling variations of one name.
    """
    decomposed = unicodedata.normalize("NFKD", value)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(without_marks.casefold().replace("-", " ").replace("'", " ").split())


def lookup_hash(value: str | None, *, purpose: str) -> str:
    """HMAC-SHA256 of a normalised value; empty values give an empty hash.

    `purpose` separates domains (a name and a phone number with the same text
    never collide)."""
    if value is None:
        return ""
    normalised = normalise_for_lookup(str(value))
    if not normalised:
        return ""
    key = settings.LOOKUP_HASH_KEY
    if not key:
        raise ImproperlyConfigured("LOOKUP_HASH_KEY is empty.")
    message = f"{purpose}\x1f{normalised}".encode()
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; Python sees the plaintext.

    Encrypted columns cannot be filtered or ordered: use a LookupHashField.
    """

    description = "Encrypted text"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_str(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_str(value)

    def get_lookup(self, lookup_name):
        # A filter on ciphertext can never match (random IV): fail loudly.
        # Emptiness stays testable (`field=""`, `isnull`): the empty value is
        # stored as is, so check constraints such as « a refusal has a
        # reason » and `waived_reason=""` filters keep working.
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name not in {"isnull"}:
            raise TypeError(
                f"Encrypted field '{self.name}' cannot be filtered with '{lookup_name}'; use its lookup hash."
            )
        return super().get_lookup(lookup_name)


class EmptyOnlyExact(models.lookups.Exact):
    """`encrypted_field=""` only: any other value would be compared with a
    ciphertext and silently match nothing."""

    def get_prep_lookup(self):
        if not hasattr(self.rhs, "resolve_expression") and self.rhs not in ("", None):
            raise TypeError(
                f"Encrypted field '{self.lhs.output_field.name}' can only be compared with the empty string; use its lookup hash."
            )
        return super().get_prep_lookup()


class LookupHashField(models.CharField):
    """Keyed hash of one or more other fields, computed on save.

    `source` names the field(s) (joined with a separator); `normaliser` may
    transform the joined value (e.g. keep only the year of a date)."""

    def __init__(
        self,
        *args,
        source: str | Iterable[str] = (),
        purpose: str = "",
        normaliser: Callable[[object], str | None] | None = None,
        **kwargs,
    ):
        self.source = (source,) if isinstance(source, str) else tuple(source)
        self.purpose = purpose
        self.normaliser = normaliser
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = list(self.source)
        kwargs["purpose"] = self.purpose
        if self.normaliser is not None:
            kwargs["normaliser"] = self.normaliser
        return name, path, args, kwargs

    def compute(self, instance) -> str:
        values = [getattr(instance, name) for name in self.source]
        if self.normaliser is not None:
            joined = self.normaliser(values[0] if len(values) == 1 else values)
        else:
            if any(v in (None, "") for v in values):
                return ""
            joined = "\x1e".join(str(v) for v in values)
        return lookup_hash(joined, purpose=self.purpose or self.attname)

    def pre_save(self, model_instance, add):
        value = self.compute(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def encrypt_columns_in_place(connection, table: str, columns: list[str], *, batch: int = 1000) -> int:
    """Encrypt, in a data migration, the clear values a column held before it
    became an EncryptedTextField (values already encrypted are left alone).
    Raw SQL on purpose: the field would try to decrypt the clear text."""
    return _rewrite_columns(connection, table, columns, batch, _encrypt_if_clear)


def decrypt_columns_in_place(connection, table: str, columns: list[str], *, batch: int = 1000) -> int:
    """The reverse of `encrypt_columns_in_place` (migrating backwards)."""
    return _rewrite_columns(connection, table, columns, batch, _decrypt_if_token)


def _encrypt_if_clear(value: str) -> str:
    try:
        decrypt_str(value)
    except (DecryptionError, UnicodeEncodeError):
        return encrypt_str(value)
    return value


def _decrypt_if_token(value: str) -> str:
    try:
        return decrypt_str(value)
    except (DecryptionError, UnicodeEncodeError):
        return value


def _rewrite_columns(connection, table, columns, batch, rewrite) -> int:
    qn = connection.ops.quote_name
    selected = ", ".join(qn(c) for c in columns)
    changed = 0
    last = None
    with connection.cursor() as cursor:
        while True:
            where = "" if last is None else f"WHERE {qn('id')} > %s "
            cursor.execute(
                f"SELECT {qn('id')}, {selected} FROM {qn(table)} {where}ORDER BY {qn('id')} LIMIT {int(batch)}",  # noqa: S608 - names quoted, no user input
                [] if last is None else [last],
            )
            rows = cursor.fetchall()
            if not rows:
                return changed
            for pk, *values in rows:
                updates = {}
                for column, value in zip(columns, values, strict=True):
                    if value:
                        new = rewrite(value)
                        if new != value:
                            updates[column] = new
                if updates:
                    assignments = ", ".join(f"{qn(c)} = %s" for c in updates)
                    cursor.execute(
                        f"UPDATE {qn(table)} SET {assignments} WHERE {qn('id')} = %s",  # noqa: S608
                        [*updates.values(), pk],
                    )
                    changed += 1
            last = rows[-1][0]


def encrypted_fields(model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def lookup_fields(model) -> list[LookupHashField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, LookupHashField)]
