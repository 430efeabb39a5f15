"""Export of the visible directory to CSV and XLSX.

Only what the viewer may see is exported (rows from policies, field groups
per row). Cells starting with = + - @ (and tab / carriage return) are
prefixed with a quote so spreadsheet software does not run them as formulas
(OWASP « CSV injection »).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from django.utils.translation import gettext as _

from maillage.organisations.enums import OrganisationType
from maillage.territories import reference

from . import policies, viewers
from .enums import Public, TerritoryKind
from .models import Profile, ProfileLanguage, ProfilePublic, ProfileTerritory

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def headers() -> list[str]:
    return [
        _("Nom"),
        _("Sigle"),
        _("Type"),
        _("Commune"),
        _("Département"),
        _("National"),
        _("Départements d'intervention"),
        _("Régions d'intervention"),
        _("Services"),
        _("Formes d'exploitation"),
        _("Publics"),
        _("Langues"),
        _("Accepte les orientations"),
        _("Téléphone"),
        _("Courriel"),
        _("Site"),
        _("Horaires"),
        _("Adresse"),
        _("Places disponibles"),
        _("Ligne directe"),
        _("Courriel direct"),
    ]


def rows_for(viewer) -> list[list[str]]:
    """Rows of the export. Built from `values()` queries (a fixed number) and
    label dictionaries computed once: a 10,000-row export must not create
    100,000 model instances or translate the same label 10,000 times."""
    viewer = viewers.viewer_for(viewer)
    visible = policies.profiles_visible_to(viewer)
    ids = visible.values("pk")
    by_profile: dict[str, dict[int, list[str]]] = {
        key: defaultdict(list) for key in ("departement", "region", "service", "form", "public", "language")
    }
    region_names = {r.code: r.name for r in reference.regions()}
    public_labels = {code: str(label) for code, label in Public.choices}
    type_labels = {code: str(label) for code, label in OrganisationType.choices}
    for pk, kind, code in (
        ProfileTerritory.objects.filter(profile__in=ids)
        .exclude(kind=TerritoryKind.COUNTRY)
        .values_list("profile_id", "kind", "code")
    ):
        by_profile[kind][pk].append(code if kind == TerritoryKind.DEPARTEMENT else region_names.get(code, code))
    for pk, label in (
        Profile.services.through.objects.filter(profile__in=ids)
        .order_by("service__order")
        .values_list("profile_id", "service__label")
    ):
        by_profile["service"][pk].append(label)
    for pk, label in (
        Profile.exploitation_forms.through.objects.filter(profile__in=ids)
        .order_by("exploitationform__order")
        .values_list("profile_id", "exploitationform__label")
    ):
        by_profile["form"][pk].append(label)
    for pk, code in ProfilePublic.objects.filter(profile__in=ids).values_list("profile_id", "code"):
        by_profile["public"][pk].append(public_labels.get(code, code))
    for pk, code in ProfileLanguage.objects.filter(profile__in=ids).values_list("profile_id", "code"):
        by_profile["language"][pk].append(code)
    yes, no = _("oui"), _("non")
    fields = (
        "pk",
        "organisation_id",
        "organisation__name",
        "organisation__acronym",
        "organisation__type",
        "commune",
        "departement",
        "is_national",
        "accepts_referrals",
        "public_phone",
        "public_email",
        "website",
        "opening_hours",
        "street_address",
        "address_confidential",
        "capacity_places",
        "members_phone",
        "members_email",
    )
    out = []
    for p in visible.order_by("organisation__name", "pk").values(*fields):
        pk = p["pk"]
        own = p["organisation_id"] in viewer.organisation_ids
        members = viewer.is_member
        confidential = own or p["organisation_id"] in viewer.acse_coordinated_ids
        show_address = confidential if p["address_confidential"] else members
        row = [
            p["organisation__name"],
            p["organisation__acronym"],
            type_labels.get(p["organisation__type"], p["organisation__type"]),
            p["commune"],
            p["departement"],
            yes if p["is_national"] else no,
            " | ".join(by_profile["departement"][pk]),
            " | ".join(by_profile["region"][pk]),
            " | ".join(by_profile["service"][pk]),
            " | ".join(by_profile["form"][pk]),
            " | ".join(by_profile["public"][pk]),
            " | ".join(by_profile["language"][pk]),
            yes if p["accepts_referrals"] else no,
            p["public_phone"],
            p["public_email"],
            p["website"],
            p["opening_hours"],
            p["street_address"] if show_address else "",
            ("" if p["capacity_places"] is None else str(p["capacity_places"])) if members else "",
            p["members_phone"] if members else "",
            p["members_email"] if members else "",
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
