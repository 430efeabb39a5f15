"""Notices and emails. `send_email` is a step: it writes in the caller's
transaction (a service's), and the email leaves only after it commits.
`notify` joins the caller's transaction too, or opens its own when called
from an on-commit callback."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from maillage.core import freshness
from maillage.core.transactions import step

from .models import Notification, OutboundEmail


@step
def send_email(
    *, to: str, subject: str, template: str, context: dict, idempotency_key: str, ics: str = "", ics_method: str = ""
) -> OutboundEmail | None:
    """Queue an email in the current transaction; it leaves after commit.

    Nothing is sent if the transaction rolls back, and the same key queued
    twice gives one message."""
    body = render_to_string(template, context)
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                idempotency_key=idempotency_key, to=to, subject=subject, body=body, ics=ics, ics_method=ics_method
            )
    except IntegrityError:
        return None
    from .tasks import deliver_email

    transaction.on_commit(lambda: deliver_email.enqueue(email.pk))
    return email


# An email still unsent this long after its task was queued lost that task
# (worker killed, relay refused): the send takes seconds, a backlog minutes.
REQUEUE_AFTER = timedelta(minutes=10)
# A relay refusing one message this many times is an operator's matter
# (docs/operations.md § Task worker killed while sending emails), not a retry loop.
MAX_ATTEMPTS = 8


def requeue_unsent_emails(*, older_than: timedelta = REQUEUE_AFTER, limit: int = 1000) -> int:
    """Queue a send task again for each email left unsent (`manage.py
    deliver_pending_emails`, every 5 minutes). A row locked by a worker
    that is sending it right now is skipped; the task itself makes a second
    queued copy harmless (`sent_at`, under the row's lock)."""
    from .tasks import deliver_email

    with transaction.atomic(durable=True):
        due = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, queued_at__lt=timezone.now() - older_than)
            .order_by("queued_at")
            .values_list("pk", flat=True)[:limit]
        )
        OutboundEmail.objects.filter(pk__in=due).update(queued_at=timezone.now())
        for pk in due:
            transaction.on_commit(lambda pk=pk: deliver_email.enqueue(pk))
    return len(due)


def notify(
    *, recipient, title: str, body: str = "", link: str = "", organisation=None, idempotency_key: str = ""
) -> Notification | None:
    """An in-app notice. Inside a service it joins the service's transaction
    (a step); called alone — from an on-commit callback, once the service's
    change is committed — it opens its own."""
    fields = {
        "recipient": recipient,
        "title": title,
        "body": body,
        "link": link,
        "organisation": organisation,
        "idempotency_key": idempotency_key,
    }
    if transaction.get_connection().in_atomic_block:
        return _write_notification(**fields)
    with transaction.atomic(durable=True):
        return _write_notification(**fields)


@step
def _write_notification(*, recipient, **fields) -> Notification | None:
    try:
        with transaction.atomic():
            notification = Notification.objects.create(recipient=recipient, **fields)
    except IntegrityError:
        return None
    freshness.bump("user", recipient.pk)
    return notification


@transaction.atomic(durable=True)
def mark_all_read(*, user) -> int:
    from django.utils import timezone

    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    freshness.bump("user", user.pk)
    return count
