"""Demo directory: profiles for the foundation's organisations, ~80 more
fictional associations and shelters (≈150 in all), three networks, and some
départements deliberately left uncovered for some services so the coverage
map has holes to show. `--size national` brings the directory to 10,000
organisations with bulk inserts (benchmarks).

Idempotent: organisations are keyed by slug, profiles by organisation.
Names are invented (« Passerelle Mende »…); no real person or address.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from maillage.demo.registry import SeedContext, register
from maillage.organisations.enums import OrganisationType as T
from maillage.organisations.enums import TerritoryLevel as L
from maillage.organisations.models import Organisation
from maillage.territories import reference

from .enums import NetworkKind, Public, TerritoryKind, Visibility
from .models import (
    ExploitationForm,
    Network,
    NetworkMembership,
    Profile,
    ProfileLanguage,
    ProfilePublic,
    ProfileTerritory,
    Service,
)
from .services import search_text_for

# Nobody is placed in these départements, and no regional organisation covers
# their région for accommodation: the map shows them as holes.
UNCOVERED = {"23", "48", "15", "52", "55", "2B", "976", "05"}
STEMS = [
    "Passerelle",
    "Horizon",
    "Refuge",
    "Les Relais",
    "Aube nouvelle",
    "Escale",
    "Voix libres",
    "Ancrage",
    "Trait d'union",
    "Boussole",
    "Les Oliviers",
    "Cap Liberté",
    "La Traversée",
    "Le Fil",
    "Solidarité Femmes",
    "Main tendue",
]
LANGS = ["fr", "en", "ro", "bg", "es", "pt", "ar", "zh", "ru", "uk", "vi", "tl", "bn", "ti", "am", "fa"]
COMMON_SERVICES = [
    "social_support",
    "legal_aid",
    "psychological_support",
    "interpretation",
    "residence_procedures",
    "outreach",
    "identification",
]
RARE_SERVICES = [
    "secure_accommodation",
    "emergency_accommodation",
    "medical_care",
    "training_employment",
    "schooling_minors",
    "assisted_return",
]
PUBLIC_BODY_VISIBILITY = {T.POLICE: Visibility.MEMBERS, T.PROSECUTOR: Visibility.MEMBERS, T.COURT: Visibility.MEMBERS}


def _spec_for(ctx: SeedContext, org: Organisation, *, services_, forms, index: int) -> dict:
    rng = ctx.rng
    publics = rng.sample([p.value for p in Public], k=rng.randint(1, 3))
    if org.type == T.SHELTER:
        publics = sorted(set(publics) | {Public.WOMEN})
    if org.type == T.CHILD_PROTECTION:
        publics = [Public.MINORS, Public.UNACCOMPANIED_MINORS]
    return {
        "visibility": PUBLIC_BODY_VISIBILITY.get(org.type, Visibility.PUBLIC),
        "commune": org.name.split(" ", 1)[-1] if org.type == T.ASSOCIATION else "",
        "departement": org.departement,
        "street_address": f"{rng.randint(1, 120)} rue de l'Exemple" if org.departement else "",
        "address_confidential": org.type == T.SHELTER,
        "is_national": org.territory_level == L.NATIONAL and org.country == "FR",
        "capacity_places": rng.choice([None, 0, 1, 2, 5, 12]) if org.type in (T.SHELTER, T.ASSOCIATION) else None,
        "accepts_referrals": org.type in (T.ASSOCIATION, T.SHELTER, T.ACSE_COORDINATION),
        "referral_how": "Par téléphone ou par la plateforme, du lundi au vendredi"
        if org.type in (T.ASSOCIATION, T.SHELTER)
        else "",
        "opening_hours": "Lundi–vendredi 9 h–17 h",
        "public_phone": f"0{rng.randint(1, 5)} 00 00 {index % 100:02d} {rng.randint(0, 99):02d}",
        "members_phone": f"0{rng.randint(6, 7)} 00 00 {index % 100:02d} {rng.randint(0, 99):02d}",
        "referral_procedure": "Appeler la ligne directe, puis envoyer la fiche d'orientation.",
        "last_verified_at": timezone.now() - timezone.timedelta(days=rng.choice([10, 60, 200, 400])),
        "_services": services_,
        "_forms": forms,
        "_publics": publics,
        "_languages": ["fr", *rng.sample(LANGS[1:], k=rng.randint(0, 3))],
        "_regions": [org.region] if org.territory_level == L.REGION and org.region else [],
        "_departements": [],
    }


def _bulk_profiles(pairs: list[tuple[Organisation, dict]], catalogue: dict) -> int:
    """Create profiles and their rows with a handful of bulk inserts."""
    existing = set(
        Profile.objects.filter(organisation__in=[o for o, _ in pairs]).values_list("organisation_id", flat=True)
    )
    pairs = [(o, s) for o, s in pairs if o.pk not in existing]
    profiles = []
    for org, spec in pairs:
        fields = {k: v for k, v in spec.items() if not k.startswith("_")}
        profile = Profile(
            organisation=org,
            capacity_updated_at=timezone.now() if fields.get("capacity_places") is not None else None,
            **fields,
        )
        profile.search_name, profile.search_text = search_text_for(
            profile,
            service_labels=[catalogue["services"][c].label for c in spec["_services"]],
            form_labels=[catalogue["forms"][c].label for c in spec["_forms"]],
            public_codes=spec["_publics"],
        )
        profiles.append(profile)
    Profile.objects.bulk_create(profiles, batch_size=1000)
    territories, publics, languages, service_links, form_links = [], [], [], [], []
    ServiceLink = Profile.services.through
    FormLink = Profile.exploitation_forms.through
    for profile, (_org, spec) in zip(profiles, pairs, strict=True):
        territories += [ProfileTerritory(profile=profile, kind=TerritoryKind.REGION, code=c) for c in spec["_regions"]]
        territories += [
            ProfileTerritory(profile=profile, kind=TerritoryKind.DEPARTEMENT, code=c) for c in spec["_departements"]
        ]
        publics += [ProfilePublic(profile=profile, code=c) for c in spec["_publics"]]
        languages += [ProfileLanguage(profile=profile, code=c) for c in dict.fromkeys(spec["_languages"])]
        service_links += [
            ServiceLink(profile_id=profile.pk, service_id=catalogue["services"][c].pk) for c in spec["_services"]
        ]
        form_links += [
            FormLink(profile_id=profile.pk, exploitationform_id=catalogue["forms"][c].pk) for c in spec["_forms"]
        ]
    for model, rows in (
        (ProfileTerritory, territories),
        (ProfilePublic, publics),
        (ProfileLanguage, languages),
        (ServiceLink, service_links),
        (FormLink, form_links),
    ):
        model.objects.bulk_create(rows, batch_size=2000)
    return len(profiles)


def _services_for(ctx: SeedContext, org: Organisation) -> list[str]:
    rng = ctx.rng
    if org.type == T.SHELTER:
        return ["secure_accommodation", "social_support", "psychological_support"]
    if org.type == T.ASSOCIATION:
        chosen = rng.sample(COMMON_SERVICES, k=rng.randint(2, 4))
        if org.departement not in UNCOVERED and rng.random() < 0.4:
            chosen.append(rng.choice(RARE_SERVICES))
        return sorted(set(chosen))
    # Public bodies list the transmissions the law addresses to them
    # (migration 0005); the search finds them by type even without it.
    if org.type == T.POLICE:
        return ["identification", "hearing_complaint"]
    if org.type == T.LABOUR_INSPECTION:
        return ["identification", "labour_inspection_report"]
    if org.type == T.PROSECUTOR:
        return ["report_prosecutor"]
    if org.type == T.CHILD_PROTECTION:
        return ["information_preoccupante"]
    if org.type == T.HEALTH:
        return ["medical_care"]
    if org.type == T.INTERNATIONAL_ORG:
        return ["assisted_return", "interpretation"]
    if org.type in (T.COORDINATION, T.NATIONAL_RAPPORTEUR):
        return ["professional_training"]
    if org.type == T.BAR:
        return ["legal_aid"]
    return []


def _forms_for(ctx: SeedContext, org: Organisation, codes: list[str]) -> list[str]:
    if org.type not in (T.ASSOCIATION, T.SHELTER):
        return []
    return sorted(set(ctx.rng.sample(codes, k=ctx.rng.randint(1, 4))))


def _new_organisations(ctx: SeedContext, count: int, prefix: str) -> list[Organisation]:
    deps = [d for d in reference.departements() if d.code not in UNCOVERED]
    existing = set(Organisation.objects.filter(slug__startswith=prefix).values_list("slug", flat=True))
    new = []
    for i in range(count):
        slug = f"{prefix}{i}"
        if slug in existing:
            continue
        dep = deps[i % len(deps)] if i < len(deps) else ctx.rng.choice(deps)
        stem = STEMS[i % len(STEMS)]
        is_shelter = i % 4 == 1
        name = f"CHRS {stem} {dep.name}" if is_shelter else f"{stem} {dep.name}"
        new.append(
            Organisation(
                slug=slug,
                name=f"{name} {i}" if i >= len(deps) else name,
                type=T.SHELTER if is_shelter else T.ASSOCIATION,
                territory_level=L.DEPARTEMENT,
                departement=dep.code,
                region=dep.region_code,
                country="FR",
            )
        )
    Organisation.objects.bulk_create(new, batch_size=1000)
    return list(Organisation.objects.filter(slug__startswith=prefix))


def _network(slug, name, kind, *, coordinators, members, **extra) -> Network:
    network, _ = Network.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind, **extra})
    existing = set(network.memberships.values_list("organisation_id", flat=True))
    rows = [
        NetworkMembership(network=network, organisation=o, is_coordinator=True)
        for o in coordinators
        if o.pk not in existing
    ]
    seen = existing | {o.pk for o in coordinators}
    rows += [
        NetworkMembership(network=network, organisation=o) for o in members if o.pk not in seen and not seen.add(o.pk)
    ]
    NetworkMembership.objects.bulk_create(rows)
    return network


@register("annuaire du réseau", order=20)
@transaction.atomic
def seed_directory(ctx: SeedContext) -> None:
    catalogue = {
        "services": {s.code: s for s in Service.objects.all()},
        "forms": {f.code: f for f in ExploitationForm.objects.all()},
    }
    form_codes = [f.code for f in catalogue["forms"].values() if not f.pending_transposition]
    orgs = ctx.shared.get("organisations", {})
    associations = ctx.shared.get("associations", [])
    shelters = ctx.shared.get("shelters", [])
    target = 10_000 * ctx.scale if ctx.national else 150
    base = list(Organisation.objects.exclude(slug__startswith="annuaire-"))
    extra = _new_organisations(ctx, max(0, target - len(base)), "annuaire-")
    everyone = base + extra
    pairs = []
    for index, org in enumerate(everyone):
        services_ = _services_for(ctx, org)
        spec = _spec_for(ctx, org, services_=services_, forms=_forms_for(ctx, org, form_codes), index=index)
        if org.type in (T.ASSOCIATION, T.SHELTER) and org.region:
            # Most organisations also work in neighbouring départements of
            # their région, never in the deliberately uncovered ones.
            neighbours = [
                d.code
                for d in reference.departements_of_region(org.region)
                if d.code not in UNCOVERED and d.code != org.departement
            ]
            spec["_departements"] = ctx.rng.sample(neighbours, k=min(len(neighbours), ctx.rng.randint(0, 3)))
        if org.type == T.FOREIGN_COUNTERPART:
            spec["_regions"] = []
            spec["visibility"] = Visibility.MEMBERS
        pairs.append((org, spec))
    created = _bulk_profiles(pairs, catalogue)
    # The Ac.Sé coordination gets its national profile with the country list
    # of its partner network abroad (transnational coordination).
    new_shelters = [o for o in extra if o.type == T.SHELTER]
    if "acse-coordination" in orgs:
        _network(
            "reseau-acse",
            "Réseau Ac.Sé",
            NetworkKind.ACSE,
            coordinators=[orgs["acse-coordination"]],
            members=[*shelters, *new_shelters[:60]],
            description="Dispositif national d'accueil sécurisant des victimes de la traite (hébergements partenaires).",
        )
    if associations:
        _network(
            "ensemble-contre-la-traite",
            "Collectif « Ensemble contre la traite »",
            NetworkKind.COLLECTIVE,
            coordinators=[associations[0]],
            members=associations[1:25] + [o for o in extra if o.type == T.ASSOCIATION][:40],
        )
    if orgs:
        members_93 = [o for o in (*orgs.values(), *associations) if o.departement == "93"]
        _network(
            "comite-traite-93",
            "Comité départemental de lutte contre la traite de la Seine-Saint-Denis",
            NetworkKind.DEPARTEMENTAL_COMMITTEE,
            coordinators=[orgs["parquet-bobigny"]] if "parquet-bobigny" in orgs else [],
            members=members_93,
            departement="93",
        )
        foreign = [o for o in orgs.values() if o.type == T.FOREIGN_COUNTERPART]
        _network(
            "homologues-europe-afrique",
            "Réseau des homologues étrangers",
            NetworkKind.FOREIGN,
            coordinators=[orgs["miprof"]] if "miprof" in orgs else [],
            members=foreign,
        )
    ctx.log(
        f"  {created} fiches d'annuaire créées, {Profile.objects.count()} au total, {Network.objects.count()} réseaux"
    )
