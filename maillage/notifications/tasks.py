from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import OutboundEmail


@task()
def deliver_email(email_id: int) -> str:
    """Send one queued email, whatever the number of retries: the row stays
    locked while the relay is spoken to (a second task for it waits, then
    finds `sent_at`), and `sent_at` is committed with the lock released. A
    worker killed in between leaves the row unsent and unlocked:
    `deliver_pending_emails` queues it again."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            return "missing"
        if email.sent_at is not None:
            return "already-sent"
        message = EmailMessage(
            subject=email.subject,
            body=email.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
            headers={"Message-ID": email.message_id},
        )
        if email.ics:
            message.attach(
                "invitation.ics", email.ics, f"text/calendar; charset=utf-8; method={email.ics_method or 'PUBLISH'}"
            )
        email.attempts += 1
        try:
            message.send()
        except Exception as exc:  # the SMTP error text names no victim
            failure = exc
            email.last_error = str(exc)[:300]
            email.save(update_fields=["attempts", "last_error"])
        else:
            email.sent_at = timezone.now()
            email.save(update_fields=["attempts", "sent_at"])
            return "sent"
    # Raised after the block commits, so the attempt and its error are kept
    # (raising inside it rolled them back).
    raise failure
