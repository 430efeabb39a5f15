"""Network pages and services: who may see and manage a network (issue 3)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from maillage.core.models import AuditEvent
from maillage.directory import services
from maillage.directory.enums import NetworkKind
from maillage.directory.models import Network, NetworkMembership
from maillage.organisations.enums import Role
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "plain_member", "network_coordinator", "coordinator", "outsider"]


@pytest.fixture
def collective(directory):
    """« Ensemble contre la traite », coordinated by its own collective
    organisation; members with public, members-only and hidden profiles."""
    network = Network.objects.create(name="Ensemble contre la traite", slug="ensemble", kind=NetworkKind.COLLECTIVE)
    lead = OrganisationFactory(name="Collectif coordination", slug="collectif-coordination")
    NetworkMembership.objects.create(network=network, organisation=lead, is_coordinator=True)
    for key in ("paris", "lyon", "marseille", "hidden"):
        NetworkMembership.objects.create(network=network, organisation=directory[key])
    return {"network": network, "lead": lead}


@pytest.fixture
def network_coordinator(collective):
    return MembershipFactory(organisation=collective["lead"], role=Role.CASE_WORKER, is_admin=True).user


def _login_as(client, login, request, who):
    if who == "anonymous":
        return None
    user = request.getfixturevalue(who)
    login(client, user)
    return user


@pytest.mark.parametrize("who", WHO)
def test_network_list_and_detail_follow_profile_visibility(client, login, request, collective, who):
    _login_as(client, login, request, who)
    html = client.get(reverse("directory_networks")).content.decode()
    assert "Ensemble contre la traite" in html and "Réseau Ac.Sé" in html
    response = client.get(reverse("directory_network", args=["ensemble"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Foyer Les Hirondelles" in html
    manager = who in ("network_coordinator", "coordinator")
    # Members-only profile: signed-in members only.
    assert ("Escale Marseille" in html) == (who != "anonymous")
    # Hidden profile: only the managers see the name (no link, to manage it).
    assert ("Structure masquée" in html) == manager
    assert ("Retirer du réseau" in html) == manager
    assert ("Modifier le réseau" in html) == manager


def test_member_count_counts_visible_profiles(client, collective):
    html = client.get(reverse("directory_networks")).content.decode()
    # Anonymous: Paris, Lyon (public); not Marseille (members), the hidden one or the lead (no profile).
    assert "<td>2</td>" in html


@pytest.mark.parametrize(
    "who,status",
    [("anonymous", 302), ("plain_member", 404), ("network_coordinator", 404), ("coordinator", 200), ("outsider", 404)],
)
def test_create_network_permissions(client, login, request, collective, who, status):
    _login_as(client, login, request, who)
    assert client.get(reverse("directory_network_create")).status_code == status
    response = client.post(
        reverse("directory_network_create"),
        {"name": "Comité 93", "kind": NetworkKind.DEPARTEMENTAL_COMMITTEE, "departement": "93"},
    )
    assert response.status_code == (302 if status == 200 else status)
    assert Network.objects.filter(slug="comite-93").exists() == (status == 200)
    if status == 200:
        assert AuditEvent.objects.filter(action="directory.network_created", details__network="comite-93").exists()


@pytest.mark.parametrize(
    "who,status",
    [("anonymous", 302), ("plain_member", 404), ("network_coordinator", 200), ("coordinator", 200), ("outsider", 404)],
)
def test_edit_network_permissions(client, login, request, collective, who, status):
    _login_as(client, login, request, who)
    url = reverse("directory_network_edit", args=["ensemble"])
    assert client.get(url).status_code == status
    response = client.post(
        url,
        {"name": "Ensemble contre la traite des êtres humains", "slug": "ensemble", "kind": NetworkKind.COLLECTIVE},
    )
    assert response.status_code == (302 if status == 200 else status)
    network = Network.objects.get(slug="ensemble")
    assert (network.name == "Ensemble contre la traite des êtres humains") == (status == 200)
    if status == 200:
        event = AuditEvent.objects.get(action="directory.network_updated")
        assert event.details["fields"] == ["name"]


@pytest.mark.parametrize(
    "who,allowed",
    [
        ("anonymous", False),
        ("plain_member", False),
        ("network_coordinator", True),
        ("coordinator", True),
        ("outsider", False),
    ],
)
def test_member_management_permissions(client, login, request, directory, collective, who, allowed):
    user = _login_as(client, login, request, who)
    network = collective["network"]
    newcomer = directory["shelter"]
    add = client.post(reverse("directory_network_member_add", args=["ensemble"]), {"organisation": newcomer.pk})
    assert NetworkMembership.objects.filter(network=network, organisation=newcomer).exists() == allowed
    promote = client.post(
        reverse("directory_network_member_coordinator", args=["ensemble", directory["paris"].pk]),
        {"is_coordinator": "1"},
    )
    assert NetworkMembership.objects.get(network=network, organisation=directory["paris"]).is_coordinator == allowed
    remove = client.post(reverse("directory_network_member_remove", args=["ensemble", directory["lyon"].pk]))
    assert NetworkMembership.objects.filter(network=network, organisation=directory["lyon"]).exists() != allowed
    expected = 302 if allowed or who == "anonymous" else 404
    assert {add.status_code, promote.status_code, remove.status_code} == {expected}
    actions = set(AuditEvent.objects.filter(action__startswith="directory.network_").values_list("action", flat=True))
    if allowed:
        assert actions == {
            "directory.network_member_added",
            "directory.network_coordinator_changed",
            "directory.network_member_removed",
        }
        event = AuditEvent.objects.get(action="directory.network_member_removed")
        assert event.actor == user and event.organisation == directory["lyon"]
    else:
        assert actions == set()


def test_case_worker_of_the_coordinating_organisation_is_not_a_manager(client, login, collective):
    user = MembershipFactory(organisation=collective["lead"], role=Role.CASE_WORKER, is_admin=False).user
    login(client, user)
    assert client.get(reverse("directory_network_edit", args=["ensemble"])).status_code == 404


def test_network_coordinator_cannot_leave_network_without_coordination(collective, network_coordinator, coordinator):
    network, lead = collective["network"], collective["lead"]
    with pytest.raises(ValidationError):
        services.remove_network_member(network=network, organisation=lead, acting_user=network_coordinator)
    with pytest.raises(ValidationError):
        services.set_network_coordinator(
            network=network, organisation=lead, is_coordinator=False, acting_user=network_coordinator
        )
    # The coordination body may (it still manages every network).
    services.remove_network_member(network=network, organisation=lead, acting_user=coordinator)
    assert not network.memberships.filter(is_coordinator=True).exists()


def test_only_an_acse_coordination_may_coordinate_an_acse_network(directory, coordinator, collective):
    network = directory["network"]  # Réseau Ac.Sé, coordinated by the Ac.Sé coordination
    body = coordinator.memberships.first().organisation
    # The coordination body manages the network but cannot make itself a
    # coordinator: that would reveal the shelters' confidential addresses.
    with pytest.raises(ValidationError):
        services.add_network_member(network=network, organisation=body, is_coordinator=True, acting_user=coordinator)
    services.add_network_member(network=network, organisation=body, is_coordinator=False, acting_user=coordinator)
    with pytest.raises(ValidationError):
        services.set_network_coordinator(
            network=network, organisation=body, is_coordinator=True, acting_user=coordinator
        )
    # Nor turn a network it coordinates into an Ac.Sé network.
    with pytest.raises(ValidationError):
        services.update_network(
            network=collective["network"], data={"name": "Ensemble", "kind": NetworkKind.ACSE}, acting_user=coordinator
        )


def test_services_refuse_non_managers(collective, directory, outsider):
    with pytest.raises(PermissionDenied):
        services.create_network(data={"name": "X", "kind": NetworkKind.OTHER}, acting_user=outsider)
    with pytest.raises(PermissionDenied):
        services.add_network_member(
            network=collective["network"], organisation=directory["shelter"], acting_user=outsider
        )
    assert not AuditEvent.objects.filter(action__startswith="directory.network_").exists()


def test_network_form_errors_in_french(client, login, collective, coordinator):
    login(client, coordinator)
    response = client.post(
        reverse("directory_network_create"), {"name": "Doublon", "slug": "ensemble", "kind": NetworkKind.OTHER}
    )
    assert response.status_code == 200
    assert "déjà utilisé" in response.content.decode()


def test_network_detail_query_count(client, login, collective, coordinator, django_assert_max_num_queries):
    login(client, coordinator)
    for i in range(10):
        NetworkMembership.objects.create(
            network=collective["network"], organisation=OrganisationFactory(name=f"Membre {i}")
        )
    with django_assert_max_num_queries(30):
        assert client.get(reverse("directory_network", args=["ensemble"])).status_code == 200


def test_search_form_filters_by_country(client, directory):
    from tests.directory.conftest import make_profile

    make_profile(OrganisationFactory(name="Pont Roumanie", slug="pont-roumanie", departement="75"), countries=["RO"])
    html = client.get(reverse("directory_list"), {"country": "RO"}).content.decode()
    assert "Pont Roumanie" in html and "Foyer Les Hirondelles" not in html
    assert "Intervient dans le pays : Roumanie" in html


# --- adding members by search (10,000 organisations do not fit in a dropdown) -------------


def test_manager_searches_organisations_to_add_by_name_acronym_or_siret(
    client, login, directory, collective, network_coordinator
):
    from maillage.organisations.models import Organisation

    login(client, network_coordinator)
    url = reverse("directory_network", args=["ensemble"])
    OrganisationFactory(name="Amicale du Nid Rouen", acronym="ANR", slug="nid-rouen", siret="77567227200033")
    OrganisationFactory(name="Amicale du Nid fermée", slug="nid-ferme", is_active=False)
    html = client.get(url).content.decode()
    # No list of every organisation on the page, only the search field.
    assert "<select" not in html and 'name="q"' in html and "Amicale du Nid Rouen" not in html
    html = client.get(url, {"q": "amicale du nid"}).content.decode()
    assert "Amicale du Nid Rouen" in html and "Amicale du Nid fermée" not in html and ">Ajouter<" in html
    assert "Amicale du Nid Rouen" in client.get(url, {"q": "ANR"}).content.decode()
    assert "Amicale du Nid Rouen" in client.get(url, {"q": "775 672 272"}).content.decode()
    # Members are not offered again.
    paris = directory["paris"]
    assert f'name="organisation" value="{paris.pk}"' not in client.get(url, {"q": paris.name}).content.decode()
    # At most 20 results, with a hint to refine.
    Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Relais Solidarité {i:02d}",
                slug=f"relais-{i}",
                type=directory["shelter"].type,
                territory_level=directory["shelter"].territory_level,
                departement="75",
                region="11",
            )
            for i in range(25)
        ]
    )
    html = client.get(url, {"q": "Relais Solidarité"}).content.decode()
    assert html.count('name="organisation"') == 20 and "précisez la recherche" in html


def test_add_from_search_results_is_audited_and_keeps_the_search(
    client, login, directory, collective, network_coordinator
):
    login(client, network_coordinator)
    newcomer = directory["shelter"]
    response = client.post(
        reverse("directory_network_member_add", args=["ensemble"]), {"organisation": newcomer.pk, "q": "foyer"}
    )
    assert response.status_code == 302 and response["Location"].endswith("/?q=foyer")
    assert NetworkMembership.objects.filter(
        network=collective["network"], organisation=newcomer, is_coordinator=False
    ).exists()
    event = AuditEvent.objects.get(action="directory.network_member_added")
    assert event.actor == network_coordinator
    # Adding it twice is refused with a message, nothing changes.
    html = client.post(
        reverse("directory_network_member_add", args=["ensemble"]), {"organisation": newcomer.pk}, follow=True
    ).content.decode()
    assert "pas encore membre" in html
    assert AuditEvent.objects.filter(action="directory.network_member_added").count() == 1


@pytest.mark.parametrize("who", ["anonymous", "plain_member", "outsider"])
def test_only_managers_see_the_search(client, login, request, directory, collective, who):
    _login_as(client, login, request, who)
    html = client.get(
        reverse("directory_network", args=["ensemble"]), {"q": directory["shelter"].name}
    ).content.decode()
    assert 'name="q"' not in html and 'name="organisation"' not in html
