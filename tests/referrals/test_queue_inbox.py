"""The generic work queues (issue 10 item 1): referrals received waiting for
an answer, with their deadline, worded for the recipient (a police unit
hears a person), and the organisation's case tasks; both bounded in queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.cases import services as case_services
from maillage.core import queues
from maillage.organisations.enums import OrganisationType, Role
from maillage.referrals import services
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _queue(actor, organisation, key, limit=5):
    return next(q for q in queues.queues_for(actor, organisation, limit=limit) if q.provider.key == key)


def test_received_referral_waits_in_the_recipients_queue_with_its_deadline(refer, recipient, recipient_org, case):
    referral = refer()
    queue = _queue(recipient, recipient_org, "referrals_inbox")
    assert queue.total == 1
    (item,) = queue.items
    assert item.subject == case.reference and item.due_at == referral.answer_due_at
    assert item.label == "Orientation à accepter ou refuser"
    assert "Hébergement sécurisé" in item.detail and referral.sender_organisation.name in item.detail
    assert item.url == reverse("referrals:detail", args=[referral.pk])
    assert queue.list_url.startswith(reverse("referrals:inbox"))


def test_answered_referral_leaves_the_queue(refer, recipient, recipient_org):
    referral = refer()
    services.accept_referral(referral=referral, organisation=recipient_org, acting_user=recipient)
    assert _queue(recipient, recipient_org, "referrals_inbox").total == 0


def test_the_sender_and_outsiders_do_not_see_it(refer, sender, sender_org, outsider, other_organisation):
    refer()
    assert _queue(sender, sender_org, "referrals_inbox").total == 0
    assert _queue(outsider, other_organisation, "referrals_inbox").total == 0


def test_a_police_unit_is_asked_to_hear_a_person(refer, db):
    unit = OrganisationFactory(name="BPM Paris", slug="bpm-paris", type=OrganisationType.POLICE, departement="75")
    officer = MembershipFactory(organisation=unit, role=Role.CASE_WORKER).user
    refer(recipient=unit, service="legal_aid")
    (item,) = _queue(officer, unit, "referrals_inbox").items
    assert item.label == "Personne orientée pour être entendue"


def test_labour_inspection_gets_a_work_situation(refer, db):
    unit = OrganisationFactory(name="Inspection 93", slug="it-93", type=OrganisationType.LABOUR_INSPECTION)
    inspector = MembershipFactory(organisation=unit, role=Role.CASE_WORKER).user
    refer(recipient=unit, service="legal_aid")
    (item,) = _queue(inspector, unit, "referrals_inbox").items
    assert item.label == "Situation de travail signalée à examiner"


def test_the_coordination_has_no_referral_queue(coordinator, coordination):
    assert all(q.provider.key != "referrals_inbox" for q in queues.queues_for(coordinator, coordination))


def test_case_tasks_of_the_organisation_whoever_they_are_assigned_to(case, sender, sender_org):
    colleague = MembershipFactory(organisation=sender_org, role=Role.CASE_WORKER).user
    today = timezone.localdate()
    case_services.add_task(
        case=case,
        acting_user=sender,
        title="Rappeler l'avocate",
        due_on=today - datetime.timedelta(days=1),
        assignee=colleague,
    )
    case_services.add_task(
        case=case,
        acting_user=sender,
        title="Dans trois mois",
        due_on=today + datetime.timedelta(days=90),
        assignee=sender,
    )
    queue = _queue(sender, sender_org, "case_tasks")
    (item,) = queue.items
    assert item.label == "Tâche : Rappeler l'avocate" and item.is_overdue() and item.due_all_day
    assert colleague.get_full_name() in item.detail


def _home_queries(client):
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured)


def test_home_queries_do_not_grow_with_the_queues(client, login, refer, make_case, recipient, recipient_org):
    login(client, recipient)
    refer()
    client.get(reverse("home"))
    few = _home_queries(client)
    for _ in range(12):
        refer(case=make_case())
    many = _home_queries(client)
    assert many <= few + 1  # + the count, once the first page of the queue is full
    page = client.get(reverse("home")).content.decode()
    assert "Orientation à accepter ou refuser" in page
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("queues:list"))
    for _ in range(30):
        refer(case=make_case())
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("queues:list"))
    assert len(large) <= len(small) + 1  # the count, once the page (25 per queue) is full


def test_the_coordination_body_has_its_letters_awaiting_a_reply(coordinator, coordination, organisation):
    from maillage.coordination import services as coordination_services

    today = timezone.localdate()
    coordination_services.register_letter(
        acting_user=coordinator,
        direction="incoming",
        letter_date=today - datetime.timedelta(days=20),
        subject="Demande de rendez-vous sur le plan national",
        sender_organisation=organisation,
        reply_due_on=today - datetime.timedelta(days=1),
    )
    (queue,) = [q for q in queues.queues_for(coordinator, coordination) if q.provider.key == "coordination_letters"]
    (item,) = queue.items
    assert item.label == "Courrier à traiter : Demande de rendez-vous sur le plan national"
    assert item.is_overdue() and organisation.name in item.detail
    assert all(q.provider.key != "coordination_letters" for q in queues.queues_for(coordinator, organisation))
