import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-application notice. Text carries references (TEH-2026-000123),
    never a victim's identity."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Same key twice (a retried task) creates one notification only.
    idempotency_key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="notification_idempotent",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_unread_idx")]

    def __str__(self) -> str:
        return self.title


class OutboundEmail(models.Model):
    """Every email goes through this outbox: the row is written in the
    business transaction, the send task runs after commit, and `sent_at` makes
    retries harmless. A send whose task died (worker killed, SMTP down) is
    queued again by `deliver_pending_emails`; the one case SMTP cannot settle
    (the relay accepted the message, the worker died before `sent_at` was
    committed) gives a second copy with the same Message-ID, which mail
    clients show once (docs/operations.md § Task worker killed while sending emails)."""

    idempotency_key = models.CharField(max_length=160, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=250)
    body = models.TextField()
    ics = models.TextField(blank=True, help_text=_("Pièce jointe iCalendar éventuelle"))
    ics_method = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When a send task was last queued: the sweep queues again only the
    # emails left unsent well after it (their task died or failed).
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["queued_at"], condition=models.Q(sent_at__isnull=True), name="outbound_unsent_idx")
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"

    @property
    def message_id(self) -> str:
        """The same Message-ID on every attempt: a copy sent twice after a
        crash is one message for the recipient's mail client. A hash, so that
        the idempotency key (object numbers) does not travel in the header."""
        digest = hashlib.sha256(self.idempotency_key.encode()).hexdigest()[:24]
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "maillage.localhost"
        return f"<{self.pk}.{digest}@{domain}>"
