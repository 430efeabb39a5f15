import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.directory import search
from maillage.directory.selectors import search_directory
from maillage.territories.reference import UnknownTerritoryError

pytestmark = pytest.mark.django_db


def names(results):
    return [r.organisation.slug for r in results]


def test_normalisation_accents_plurals_and_ligatures():
    assert search.tokens("Hébergements SÉCURISÉS") == ["hebergement", "securise"]
    assert search.tokens("soins médicaux") == ["soin", "medical"]
    assert search.tokens("Œuvre des foyers") == ["oeuvre", "foyer"]


def test_anonymous_search_lists_public_profiles_only(directory):
    found = names(search_directory(viewer=None))
    assert "escale-marseille" not in found  # members-only profile
    assert "structure-masquee" not in found
    assert {"foyer-hirondelles", "chrs-le-phare", "ligne-nationale", directory["paris"].slug} <= set(found)


def test_member_sees_members_profiles_but_not_hidden_ones(directory, outsider):
    found = names(search_directory(viewer=outsider))
    assert "escale-marseille" in found
    assert "structure-masquee" not in found


def test_word_search_is_accent_and_plural_insensitive(directory, outsider):
    found = names(search_directory(viewer=outsider, text="hebergement securise"))
    assert set(found) == {"foyer-hirondelles", "escale-marseille", "chrs-le-phare"}
    assert names(search_directory(viewer=outsider, text="HIRONDELLE")) == ["foyer-hirondelles"]


def test_name_match_ranks_before_other_matches(directory, outsider):
    # « foyer » is in one name only; « hebergement » everywhere else.
    results = search_directory(viewer=outsider, text="foyer")
    assert names(results)[0] == "foyer-hirondelles"
    assert any("Nom" in reason for reason in results[0].reasons)


def test_departement_filter_covers_region_and_national_and_sorts_by_distance(directory, outsider):
    results = search_directory(viewer=outsider, departement="38", service="secure_accommodation")
    # Lyon covers the whole Auvergne-Rhône-Alpes région (Isère is in it).
    assert names(results) == ["foyer-hirondelles"]
    assert "Intervient dans la région" in " ".join(results[0].reasons)
    # The shelter is in Hauts-de-Seine (92) and does not cover Paris.
    assert names(search_directory(viewer=outsider, departement="75", service="secure_accommodation")) == []
    # Located there first, then the Paris association that also covers 92,
    # then the national line (no département: farthest).
    results = search_directory(viewer=outsider, departement="92")
    assert names(results) == ["chrs-le-phare", directory["paris"].slug, "ligne-nationale"]
    assert results[1].distance_km < 20
    assert "Intervient dans le département 92 – Hauts-de-Seine" in results[1].reasons


def test_filters(directory, outsider):
    assert names(search_directory(viewer=outsider, accepts_minors=True)) == ["foyer-hirondelles"]
    assert set(names(search_directory(viewer=outsider, has_capacity=True))) == {
        directory["paris"].slug,
        "escale-marseille",
        "chrs-le-phare",
    }
    assert names(search_directory(viewer=outsider, language="ro")) == [directory["paris"].slug]
    assert names(search_directory(viewer=outsider, network="acse-reseau")) == ["chrs-le-phare"]
    assert set(names(search_directory(viewer=outsider, region="93"))) == {"escale-marseille", "ligne-nationale"}
    assert names(search_directory(viewer=outsider, public="men")) == ["ligne-nationale"]
    results = search_directory(viewer=outsider, service="legal_aid", public="women", departement="13")
    assert names(results)[0] == "escale-marseille"
    assert "Service : Information et aide juridiques" in results[0].reasons
    assert "Public : Femmes" in results[0].reasons


def test_same_relevance_on_both_backends_accents_plurals_stems(directory, outsider):
    # Stored: « Hébergements sécurisés pour mineurs » (Lyon's description).
    assert names(search_directory(viewer=outsider, text="hébergement")) == names(
        search_directory(viewer=outsider, text="HEBERGEMENTS")
    )
    assert "foyer-hirondelles" in names(search_directory(viewer=outsider, text="hébergement"))
    assert "foyer-hirondelles" in names(search_directory(viewer=outsider, text="mineur"))
    assert names(search_directory(viewer=outsider, text="hirondelle foyers")) == ["foyer-hirondelles"]
    # Word start: « proxén » finds « proxénétisme ».
    assert names(search_directory(viewer=outsider, text="proxén")) == [directory["paris"].slug]
    # Every word must match.
    assert names(search_directory(viewer=outsider, text="hirondelle marseille")) == []
    # A word in the name ranks first, and both results get a score.
    results = search_directory(viewer=outsider, text="escale hebergement")
    assert names(results) == ["escale-marseille"]
    assert results[0].score > 0


def test_name_match_outranks_description_match(directory, outsider, services_by_code):
    from tests.directory.conftest import make_profile
    from tests.factories import OrganisationFactory

    make_profile(
        OrganisationFactory(name="Association Boussole", slug="boussole", departement="33"),
        description="Accompagnement",
    )
    make_profile(
        OrganisationFactory(name="Relais Sud", slug="relais-sud", departement="33"),
        description="Une boussole pour les victimes",
    )
    assert names(search_directory(viewer=outsider, text="boussoles")) == ["boussole", "relais-sud"]


