"""Issue 10 item 6: the answer delay of a referral depends on the service,
the recipient and the urgency — hours for an emergency shelter or a CRIP,
48 hours for an urgent referral, 10 days otherwise — as data with its source,
configurable, and a referral past a short delay is escalated, not dropped."""

import datetime

import pytest

from maillage.core import queues
from maillage.notifications.models import Notification
from maillage.referrals import deadlines, services
from maillage.referrals.enums import AuditAction, ReferralStatus
from maillage.referrals.models import Referral

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def _delay(referral):
    return referral.answer_due_at - referral.sent_at


def test_every_rule_is_data_with_its_source():
    assert deadlines.ANSWER_DELAY_RULES_VERSION
    for rule in deadlines.ANSWER_DELAY_RULES:
        assert rule.source and rule.hours() > 0


def test_an_ordinary_referral_gets_ten_days(refer):
    assert _delay(refer(service="legal_aid")) == datetime.timedelta(days=10)


def test_an_emergency_shelter_answers_within_24_hours(refer):
    assert _delay(refer(service="emergency_accommodation")) == 24 * HOUR


def test_a_crip_answers_within_24_hours(refer, crip_org):
    assert _delay(refer(recipient=crip_org, service="social_support")) == 24 * HOUR


def test_an_urgent_referral_gets_48_hours_and_is_marked_urgent_in_the_queue(refer, recipient, recipient_org):
    referral = refer(service="legal_aid", urgent=True)
    assert _delay(referral) == 48 * HOUR
    (queue,) = [q for q in queues.queues_for(recipient, recipient_org) if q.provider.key == "referrals_inbox"]
    assert queue.items[0].urgent


def test_the_shortest_delay_wins(refer):
    assert _delay(refer(service="emergency_accommodation", urgent=True)) == 24 * HOUR


def test_delays_are_configurable(refer, settings):
    settings.REFERRALS_ANSWER_DELAY_HOURS = {"urgent": 12, "emergency_accommodation": 6}
    assert _delay(refer(service="legal_aid", urgent=True)) == 12 * HOUR
    referral = Referral.objects.get()
    services.withdraw_referral(
        referral=referral, organisation=referral.sender_organisation, acting_user=referral.sender_user
    )
    assert _delay(refer(service="emergency_accommodation")) == 6 * HOUR


def test_an_overdue_urgent_referral_is_escalated_once_then_expires_after_the_general_delay(
    refer, recipient, recipient_org, sender, django_capture_on_commit_callbacks
):
    referral = refer(service="emergency_accommodation")
    late = referral.sent_at + 30 * HOUR
    with django_capture_on_commit_callbacks(execute=True):
        report = services.expire_and_remind(now=late)
    assert report.escalated == 1 and report.expired == 0
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT and referral.escalated_at == late
    assert Notification.objects.filter(recipient=recipient, title__startswith="En retard").exists()
    assert Notification.objects.filter(recipient=sender, title__startswith="Sans réponse dans le délai").exists()
    from maillage.core.models import AuditEvent

    assert AuditEvent.objects.filter(action=AuditAction.REFERRAL_ESCALATED).count() == 1
    # A retried sweep escalates nothing twice.
    assert services.expire_and_remind(now=late + HOUR).escalated == 0
    # It stays open to an answer until the general delay has run out.
    assert services.expire_and_remind(now=referral.sent_at + datetime.timedelta(days=11)).expired == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.EXPIRED


def test_an_ordinary_referral_still_expires_at_its_deadline(refer):
    referral = refer(service="legal_aid")
    report = services.expire_and_remind(now=referral.answer_due_at + HOUR)
    assert report.expired == 1 and report.escalated == 0


def test_the_referral_form_marks_a_referral_urgent(client, login, sender, case, recipient_org):
    from django.urls import reverse

    login(client, sender)
    url = reverse("referrals:create", args=[case.pk])
    assert "sous 48 heures au lieu de 10 jours" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "recipient": recipient_org.pk,
            "service": "legal_aid",
            "urgent": "on",
            "kind": "referral",
            "shared_parts": ["facts"],
            "consent_basis": "consent",
            "consent_on": "2026-01-05",
            "consent_method": "oral",
            "consent_scope": "Aide juridique",
            "envoyer": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    referral = Referral.objects.get()
    assert referral.urgent and _delay(referral) == 48 * HOUR
