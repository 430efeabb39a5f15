"""Notifications in-app and by e-mail, after commit only; reminders and expiry
with a frozen clock; retries never send twice."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from maillage.notifications.models import Notification, OutboundEmail
from maillage.notifications.tasks import deliver_email
from maillage.referrals import services
from maillage.referrals.enums import ReferralStatus
from maillage.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_sending_notifies_recipient_workers_after_commit(refer, recipient, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refer()
    assert Notification.objects.filter(recipient=recipient).count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [recipient.email]
    assert case.reference in message.body and "/orientations/" in message.body
    # Never identity in an e-mail.
    assert "Okafor" not in message.body and "Blessing" not in message.body and "Okafor" not in message.subject


def test_rollback_sends_nothing(refer, recipient, monkeypatch, django_capture_on_commit_callbacks):
    """A service runs in its own durable transaction (no caller can wrap it), so
    the rollback is provoked inside it, once the e-mail and notification are queued."""
    from maillage.referrals.services import lifecycle

    class Boom(Exception):
        pass

    queue = lifecycle.tell

    def queue_then_fail(*args, **kwargs):
        queue(*args, **kwargs)
        raise Boom

    monkeypatch.setattr(lifecycle, "tell", queue_then_fail)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        refer()
    assert callbacks == []
    assert not Referral.objects.exists()
    assert not OutboundEmail.objects.exists() and not Notification.objects.exists()
    assert mail.outbox == []


def test_a_retried_delivery_never_sends_twice(refer, recipient, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        refer()
    email = OutboundEmail.objects.get()
    assert deliver_email.call(email.pk) == "already-sent"
    assert len(mail.outbox) == 1


def test_decision_notifies_the_sender(refer, sender, recipient, recipient_org, django_capture_on_commit_callbacks):
    referral = refer()
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    assert Notification.objects.filter(recipient=sender, title__contains="acceptée").count() == 1


def test_reminders_then_expiry_with_a_frozen_clock(refer, recipient, sender, django_capture_on_commit_callbacks):
    start = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
    with time_machine.travel(start, tick=False):
        referral = refer()
    assert referral.answer_due_at == start + datetime.timedelta(days=10)
    with time_machine.travel(start + datetime.timedelta(days=2), tick=False):
        assert services.expire_and_remind().reminded == 0
    with (
        time_machine.travel(start + datetime.timedelta(days=3, hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.expire_and_remind().reminded == 1
        assert services.expire_and_remind().reminded == 0  # idempotent
    with (
        time_machine.travel(start + datetime.timedelta(days=8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.expire_and_remind().reminded == 1
    assert Referral.objects.get(pk=referral.pk).reminders_sent == 2
    assert Notification.objects.filter(recipient=recipient, title__startswith="Relance").count() == 2
    with (
        time_machine.travel(start + datetime.timedelta(days=10, minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = services.expire_and_remind()
        assert report.expired == 1
        assert services.expire_and_remind().expired == 0
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.EXPIRED
    assert Notification.objects.filter(recipient=sender, title__contains="expirée").count() == 1


def test_answer_delay_is_a_setting(refer, settings):
    settings.REFERRALS_ANSWER_DAYS = 3
    referral = refer()
    assert (referral.answer_due_at - referral.sent_at).days == 3


def test_command_runs(refer, capsys):
    from django.core.management import call_command

    refer()
    call_command("referrals_sweep")
    assert "expirées : 0" in capsys.readouterr().out
