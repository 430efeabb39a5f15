"""Words, not codes (issue 10 item 7 and 9): legal references read in the
interface's language, dates kept as ISO text shown as 12/04/1999."""

import datetime as dt

from django.template import Context, Template
from django.utils import translation

from maillage.core.legal import legal_reference


def test_a_legal_reference_stays_as_written_in_french():
    with translation.override("fr"):
        assert (
            legal_reference("Code de procédure pénale art. 15-3 et 17") == "Code de procédure pénale art. 15-3 et 17"
        )


def test_a_legal_reference_names_the_code_in_english():
    with translation.override("en"):
        assert (
            legal_reference("Code de procédure pénale art. 15-3 et 17")
            == "Code of Criminal Procedure art. 15-3 and 17"
        )
        assert legal_reference("CASF art. L226-2-1 et L226-3") == "CASF art. L226-2-1 and L226-3"
        assert legal_reference("Code du travail art. L8112-1 et L8113-7") == "Labour Code art. L8112-1 and L8113-7"
        assert legal_reference("") == ""


def _render(value) -> str:
    return Template("{% load maillage_dates %}{{ value|iso_date }}").render(Context({"value": value}))


def test_an_iso_birth_date_is_shown_day_first():
    assert _render("1999-04-12") == "12/04/1999"
    assert _render(dt.date(1980, 9, 27)) == "27/09/1980"


def test_a_value_that_is_not_a_date_is_shown_as_typed():
    assert _render("vers 1999") == "vers 1999"
    assert _render("") == ""
