"""Export of the visible directory to CSV and XLSX.

Only what the viewer may see is exported (rows from policies, field groups
per row). Cells starting with = + - @ (and tab / carriage return) are
prefixed with a quote so spreadsheet software does not run them as formulas
(OWASP « CSV injection »).
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from maillage.territories import reference

from . import policies, selectors

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def headers() -> list[str]:
    return [
        _("Nom"), _("Sigle"), _("Type"), _("Commune"), _("Département"), _("National"), _("Départements d'intervention"),
        _("Régions d'intervention"), _("Services"), _("Formes d'exploitation"), _("Publics"), _("Langues"),
        _("Accepte les orientations"), _("Téléphone"), _("Courriel"), _("Site"), _("Horaires"),
        _("Adresse"), _("Places disponibles"), _("Ligne directe"), _("Courriel direct"),
    ]


def rows_for(viewer) -> list[list[str]]:
    viewer = policies.viewer_for(viewer)
    out = []
    for profile in selectors.visible_profiles(viewer=viewer):
        groups = policies.field_groups(viewer, profile)
        members = policies.MEMBERS in groups
        org = profile.organisation
        territories = list(profile.territories.all())
        row = [
            org.name, org.acronym, org.get_type_display(), profile.commune, profile.departement,
            _("oui") if profile.is_national else _("non"),
            " | ".join(t.code for t in territories if t.kind == "departement"),
            " | ".join(reference.region(t.code).name for t in territories if t.kind == "region" and reference.is_region_code(t.code)),
            " | ".join(s.label for s in profile.services.all()),
            " | ".join(f.label for f in profile.exploitation_forms.all()),
            " | ".join(p.get_code_display() for p in profile.publics.all()),
            " | ".join(lang.code for lang in profile.languages.all()),
            _("oui") if profile.accepts_referrals else _("non"),
            profile.public_phone, profile.public_email, profile.website, profile.opening_hours,
            profile.street_address if policies.can_see_street_address(viewer, profile) else "",
            ("" if profile.capacity_places is None else str(profile.capacity_places)) if members else "",
            profile.members_phone if members else "",
            profile.members_email if members else "",
        ]
        out.append([neutralise(cell) for cell in row])
    return out


def to_csv(rows: list[list[str]], header: list[str]) -> bytes:
    buffer = io.StringIO()
    # Semicolons and a BOM: what French Excel opens correctly.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([neutralise(h) for h in header])
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list[str]], header: list[str]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Annuaire"))
    sheet.append(header)
    for row in rows:
        # Written as strings: openpyxl would otherwise store "=…" as a formula.
        sheet.append([str(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
