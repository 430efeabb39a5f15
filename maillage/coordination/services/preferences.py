"""A person's coordination preferences."""

from __future__ import annotations

from django.db import transaction

from maillage.core import audit

from ..enums import AuditAction


@transaction.atomic(durable=True)
def set_digest_preference(*, user, enabled: bool) -> None:
    user.weekly_digest_enabled = enabled
    user.save(update_fields=["weekly_digest_enabled"])
    audit.record(action=AuditAction.DIGEST_PREFERENCE, actor=user, target=user, details={"enabled": enabled})
