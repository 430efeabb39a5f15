"""The anonymous record: French messages per field, nothing identifying."""

import dataclasses

import pytest

from maillage.statistics import records

from .helpers import Q, raw, record


def errors(**changes) -> dict:
    validation = records.validate(raw(**changes), Q, year=2025)
    assert not validation.ok
    return validation.errors


def test_a_valid_row_becomes_a_record_with_derived_band_and_group():
    r = record(age=16, minor="O", citizenships="FR|DZ", forms="PROX|TRAV_FORCE", services="acse|legal")
    assert r.age_band == "15-17"
    assert r.age_group == "CHILD"
    assert r.citizenships == ("FR", "DZ")
    assert r.forms == ("PROX", "TRAV_FORCE")


def test_the_record_has_no_name_and_no_birth_date():
    names = {f.name for f in dataclasses.fields(records.AnonymousRecord)}
    assert not names & {"name", "first_name", "last_name", "birth_date", "address"}


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"sex": "Z"}, "sex", "code « Z » inconnu"),
        ({"age": 140}, "age", "âge impossible"),
        ({"age": "douze"}, "age", "n'est pas un âge"),
        ({"age": 12, "minor": "N"}, "minor", "incohérent avec l'âge"),
        ({"age": 20, "age_band": "12-14"}, "age_band", "ne contient pas l'âge 20"),
        ({"citizenships": "QQ"}, "citizenships", "code(s) pays inconnu(s) : QQ"),
        ({"citizenships": ""}, "citizenships", "au moins une nationalité"),
        ({"forms": "PROX|VOL"}, "forms", "code(s) inconnu(s) : VOL"),
        ({"forms": "INCONNUE|PROX"}, "forms", "ne peut pas accompagner"),
        ({"exploitation_place": "FR-00"}, "exploitation_place", "lieu « FR-00 » inconnu"),
        ({"status": "identified"}, "identified_by", "obligatoire pour une victime identifiée"),
        ({"identified_by": "police"}, "identified_by", "seule une victime identifiée"),
        ({"year_first_followed": 2026}, "year_first_followed", "hors de la campagne"),
        ({"year_first_followed": 1980}, "year_first_followed", "hors de la campagne"),
        ({"domestic": "O", "forms": "PROX"}, "domestic", "exploitation par le travail"),
    ],
)
def test_bad_values_get_a_french_message_on_their_field(changes, field, fragment):
    found = errors(**changes)
    assert field in found, found
    assert any(fragment in message for message in found[field]), found[field]


def test_messages_name_the_column_in_french():
    validation = records.validate(raw(sex="Z", age=140), Q, year=2025)
    lines = validation.messages(Q)
    assert lines[0].startswith("Sexe : ")
    assert lines[1].startswith("Âge au début de l'exploitation : ")


def test_unknown_age_keeps_the_minor_flag_for_the_group():
    r = record(age="", minor="O")
    assert (r.age_band, r.age_group) == ("UNK", "CHILD")
    r = record(age="", minor="I")
    assert r.age_group == "UNK"


def test_an_integer_age_from_a_spreadsheet_float_is_accepted():
    assert record(age=31.0).age == 31
    assert errors(age=31.5)["age"]


def test_a_validator_reused_across_rows_reports_each_row_as_if_checked_alone():
    # The import checks each distinct value of a column once (records.Validator):
    # a remembered value must give the same messages on every row, and a check
    # across fields on one row must not leak into the next row.
    validator = records.Validator(Q, year=2025)
    rows = [
        raw(sex="Z", age=30),
        raw(age=16, minor="N"),
        raw(),
        raw(sex="Z", age=30),
        raw(age=16, minor="O"),
        raw(citizenships=["NG", "QQ"]),
        raw(year_first_followed=2031),
    ]
    for row in rows + rows:
        alone = records.validate(row, Q, year=2025)
        again = validator.validate(row)
        assert again.errors == alone.errors
        assert again.record == alone.record
    assert validator.validate(raw(age=16, minor="N")).errors["minor"] == [
        "incohérent avec l'âge au début de l'exploitation (16 ans).",
        "incohérent avec la tranche d'âge « 15-17 ».",
    ]
    assert "minor" not in validator.validate(raw(age=16, minor="O")).errors
