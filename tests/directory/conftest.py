"""A small known directory: four profiles around Paris, Lyon and Marseille,
an Ac.Sé network coordinated by the Ac.Sé coordination, a confidential
shelter address."""

import pytest
from django.utils import timezone

from maillage.directory.enums import NetworkKind, Visibility
from maillage.directory.models import Network, NetworkMembership, Service
from maillage.directory.services import import_profile
from maillage.organisations.enums import OrganisationType, Role, TerritoryLevel
from tests.factories import MembershipFactory, OrganisationFactory


def make_profile(organisation, **data):
    data.setdefault("departement", organisation.departement)
    profile = import_profile(organisation=organisation, data=data)
    return profile


@pytest.fixture
def services_by_code(db):
    return {s.code: s for s in Service.objects.all()}


@pytest.fixture
def directory(db, organisation, services_by_code):
    """`organisation` (Paris, fixture of tests/conftest.py) gets a public
    profile; more organisations around it."""
    s = services_by_code
    make_profile(
        organisation,
        commune="Paris",
        departements=["92"],
        services=[s["legal_aid"], s["social_support"]],
        publics=["women"],
        languages=["fr", "ro"],
        accepts_referrals=True,
        public_phone="01 00 00 00 00",
        members_phone="01 11 11 11 11",
        capacity_places=3,
        street_address="1 rue Publique",
        description="Accompagnement des victimes de proxénétisme",
    )
    lyon = OrganisationFactory(name="Foyer Les Hirondelles", slug="foyer-hirondelles", departement="69", region="84")
    make_profile(
        lyon,
        commune="Lyon",
        services=[s["secure_accommodation"]],
        publics=["minors", "unaccompanied_minors"],
        capacity_places=0,
        regions=["84"],
        description="Hébergements sécurisés pour mineurs",
    )
    marseille = OrganisationFactory(name="Escale Marseille", slug="escale-marseille", departement="13", region="93")
    make_profile(
        marseille,
        commune="Marseille",
        services=[s["secure_accommodation"], s["legal_aid"]],
        publics=["women"],
        capacity_places=5,
        visibility=Visibility.MEMBERS,
        members_phone="04 99 99 99 99",
    )
    shelter = OrganisationFactory(
        name="CHRS Le Phare", slug="chrs-le-phare", type=OrganisationType.SHELTER, departement="92", region="11"
    )
    make_profile(
        shelter,
        commune="Nanterre",
        services=[s["secure_accommodation"]],
        publics=["women"],
        capacity_places=2,
        street_address="12 allée Secrète",
        address_confidential=True,
    )
    national = OrganisationFactory(
        name="Ligne nationale d'écoute",
        slug="ligne-nationale",
        territory_level=TerritoryLevel.NATIONAL,
        departement="",
        region="",
    )
    make_profile(national, is_national=True, services=[s["psychological_support"]], publics=["men", "women"])
    hidden = OrganisationFactory(name="Structure masquée", slug="structure-masquee", departement="75")
    make_profile(hidden, visibility=Visibility.HIDDEN, services=[s["legal_aid"]])
    acse = OrganisationFactory(
        name="Coordination Ac.Sé",
        slug="acse",
        type=OrganisationType.ACSE_COORDINATION,
        territory_level=TerritoryLevel.NATIONAL,
        departement="",
        region="",
    )
    network = Network.objects.create(name="Réseau Ac.Sé", slug="acse-reseau", kind=NetworkKind.ACSE)
    NetworkMembership.objects.create(network=network, organisation=acse, is_coordinator=True)
    NetworkMembership.objects.create(network=network, organisation=shelter)
    return {
        "paris": organisation,
        "lyon": lyon,
        "marseille": marseille,
        "shelter": shelter,
        "national": national,
        "hidden": hidden,
        "acse": acse,
        "network": network,
        "now": timezone.now(),
    }


@pytest.fixture
def acse_member(directory):
    return MembershipFactory(organisation=directory["acse"], role=Role.CASE_WORKER).user


@pytest.fixture
def shelter_member(directory):
    return MembershipFactory(organisation=directory["shelter"], role=Role.CASE_WORKER).user
