"""Emails go through the outbox: queued in the transaction, sent once after commit."""

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction

from maillage.notifications.models import Notification, OutboundEmail
from maillage.notifications.services import notify, send_email
from maillage.notifications.tasks import deliver_email

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def _queue(key="test:1", to="destinataire@exemple.fr"):
    return send_email(
        to=to,
        subject="Invitation",
        template="emails/invitation.txt",
        context={
            "organisation": "Association Exemple",
            "inviter": "Camille",
            "url": "http://testserver/x/",
            "expires_at": None,
        },
        idempotency_key=key,
    )


def test_tests_run_tasks_immediately():
    assert settings.TASKS["default"]["BACKEND"] == "django.tasks.backends.immediate.ImmediateBackend"


def test_email_leaves_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = _queue()
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["destinataire@exemple.fr"]
    assert mail.outbox[0].from_email == settings.DEFAULT_FROM_EMAIL
    email.refresh_from_db()
    assert email.sent_at is not None and email.attempts == 1


def test_delivery_is_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()
    assert len(mail.outbox) == 1
    assert deliver_email.call(email.pk) == "already-sent"
    assert deliver_email.call(email.pk) == "already-sent"
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_same_key_queued_twice_gives_one_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _queue(key="same") is not None
        assert _queue(key="same") is None
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_nothing_is_queued_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom), transaction.atomic():
        _queue()
        raise Boom
    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_missing_email_is_reported_not_raised():
    assert deliver_email.call(999999) == "missing"


def test_failed_send_is_recorded_and_retried(monkeypatch, django_capture_on_commit_callbacks):
    from django.core.mail import EmailMessage

    def refuse(self, *args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with django_capture_on_commit_callbacks(execute=False):
        email = _queue()
    with pytest.raises(OSError):
        deliver_email.call(email.pk)
    email.refresh_from_db()
    assert email.sent_at is None and email.attempts == 1 and "smtp down" in email.last_error
    monkeypatch.undo()
    assert deliver_email.call(email.pk) == "sent"
    assert len(mail.outbox) == 1


def test_notifications_are_idempotent(case_worker):
    assert notify(recipient=case_worker, title="Nouvelle orientation TEH-2026-000001", idempotency_key="k") is not None
    assert notify(recipient=case_worker, title="Nouvelle orientation TEH-2026-000001", idempotency_key="k") is None
    assert Notification.objects.filter(recipient=case_worker).count() == 1
