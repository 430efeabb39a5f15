"""The directory's export re-imports to the same directory (issue 10 item 13).

Hypothesis generates directories (organisations of every type, profiles of
every visibility, territories, catalogues, contacts, formula-like and
comma-laden text), exports them as the coordination body sees them (CSV or
XLSX, in French or English) and imports the file back: nothing changes."""

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.directory import exports, importers, services
from maillage.directory.enums import Public, TerritoryKind, Visibility
from maillage.directory.models import (
    ExploitationForm,
    Profile,
    ProfileLanguage,
    ProfilePublic,
    ProfileTerritory,
    Service,
)
from maillage.organisations.enums import OrganisationType
from maillage.organisations.enums import TerritoryLevel as L
from maillage.organisations.models import Organisation
from maillage.territories import reference

pytestmark = pytest.mark.django_db

DEPARTEMENTS = [d.code for d in reference.departements()]
REGIONS = [r.code for r in reference.regions()]
COUNTRIES = ["RO", "NG", "BG", "CN", "BR", "VN"]
LANGUAGES = ["fr", "en", "ro", "bg", "ar", "zh", "ti", "vi"]
# Letters with accents, punctuation that CSV and spreadsheets treat specially.
ALPHABET = "abcdeéèàçôœ ABCÉ0123456789-'=+@,;\"()/"


def text(max_size):
    return (
        st.text(alphabet=ALPHABET, min_size=1, max_size=max_size)
        .map(lambda s: " ".join(s.split()))
        .filter(lambda s: s and not s.startswith("'"))
    )


def optional(strategy):
    return st.one_of(st.just(""), strategy)


organisation_spec = st.fixed_dictionaries(
    {
        "name": text(60),
        "acronym": optional(text(10)),
        "type": st.sampled_from(OrganisationType.values),
        "siret": optional(st.from_regex(r"\A[0-9]{14}\Z")),
        "external_id": optional(st.from_regex(r"\AEXT-[0-9]{1,6}\Z")),
        "national": st.booleans(),
        "departement": st.sampled_from(DEPARTEMENTS),
        "visibility": st.sampled_from(Visibility.values),
        "commune": optional(text(30)),
        "departements": st.lists(st.sampled_from(DEPARTEMENTS), max_size=3, unique=True),
        "regions": st.lists(st.sampled_from(REGIONS), max_size=2, unique=True),
        "countries": st.lists(st.sampled_from(COUNTRIES), max_size=2, unique=True),
        "publics": st.lists(st.sampled_from(Public.values), max_size=3, unique=True),
        "languages": st.lists(st.sampled_from(LANGUAGES), max_size=3, unique=True),
        "services": st.lists(st.integers(0, 17), max_size=3, unique=True),
        "forms": st.lists(st.integers(0, 11), max_size=3, unique=True),
        "accepts": st.booleans(),
        "phone": optional(st.from_regex(r"\A\+?[0-9][0-9 ]{5,20}[0-9]\Z")),
        "email": optional(st.from_regex(r"\A[a-z]{1,8}@[a-z]{1,8}\.fr\Z")),
        "website": optional(st.from_regex(r"\Ahttps://[a-z]{1,10}\.fr\Z")),
        "hours": optional(text(40)),
        "address": optional(text(40)),
        "confidential": st.booleans(),
        "capacity": st.one_of(st.none(), st.integers(0, 50)),
        "members_phone": optional(st.from_regex(r"\A0[0-9]{9}\Z")),
        "members_email": optional(st.from_regex(r"\A[a-z]{1,8}@[a-z]{1,8}\.org\Z")),
    }
)


def build(specs):
    services_ = list(Service.objects.order_by("pk"))
    forms = list(ExploitationForm.objects.order_by("pk"))
    sirets = set()
    for index, spec in enumerate(specs):
        siret = spec["siret"] if spec["siret"] not in sirets else ""
        sirets.add(siret)
        national = spec["national"]
        org = Organisation.objects.create(
            slug=f"rt-{index}",
            name=spec["name"],
            acronym=spec["acronym"],
            type=spec["type"],
            siret=siret,
            external_id=spec["external_id"],
            territory_level=L.NATIONAL if national else L.DEPARTEMENT,
            departement="" if national else spec["departement"],
            region="" if national else reference.departement(spec["departement"]).region_code,
            country="FR",
        )
        profile = Profile.objects.create(
            organisation=org,
            visibility=spec["visibility"],
            commune=spec["commune"],
            departement="" if national else spec["departement"],
            is_national=national,
            street_address=spec["address"],
            address_confidential=spec["confidential"],
            capacity_places=spec["capacity"],
            accepts_referrals=spec["accepts"],
            public_phone=spec["phone"],
            public_email=spec["email"],
            website=spec["website"],
            opening_hours=spec["hours"],
            members_phone=spec["members_phone"],
            members_email=spec["members_email"],
        )
        for kind, codes in (
            (TerritoryKind.DEPARTEMENT, spec["departements"]),
            (TerritoryKind.REGION, spec["regions"]),
            (TerritoryKind.COUNTRY, spec["countries"]),
        ):
            ProfileTerritory.objects.bulk_create([ProfileTerritory(profile=profile, kind=kind, code=c) for c in codes])
        ProfilePublic.objects.bulk_create([ProfilePublic(profile=profile, code=c) for c in spec["publics"]])
        ProfileLanguage.objects.bulk_create([ProfileLanguage(profile=profile, code=c) for c in spec["languages"]])
        profile.services.set([services_[i % len(services_)] for i in spec["services"]])
        profile.exploitation_forms.set([forms[i % len(forms)] for i in spec["forms"]])
        services.refresh_search_text(profile)


