"""Finding an organisation to add to a network: the same French-aware word
matching as the directory search (accents, case, plurals, dotted
abbreviations), whether or not the organisation has a directory profile."""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.directory import selectors
from maillage.directory.enums import NetworkKind
from maillage.directory.models import Network, NetworkMembership, Profile
from maillage.directory.selectors import network_candidates, search_directory
from tests.directory.conftest import make_profile
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NAMES = {
    "eglise": ("Église Saint-Paul", ""),
    "equipe": ("L'Équipe mobile de Lille", ""),
    "foyers": ("Les Foyers de l'Aube", ""),
    "foyer": ("Foyer Horizon", ""),
    "hopitaux": ("Hôpitaux solidaires", ""),
    "acse": ("Coordination nationale", "Ac.Sé"),
    "anr": ("Amicale du Nid Rouen", "ANR"),
    "chrs": ("C.H.R.S. Le Phare", ""),
    "egalite": ("Égalité Femmes", ""),
}


@pytest.fixture(params=[True, False], ids=["with-profile", "without-profile"])
def orgs(request, db):
    """One organisation per name; with a directory profile (stored
    `search_name`) or without (normalised by the database at query time)."""
    out = {}
    for key, (name, acronym) in NAMES.items():
        org = OrganisationFactory(name=name, acronym=acronym, slug=f"org-{key}")
        if request.param:
            make_profile(org)
        out[key] = org
    return out


@pytest.fixture
def network(db):
    return Network.objects.create(name="Réseau test", slug="reseau-test", kind=NetworkKind.OTHER)


KEY_BY_NAME = {name: key for key, (name, _acronym) in NAMES.items()}


def found(network, text):
    rows, _more = network_candidates(network=network, text=text, limit=50)
    return {KEY_BY_NAME.get(org.name, org.name) for org in rows}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eglise", {"eglise"}),
        ("EGLISE", {"eglise"}),
        ("églises", {"eglise"}),
        ("saint paul", {"eglise"}),
        ("equipe", {"equipe"}),
        ("ÉQUIPES mobiles", {"equipe"}),
        ("foyer", {"foyer", "foyers"}),
        ("foyers", {"foyer", "foyers"}),
        ("hôpital", {"hopitaux"}),
        ("ACSE", {"acse"}),
        ("Ac.Sé", {"acse"}),
        ("ac se", {"acse"}),
        ("A.N.R.", {"anr"}),
        ("anr", {"anr"}),
        ("CHRS", {"chrs"}),
        ("phare", {"chrs"}),
        ("amicale du nid", {"anr"}),
        ("egal", {"egalite"}),
    ],
)
def test_accents_case_plurals_and_abbreviations_are_ignored(orgs, network, text, expected):
    assert found(network, text) == expected


def test_every_word_is_required_and_matches_a_word_start(orgs, network):
    assert found(network, "eglise lille") == set()
    assert found(network, "equipe lille") == {"equipe"}
    # « quipes » starts no word (and is not in the name as typed).
    assert found(network, "quipes") == set()


def test_inactive_organisations_and_members_are_not_offered(orgs, network):
    NetworkMembership.objects.create(network=network, organisation=orgs["foyer"])
    orgs["foyers"].is_active = False
    orgs["foyers"].save()
    assert found(network, "foyer") == set()


def test_phrase_as_typed_still_matches_a_renamed_organisation(orgs, network):
    """A rename made outside the directory services leaves the stored
    `search_name` behind until the profile is next written; the name as typed
    still finds it."""
    orgs["foyer"].name = "Maison Étoile"
    orgs["foyer"].save()
    assert found(network, "Maison Étoile") == {"Maison Étoile"}


def test_siret_start_still_matches(db, network):
    OrganisationFactory(name="Association Numéro", slug="org-siret", siret="77567227200033")
    assert found(network, "775 672 272") == {"Association Numéro"}


def test_one_query_whatever_the_number_of_organisations(orgs, network, django_assert_num_queries):
    with django_assert_num_queries(1):
        network_candidates(network=network, text="foyer equipe", limit=20)
    for i in range(30):
        org = OrganisationFactory(name=f"Foyer Équipe {i}", slug=f"more-{i}")
        if i % 2:
            make_profile(org)
    with django_assert_num_queries(1):
        rows, more = network_candidates(network=network, text="foyers equipes", limit=20)
    assert len(rows) == 20 and more


def test_sql_uses_the_stored_columns_and_the_database_normalisation(orgs, network):
    with CaptureQueriesContext(connection) as ctx:
        found(network, "eglise")
    (query,) = ctx.captured_queries
    sql = query["sql"]
    if selectors.uses_full_text_search():
        # Stored vector (GIN) for profiles, unaccent + maillage_fr for the rest.
        assert '"search_vector" @@' in sql and "'eglise:*A'" in sql
        assert "unaccent" in sql and "maillage_fr" in sql
    else:
        assert "search_name" in sql and selectors.SQLITE_NAME_FUNCTION in sql


def test_network_page_search_ignores_accents(client, login, directory, coordinator):
    network = Network.objects.create(name="Réseau test", slug="reseau-test", kind=NetworkKind.OTHER)
    OrganisationFactory(name="Église Saint-Paul", slug="eglise-saint-paul")
    login(client, coordinator)
    html = client.get(reverse("directory_network", args=[network.slug]), {"q": "eglise"}).content.decode()
    assert "Église Saint-Paul" in html and ">Ajouter<" in html


# --- the directory search uses the same abbreviation rule ------------------------------------


def test_directory_search_finds_dotted_abbreviations(directory, outsider):
    make_profile(directory["acse"])
    make_profile(OrganisationFactory(name="Amicale du Nid Rouen", acronym="ANR", slug="nid-rouen", departement="76"))
    assert [r.organisation.slug for r in search_directory(viewer=outsider, text="ACSE")] == ["acse"]
    assert [r.organisation.slug for r in search_directory(viewer=outsider, text="A.N.R.")] == ["nid-rouen"]


def test_migration_recomputes_stored_search_text(directory):
    migration = importlib.import_module("maillage.directory.migrations.0004_search_dotted_abbreviations")
    profile = make_profile(directory["acse"])
    Profile.objects.filter(pk=profile.pk).update(
        search_name=" coordination ac se ", search_text=" coordination ac se "
    )
    from django.apps import apps

    migration.recompute_search_text(apps, None)
    profile.refresh_from_db()
    assert " acse " in profile.search_name and " acse " in profile.search_text
