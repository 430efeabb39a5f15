"""The return as a spreadsheet: the campaign's XLSX template, and the import
of XLSX or CSV files with a per-row report of errors in French.

Nothing is half-imported: the file is read and every row checked first; the
service writes the rows only when none is wrong. A template carries its
campaign (hidden sheet « maillage »), so another campaign's file is refused.
A formula is refused on import; on export, text that looks like a formula
(`=HYPERLINK(...)`) is written as text, never as a formula (`safe_cell`).
"""

from __future__ import annotations

import csv
import io
import zipfile  # noqa: F401
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from maillage.core.csvsafe import FORMULA_PREFIXES, neutralise
from maillage.linkage.encoding import CHECK_COLUMN, ENCODINGS, LOCAL_PERSON_KEY
from maillage.linkage.files import IDENTITY_COLUMNS

from . import records
from .questionnaire import Questionnaire

MAX_BYTES = 50 * 1024 * 1024
# A CSV field that a spreadsheet will not run as a formula (the core's, named for the statistics' exports).
safe_csv = neutralise
MAX_ROWS = 100_000
MAX_REPORTED_ERRORS = 500
META_SHEET = "maillage"
DATA_SHEET = "personnes"
# Issue 13: a return may carry, beside the anonymous columns, the keyed linkage
# encodings its rows were given on the organisation's machine (the standalone
# encoder or the upload page's, in the browser). Identities never: a file with
# an identity column is refused whole.
LINKAGE_COLUMNS = (CHECK_COLUMN, LOCAL_PERSON_KEY, *ENCODINGS)
# The encoder's identity columns, and their usual French headings.
IDENTITY_HEADINGS = (*IDENTITY_COLUMNS, "nom", "noms", "prenom", "prenoms", "prénom", "prénoms", "date_naissance",
                     "date_de_naissance")  # fmt: skip
_ENCODING_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class ImportRefused(Exception):
    """The whole file is refused (French message)."""


@dataclass
class RowError:
    line: int
    messages: list[str]


@dataclass
class ImportReport:
    rows: list[records.AnonymousRecord] = field(default_factory=list)
    # Aligned with `rows` when the file carries linkage encodings (else empty).
    encodings: list[dict[str, str]] = field(default_factory=list, repr=False)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    refused: str = ""

    @property
    def ok(self) -> bool:
        return not self.refused and not self.error_count and bool(self.rows)


