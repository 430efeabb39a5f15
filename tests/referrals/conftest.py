import datetime

import pytest

from maillage.cases import services as case_services
from maillage.cases.enums import AgeStatus
from maillage.directory.enums import NetworkKind
from maillage.directory.models import Network, NetworkMembership, Profile
from maillage.organisations.enums import OrganisationType, Role
from maillage.referrals import pathways, services
from maillage.referrals.enums import AcseStatus as A
from maillage.referrals.enums import ConsentBasis, ConsentMethod, SharedPart
from tests.cases.conftest import base_facts, base_identity
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def sender_org(organisation):
    return organisation


@pytest.fixture
def sender(case_worker):
    return case_worker


@pytest.fixture
def recipient_org(db):
    return OrganisationFactory(
        name="Foyer Destinataire",
        slug="foyer-destinataire",
        type=OrganisationType.SHELTER,
        departement="13",
        region="93",
    )


@pytest.fixture
def recipient(recipient_org):
    return MembershipFactory(organisation=recipient_org, role=Role.CASE_WORKER).user


@pytest.fixture
def crip_org(db):
    return OrganisationFactory(
        name="CRIP 93", slug="crip-93", type=OrganisationType.CHILD_PROTECTION, departement="93", region="11"
    )


@pytest.fixture
def make_case(sender, sender_org):
    def make(minor=False, **facts):
        if minor:
            facts.setdefault("age_status", AgeStatus.DOCUMENTED_MINOR)
            facts.setdefault("birth_year", 2011)
        identity = (
            base_identity(birth_date=f"{facts['birth_year']}-04-02") if "birth_year" in facts else base_identity()
        )
        return case_services.create_case(
            organisation=sender_org,
            acting_user=sender,
            facts=base_facts(**facts),
            identity=identity,
            confirm_duplicate=True,
        )

    return make


@pytest.fixture
def case(make_case):
    return make_case()


CONSENT = {
    "consent_basis": ConsentBasis.CONSENT,
    "consent_on": datetime.date(2026, 1, 5),
    "consent_method": ConsentMethod.ORAL_INTERPRETER,
    "consent_scope": "Hébergement au foyer, identité et besoins partagés",
}


@pytest.fixture
def refer(case, sender, sender_org, recipient_org):
    """refer(**overrides) -> Referral (sent by default)."""

    def make(**kw):
        args = {
            "case": case,
            "organisation": sender_org,
            "acting_user": sender,
            "recipient": recipient_org,
            "service": "secure_accommodation",
            "shared_parts": [SharedPart.FACTS, SharedPart.NOTES_SHAREABLE],
            "send": True,
            **CONSENT,
        }
        args.update(kw)
        return services.create_referral(**args)

    return make


# --- Ac.Sé: the coordination and a partner shelter whose identity and place
# must never reach the referring organisation (R-ACSE) ------------------------

# What an Ac.Sé request must say (R-ACSE; issue 10.4, 11.9).
ACSE_REQUEST = {
    "situation": "Victime d'exploitation sexuelle, suivie depuis deux mois, souhaite quitter la région.",
    "danger_reason": "Menaces du réseau qui la recherche dans le quartier.",
    "urgency": "days",
    "urgency_note": "Hébergée chez une amie jusqu'à vendredi.",
}

HOST_NAME = "Refuge Confidentiel Montagne"
HOST_EMAIL = "marguerite@refuge-montagne.fr"


ACSE_NETWORK = "reseau-acse-test"


def acse_network():
    network, _ = Network.objects.get_or_create(
        slug=ACSE_NETWORK, defaults={"name": "Réseau Ac.Sé", "kind": NetworkKind.ACSE}
    )
    return network


def make_acse_host(name, slug, departement, email=None, places=5):
    """A partner shelter of the Ac.Sé network with a confidential address,
    `places` free places declared in the directory and one case worker."""
    org = OrganisationFactory(name=name, slug=slug, type=OrganisationType.SHELTER, departement=departement)
    Profile.objects.create(
        organisation=org, departement=departement, address_confidential=True, capacity_places=places
    )
    NetworkMembership.objects.create(network=acse_network(), organisation=org)
    user = (
        UserFactory(email=email, first_name="Marguerite", last_name="Montagnard", with_totp=True)
        if email
        else UserFactory(with_totp=True)
    )
    MembershipFactory(organisation=org, role=Role.CASE_WORKER, user=user)
    return org, user


@pytest.fixture
def acse():
    org = OrganisationFactory(name="Coordination Ac.Sé", slug="acse-h", type=OrganisationType.ACSE_COORDINATION)
    NetworkMembership.objects.create(network=acse_network(), organisation=org, is_coordinator=True)
    return org, MembershipFactory(organisation=org, role=Role.CASE_WORKER).user


@pytest.fixture
def host():
    return make_acse_host(HOST_NAME, "refuge-montagne", "05", email=HOST_EMAIL)


@pytest.fixture
def placement(case, sender, sender_org, acse):
    """placement(to=A.PLACE_SEARCH, host=None, parts=(identity, facts)) -> AcsePlacement"""
    coord, coord_worker = acse

    def make(to=A.PLACE_SEARCH, host=None, parts=(SharedPart.IDENTITY, SharedPart.FACTS)):
        p = pathways.request_acse(
            **ACSE_REQUEST,
            case=case,
            organisation=sender_org,
            acting_user=sender,
            consent_on=datetime.date(2026, 1, 5),
            consent_method="written",
            danger_departements=["93"],
            coordination=coord,
            shared_parts=list(parts),
        )
        path = [A.ASSESSMENT, A.PLACE_SEARCH, A.PLACE_FOUND, A.TRANSFER, A.HOSTED]
        for target in path[: path.index(to) + 1]:
            actor_org, actor = host if target == A.HOSTED else (coord, coord_worker)
            p = pathways.advance_acse(
                placement=p,
                organisation=actor_org,
                acting_user=actor,
                target=target,
                host=host[0] if host else None,
                assessment="Danger local",
            )
        return p

    return make