def snapshot() -> dict:
    """Everything an import could change, per organisation slug."""
    out = {}
    for org in Organisation.objects.filter(slug__startswith="rt-").order_by("slug"):
        out[org.slug] = {
            f: getattr(org, f)
            for f in ("name", "acronym", "type", "siret", "external_id", "territory_level", "departement", "region")
        }
    for p in Profile.objects.filter(organisation__slug__startswith="rt-").prefetch_related(
        "territories", "publics", "languages", "services", "exploitation_forms"
    ):
        row = out[p.organisation.slug]
        row.update({f: getattr(p, f) for f in services.EDITABLE_FIELDS})
        row["capacity_updated_at"] = p.capacity_updated_at
        row["search_text"] = p.search_text
        row["territories"] = sorted((t.kind, t.code) for t in p.territories.all())
        row["publics"] = sorted(x.code for x in p.publics.all())
        row["languages"] = sorted(x.code for x in p.languages.all())
        row["services"] = sorted(x.code for x in p.services.all())
        row["forms"] = sorted(x.code for x in p.exploitation_forms.all())
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(organisation_spec, min_size=1, max_size=5),
    fmt=st.sampled_from(["csv", "xlsx"]),
    language=st.sampled_from(["fr", "en"]),
)
def test_export_then_import_is_the_identity(coordinator, specs, fmt, language):
    try:
        build(specs)
        before = snapshot()
        with translation.override(language):
            rows = exports.rows_for(coordinator)
            content = (exports.to_csv if fmt == "csv" else exports.to_xlsx)(rows, exports.headers())
        report = importers.parse(content, f"annuaire.{fmt}")
        assert not report.errors, [(r.line, r.errors) for r in report.errors]
        importers.apply(report, acting_user=coordinator)
        assert report.created == 0
        assert snapshot() == before
    finally:
        Organisation.objects.filter(slug__startswith="rt-").delete()


def test_the_export_carries_a_key_and_every_column_the_importer_reads():
    exported = {key for key, _label in exports.COLUMNS}
    assert set(importers.COLUMNS) <= exported
    for language in ("fr", "en"):
        with translation.override(language):
            header = exports.headers()
        assert [importers._aliases()[importers._header_key(h)] for h in header] == [k for k, _ in exports.COLUMNS]


def test_a_missing_column_never_widens_visibility_nor_clears_data(coordinator):
    build(
        [
            {
                "name": "Foyer discret",
                "acronym": "",
                "type": "shelter",
                "siret": "",
                "external_id": "",
                "national": False,
                "departement": "69",
                "visibility": Visibility.MEMBERS,
                "commune": "Lyon",
                "departements": ["01"],
                "regions": [],
                "countries": ["RO"],
                "publics": ["women"],
                "languages": ["ro"],
                "services": [0],
                "forms": [0],
                "accepts": True,
                "phone": "",
                "email": "",
                "website": "",
                "hours": "",
                "address": "",
                "confidential": False,
                "capacity": 3,
                "members_phone": "",
                "members_email": "",
            }
        ]
    )
    before = snapshot()
    # A hand-made file: the key, the name, the département and a new commune only.
    content = b"cle;nom;departement;commune\nrt-0;Foyer discret;69;Villeurbanne\n"
    importers.apply(importers.parse(content, "a.csv"), acting_user=coordinator)
    after = snapshot()
    assert after["rt-0"].pop("commune") == "Villeurbanne"
    before["rt-0"].pop("commune")
    after["rt-0"].pop("search_text"), before["rt-0"].pop("search_text")
    assert after == before  # visibility still members-only, countries, services… kept
    # A new organisation imported without a visibility column is members-only.
    importers.apply(
        importers.parse(b"siret;nom;departement\n12345678901234;Nouveau;75\n", "b.csv"),
        acting_user=coordinator,
    )
    assert Profile.objects.get(organisation__siret="12345678901234").visibility == Visibility.MEMBERS
