from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.territories import reference as ref
from maillage.territories.reference import UnknownTerritoryError

ALL_CODES = [d.code for d in ref.departements()]


# --- Régions and départements ----------------------------------------------


def test_101_departements_in_insee_order():
    assert len(ALL_CODES) == 101
    assert len(set(ALL_CODES)) == 101
    assert ALL_CODES[:3] == ["01", "02", "03"]
    assert ALL_CODES[17:22] == ["18", "19", "2A", "2B", "21"]
    assert ALL_CODES[-5:] == ["971", "972", "973", "974", "976"]
    assert "20" not in ALL_CODES and "975" not in ALL_CODES


def test_overseas_flag():
    overseas = {d.code for d in ref.departements() if d.overseas}
    assert overseas == {"971", "972", "973", "974", "976"}


def test_18_regions_with_insee_codes():
    codes = {r.code for r in ref.regions()}
    assert len(ref.regions()) == 18
    assert codes == {
        *("01", "02", "03", "04", "06"),
        *("11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"),
    }
    assert ref.region("11").name == "Île-de-France"
    assert ref.region("4").name == "La Réunion"


def test_every_departement_belongs_to_an_existing_region():
    for d in ref.departements():
        assert ref.is_region_code(d.region_code), d
    assert sum(len(ref.departements_of_region(r.code)) for r in ref.regions()) == 101
    # Every région has at least one département.
    assert all(ref.departements_of_region(r.code) for r in ref.regions())


@pytest.mark.parametrize(
    ("code", "name", "region_code"),
    [
        ("75", "Paris", "11"),
        ("2A", "Corse-du-Sud", "94"),
        ("2B", "Haute-Corse", "94"),
        ("13", "Bouches-du-Rhône", "93"),
        ("21", "Côte-d'Or", "27"),
        ("29", "Finistère", "53"),
        ("59", "Nord", "32"),
        ("67", "Bas-Rhin", "44"),
        ("69", "Rhône", "84"),
        ("971", "Guadeloupe", "01"),
        ("974", "La Réunion", "04"),
        ("976", "Mayotte", "06"),
    ],
)
def test_known_departements(code, name, region_code):
    d = ref.departement(code)
    assert (d.name, d.region_code) == (name, region_code)


def test_departements_of_region():
    assert [d.code for d in ref.departements_of_region("94")] == ["2A", "2B"]
    assert [d.code for d in ref.departements_of_region("11")] == [
        "75", "77", "78", "91", "92", "93", "94", "95"
    ]  # fmt: skip


def test_centroids_are_inside_plausible_bounds():
    for d in ref.departements():
        lon, lat = d.centroid
        if not d.overseas:
            assert -5.2 < lon < 9.6 and 41.3 < lat < 51.1, d
    lon, lat = ref.departement("75").centroid
    assert abs(lon - 2.34) < 0.05 and abs(lat - 48.86) < 0.05


def test_distance_paris_marseille_is_plausible():
    assert 600 < ref.distance_km("75", "13") < 700
    assert ref.distance_km("75", "75") == 0
    assert 6500 < ref.distance_km("75", "971") < 7000


@given(st.sampled_from(ALL_CODES), st.sampled_from(ALL_CODES))
def test_distance_is_symmetric_and_non_negative(a, b):
    assert ref.distance_km(a, b) == pytest.approx(ref.distance_km(b, a))
    assert ref.distance_km(a, b) >= 0


def test_nearest_first():
    assert ref.nearest_first(["13", "971", "92", "1", "75"], "75") == [
        "75",
        "92",
        "01",
        "13",
        "971",
    ]
    assert ref.nearest_first([], "75") == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", "01"),
        ("01", "01"),
        ("2a", "2A"),
        ("2B", "2B"),
        (" 75 ", "75"),
        (9, "09"),
        ("971", "971"),
    ],
)
def test_normalise_departement_code(raw, expected):
    assert ref.normalise_departement_code(raw) == expected


