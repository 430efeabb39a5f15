"""Requests and alerts from abroad (issue 11; R-INTL-URGENT, Warsaw arts 33–34)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.notifications.models import Notification
from maillage.organisations.enums import OrganisationType, Role
from maillage.referrals import pathways
from maillage.referrals.models import InternationalExchange
from tests.factories import CoordinationFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counterpart():
    return OrganisationFactory(
        name="NAPTIP (Nigeria)",
        slug="naptip",
        type=OrganisationType.FOREIGN_COUNTERPART,
        country="NG",
        departement="",
        region="",
        territory_level="foreign",
    )


@pytest.fixture
def liaison():
    return OrganisationFactory(name="OCRTEH", slug="ocrteh", type=OrganisationType.POLICE)


def _receive(case, sender, sender_org, counterpart, **kw):
    args = {
        "case": case,
        "organisation": sender_org,
        "acting_user": sender,
        "counterpart": counterpart,
        "purpose": "rights_34_4",
        "channel": "consulate",
        "summary": "Demande d'information sur le délai de réflexion accordé (art. 13).",
    }
    args.update(kw)
    return pathways.record_incoming_exchange(**args)


def test_r_intl_urgent_rights_request_from_abroad_is_due_the_same_day(case, sender, sender_org, counterpart):
    """R-INTL-URGENT, Warsaw art. 34.4 (rules.md §2): information needed for arts
    13, 14 and 16 is transmitted *without delay* on request — due the day the
    request arrives, not in 7 days."""
    exchange = _receive(case, sender, sender_org, counterpart)
    assert exchange.direction == "incoming"
    assert exchange.answer_due_on == timezone.localdate()
    assert exchange.request_summary.startswith("Demande")


def test_r_intl_urgent_alert_from_abroad_reaches_owner_coordination_and_liaison_at_once(
    case, sender, sender_org, counterpart, liaison, django_capture_on_commit_callbacks
):
    """R-INTL-URGENT, Warsaw art. 33.1 (immediate danger) and 33.2 (missing
    child): the alert reaches at once the case's owner, the coordination body
    and the police liaison — not the owner's administrators only."""
    coordinator = MembershipFactory(organisation=CoordinationFactory(), role=Role.COORDINATOR).user
    officer = MembershipFactory(organisation=liaison, role=Role.MEMBER).user
    with django_capture_on_commit_callbacks(execute=True):
        exchange = _receive(
            case, sender, sender_org, counterpart, purpose="missing_child_33_2", channel="interpol", liaison=liaison
        )
    assert exchange.urgent and exchange.escalated_at and exchange.answer_due_on == timezone.localdate()
    for user in (sender, coordinator, officer):
        assert Notification.objects.filter(recipient=user, title__startswith="URGENT").count() == 1
    with pytest.raises(ValidationError) as exc:
        _receive(case, sender, sender_org, counterpart, purpose="danger_33_1", channel="interpol")
    assert "liaison" in exc.value.message_dict["liaison"][0]


def test_r_intl_urgent_answer_without_legal_basis_is_refused(case, sender, sender_org, counterpart):
    """Warsaw art. 34 and 34.3; GDPR art. 6 and 10: an answer sent abroad without
    a legal basis is refused with a French message and nothing is written; the
    conditions of use travel with what is sent."""
    exchange = _receive(case, sender, sender_org, counterpart)
    answer = {
        "exchange": exchange,
        "organisation": sender_org,
        "acting_user": sender,
        "shared_parts": ["facts"],
        "use_conditions": ["purpose_only", "no_onward"],
        "summary": "Délai de réflexion accordé le 2 mars.",
    }
    with pytest.raises(ValidationError) as exc:
        pathways.answer_incoming_exchange(legal_basis="  ", **answer)
    assert "base légale" in exc.value.message_dict["legal_basis"][0]
    assert InternationalExchange.objects.get(pk=exchange.pk).answered_at is None
    with pytest.raises(ValidationError) as exc:
        pathways.answer_incoming_exchange(legal_basis="Art. 34.4", **{**answer, "use_conditions": []})
    assert "art. 34.3" in exc.value.message_dict["use_conditions"][0]
    done = pathways.answer_incoming_exchange(legal_basis="Convention de Varsovie art. 34.4", **answer)
    assert done.answered_on == timezone.localdate() and done.use_conditions == ["purpose_only", "no_onward"]
    with pytest.raises(ValidationError):
        pathways.answer_incoming_exchange(legal_basis="Art. 34.4", **answer)


def test_r_intl_urgent_incoming_request_from_the_page_and_in_the_queue(
    client, login, case, sender, sender_org, counterpart
):
    """Art. 34.4: recorded from the case's pathways page, the request waits in the
    organisation's « À traiter » queue with today's deadline until answered."""
    from django.urls import reverse

    from maillage.core import queues
    from maillage.organisations.actor import as_actor

    login(client, sender)
    url = reverse("referrals:minors", args=[case.pk])
    response = client.post(
        url,
        {
            "action": "demande-etranger",
            "counterpart": counterpart.pk,
            "purpose": "rights_34_4",
            "channel": "consulate",
            "summary": "Titre de séjour : demande d'information (art. 14).",
        },
    )
    assert response.status_code == 302
    exchange = InternationalExchange.objects.get(case=case, direction="incoming")
    found = {q.provider.key: q for q in queues.queues_for(as_actor(sender), sender_org)}
    assert found["law_incoming_exchanges"].total == 1
    page = client.get(url).content.decode()
    assert "Reçu de l" in page and "reponse-etranger" in page
    client.post(url, {"action": "reponse-etranger", "exchange": exchange.pk, "summary": "Réponse.", "legal_basis": ""})
    assert InternationalExchange.objects.get(pk=exchange.pk).answered_at is None
    client.post(
        url,
        {
            "action": "reponse-etranger",
            "exchange": exchange.pk,
            "summary": "Titre délivré pour un an.",
            "legal_basis": "Art. 34.4",
        },
    )
    assert InternationalExchange.objects.get(pk=exchange.pk).answered_at is not None
    found = {q.provider.key: q for q in queues.queues_for(as_actor(sender), sender_org)}
    assert found["law_incoming_exchanges"].total == 0
