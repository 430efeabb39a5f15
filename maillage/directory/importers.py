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
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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
COLUMNS = {
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
    "visibilite": ("visibilite",),
}
_ALIASES = {alias: key for key, aliases in COLUMNS.items() for alias in aliases}
_LIST_SPLIT = re.compile(r"[|,;/]")
_TRUE = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
_FALSE = {"non", "n", "no", "faux", "false", "0", ""}


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
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise ImportFileError(_("Fichier CSV mal formé : %(error)s") % {"error": exc}) from None


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
    return [part.strip() for part in _LIST_SPLIT.split(value or "") if part.strip()]


def _bool(value: str, errors: list[str], column: str) -> bool:
    text = search.strip_accents(value or "").strip()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    errors.append(_("colonne « %(col)s » : « %(value)s » n'est ni oui ni non") % {"col": column, "value": value})
    return False


class _Catalogues:
    def __init__(self):
        self.services = self._index(Service.objects.all())
        self.forms = self._index(ExploitationForm.objects.all())
        self.publics = {}
        for code, label in Public.choices:
            self.publics[_header_key(code)] = code
            self.publics[_header_key(str(label))] = code
        self.types = {}
        for code, label in OrganisationType.choices:
            self.types[_header_key(code)] = code
            self.types[_header_key(str(label))] = code

    @staticmethod
    def _index(qs):
        out = {}
        for obj in qs:
            out[_header_key(obj.code)] = obj
            out[_header_key(obj.label)] = obj
        return out


def parse(content: bytes, filename: str) -> ImportReport:
    """Read and validate a file; nothing is written (the dry run)."""
    table = read_table(content, filename)
    if not table or not any(cell.strip() for cell in table[0]):
        raise ImportFileError(_("Le fichier est vide ou n'a pas de ligne d'en-tête."))
    if len(table) - 1 > MAX_IMPORT_ROWS:
        raise ImportFileError(_("Le fichier dépasse %(max)s lignes : découpez-le.") % {"max": MAX_IMPORT_ROWS})
    header = [_ALIASES.get(_header_key(h), "") for h in table[0]]
    missing = [c for c in ("nom", "departement") if c not in header]
    if missing:
        raise ImportFileError(_("Colonnes obligatoires absentes : %(cols)s.") % {"cols": ", ".join(missing)})
    if "siret" not in header and "identifiant_externe" not in header:
        raise ImportFileError(
            _("Une colonne « siret » ou « identifiant_externe » est nécessaire pour un import sans doublons.")
        )
    catalogues = _Catalogues()
    rows: list[RowReport] = []
    seen_keys: dict[str, int] = {}
    for index, raw in enumerate(table[1:], start=2):
        if not any((cell or "").strip() for cell in raw):
            continue
        values = {key: (raw[i].strip() if i < len(raw) else "") for i, key in enumerate(header) if key}
        report = _validate_row(index, values, catalogues)
        if report.key:
            if report.key in seen_keys:
                report.errors.append(
                    _("doublon de la ligne %(line)s (même SIRET ou identifiant)") % {"line": seen_keys[report.key]}
                )
            else:
                seen_keys[report.key] = index
        rows.append(report)
    _resolve_existing(rows)
    return ImportReport(rows=rows)