@pytest.mark.parametrize("raw", ["20", "00", "96", "975", "977", "2C", "", "  ", "Paris", None, 1.0])
def test_normalise_rejects_unknown_codes(raw):
    with pytest.raises(UnknownTerritoryError):
        ref.normalise_departement_code(raw)


@given(st.sampled_from(ALL_CODES))
def test_normalise_is_idempotent_on_canonical_codes(code):
    assert ref.normalise_departement_code(code) == code
    assert ref.normalise_departement_code(f"  {code.lower()} ") == code


def test_is_departement_code_is_strict():
    assert ref.is_departement_code("01")
    assert ref.is_departement_code("2A")
    assert not ref.is_departement_code("1")
    assert not ref.is_departement_code("2a")
    assert not ref.is_departement_code("20")
    assert not ref.is_departement_code(75)


def test_unknown_codes_raise_a_french_key_and_value_error():
    with pytest.raises(UnknownTerritoryError) as exc_info:
        ref.departement("99")
    assert isinstance(exc_info.value, KeyError)
    assert isinstance(exc_info.value, ValueError)
    assert str(exc_info.value) == "Département inconnu : « 99 »."
    with pytest.raises(KeyError):
        ref.region("05")
    with pytest.raises(ValueError, match="Région inconnue"):
        ref.departements_of_region("99")


def test_departement_and_region_choices():
    choices = ref.departement_choices()
    assert len(choices) == 101
    assert ("75", "75 – Paris") in choices
    assert choices[0] == ("01", "01 – Ain")
    region_names = [name for _, name in ref.region_choices()]
    assert region_names[0] == "Auvergne-Rhône-Alpes"
    # Accent-insensitive sort: « Île-de-France » among the I, not after Provence.
    assert region_names.index("Île-de-France") < region_names.index("La Réunion")


def test_objects_are_immutable_and_cached():
    d = ref.departement("75")
    with pytest.raises(AttributeError):
        d.name = "Lutèce"  # type: ignore[misc]
    assert ref.departements() is ref.departements()
    assert isinstance(ref.departements(), tuple)


# --- Countries and citizenships --------------------------------------------


def test_country_names_in_french():
    assert ref.country_name("DE") == "Allemagne"
    assert ref.country_name("gb") == "Royaume-Uni"
    assert ref.country_name("CI") == "Côte d'Ivoire"
    assert ref.country_name("SY") == "Syrie"  # common name preferred
    assert ref.country_name("DE", language="en") == "Germany"


def test_countries_sorted_by_french_name_ignoring_accents():
    names = [c.name for c in ref.countries()]
    assert len(names) == 249
    assert names.index("Égypte") < names.index("Érythrée") < names.index("Espagne")
    assert names.index("Égypte") < names.index("France")
    assert names[-1] == "Zimbabwe"


def test_country_codes():
    assert ref.is_country_code("FR")
    assert not ref.is_country_code("fr")
    assert not ref.is_country_code("XX")
    assert not ref.is_country_code("ZZ")
    with pytest.raises(UnknownTerritoryError, match="Pays inconnu"):
        ref.country_name("QQ")


def test_special_citizenship_codes():
    assert ref.STATELESS == "XX"
    assert ref.UNKNOWN_COUNTRY == "ZZ"
    choices = ref.citizenship_choices("fr")
    assert choices[:2] == [("XX", "Apatride"), ("ZZ", "Inconnue")]
    assert len(choices) == 2 + 249
    assert ("DE", "Allemagne") in choices
    assert ref.citizenship_name("XX") == "Apatride"
    assert ref.citizenship_name("ZZ") == "Inconnue"
    assert ref.citizenship_name("RO") == "Roumanie"
    assert ref.citizenship_choices("en")[:2] == [("XX", "Stateless"), ("ZZ", "Unknown")]
    assert ref.is_citizenship_code("XX") and ref.is_citizenship_code("NG")
    assert not ref.is_citizenship_code("QQ")


def test_country_choices():
    choices = ref.country_choices()
    assert choices[0] == ("AF", "Afghanistan")
    assert ("DE", "Allemagne") in choices


