"""The email outbox after a crash: a send whose worker died (or whose relay
refused) is queued again by `deliver_pending_emails` and goes out once; the
Message-ID is the same on every attempt (issue 16, faults). The real
SIGKILL of a `db_worker` is measured by bench/fault_worker_kill.py."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from maillage.notifications import services
from maillage.notifications.models import OutboundEmail
from maillage.notifications.tasks import deliver_email

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.timedelta(minutes=30)


def queued(key="referral-42-sent", *, ago=LONG_AGO, **fields) -> OutboundEmail:
    """An email whose send task was queued `ago` and never completed."""
    return OutboundEmail.objects.create(
        idempotency_key=key,
        to="accueil@example.org",
        subject="Nouvelle orientation",
        body="Une orientation vous attend : TEH-2026-000042.",
        queued_at=timezone.now() - ago,
        **fields,
    )


class WorkerKilled(BaseException):
    """What a SIGKILL does to the send: the transaction never commits."""


def test_a_send_interrupted_by_a_crash_leaves_the_email_unsent_and_unlocked(monkeypatch):
    email = queued()

    def die(self, *args, **kwargs):
        raise WorkerKilled

    monkeypatch.setattr("django.core.mail.EmailMessage.send", die)
    with pytest.raises(WorkerKilled):
        deliver_email.call(email.pk)
    email.refresh_from_db()
    assert email.sent_at is None and email.attempts == 0


def test_the_sweep_sends_an_abandoned_email_exactly_once(django_capture_on_commit_callbacks):
    email = queued()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_unsent_emails() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_unsent_emails() == 0
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.sent_at is not None and email.attempts == 1


def test_the_sweep_leaves_recent_sent_and_hopeless_emails_alone(django_capture_on_commit_callbacks):
    queued("recent", ago=datetime.timedelta(minutes=1))
    queued("sent", sent_at=timezone.now())
    queued("refused-eight-times", attempts=services.MAX_ATTEMPTS, last_error="550 mailbox unavailable")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_unsent_emails() == 0
    assert mail.outbox == []


def test_the_command_requeues_and_says_how_many(django_capture_on_commit_callbacks, capsys):
    queued()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("deliver_pending_emails")
    assert "1 courriel(s) remis en file." in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_a_refused_send_is_retried_with_the_same_message_id(monkeypatch, django_capture_on_commit_callbacks):
    email = queued()
    real_send = mail.EmailMessage.send
    seen_ids = []

    def refuse_once(self, *args, **kwargs):
        seen_ids.append(self.extra_headers["Message-ID"])
        if len(seen_ids) == 1:
            raise OSError("421 relay busy")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse_once)
    with pytest.raises(OSError):
        deliver_email.call(email.pk)
    email.refresh_from_db()
    assert email.sent_at is None and email.attempts == 1 and "421" in email.last_error
    # The failed task is not retried by the task backend: the sweep does it.
    OutboundEmail.objects.filter(pk=email.pk).update(queued_at=timezone.now() - LONG_AGO)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_unsent_emails() == 1
    assert len(mail.outbox) == 1
    assert seen_ids[0] == seen_ids[1] == mail.outbox[0].extra_headers["Message-ID"] == email.message_id


def test_the_message_id_does_not_carry_the_idempotency_key():
    email = queued("case-TEH-2026-000042-reminder")
    assert "TEH" not in email.message_id and "reminder" not in email.message_id
    assert email.message_id.startswith(f"<{email.pk}.") and email.message_id.endswith(">")
