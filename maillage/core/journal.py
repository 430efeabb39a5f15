"""The hash chain of the audit journal (issue 16, item 4).

The triggers of migration 0002 refuse UPDATE and DELETE, but whoever owns
the table can drop them, truncate it or insert forged rows. Each row
therefore carries `chain_hash` = HMAC-SHA256(AUDIT_CHAIN_KEY, previous row's
chain_hash ‖ this row's content), in id order. Without the key nobody can
alter, remove, reorder or insert a row without breaking the chain after it;
`manage.py verify_journal` recomputes it and says where it breaks.

AUDIT_CHAIN_KEY is separate from the field and lookup keys (a leak of one
does not allow forging the other), and is not needed to run the database.

Two writers must never chain to the same previous row (a fork): on
PostgreSQL the writer takes a transaction-level advisory lock before reading
the last hash, held until its transaction commits, so the next writer reads
the committed row. Journal writes are therefore serialised; a row is a few
hundred bytes and the lock is held only from the audit row to the commit.
SQLite serialises writers by itself (one writer per database).

Deleting the last rows of the journal leaves a valid, shorter chain: the
command prints the head (count and last hash) so that operations can record
it elsewhere (monitoring, the daily report) and compare it with
`--expect-head`.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from dataclasses import dataclass, field
from datetime import UTC

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction

# pg_advisory_xact_lock key: any constant the rest of the code does not use
# ("MLGJRNL" in ASCII).
CHAIN_LOCK_ID = 0x4D4C474A524E4C
GENESIS = ""

_CONTENT_FIELDS = (
    "kind",
    "action",
    "actor_id",
    "actor_label",
    "organisation_id",
    "acting_organisation_id",
    "object_type",
    "object_id",
    "object_label",
    "request_id",
    "origin",
    "method",
    "path",
)


def _key() -> bytes:
    key = getattr(settings, "AUDIT_CHAIN_KEY", "")
    if not key:
        raise ImproperlyConfigured("AUDIT_CHAIN_KEY is empty: the audit journal cannot be chained.")
    return key.encode("utf-8")


def _ip(value) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(str(value)))
    except ValueError:
        return str(value)


def canonical(event) -> bytes:
    """The row's content as the database gives it back: the same bytes before
    the INSERT and after any read, on SQLite and PostgreSQL."""
    payload = [
        event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        *[getattr(event, name) for name in _CONTENT_FIELDS],
        _ip(event.ip_address),
        # Through JSON and back, as the JSONField stores it.
        json.loads(json.dumps(event.details)),
    ]
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def digest(previous: str, event) -> str:
    return hmac.new(_key(), previous.encode("ascii") + b"\x1e" + canonical(event), hashlib.sha256).hexdigest()


def seal_and_save(event, save) -> None:
    """Chain `event` to the last row and insert it (`save` does the INSERT),
    under the chain lock, in one transaction."""
    AuditEvent = type(event)  # the model (no import: models imports this module)
    alias = router.db_for_write(AuditEvent)
    connection = connections[alias]
    # No savepoint: inside a service the row commits or rolls back with it.
    with transaction.atomic(using=alias, savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_ID])
        previous = (
            AuditEvent.objects.using(alias).order_by("-id").values_list("chain_hash", flat=True).first() or GENESIS
        )
        event.chain_hash = digest(previous, event)
        save()


@dataclass
class Verification:
    rows: int = 0
    head: str = GENESIS
    breaks: list[tuple[int, str]] = field(default_factory=list)  # the first ones
    broken: int = 0

    @property
    def ok(self) -> bool:
        return self.broken == 0


def verify(model, *, batch: int = 2000, limit_breaks: int = 20, using: str = "default") -> Verification:
    """Walk the journal in id order. After a break the walk goes on from the
    stored hash, so one inserted or altered row is reported once and a
    second, independent break is still found. `model` is AuditEvent."""
    result = Verification()
    previous = GENESIS
    for event in model.objects.using(using).order_by("id").iterator(chunk_size=batch):
        result.rows += 1
        expected = digest(previous, event)
        if not hmac.compare_digest(expected, event.chain_hash or ""):
            result.broken += 1
            if len(result.breaks) < limit_breaks:
                result.breaks.append((event.pk, f"{event.at:%Y-%m-%d %H:%M:%S} {event.action}"))
        previous = event.chain_hash or ""
    result.head = previous
    return result