def _validate_row(line: int, v: dict, cat: _Catalogues) -> RowReport:
    errors: list[str] = []
    name = v.get("nom", "")
    report = RowReport(line=line, name=name[:200])
    if not name:
        errors.append(_("le nom est obligatoire"))
    elif len(name) > 200:
        errors.append(_("le nom dépasse 200 caractères"))
    siret = re.sub(r"\s", "", v.get("siret", ""))
    external_id = v.get("identifiant_externe", "")[:64]
    if siret and not re.fullmatch(r"\d{14}", siret):
        errors.append(_("SIRET invalide (14 chiffres attendus) : « %(value)s »") % {"value": v.get("siret")})
    if not siret and not external_id:
        errors.append(_("SIRET ou identifiant externe obligatoire"))
    report.key = f"siret:{siret}" if siret else (f"ext:{external_id}" if external_id else "")
    org_type = OrganisationType.ASSOCIATION
    if v.get("type"):
        org_type = cat.types.get(_header_key(v["type"]))
        if org_type is None:
            errors.append(_("type de structure inconnu : « %(value)s »") % {"value": v["type"]})
            org_type = OrganisationType.ASSOCIATION
    dep = v.get("departement", "")
    try:
        dep = reference.normalise_departement_code(dep)
    except (ValueError, KeyError):
        errors.append(_("département inconnu : « %(value)s »") % {"value": dep})
        dep = ""

    def codes(column, checker, normaliser=str.strip, message=""):
        out = []
        for item in _split(v.get(column, "")):
            if checker(item):
                out.append(normaliser(item))
            else:
                errors.append(message % {"value": item})
        return out

    departements = codes(
        "departements_intervention",
        reference.is_departement_code,
        reference.normalise_departement_code,
        _("département d'intervention inconnu : « %(value)s »"),
    )
    regions = codes(
        "regions_intervention",
        reference.is_region_code,
        lambda c: reference.region(c).code,
        _("région inconnue : « %(value)s »"),
    )
    countries = codes(
        "pays_intervention",
        lambda c: reference.is_country_code(c.upper()),
        lambda c: c.upper(),
        _("pays inconnu : « %(value)s »"),
    )
    languages = codes(
        "langues",
        lambda c: reference.is_language_code(c.lower()),
        lambda c: c.lower(),
        _("langue inconnue (code ISO 639-1 attendu) : « %(value)s »"),
    )

    def lookup(column, index, message):
        out = []
        for item in _split(v.get(column, "")):
            obj = index.get(_header_key(item))
            if obj is None:
                errors.append(message % {"value": item})
            else:
                out.append(obj)
        return out

    service_objs = lookup("services", cat.services, _("service inconnu : « %(value)s »"))
    form_objs = lookup("formes", cat.forms, _("forme d'exploitation inconnue : « %(value)s »"))
    publics = lookup("publics", cat.publics, _("public inconnu : « %(value)s »"))
    places = None
    if v.get("places"):
        try:
            places = int(float(v["places"].replace(",", ".")))
            if places < 0:
                raise ValueError
        except ValueError:
            errors.append(_("nombre de places invalide : « %(value)s »") % {"value": v["places"]})
            places = None
    visibility = Visibility.PUBLIC
    if v.get("visibilite"):
        key = _header_key(v["visibilite"])
        matches = {
            "public": Visibility.PUBLIC,
            "membres": Visibility.MEMBERS,
            "members": Visibility.MEMBERS,
            "masque": Visibility.HIDDEN,
            "hidden": Visibility.HIDDEN,
        }
        if key in matches:
            visibility = matches[key]
        else:
            errors.append(
                _("visibilité inconnue : « %(value)s » (public, membres ou masqué)") % {"value": v["visibilite"]}
            )
    email = v.get("courriel", "")
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        errors.append(_("courriel invalide : « %(value)s »") % {"value": email})
    website = v.get("site", "")
    if website and not re.match(r"https?://", website):
        errors.append(_("site internet invalide (doit commencer par https://) : « %(value)s »") % {"value": website})
    is_national = _bool(v.get("national", ""), errors, "national")
    accepts = _bool(v.get("accepte_orientations", ""), errors, "accepte_orientations")
    for column, limit in (("commune", 120), ("telephone", 30), ("horaires", 300), ("sigle", 40)):
        if len(v.get(column, "")) > limit:
            errors.append(_("colonne « %(col)s » : %(max)s caractères au plus") % {"col": column, "max": limit})
    report.errors = errors
    if errors:
        return report
    level = TerritoryLevel.NATIONAL if is_national else TerritoryLevel.DEPARTEMENT
    report.organisation_fields = {
        "name": name,
        "acronym": v.get("sigle", ""),
        "type": org_type,
        "territory_level": level,
        "departement": dep if level == TerritoryLevel.DEPARTEMENT else "",
        "region": reference.departement(dep).region_code if level == TerritoryLevel.DEPARTEMENT else "",
        "siret": siret,
        "external_id": external_id,
    }
    report.profile_data = {
        "visibility": visibility,
        "commune": v.get("commune", ""),
        "departement": dep,
        "is_national": is_national,
        "departements": departements,
        "regions": regions,
        "countries": countries,
        "languages": languages,
        "publics": publics,
        "services": service_objs,
        "exploitation_forms": form_objs,
        "capacity_places": places,
        "accepts_referrals": accepts,
        "public_phone": v.get("telephone", ""),
        "public_email": email,
        "website": website,
        "opening_hours": v.get("horaires", ""),
    }
    return report


def _resolve_existing(rows: list[RowReport]) -> None:
    sirets = [r.organisation_fields["siret"] for r in rows if r.ok and r.organisation_fields.get("siret")]
    externals = [r.organisation_fields["external_id"] for r in rows if r.ok and not r.organisation_fields.get("siret")]
    by_siret = dict(Organisation.objects.filter(siret__in=sirets).values_list("siret", "pk")) if sirets else {}
    by_ext = (
        dict(Organisation.objects.filter(external_id__in=externals).values_list("external_id", "pk"))
        if externals
        else {}
    )
    for row in rows:
        if not row.ok:
            continue
        fields = row.organisation_fields
        existing = by_siret.get(fields["siret"]) if fields["siret"] else by_ext.get(fields["external_id"])
        row.organisation_fields["pk"] = existing
        row.action = "update" if existing else "create"


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


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
            fields = dict(row.organisation_fields)
            pk = fields.pop("pk", None)
            if pk:
                organisation = Organisation.objects.get(pk=pk)
                for key, value in fields.items():
                    if key == "external_id" and not value:
                        continue
                    setattr(organisation, key, value)
            else:
                organisation = Organisation(slug=_unique_slug(fields["name"]), **fields)
            try:
                organisation.full_clean()
            except ValidationError as exc:
                raise ImportFileError(
                    _("Ligne %(line)s : %(error)s") % {"line": row.line, "error": " ".join(exc.messages)}
                ) from None
            organisation.save()
            services.import_profile(organisation=organisation, data=row.profile_data)
            if pk:
                report.updated += 1
            else:
                report.created += 1
        audit.record(
            action=AuditAction.IMPORTED,
            actor=acting_user,
            kind=AuditKind.ADMIN,
            details={"created": report.created, "updated": report.updated, "skipped": len(report.errors)},
        )
    report.written = True
    return report
