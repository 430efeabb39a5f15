from django.db import transaction

from maillage.core import audit
from maillage.core.models import AuditKind

from .enums import AuditAction


@transaction.atomic(durable=True)
def update_profile(*, user, acting_user, first_name: str, last_name: str, phone: str, weekly_digest_enabled: bool):
    if user.pk != acting_user.pk:
        raise PermissionError("A profile is edited by its owner.")
    changed = [
        name
        for name, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("phone", phone),
            ("weekly_digest_enabled", weekly_digest_enabled),
        )
        if getattr(user, name) != value
    ]
    user.first_name, user.last_name, user.phone, user.weekly_digest_enabled = (
        first_name,
        last_name,
        phone,
        weekly_digest_enabled,
    )
    user.save(update_fields=changed or None) if changed else None
    if changed:
        audit.record(
            action=AuditAction.PROFILE_UPDATED,
            actor=acting_user,
            kind=AuditKind.WRITE,
            target=user,
            target_label=user.email,
            details={"fields": changed},
        )
    return user