def safe_cell(cell, value) -> None:
    """Write `value` into an openpyxl cell; text starting like a formula stays text."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = TYPE_STRING


def append_safe(ws, values) -> None:
    """Append a row to a worksheet, every text cell kept as text."""
    ws.append([None] * len(values))
    for cell, value in zip(ws[ws.max_row], values, strict=True):
        safe_cell(cell, value)


def template(campaign, questionnaire: Questionnaire) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    ws.append(list(questionnaire.columns))
    codes = wb.create_sheet("codes")
    codes.append([_("colonne"), _("code"), _("libellé"), _("obligatoire"), _("source")])
    for variable in questionnaire.variables:
        required = _("oui") if variable.required else _("non")
        if variable.codes:
            for code in variable.codes:
                append_safe(codes, [variable.column, code.code, code.text(), required, variable.source])
        else:
            hint = {
                "countries": _("codes pays ISO 3166-1 à deux lettres séparés par « | » (XX apatride, ZZ inconnue)"),
                "place": _("FR-75, FR-2A, FR-971… (département), FR, code pays ISO, ZZ (inconnu)"),
                "integer": _("nombre entier"),
                "year": _("année sur quatre chiffres"),
            }.get(variable.type, "")
            append_safe(codes, [variable.column, "", hint, required, variable.source])
    meta = wb.create_sheet(META_SHEET)
    meta.append(["campaign", campaign.pk])
    meta.append(["year", campaign.year])
    meta.append(["questionnaire", f"{questionnaire.code}/{questionnaire.version}"])
    meta.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_rows(content: bytes, campaign, questionnaire: Questionnaire):
    from . import xlsx_reader

    try:
        z = xlsx_reader.open_workbook(content)
        members = xlsx_reader.sheets(z)
        strings = xlsx_reader._shared_strings(z)
    except (xlsx_reader.XlsxError, ET.ParseError, KeyError, ValueError) as exc:
        raise ImportRefused(_("Le fichier n'est pas un classeur XLSX lisible.")) from exc
    if META_SHEET in members:
        meta = {str(r[0]): r[1] for r, _f in xlsx_reader.rows(z, members[META_SHEET], strings) if r and r[0]}
        if str(meta.get("campaign")) != str(campaign.pk) or str(meta.get("year")) != str(campaign.year):
            raise ImportRefused(
                _(
                    "Ce fichier est le modèle d'une autre campagne (année %(y)s) : téléchargez le modèle de la campagne %(c)s."
                )
                % {"y": meta.get("year", "?"), "c": campaign.year}
            )
    member = members.get(DATA_SHEET) or next(iter(members.values()), None)
    if member is None:
        raise ImportRefused(_("Le fichier n'est pas un classeur XLSX lisible."))
    try:
        yield from xlsx_reader.rows(z, member, strings)
    except (ET.ParseError, KeyError, ValueError, IndexError) as exc:
        raise ImportRefused(_("Le fichier n'est pas un classeur XLSX lisible.")) from exc


def _csv_rows(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            _(
                "Le fichier CSV n'est pas encodé en UTF-8 (octet illisible à la position %(p)s) : enregistrez-le en « CSV UTF-8 »."
            )
            % {"p": exc.start}
        ) from exc
    if "\x00" in text:
        raise ImportRefused(_("Le fichier contient des caractères nuls : ce n'est pas un fichier CSV."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";"
    for row in csv.reader(io.StringIO(text), dialect):
        yield row, False


def parse(content: bytes, filename: str, campaign, questionnaire: Questionnaire) -> ImportReport:
    """Read and check every row; returns the records or the errors (nothing written)."""
    report = ImportReport()
    if len(content) > MAX_BYTES:
        report.refused = _("Le fichier dépasse %(n)s Mo : découpez-le ou contactez l'équipe statistique.") % {
            "n": MAX_BYTES // (1024 * 1024)
        }
        return report
    name = filename.lower()
    try:
        if name.endswith(".xlsx"):
            rows = _xlsx_rows(content, campaign, questionnaire)
        elif name.endswith(".csv") or name.endswith(".txt"):
            rows = _csv_rows(content)
        else:
            raise ImportRefused(
                _("Format non pris en charge : déposez le modèle XLSX de la campagne ou un fichier CSV.")
            )
        _check_rows(rows, report, campaign, questionnaire)
    except ImportRefused as exc:
        report.refused = str(exc)
        report.rows = []
    if not report.refused and not report.rows and not report.error_count:
        report.refused = _("Le fichier ne contient aucune ligne de données.")
    return report


def _check_rows(rows, report: ImportReport, campaign, questionnaire: Questionnaire) -> None:
    expected = list(questionnaire.columns)
    header = None
    validator = records.Validator(questionnaire, year=campaign.year)
    for line, (values, formula) in enumerate(rows, start=1):
        cells = ["" if v is None else v for v in values]
        if header is None:
            header = [str(c).strip().lower() for c in cells]
            while header and not header[-1]:
                header.pop()
            identity = [c for c in header if c in IDENTITY_HEADINGS]
            if identity:
                raise ImportRefused(
                    _(
                        "Le fichier contient des colonnes d'identité (%(c)s) : elles ne doivent pas quitter votre "
                        "poste. Choisissez le fichier avec le secret de campagne sur cette page (l'encodage se fait "
                        "dans votre navigateur) ou encodez-le avec l'encodeur autonome."
                    )
                    % {"c": ", ".join(identity)}
                )
            linkage = _linkage_index(header, campaign)
            missing = [c for c in expected if c not in header]
            unknown = [c for c in header if c and c not in expected and c not in LINKAGE_COLUMNS]
            if missing or unknown:
                parts = []
                if missing:
                    parts.append(_("colonnes manquantes : %(c)s") % {"c": ", ".join(missing)})
                if unknown:
                    parts.append(_("colonnes inconnues : %(c)s") % {"c": ", ".join(unknown)})
                raise ImportRefused(
                    _("La première ligne doit porter les colonnes du questionnaire (%(p)s).")
                    % {"p": " ; ".join(parts)}
                )
            index = {name: header.index(name) for name in expected}
            continue
        if all(str(c).strip() == "" for c in cells):
            continue
        if len(report.rows) + report.error_count >= MAX_ROWS:
            raise ImportRefused(_("Le fichier compte plus de %(n)s lignes.") % {"n": MAX_ROWS})
        if formula:
            _error(report, line, [_("une cellule contient une formule : saisissez des valeurs.")])
            continue
        raw = {}
        for variable in questionnaire.variables:
            position = index[variable.column]
            raw[variable.name] = cells[position] if position < len(cells) else ""
        validation = validator.validate(raw)
        encoded, problem = _encodings(cells, linkage, campaign) if linkage else (None, "")
        if validation.ok and not problem:
            report.rows.append(validation.record)
            if encoded is not None:
                report.encodings.append(encoded)
        else:
            _error(report, line, [*validation.messages(questionnaire), *([problem] if problem else [])])


def _linkage_index(header: list[str], campaign) -> dict[str, int]:
    """Positions of the linkage columns, if the file has them (all or none)."""
    present = [c for c in LINKAGE_COLUMNS if c in header]
    if not present:
        return {}
    missing = [c for c in (CHECK_COLUMN, *ENCODINGS) if c not in header]
    if missing:
        raise ImportRefused(
            _(
                "Colonnes d'encodage incomplètes (manquantes : %(c)s) : déposez le fichier tel que l'encodeur l'a produit."
            )
            % {"c": ", ".join(missing)}
        )
    if not campaign.linkage_check:
        raise ImportRefused(
            _("Cette campagne ne prévoit pas d'appariement : déposez le fichier sans ses colonnes d'encodage.")
        )
    return {c: header.index(c) for c in present}


def _encodings(cells, index: dict[str, int], campaign) -> tuple[dict[str, str] | None, str]:
    def value(column):
        position = index.get(column)
        return str(cells[position]).strip() if position is not None and position < len(cells) else ""

    check = value(CHECK_COLUMN)
    if check != campaign.linkage_check:
        return None, _(
            "les encodages n'ont pas été faits avec le secret de cette campagne (valeur de contrôle %(v)s, "
            "attendue %(e)s) : ré-encodez le fichier avec le secret remis par le tiers de confiance."
        ) % {"v": check or "—", "e": campaign.linkage_check}
    values = {c: value(c) for c in ENCODINGS}
    local = value(LOCAL_PERSON_KEY)
    if any(v and (len(v) != 16 or not set(v) <= _ENCODING_CHARS) for v in (*values.values(), local)):
        return None, _("une colonne d'encodage contient autre chose qu'un encodage.")
    return {CHECK_COLUMN: check, LOCAL_PERSON_KEY: local, **values}, ""


def _error(report: ImportReport, line: int, messages: list[str]) -> None:
    report.error_count += 1
    if len(report.errors) < MAX_REPORTED_ERRORS:
        report.errors.append(RowError(line=line, messages=messages))


def records_to_xlsx(rows, questionnaire: Questionnaire) -> bytes:
    """An organisation's own records back as a spreadsheet (same columns as the template)."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = DATA_SHEET
    ws.append(list(questionnaire.columns))
    for r in rows:
        values = []
        for variable in questionnaire.variables:
            value = getattr(r, variable.name)
            if isinstance(value, (list, tuple)):
                value = "|".join(value)
            values.append(value)
        append_safe(ws, values)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
