"""The audit journal: one append-only table for writes to personal data,
reads of identifying data, exports and security events.

Append-only is enforced by the database (triggers created in migration 0002 for
PostgreSQL and SQLite), not only by the code: UPDATE and DELETE raise. Rows are
chained with a keyed hash (journal.py), so that whoever owns the table still
cannot rewrite it unnoticed. Foreign
keys are kept without database constraints so that no cascade can ever try to
rewrite a row.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import journal


class AuditKind(models.TextChoices):
    WRITE = "write", _("Modification")
    READ = "read", _("Consultation de données identifiantes")
    EXPORT = "export", _("Export")
    SECURITY = "security", _("Sécurité")
    ADMIN = "admin", _("Administration")


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=16, choices=AuditKind.choices)
    # Dotted code, e.g. "membership.invited", "case.identity.viewed".
    action = models.CharField(max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Kept as text so the row stays readable whatever happens to the account.
    actor_label = models.CharField(max_length=254, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text="The organisation whose data was touched (or the actor's active organisation).",
    )
    acting_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # A pseudonymous label (case reference, organisation name): never an identity.
    object_label = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    origin = models.CharField(max_length=16, blank=True)
    method = models.CharField(max_length=8, blank=True)
    path = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    # HMAC of the previous row's chain_hash and this row's content
    # (maillage/core/journal.py; `manage.py verify_journal`).
    chain_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-at"], name="audit_org_at_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]
        verbose_name = _("événement du journal")
        verbose_name_plural = _("journal d'audit")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only.")
        # Every row is chained, whoever writes it (audit.record or a command).
        journal.seal_and_save(self, lambda: super(AuditEvent, self).save(*args, **kwargs))

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit events are append-only.")
