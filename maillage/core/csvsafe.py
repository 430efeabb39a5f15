"""Cells a spreadsheet will not run as a formula (OWASP « CSV injection »).

Every export that users open in a spreadsheet (directory, statistics, plan
consultation, API open data as CSV) writes its text cells through
`neutralise`: a value starting like a formula gets a leading apostrophe."""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