def test_unavailable_display_language():
    with pytest.raises(ValueError, match="Langue d'affichage"):
        ref.countries(language="xx-nope")


# --- Eurostat ----------------------------------------------------------------

TODAY = date(2025, 1, 1)


@pytest.mark.parametrize(
    ("code", "on", "expected"),
    [
        ("FR", TODAY, "REPORTING_COUNTRY"),
        ("DE", TODAY, "OTHER_EU"),
        ("RO", TODAY, "OTHER_EU"),
        ("NG", TODAY, "NON_EU"),
        ("CH", TODAY, "NON_EU"),
        ("GB", date(2020, 1, 31), "OTHER_EU"),
        ("GB", date(2020, 2, 1), "NON_EU"),
        ("UK", date(2019, 6, 1), "OTHER_EU"),
        ("HR", date(2013, 6, 30), "NON_EU"),
        ("HR", date(2013, 7, 1), "OTHER_EU"),
        ("RO", date(2006, 12, 31), "NON_EU"),
        ("EL", TODAY, "OTHER_EU"),
        ("ZZ", TODAY, "UNKNOWN"),
        (None, TODAY, "UNKNOWN"),
        ("", TODAY, "UNKNOWN"),
        ("XX", TODAY, "NON_EU"),
    ],
)
def test_eurostat_citizenship_group(code, on, expected):
    assert ref.eurostat_citizenship_group(code, on=on) == expected


def test_eurostat_group_depends_on_reporting_country():
    assert ref.eurostat_citizenship_group("BE", reporting="BE", on=TODAY) == "REPORTING_COUNTRY"
    assert ref.eurostat_citizenship_group("FR", reporting="BE", on=TODAY) == "OTHER_EU"
    assert ref.eurostat_citizenship_group("GR", reporting="EL", on=TODAY) == "REPORTING_COUNTRY"


def test_eurostat_group_rejects_garbage():
    with pytest.raises(UnknownTerritoryError):
        ref.eurostat_citizenship_group("QQ", on=TODAY)


def test_eu27_composition_after_brexit():
    members = {c for c, _, _ in ref.EU_MEMBERSHIP if ref.is_eu_member(c, TODAY)}
    assert len(members) == 27
    assert "GB" not in members and "HR" in members
    assert len({c for c, _, _ in ref.EU_MEMBERSHIP if ref.is_eu_member(c, date(2019, 1, 1))}) == 28


def test_eurostat_country_code():
    assert ref.eurostat_country_code("GR") == "EL"
    assert ref.eurostat_country_code("GB") == "UK"
    assert ref.eurostat_country_code("fr") == "FR"
    assert ref.eurostat_country_code("XX") == "STLS"
    assert ref.eurostat_country_code("ZZ") == "UNK"


# --- Languages -----------------------------------------------------------------


def test_languages_include_those_needed_for_victims():
    codes = {lang.code for lang in ref.languages()}
    assert {"fr", "en", "ro", "ti", "ar", "uk", "zh"} <= codes
    assert ref.language_name("fr") == "Français"
    assert ref.language_name("en") == "Anglais"
    assert ref.language_name("ro") == "Roumain"
    assert ref.language_name("ti") == "Tigrigna"
    assert ref.language_name("ti", language="en") == "Tigrinya"


def test_languages_sorted_and_validated():
    names = [lang.name for lang in ref.languages()]
    assert names == sorted(names, key=ref.sort_key)
    assert ref.is_language_code("ti")
    assert not ref.is_language_code("TI")
    assert not ref.is_language_code("tir")  # ISO 639-3 codes are not accepted
    with pytest.raises(UnknownTerritoryError, match="Langue inconnue"):
        ref.language_name("zz")
    assert ("fr", "Français") in ref.language_choices()


def test_sort_key_handles_accents_and_ligatures():
    words = ["Zambie", "Égypte", "Oman", "Œuf", "eau", "Éa"]
    assert sorted(words, key=ref.sort_key) == [
        "Éa",
        "eau",
        "Égypte",
        "Œuf",
        "Oman",
        "Zambie",
    ]