def test_backend_specific_matching(directory, outsider, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from maillage.directory.selectors import uses_full_text_search

    with CaptureQueriesContext(connection) as ctx:
        search_directory(viewer=outsider, text="hébergement")
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    if connection.vendor == "postgresql":
        assert uses_full_text_search()
        assert "@@" in sql and "maillage_fr" in sql and "ts_rank" in sql
    else:
        assert not uses_full_text_search()
        assert "LIKE" in sql


@pytest.mark.postgres
def test_postgres_text_search_configuration_uses_unaccent(directory):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('maillage_fr', 'Hébergements sécurisés')::text, to_tsquery('maillage_fr', 'hebergement')::text"
        )
        vector, query = cursor.fetchone()
    assert "heberg" in vector and "heberg" in query


def test_missing_unaccent_privilege_gives_dba_instructions():
    import importlib

    from django.db import ProgrammingError

    migration = importlib.import_module("maillage.directory.migrations.0003_postgres_full_text")

    class Cursor:
        def execute(self, sql, params=None):
            if sql.startswith("CREATE EXTENSION"):
                raise ProgrammingError('permission denied to create extension "unaccent"')

        def fetchone(self):
            return None

    with pytest.raises(RuntimeError, match="CREATE EXTENSION IF NOT EXISTS unaccent"):
        migration.create_extension(Cursor())


def test_country_filter(directory, outsider):
    from tests.directory.conftest import make_profile
    from tests.factories import OrganisationFactory

    make_profile(
        OrganisationFactory(name="Pont Roumanie", slug="pont-roumanie", departement="75"), countries=["RO", "BG"]
    )
    results = search_directory(viewer=outsider, country="ro")
    assert names(results) == ["pont-roumanie"]
    assert "Intervient dans le pays : Roumanie" in results[0].reasons
    assert names(search_directory(viewer=outsider, country="BG", text="pont")) == ["pont-roumanie"]
    assert names(search_directory(viewer=outsider, country="NG")) == []
    with pytest.raises(UnknownTerritoryError):
        search_directory(viewer=outsider, country="QQ")


def test_unknown_departement_raises_value_error(directory):
    with pytest.raises(UnknownTerritoryError):
        search_directory(viewer=None, departement="999")


def test_query_count_is_constant(directory, outsider, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        results = search_directory(
            viewer=outsider, text="hebergement", departement="75", service="secure_accommodation"
        )
        for r in results:
            r.reasons, list(r.profile.services.all()), r.profile.organisation.name


# --- properties of the normalisation (hypothesis) -----------------------------------------

FRENCH_LETTERS = "abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿœæ"
french_text = st.text(alphabet=FRENCH_LETTERS + FRENCH_LETTERS.upper() + "0123456789 .-'’", max_size=60)
ascii_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=12)


@given(french_text)
def test_a_text_always_finds_itself(text):
    stored = search.normalise(text)
    assert all(f" {word}" in stored for word in search.query_tokens(text))


@given(french_text)
def test_case_and_accents_do_not_matter(text):
    assert (
        search.normalise(text.upper())
        == search.normalise(text.lower())
        == search.normalise(search.strip_accents(text))
    )
    assert search.query_tokens(text.upper()) == search.query_tokens(search.strip_accents(text))


@given(ascii_word.filter(lambda w: w[-1] not in "sxui"))
def test_plural_in_s_has_the_singular_stem(word):
    assert search.stem(word + "s") == search.stem(word)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10).map(lambda w: w + "al"))
def test_plural_in_aux_has_the_singular_stem(word):
    assert search.stem(word[:-2] + "aux") == search.stem(word)


@given(
    st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzéè0123456789", min_size=1, max_size=3), min_size=2, max_size=5
    )
)
def test_dotted_abbreviation_and_its_joined_form_find_each_other(parts):
    dotted, joined = ".".join(parts), "".join(parts)
    assert all(f" {word}" in search.normalise(dotted) for word in search.query_tokens(joined))
    assert all(f" {word}" in search.normalise(joined) for word in search.query_tokens(dotted))
    assert all(f" {word}" in search.normalise(dotted.upper() + ".") for word in search.query_tokens(dotted))


def test_total_is_the_number_of_matches_whatever_the_page(directory, outsider):
    everything = search_directory(viewer=outsider, limit=1000)
    assert everything.total == len(everything.results) >= 4
    pages = [search_directory(viewer=outsider, limit=2, offset=start) for start in range(0, everything.total + 2, 2)]
    assert {page.total for page in pages} == {everything.total}  # past the end too
    assert [r.organisation.slug for page in pages for r in page] == names(everything)
    assert search_directory(viewer=outsider, limit=0).total == everything.total
    assert search_directory(viewer=outsider, text="introuvablemot").total == 0


def test_contains_phrase_ignores_accents_case_plurals_and_punctuation():
    assert search.contains_phrase("Départ vers l'ÉCOLE des Hirondelles, hier", "Ecole des hirondelles")
    assert search.contains_phrase("contact : ac.se", "AC.SÉ")
    assert not search.contains_phrase("Hirondelles et école", "école des hirondelles")  # not in a row
    assert not search.contains_phrase("un ab de plus", "AB")  # one short word never matches
    assert not search.contains_phrase("texte", "")


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàçô ", min_size=3, max_size=30),
    st.text(max_size=20),
    st.text(max_size=20),
)
def test_a_phrase_is_found_wherever_it_stands(phrase, before, after):
    words = search.word_sequence(phrase)
    if not words or (len(words) == 1 and len(words[0]) < 3):
        return
    assert search.contains_phrase(f"{before} {phrase.upper()} {after}", phrase)
