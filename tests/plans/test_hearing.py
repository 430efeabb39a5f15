"""Recording a hearing (« le collectif sera entendu »): only organisations that
may be heard in the round are offered and accepted, whatever the directory size."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.directory.enums import NetworkKind
from maillage.directory.models import Network, NetworkMembership
from maillage.plans import selectors, services
from maillage.plans.models import Hearing
from maillage.www.plans.views import answers
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HEARING = {
    "date": "2026-03-02",
    "participants": "Présidente et chargée de plaidoyer",
    "summary": "Le collectif a été entendu.",
}


@pytest.fixture
def collective(invited_org):
    """A collective whose coordinating organisation is not invited, though one of its members is."""
    network = Network.objects.create(name="Ensemble contre la traite", slug="ecttdh", kind=NetworkKind.COLLECTIVE)
    head = OrganisationFactory(name="Collectif Ensemble contre la traite")
    NetworkMembership.objects.create(network=network, organisation=head, is_coordinator=True)
    NetworkMembership.objects.create(network=network, organisation=invited_org)
    return head


def _options(html):
    return html.count("<option")


def test_the_form_offers_the_invited_organisations_and_the_collectives_not_the_directory(
    client, login, coordinator, open_round, invited_org, collective
):
    stranger = OrganisationFactory(name="Association non invitée")
    inactive = OrganisationFactory(name="Association dissoute", is_active=False)
    open_round.invited.add(inactive)
    other_network = Network.objects.create(name="Réseau sans invité", slug="autre", kind=NetworkKind.OTHER)
    other_head = OrganisationFactory(name="Tête d'un autre réseau")
    NetworkMembership.objects.create(network=other_network, organisation=other_head, is_coordinator=True)
    NetworkMembership.objects.create(network=other_network, organisation=stranger)

    assert set(selectors.hearing_organisations(open_round)) == {invited_org, collective}
    login(client, coordinator)
    html = client.get(reverse("plans:hearing", args=[open_round.pk])).content.decode()
    assert "Association invitée" in html and "Collectif Ensemble contre la traite" in html
    assert "Association non invitée" not in html and "Association dissoute" not in html and "autre réseau" not in html
    assert '<optgroup label="Organisations invitées">' in html and '<optgroup label="Coordinations de réseau">' in html
    assert _options(html) == 3  # the empty choice and the two organisations


def test_a_collective_coordinating_an_invited_member_may_be_heard(client, login, coordinator, open_round, collective):
    login(client, coordinator)
    response = client.post(reverse("plans:hearing", args=[open_round.pk]), {"organisation": collective.pk, **HEARING})
    assert response.status_code == 302
    hearing = Hearing.objects.get(round=open_round)
    assert hearing.organisation == collective and hearing.recorded_by == coordinator


def test_a_forged_organisation_is_refused_with_a_french_form_error(client, login, coordinator, open_round):
    stranger = OrganisationFactory(name="Association non invitée")
    login(client, coordinator)
    response = client.post(reverse("plans:hearing", args=[open_round.pk]), {"organisation": stranger.pk, **HEARING})
    assert response.status_code == 200 and not Hearing.objects.exists()
    errors = response.context["form"].errors["organisation"]
    assert errors == [
        "Choisissez une organisation invitée à cette consultation, ou la coordination d'un réseau dont un membre est "
        "invité."
    ]
    assert "Choisissez une organisation invitée à cette consultation" in response.content.decode().replace(
        "&#x27;", "'"
    )
    # A missing or nonsensical id is refused the same way, never a 500.
    for value in ("999999", "abc"):
        response = client.post(reverse("plans:hearing", args=[open_round.pk]), {"organisation": value, **HEARING})
        assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert not Hearing.objects.exists()


def test_the_service_refuses_an_organisation_that_may_not_be_heard(open_round, coordinator):
    stranger = OrganisationFactory(name="Association non invitée")
    with pytest.raises(ValidationError, match="ne peut pas y être entendue"):
        services.record_hearing(
            round=open_round,
            organisation=stranger,
            date=timezone.localdate(),
            participants="x",
            summary="y",
            acting_user=coordinator,
        )
    assert not Hearing.objects.exists()


def test_query_count_does_not_depend_on_the_directory_or_the_invitations(
    client, login, coordinator, open_round, collective, django_assert_max_num_queries
):
    login(client, coordinator)
    url = reverse("plans:hearing", args=[open_round.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    OrganisationFactory.create_batch(60)  # the directory grows
    open_round.invited.add(*OrganisationFactory.create_batch(30))
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert _options(response.content.decode()) == 1 + 32


def test_beyond_the_limit_a_search_narrows_the_list_and_any_allowed_choice_is_accepted(
    client, login, coordinator, open_round, monkeypatch
):
    monkeypatch.setattr(answers, "HEARING_CHOICES_MAX", 5)
    orgs = [OrganisationFactory(name=f"Association régionale {i:02d}") for i in range(12)]
    open_round.invited.add(*orgs)
    login(client, coordinator)
    url = reverse("plans:hearing", args=[open_round.pk])
    html = client.get(url).content.decode()
    assert (
        'name="nom"' in html
        and "13 organisations peuvent être entendues" in html
        and "précisez votre recherche" in html
    )
    assert _options(html) == 1 + 5
    html = client.get(url, {"nom": "régionale 1"}).content.decode()  # 10 and 11
    assert _options(html) == 1 + 2 and "précisez votre recherche" not in html
    assert "ne correspond à cette recherche" in client.get(url, {"nom": "Gendarmerie"}).content.decode()
    # An invited organisation that is not among those listed is still accepted.
    response = client.post(url, {"organisation": orgs[-1].pk, **HEARING})
    assert response.status_code == 302 and Hearing.objects.get().organisation == orgs[-1]


def test_small_rounds_have_no_search(client, login, coordinator, open_round):
    login(client, coordinator)
    html = client.get(reverse("plans:hearing", args=[open_round.pk])).content.decode()
    assert 'name="nom"' not in html and "optgroup" not in html


def test_hearing_page_is_for_the_coordination_only(client, login, open_round, invited_member, outsider):
    url = reverse("plans:hearing", args=[open_round.pk])
    for user in (invited_member, outsider):
        login(client, user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"organisation": open_round.invited.first().pk, **HEARING}).status_code == 404
        client.logout()
    assert not Hearing.objects.exists()
