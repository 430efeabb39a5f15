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
from django.utils.translation import gettext_lazy as _lazy

from maillage.core.csvsafe import FORMULA_PREFIXES, neutralise  # noqa: F401 (importers read the prefixes)
from maillage.organisations.enums import OrganisationType
from maillage.territories import reference

from . import policies, viewers
from .enums import Public, TerritoryKind, Visibility
from .models import ExploitationForm, Profile, ProfileLanguage, ProfilePublic, ProfileTerritory, Service

# The export's columns, in order: (importer key, header). The importer reads
# every one of them (importers.COLUMNS accepts the key and the header in
# French and in English), so an export re-imports to the same directory
# (issue 10 item 13). « cle » is the organisation's identifier: stable, unique.
COLUMNS = [
    ("cle", _lazy("Clé annuaire (ne pas modifier)")),
    ("nom", _lazy("Nom")),
    ("sigle", _lazy("Sigle")),
    ("type", _lazy("Type")),
    ("siret", _lazy("SIRET")),
    ("identifiant_externe", _lazy("Identifiant externe")),
    ("visibilite", _lazy("Visibilité")),
    ("commune", _lazy("Commune")),
    ("departement", _lazy("Département")),
    ("national", _lazy("National")),
    ("departements_intervention", _lazy("Départements d'intervention")),
    ("regions_intervention", _lazy("Régions d'intervention")),
    ("pays_intervention", _lazy("Pays d'intervention")),
    ("services", _lazy("Services")),
    ("formes", _lazy("Formes d'exploitation")),
    ("publics", _lazy("Publics")),
    ("langues", _lazy("Langues")),
    ("accepte_orientations", _lazy("Accepte les orientations")),
    ("telephone", _lazy("Téléphone")),
    ("courriel", _lazy("Courriel")),
    ("site", _lazy("Site")),
    ("horaires", _lazy("Horaires")),
    ("adresse", _lazy("Adresse")),
    ("places", _lazy("Places disponibles")),
    ("ligne_directe", _lazy("Ligne directe")),
    ("courriel_direct", _lazy("Courriel direct")),
]
# A cell the viewer may not see (a confidential address, members-only
# fields for the public): written as this marker, which the importer reads
# as « leave unchanged », never as « clear ».
WITHHELD = _lazy("(non communiqué)")
LIST_SEPARATOR = " | "


def headers() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


def rows_for(viewer) -> list[list[str]]:
    """Rows of the export. Built from `values()` queries (a fixed number) and
    label dictionaries computed once: a 10,000-row export must not create
    100,000 model instances or translate the same label 10,000 times."""
    viewer = viewers.viewer_for(viewer)
    visible = policies.profiles_visible_to(viewer)
    ids = visible.values("pk")
    by_profile: dict[str, dict[int, list[str]]] = {
        key: defaultdict(list) for key in ("departement", "region", "country", "service", "form", "public", "language")
    }
    region_names = {r.code: r.name for r in reference.regions()}
    public_labels = {code: str(label) for code, label in Public.choices}
    type_labels = {code: str(label) for code, label in OrganisationType.choices}
    visibility_labels = {code: str(label) for code, label in Visibility.choices}
    for pk, kind, code in (
        ProfileTerritory.objects.filter(profile__in=ids)
        .order_by("kind", "code")
        .values_list("profile_id", "kind", "code")
    ):
        by_profile[kind][pk].append(region_names.get(code, code) if kind == TerritoryKind.REGION else code)
    services = {s.pk: s.display_label for s in Service.objects.only("label", "label_en")}
    forms = {f.pk: f.display_label for f in ExploitationForm.objects.only("label", "label_en")}
    for pk, service_id in (
        Profile.services.through.objects.filter(profile__in=ids)
        .order_by("service__order", "service__code")
        .values_list("profile_id", "service_id")
    ):
        by_profile["service"][pk].append(services[service_id])
    for pk, form_id in (
        Profile.exploitation_forms.through.objects.filter(profile__in=ids)
        .order_by("exploitationform__order", "exploitationform__code")
        .values_list("profile_id", "exploitationform_id")
    ):
        by_profile["form"][pk].append(forms[form_id])
    for pk, code in ProfilePublic.objects.filter(profile__in=ids).order_by("code").values_list("profile_id", "code"):
        by_profile["public"][pk].append(public_labels.get(code, code))
    for pk, code in ProfileLanguage.objects.filter(profile__in=ids).order_by("code").values_list("profile_id", "code"):
        by_profile["language"][pk].append(code)
    yes, no, withheld = _("oui"), _("non"), str(WITHHELD)
    fields = (
        "pk",
        "organisation_id",
        "organisation__slug",
        "organisation__name",
        "organisation__acronym",
        "organisation__type",
        "organisation__siret",
        "organisation__external_id",
        "visibility",
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

        def joined(key, pk=pk):
            return LIST_SEPARATOR.join(by_profile[key][pk])

        row = [
            p["organisation__slug"],
            p["organisation__name"],
            p["organisation__acronym"],
            type_labels.get(p["organisation__type"], p["organisation__type"]),
            p["organisation__siret"],
            p["organisation__external_id"],
            visibility_labels.get(p["visibility"], p["visibility"]),
            p["commune"],
            p["departement"],
            yes if p["is_national"] else no,
            joined("departement"),
            joined("region"),
            joined("country"),
            joined("service"),
            joined("form"),
            joined("public"),
            joined("language"),
            yes if p["accepts_referrals"] else no,
            p["public_phone"],
            p["public_email"],
            p["website"],
            p["opening_hours"],
            p["street_address"] if show_address else withheld,
            ("" if p["capacity_places"] is None else str(p["capacity_places"])) if members else withheld,
            p["members_phone"] if members else withheld,
            p["members_email"] if members else withheld,
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
