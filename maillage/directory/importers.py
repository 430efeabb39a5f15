"""Import of organisations into the directory from CSV or XLSX.

The network's existing lists are spreadsheets (issue 3). Rules:
- preview first (dry run), with per-row errors in French and the line number
  of the spreadsheet (header = line 1);
- idempotent: upsert on SIRET, else on the external identifier;
- encodings UTF-8, UTF-8 with BOM and Windows-1252 (Excel « CSV » on
  Windows); `;`, `,` and tab separators;
- files over MAX_IMPORT_BYTES or MAX_IMPORT_ROWS are refused;
- all or nothing, unless the user asks to import only the valid rows.
Cell values are stored as text and escaped when displayed; formula-like
values (=, +, -, @) are neutralised on export (exports.py), not here, because
« +33 1 … » is a legitimate phone number.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.models import AuditKind
from maillage.organisations.enums import OrganisationType, TerritoryLevel
from maillage.organisations.models import Organisation
from maillage.territories import reference

from . import policies, search, services, viewers
from .enums import AuditAction, Public, Visibility
from .models import ExploitationForm, Service

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000

# Column → aliases (normalised: lower case, no accents, words joined by "_").
# The export's headers, in French and in English, are added below
# (`_aliases`): whatever the language it was exported in, an export re-imports.
COLUMNS = {
    "cle": ("cle", "cle_annuaire", "key"),
    "nom": ("nom", "name", "raison_sociale"),
    "sigle": ("sigle", "acronyme", "acronym"),
    "type": ("type", "type_de_structure"),
    "siret": ("siret",),
    "identifiant_externe": ("identifiant_externe", "external_id", "id_externe", "identifiant"),
    "commune": ("commune", "ville"),
    "departement": ("departement", "dep", "code_departement"),
    "departements_intervention": ("departements_intervention", "departements"),
    "regions_intervention": ("regions_intervention", "regions"),
    "pays_intervention": ("pays_intervention", "pays"),
    "national": ("national",),
    "services": ("services",),
    "formes": ("formes", "formes_exploitation", "formes_d_exploitation"),
    "publics": ("publics",),
    "langues": ("langues", "langue"),
    "places": ("places", "capacite"),
    "accepte_orientations": ("accepte_orientations", "orientations"),
    "telephone": ("telephone", "telephone_public"),
    "courriel": ("courriel", "email", "courriel_public"),
    "site": ("site", "site_internet", "website"),
    "horaires": ("horaires", "horaires_d_ouverture"),
    "visibilite": ("visibilite", "visibility"),
    "adresse": ("adresse", "address"),
    "ligne_directe": ("ligne_directe",),
    "courriel_direct": ("courriel_direct",),
}
# Columns holding what the directory shows, and the key of each in
# services.import_profile data.
_PROFILE_TEXT = {
    "commune": "commune",
    "telephone": "public_phone",
    "horaires": "opening_hours",
    "adresse": "street_address",
    "ligne_directe": "members_phone",
}
_LIST_SPLIT = re.compile(r"[|,;/]")
_TRUE = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
_FALSE = {"non", "n", "no", "faux", "false", "0", ""}


def _in_both_languages(text) -> list[str]:
    """A lazy label as French and English header keys."""
    keys = []
    for language in ("fr", "en"):
        with translation.override(language):
            keys.append(_header_key(str(text)))
    return keys


@functools.cache
def _aliases() -> dict[str, str]:
    from . import exports

    aliases = {alias: key for key, names in COLUMNS.items() for alias in names}
    for key, label in exports.COLUMNS:
        for alias in _in_both_languages(label):
            aliases.setdefault(alias, key)
    return aliases


def _withheld(value: str) -> bool:
    from . import exports

    return bool(value) and _header_key(value) in _in_both_languages(exports.WITHHELD)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (message in French)."""


