"""Each table against figures computed by hand on five known persons, and the
Eurostat coding on its edge cases (EL/UK, a country joining the EU, stateless
and unknown citizenships)."""

from datetime import date

from maillage.statistics import classifications as cls
from maillage.statistics import tables
from maillage.statistics.disclosure import TOTAL
from maillage.territories import reference as territories

from .helpers import Q, record

T = TOTAL


def five():
    return [
        record(
            sex="F", age=16, minor="O", citizenships="NG", forms="PROX", status="identified", identified_by="police"
        ),
        record(sex="M", age=30, citizenships="DZ|FR", forms="TRAV_FORCE", exploitation_place="FR-93"),
        record(
            sex="F",
            age="",
            minor="O",
            citizenships="RO",
            forms="PROX|TRAV_FORCE",
            status="reported",
            services="accommodation|acse",
            year_first_followed=2023,
        ),
        record(
            sex="X",
            age=40,
            citizenships="GR",
            forms="MENDICITE",
            exploitation_place="NG",
            status="identified",
            identified_by="gendarmerie",
        ),
        record(
            sex="U", age="", minor="I", citizenships="XX", forms="INCONNUE", exploitation_place="ZZ", services="legal"
        ),
    ]


def build(records, year=2025):
    frame = tables.frame_from_records(records, Q, year=year)
    built, variables, _ = tables.national_tables(frame)
    return {t.key: t for t in built}, variables


def test_miprof_profile_by_hand():
    t, _ = build(five())
    status = t["miprof.status_sex"].cells
    assert status[("reported", "F")] == 1
    assert status[("presumed", "M")] == 1 and status[("presumed", "U")] == 1
    assert status[("identified", "F")] == 1 and status[("identified", "X")] == 1
    assert status[("identified", T)] == 2 and status[(T, T)] == 5
    forms = t["miprof.form_sex"].cells
    # Several forms per person: PROX counts r1 and r3, TRAV_FORCE r2 and r3.
    assert forms[("PROX", T)] == 2 and forms[("TRAV_FORCE", T)] == 2 and forms[(T, T)] == 5
    ages = t["miprof.age_sex"].cells
    assert ages[("15-17", "F")] == 1 and ages[("25-34", "M")] == 1 and ages[("35-44", "X")] == 1
    assert ages[("BAND_UNK", T)] == 2
    minors = t["miprof.form_age"].cells
    assert minors[(T, "CHILD")] == 2 and minors[(T, "ADULT")] == 2 and minors[(T, "AGE_UNK")] == 1
    places = t["miprof.place_departement"].cells
    assert places[("75",)] == 2 and places[("93",)] == 1 and places[("ABROAD",)] == 1 and places[("ZZ",)] == 1
    assert t["miprof.place_region"].cells[("region:11",)] == 3
    services = t["miprof.services_age"].cells
    assert services[("accommodation", "CHILD")] == 1 and services[("legal", T)] == 1 and services[(T, T)] == 5
    assert t["miprof.new_status"].cells[("EARLIER", "reported")] == 1
    assert t["miprof.identified_by"].cells[("police",)] == 1 and t["miprof.identified_by"].cells[(T,)] == 2


def test_eurostat_registered_victims_by_hand():
    t, _ = build(five())
    cells = t["eurostat.sex_age_citizenship"].cells
    # Registered = identified + presumed: the reported person (r3) is out.
    assert cells[(T, T, T)] == 4
    assert cells[("F", "CHILD", "group:NON_EU")] == 1
    # Several citizenships: the reporting country comes first (DZ|FR counts as FR).
    assert cells[("M", "ADULT", "group:REPORTING_COUNTRY")] == 1
    # X and U are Eurostat's « unknown » sex; Greece is another EU country.
    assert cells[("UNK", "ADULT", "group:OTHER_EU")] == 1
    # Stateless counts outside the EU.
    assert cells[("UNK", "AGE_UNK", "group:NON_EU")] == 1
    assert cells[(T, T, "group:NON_EU")] == 2
    forms = t["eurostat.sex_age_form"].cells
    assert forms[("eurostat:SEXUAL", T, T)] == 1
    assert forms[("eurostat:LABOUR", T, T)] == 1
    assert forms[("eurostat:OTHER", T, T)] == 1
    assert forms[("eurostat:UNK", T, T)] == 1


def test_greta_and_unodc_by_hand():
    t, _ = build(five())
    greta = t["greta.status_sex_age"].cells
    assert greta[("identified", T, T)] == 2 and greta[("presumed", T, "ADULT")] == 1
    assert t["greta.form_age"].cells[("greta:begging", "ADULT")] == 1
    unodc = t["unodc.form_sex"].cells
    assert unodc[("SEXUAL", "F")] == 1 and unodc[("FORCED_LABOUR", "M")] == 1
    assert unodc[("BEGGING", "UNK")] == 1 and unodc[("UNK", T)] == 1
    assert t["unodc.sex_age"].cells[("F", "CHILD")] == 1


def test_eurostat_writes_greece_el_and_the_united_kingdom_uk():
    assert territories.eurostat_country_code("GR") == "EL"
    assert territories.eurostat_country_code("GB") == "UK"
    assert territories.eurostat_country_code("XX") == "STLS"
    assert territories.eurostat_country_code("ZZ") == "UNK"


def test_a_country_joining_or_leaving_the_eu_changes_group_with_the_year():
    croatian = [record(citizenships="HR", year_first_followed=2012)]
    t2012, _ = build(croatian, year=2012)
    t2013, _ = build([record(citizenships="HR", year_first_followed=2013)], year=2013)
    assert t2012["eurostat.sex_age_citizenship"].cells[(T, T, "group:NON_EU")] == 1
    assert t2013["eurostat.sex_age_citizenship"].cells[(T, T, "group:OTHER_EU")] == 1
    t2019, _ = build([record(citizenships="GB", year_first_followed=2019)], year=2019)
    t2020, _ = build([record(citizenships="GB", year_first_followed=2020)], year=2020)
    assert t2019["eurostat.sex_age_citizenship"].cells[(T, T, "group:OTHER_EU")] == 1
    assert t2020["eurostat.sex_age_citizenship"].cells[(T, T, "group:NON_EU")] == 1


def test_unknown_citizenship_is_its_own_group_and_never_wins_precedence():
    on = date(2025, 12, 31)
    assert cls.main_citizenship(["ZZ"], on=on) == "ZZ"
    assert cls.citizenship_group("ZZ", on=on) == "UNKNOWN"
    assert cls.main_citizenship(["XX", "NG"], on=on) == "XX"  # both outside the EU: the first given
    assert cls.main_citizenship(["NG", "RO"], on=on) == "RO"  # another EU country before non-EU


def test_form_mappings():
    assert cls.eurostat_form(["TRAV_FORCE", "PROX"]) == "SEXUAL"
    assert cls.glotip_form(["PROX", "TRAV_FORCE"]) == "MIXED_SEXUAL_LABOUR"
    assert cls.glotip_form(["MENDICITE", "DELITS_FORCES"]) == "MIXED"
    assert cls.glotip_form(["INCONNUE"]) == "UNK"
    assert cls.greta_forms(["ESCL", "DIGNITE"]) == {"labour"}
    assert cls.htcds_forms(["PROX", "SEX", "MENDICITE"]) == ["SexualExploitation", "ForcedBegging"]


def test_questionnaire_form_codes_are_the_directory_catalogue(db):
    from maillage.directory.models import ExploitationForm

    codes = set(Q.variable("forms").code_values) - {cls.UNKNOWN_FORM}
    assert codes == set(ExploitationForm.objects.values_list("code", flat=True))
