"""Open data without sign-in (issue 14): the public directory in the
data·inclusion schema validates against that schema's own models, nothing
members-only leaks, CSV and JSON, the schema and its documentation page."""

import csv
import io

import pytest
from data_inclusion.schema import v1

from maillage.directory.enums import Visibility
from maillage.directory.models import Profile, Service
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def profiles(db):
    public = OrganisationFactory(name="Association Publique du Nord", slug="asso-publique")
    hidden = OrganisationFactory(name="Association Réservée aux Membres", slug="asso-membres")
    p = Profile.objects.create(
        organisation=public,
        visibility=Visibility.PUBLIC,
        description="Accueil et accompagnement des victimes.",
        commune="Lille",
        departement="59",
        street_address="12 rue secrète",
        public_phone="03 20 00 00 00",
        public_email="contact@asso.example.fr",
        accepts_referrals=True,
        referral_how="Par téléphone",
    )
    p.services.set(Service.objects.filter(code__in=["secure_accommodation", "legal_aid", "outreach"]))
    Profile.objects.create(organisation=hidden, visibility=Visibility.MEMBERS, commune="Paris")
    return p


def test_structures_validate_against_the_data_inclusion_schema(client, profiles):
    answer = client.get("/api/v1/annuaire/structures/")
    assert answer.status_code == 200 and answer["X-Licence"] == "etalab-2.0"
    rows = answer.json()["results"]
    assert [r["id"] for r in rows] == ["maillage--asso-publique"]
    for row in rows:
        v1.Structure.model_validate(row)
    # The street address is for signed-in members only.
    assert "secrète" not in answer.content.decode()


def test_services_validate_against_the_data_inclusion_schema(client, profiles):
    rows = client.get("/api/v1/annuaire/services/").json()["results"]
    assert {r["id"] for r in rows} == {
        "maillage--asso-publique--secure_accommodation",
        "maillage--asso-publique--legal_aid",
        "maillage--asso-publique--outreach",
    }
    for row in rows:
        v1.Service.model_validate(row)


def test_profiles_in_maillages_shape_as_csv(client, profiles):
    answer = client.get("/api/v1/annuaire/profils/?format=csv")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert [r["slug"] for r in rows] == ["asso-publique"]
    assert "Hébergement sécurisé" in rows[0]["services"]


def test_pagination_bounds(client, profiles):
    assert client.get("/api/v1/annuaire/profils/?taille=1").json()["count"] == 1
    assert client.get("/api/v1/annuaire/profils/?page=99").status_code == 404


def test_no_plan_or_release_yet_is_a_404_problem(client):
    for url in ("/api/v1/plan/", "/api/v1/statistiques/"):
        answer = client.get(url)
        assert answer.status_code == 404 and answer["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/statistiques/?annee=abc").status_code == 400


def test_the_schema_is_openapi_3_1_and_the_docs_page_is_served(client):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/orientations/recues/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["jeton"]["scheme"] == "bearer"
    page = client.get("/api/docs/")
    assert page.status_code == 200 and "Documentation de l'API" in page.content.decode()
    assert "<script" not in page.content.decode().split("</header>")[-1].split("<footer")[0]


def test_english_docs_and_problems(client):
    page = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="en")
    assert "API documentation" in page.content.decode()
    answer = client.get("/api/v1/orientations/recues/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.json()["title"] == "Authentication required"


def _structure_from_instance(profile) -> dict:
    """The structure mapping as it was before the export read values()
    (model instances, select_related, prefetches): the reference the faster
    path must reproduce exactly."""
    from django.conf import settings

    org = profile.organisation
    description = (profile.description or "").strip()
    return {
        "source": "maillage",
        "id": f"maillage--{org.slug}",
        "nom": org.name[:150].rstrip("."),
        "date_maj": (profile.last_verified_at or profile.updated_at).date().isoformat(),
        "description": description if len(description) >= 5 else None,
        "lien_source": f"{settings.SITE_BASE_URL.rstrip('/')}/annuaire/{org.slug}/",
        "siret": org.siret or None,
        "commune": profile.commune or None,
        "adresse": None,
        "telephone": profile.public_phone or None,
        "courriel": profile.public_email or None,
        "site_web": profile.website or None,
        "reseaux_porteurs": None,
    }


def test_the_values_export_is_identical_to_the_instance_mapping_on_the_demo_directory(client):
    import io
    import random

    from maillage.demo.registry import SeedContext
    from maillage.directory import datainclusion
    from maillage.directory.demo import seed_directory
    from maillage.organisations.demo import seed_network

    ctx = SeedContext(size="demo", rng=random.Random(2013), stdout=io.StringIO())
    seed_network(ctx)
    seed_directory(ctx)
    before = [_structure_from_instance(p) for p in datainclusion.public_profiles()]
    assert len(before) > 100
    after, url = [], "/api/v1/annuaire/structures/?taille=40"
    while url:
        page = client.get(url).json()
        after += page["results"]
        url = page["next"]
    assert after == before