@dataclass
class RowReport:
    line: int
    name: str = ""
    key: str = ""
    action: str = ""  # "create" or "update"
    errors: list[str] = field(default_factory=list)
    organisation_fields: dict = field(default_factory=dict)
    profile_data: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    rows: list[RowReport]
    written: bool = False
    created: int = 0
    updated: int = 0

    @property
    def errors(self) -> list[RowReport]:
        return [r for r in self.rows if r.errors]

    @property
    def valid(self) -> list[RowReport]:
        return [r for r in self.rows if not r.errors]


def _header_key(value) -> str:
    text = search.strip_accents(str(value or "")).strip()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def decode(content: bytes) -> str:
    # utf-8-sig accepts UTF-8 with and without BOM; Windows-1252 is the
    # fallback of French Excel. A few bytes are undefined in cp1252.
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(_("Encodage non reconnu : enregistrez le fichier en UTF-8 ou Windows-1252.")) from None


def read_table(content: bytes, filename: str) -> list[list[str]]:
    if len(content) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            _("Le fichier dépasse la taille maximale de %(size)s Mo.") % {"size": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    text = decode(content)
    if "\x00" in text:
        raise ImportFileError(_("Le fichier n'est pas un fichier texte CSV."))
    try:
        return list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise ImportFileError(_("Fichier CSV mal formé : %(error)s") % {"error": exc}) from None


def _delimiter(text: str) -> str:
    """The separator that splits the header line into the most known
    columns (then the most cells): csv.Sniffer guesses from the data and is
    misled by commas or semicolons inside the cells."""
    first = text.split("\n", 1)[0]
    aliases = _aliases()

    def score(delimiter):
        cells = next(csv.reader([first], delimiter=delimiter), [])
        return (sum(_header_key(cell) in aliases for cell in cells), len(cells))

    return max(";,\t", key=score)


def _read_xlsx(content: bytes) -> list[list[str]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise ImportFileError(_("Fichier XLSX illisible.")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if v is None else str(v) for v in row])
            if len(rows) > MAX_IMPORT_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _split(value: str) -> list[str]:
    # The export joins with « | »: then only « | » separates (a label may hold
    # a comma); a hand-made list may use , ; or / as well.
    pattern = "|" if "|" in (value or "") else _LIST_SPLIT
    parts = (value or "").split(pattern) if isinstance(pattern, str) else pattern.split(value or "")
    return [part.strip() for part in parts if part.strip()]


def _unneutralised(value: str) -> str:
    """The cell as it was before exports.neutralise quoted it (« '+33 1… » → « +33 1… »)."""
    from .exports import FORMULA_PREFIXES

    if value.startswith("'") and value[1:2] and value[1:2] in FORMULA_PREFIXES:
        return value[1:]
    return value


def _bool(value: str, errors: list[str], column: str) -> bool:
    text = search.strip_accents(value or "").strip()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    errors.append(_("colonne « %(col)s » : « %(value)s » n'est ni oui ni non") % {"col": column, "value": value})
    return False


class _Catalogues:
    """Codes and labels (French and English) of every catalogue a cell may name."""

    def __init__(self):
        self.services = self._index(Service.objects.all())
        self.forms = self._index(ExploitationForm.objects.all())
        self.publics = self._choices(Public.choices)
        self.types = self._choices(OrganisationType.choices)
        self.visibilities = self._choices(Visibility.choices)
        words = {"public": Visibility.PUBLIC, "membres": Visibility.MEMBERS, "members": Visibility.MEMBERS}
        self.visibilities.update({**words, "masque": Visibility.HIDDEN, "hidden": Visibility.HIDDEN})
        self.regions = {}
        for region in reference.regions():
            self.regions[_header_key(region.code)] = region.code
            self.regions[_header_key(region.name)] = region.code

    @staticmethod
    def _choices(choices) -> dict:
        out = {}
        for code, label in choices:
            out[_header_key(code)] = code
            for key in _in_both_languages(label):
                out[key] = code
        return out

    @staticmethod
    def _index(qs):
        out = {}
        for obj in qs:
            out[_header_key(obj.code)] = obj
            out[_header_key(obj.label)] = obj
            if obj.label_en:
                out.setdefault(_header_key(obj.label_en), obj)
        return out


def parse(content: bytes, filename: str) -> ImportReport:
    """Read and validate a file; nothing is written (the dry run)."""
    table = read_table(content, filename)
    if not table or not any(cell.strip() for cell in table[0]):
        raise ImportFileError(_("Le fichier est vide ou n'a pas de ligne d'en-tête."))
    if len(table) - 1 > MAX_IMPORT_ROWS:
        raise ImportFileError(_("Le fichier dépasse %(max)s lignes : découpez-le.") % {"max": MAX_IMPORT_ROWS})
    aliases = _aliases()
    header = [aliases.get(_header_key(_unneutralised(h)), "") for h in table[0]]
    missing = [c for c in ("nom", "departement") if c not in header]
    if missing:
        raise ImportFileError(_("Colonnes obligatoires absentes : %(cols)s.") % {"cols": ", ".join(missing)})
    if not {"cle", "siret", "identifiant_externe"} & set(header):
        raise ImportFileError(
            _(
                "Une colonne « clé annuaire », « siret » ou « identifiant_externe » est nécessaire "
                "pour un import sans doublons."
            )
        )
    catalogues = _Catalogues()
    rows: list[RowReport] = []
    seen_keys: dict[str, int] = {}
    for index, raw in enumerate(table[1:], start=2):
        if not any((cell or "").strip() for cell in raw):
            continue
        values = {
            key: _unneutralised((raw[i] or "").strip() if i < len(raw) else "") for i, key in enumerate(header) if key
        }
        report = _validate_row(index, values, catalogues)
        if report.key:
            if report.key in seen_keys:
                report.errors.append(
                    _("doublon de la ligne %(line)s (même clé, SIRET ou identifiant)")
                    % {"line": seen_keys[report.key]}
                )
            else:
                seen_keys[report.key] = index
        rows.append(report)
    _resolve_existing(rows)
    return ImportReport(rows=rows)


def _validate_row(line: int, v: dict, cat: _Catalogues) -> RowReport:
    """Validate one row. Only the columns present in the file are written
    (a missing column never clears data nor widens visibility, issue 10
    item 13); a withheld cell (exports.WITHHELD) is left unchanged."""
    errors: list[str] = []
    v = {key: value for key, value in v.items() if not _withheld(value)}
    name = v.get("nom", "")
    report = RowReport(line=line, name=name[:200])
    if not name:
        errors.append(_("le nom est obligatoire"))
    elif len(name) > 200:
        errors.append(_("le nom dépasse 200 caractères"))
    slug = v.get("cle", "")[:80]
    siret = re.sub(r"\s", "", v.get("siret", ""))
    external_id = v.get("identifiant_externe", "")[:64]
    if siret and not re.fullmatch(r"\d{14}", siret):
        errors.append(_("SIRET invalide (14 chiffres attendus) : « %(value)s »") % {"value": v.get("siret")})
    if slug and slug != slugify(slug):
        errors.append(_("clé annuaire invalide : « %(value)s »") % {"value": slug})
    if not slug and not siret and not external_id:
        errors.append(_("clé annuaire, SIRET ou identifiant externe obligatoire"))
    report.key = (
        f"cle:{slug}" if slug else (f"siret:{siret}" if siret else (f"ext:{external_id}" if external_id else ""))
    )
    org_type = OrganisationType.ASSOCIATION
    if v.get("type"):
        org_type = cat.types.get(_header_key(v["type"]))
        if org_type is None:
            errors.append(_("type de structure inconnu : « %(value)s »") % {"value": v["type"]})
            org_type = OrganisationType.ASSOCIATION
    is_national = _bool(v.get("national", ""), errors, "national")
    dep = v.get("departement", "")
    if dep:
        try:
            dep = reference.normalise_departement_code(dep)
        except (ValueError, KeyError):
            errors.append(_("département inconnu : « %(value)s »") % {"value": dep})
            dep = ""
    elif not is_national and "cle" not in v:
        errors.append(_("le département est obligatoire (sauf organisation nationale)"))

    def codes(column, checker, normaliser=str.strip, message=""):
        out = []
        for item in _split(v.get(column, "")):
            if checker(item):
                out.append(normaliser(item))
            else:
                errors.append(message % {"value": item})
        return out

    def lookup(column, index, message):
        out = []
        for item in _split(v.get(column, "")):
            found = index.get(_header_key(item))
            if found is None:
                errors.append(message % {"value": item})
            else:
                out.append(found)
        return out

    data: dict = {}
    if "departements_intervention" in v:
        data["departements"] = codes(
            "departements_intervention",
            reference.is_departement_code,
            reference.normalise_departement_code,
            _("département d'intervention inconnu : « %(value)s »"),
        )
    if "regions_intervention" in v:
        data["regions"] = lookup("regions_intervention", cat.regions, _("région inconnue : « %(value)s »"))
    if "pays_intervention" in v:
        data["countries"] = codes(
            "pays_intervention",
            lambda c: reference.is_country_code(c.upper()),
            lambda c: c.upper(),
            _("pays inconnu : « %(value)s »"),
        )
    if "langues" in v:
        data["languages"] = codes(
            "langues",
            lambda c: reference.is_language_code(c.lower()),
            lambda c: c.lower(),
            _("langue inconnue (code ISO 639-1 attendu) : « %(value)s »"),
        )
    if "services" in v:
        data["services"] = lookup("services", cat.services, _("service inconnu : « %(value)s »"))
    if "formes" in v:
        data["exploitation_forms"] = lookup("formes", cat.forms, _("forme d'exploitation inconnue : « %(value)s »"))
    if "publics" in v:
        data["publics"] = lookup("publics", cat.publics, _("public inconnu : « %(value)s »"))
    if "places" in v:
        data["capacity_places"] = None
        if v["places"]:
            try:
                data["capacity_places"] = int(float(v["places"].replace(",", ".")))
                if data["capacity_places"] < 0:
                    raise ValueError
            except ValueError:
                errors.append(_("nombre de places invalide : « %(value)s »") % {"value": v["places"]})
    if v.get("visibilite"):
        visibility = cat.visibilities.get(_header_key(v["visibilite"]))
        if visibility is None:
            errors.append(
                _("visibilité inconnue : « %(value)s » (public, membres ou masqué)") % {"value": v["visibilite"]}
            )
        else:
            data["visibility"] = visibility
    for column, key in (("courriel", "public_email"), ("courriel_direct", "members_email")):
        if column in v:
            if v[column] and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", v[column]):
                errors.append(_("courriel invalide : « %(value)s »") % {"value": v[column]})
            data[key] = v[column]
    if "site" in v:
        if v["site"] and not re.match(r"https?://", v["site"]):
            errors.append(
                _("site internet invalide (doit commencer par https://) : « %(value)s »") % {"value": v["site"]}
            )
        data["website"] = v["site"]
    if "national" in v:
        data["is_national"] = is_national
    if "accepte_orientations" in v:
        data["accepts_referrals"] = _bool(v["accepte_orientations"], errors, "accepte_orientations")
    if "departement" in v:
        data["departement"] = dep
    for column, limit in (
        ("commune", 120),
        ("telephone", 30),
        ("horaires", 300),
        ("sigle", 40),
        ("adresse", 300),
        ("ligne_directe", 30),
    ):
        if len(v.get(column, "")) > limit:
            errors.append(_("colonne « %(col)s » : %(max)s caractères au plus") % {"col": column, "max": limit})
    for column, key in _PROFILE_TEXT.items():
        if column in v:
            data[key] = v[column]
    report.errors = errors
    if errors:
        return report
    level = TerritoryLevel.NATIONAL if is_national else TerritoryLevel.DEPARTEMENT
    fields = {"name": name, "type": org_type, "slug": slug, "siret": siret, "external_id": external_id}
    if "sigle" in v:
        fields["acronym"] = v["sigle"]
    # For a new organisation only (an update never moves an organisation).
    fields["_territory"] = {
        "territory_level": level,
        "departement": dep if level == TerritoryLevel.DEPARTEMENT else "",
        "region": reference.departement(dep).region_code if dep and level == TerritoryLevel.DEPARTEMENT else "",
    }
    fields["_present"] = sorted({"type", "siret", "identifiant_externe"} & set(v))
    report.organisation_fields = fields
    report.profile_data = data
    return report


def _resolve_existing(rows: list[RowReport]) -> None:
    ok = [r for r in rows if r.ok]
    slugs = [r.organisation_fields["slug"] for r in ok if r.organisation_fields["slug"]]
    sirets = [r.organisation_fields["siret"] for r in ok if r.organisation_fields["siret"]]
    externals = [r.organisation_fields["external_id"] for r in ok if r.organisation_fields["external_id"]]
    by_slug = dict(Organisation.objects.filter(slug__in=slugs).values_list("slug", "pk")) if slugs else {}
    by_siret = dict(Organisation.objects.filter(siret__in=sirets).values_list("siret", "pk")) if sirets else {}
    by_ext = (
        dict(Organisation.objects.filter(external_id__in=externals).values_list("external_id", "pk"))
        if externals
        else {}
    )
    for row in ok:
        fields = row.organisation_fields
        # The directory's key first, then the SIRET, then the external identifier.
        existing = (
            by_slug.get(fields["slug"])
            or (by_siret.get(fields["siret"]) if fields["siret"] else None)
            or (by_ext.get(fields["external_id"]) if fields["external_id"] else None)
        )
        row.organisation_fields["pk"] = existing
        row.action = "update" if existing else "create"


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _organisation_for(fields: dict) -> Organisation:
    """The organisation a valid row names, updated with the columns present;
    a new one placed where the row says."""
    fields = dict(fields)
    pk = fields.pop("pk", None)
    present = set(fields.pop("_present"))
    territory = fields.pop("_territory")
    slug = fields.pop("slug")
    if pk:
        organisation = Organisation.objects.get(pk=pk)
        organisation.name = fields["name"]
        if "acronym" in fields:
            organisation.acronym = fields["acronym"]
        if "type" in present:
            organisation.type = fields["type"]
        # An empty SIRET or identifier never clears the one on record.
        if fields["siret"]:
            organisation.siret = fields["siret"]
        if fields["external_id"]:
            organisation.external_id = fields["external_id"]
        return organisation
    if not slug or Organisation.objects.filter(slug=slug).exists():
        slug = _unique_slug(fields["name"])
    return Organisation(slug=slug, **fields, **territory)


def apply(report: ImportReport, *, acting_user, only_valid: bool = False) -> ImportReport:
    """Write the valid rows of a parsed file. All or nothing unless
    `only_valid` (then rows with errors are skipped and reported)."""
    viewer = viewers.viewer_for(acting_user)
    if not policies.can_import(viewer):
        raise PermissionDenied
    if report.errors and not only_valid:
        return report
    with transaction.atomic(durable=True):
        for row in report.valid:
            organisation = _organisation_for(row.organisation_fields)
            created = organisation.pk is None
            try:
                organisation.full_clean()
            except ValidationError as exc:
                raise ImportFileError(
                    _("Ligne %(line)s : %(error)s") % {"line": row.line, "error": " ".join(exc.messages)}
                ) from None
            organisation.save()
            # No visibility column: a new profile is members-only, an existing
            # one keeps its visibility (never widened by an import).
            services.import_profile(
                organisation=organisation, data=row.profile_data, new_visibility=Visibility.MEMBERS
            )
            if created:
                report.created += 1
            else:
                report.updated += 1
        audit.record(
            action=AuditAction.IMPORTED,
            actor=acting_user,
            kind=AuditKind.ADMIN,
            details={"created": report.created, "updated": report.updated, "skipped": len(report.errors)},
        )
    report.written = True
    return report
