"""Writing to the audit journal.

Services call `record()` inside their own transaction, so the journal row and
the change commit or roll back together. Views that display identifying data
call `record_read()` through the domain selectors.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from . import context, freshness
from .models import AuditEvent, AuditKind

# Keys that must never be written into `details` (they would carry identity).
_FORBIDDEN_DETAIL_KEYS = {
    "name",
    "names",
    "first_name",
    "last_name",
    "birth_date",
    "address",
    "phone",
    "email_address",
}


# Below the top level « name » is usually a thing's (an indicator, a group):
# the keys that can only be a person's are refused at any depth.
_FORBIDDEN_NESTED_KEYS = _FORBIDDEN_DETAIL_KEYS - {"name", "names"}


def _forbidden_keys(value, keys=_FORBIDDEN_DETAIL_KEYS) -> set[str]:
    """Identity keys in `details`, nested dicts and lists included."""
    found: set[str] = set()
    if isinstance(value, dict):
        found |= keys.intersection(value)
        for item in value.values():
            found |= _forbidden_keys(item, _FORBIDDEN_NESTED_KEYS)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found |= _forbidden_keys(item, _FORBIDDEN_NESTED_KEYS)
    return found


def _label_of(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.email


def record(
    *,
    action: str,
    actor,
    kind: str = AuditKind.WRITE,
    target: models.Model | None = None,
    target_label: str = "",
    organisation=None,
    acting_organisation=None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    details = dict(details or {})
    leaked = _forbidden_keys(details)
    if leaked:
        raise ValueError(f"Audit details must not carry identity fields: {sorted(leaked)}")
    ctx = context.current()
    event = AuditEvent(
        kind=kind,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_label_of(actor),
        organisation=organisation,
        acting_organisation=acting_organisation,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None and target.pk is not None else "",
        object_label=(target_label or (str(target) if target is not None else ""))[:200],
        details=details,
    )
    if ctx is not None:
        event.request_id = ctx.request_id
        event.origin = ctx.origin
        event.method = ctx.method
        event.path = ctx.path[:300]
        event.ip_address = ctx.ip_address
    event.save()
    if kind != AuditKind.READ:
        # Cached pages (the home page) showing these organisations' data are stale now.
        freshness.bump("org", event.organisation_id)
        freshness.bump("org", event.acting_organisation_id)
        freshness.bump("user", event.actor_id)
    return event


def record_read(
    *,
    action: str,
    actor,
    target: models.Model,
    target_label: str,
    organisation,
    acting_organisation=None,
    details=None,
) -> AuditEvent:
    return record(
        action=action,
        actor=actor,
        kind=AuditKind.READ,
        target=target,
        target_label=target_label,
        organisation=organisation,
        acting_organisation=acting_organisation,
        details=details,
    )
