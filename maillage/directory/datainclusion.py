"""The public directory in the data·inclusion schema (structures and services).

data·inclusion is the schema in which the French social-inclusion ecosystem
exchanges its services (DORA, les emplois de l'inclusion, France Travail):
publishing Maillage's public profiles in it lets those services find the
organisations that help victims of trafficking. Only what a visitor who is
not signed in sees is published (policies.profiles_visible_to with the
anonymous viewer: public profiles, public field group), under the Etalab 2.0
licence. The package `data-inclusion-schema` (its pydantic models) validates
the output in the tests; field-by-field mapping in docs/guides/api.md.
"""

from __future__ import annotations

from django.conf import settings

from . import policies, viewers
from .models import Profile

SOURCE = "maillage"
SCHEMA_VERSION = "1.0"

# Maillage service code → data·inclusion thématiques (v1). Services with no
# fitting thématique (identification, outreach…) are published without one.
THEMATIQUES = {
    "secure_accommodation": ["logement-hebergement--rechercher-une-solution-dhebergement-temporaire"],
    "emergency_accommodation": ["logement-hebergement--rechercher-une-solution-dhebergement-temporaire"],
    "psychological_support": ["sante--sante-mentale"],
    "medical_care": ["sante--acces-aux-soins"],
    "legal_aid": [
        "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
        "difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire",
    ],
    "residence_procedures": [
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives"
    ],
    "social_support": ["difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"],
    "training_employment": ["choisir-un-metier--connaitre-les-opportunites-demploi"],
}
# Maillage service code → data·inclusion type de service.
TYPES = {
    "professional_training": "formation",
    "training_employment": "formation",
    "legal_aid": "information",
}
DEFAULT_TYPE = "accompagnement"
# Publics received → data·inclusion publics.
PUBLICS = {
    "women": "femmes",
    "families": "familles",
    "minors": "jeunes",
    "unaccompanied_minors": "jeunes",
}
PUBLICS_PRECISIONS = "Victimes de la traite des êtres humains et personnes exposées à l'exploitation."


def _link(profile: Profile) -> str:
    return _link_of(profile.organisation.slug)


def _link_of(slug: str) -> str:
    return f"{settings.SITE_BASE_URL.rstrip('/')}/annuaire/{slug}/"


def _date_maj(profile: Profile):
    return (profile.last_verified_at or profile.updated_at).date()


def _structure_id(profile: Profile) -> str:
    return f"{SOURCE}--{profile.organisation.slug}"


def public_profiles():
    """Public profiles with what the mapping reads (a fixed number of queries)."""
    return (
        policies.profiles_visible_to(viewers.ANONYMOUS)
        .select_related("organisation")
        .prefetch_related("services", "publics", "territories")
        .order_by("organisation__slug")
    )


# The columns the structure mapping reads, and nothing else.
STRUCTURE_COLUMNS = (
    "organisation__slug",
    "organisation__name",
    "organisation__siret",
    "description",
    "last_verified_at",
    "updated_at",
    "commune",
    "public_phone",
    "public_email",
    "website",
)


def public_structure_values():
    """Public profiles as the values `structure_from_values` reads, in the
    order of `public_profiles()`: one query per page, no model instance and no
    prefetch (the whole directory's export, issue 14: ≤ 3 s for 10,000)."""
    return policies.profiles_visible_to(viewers.ANONYMOUS).order_by("organisation__slug").values(*STRUCTURE_COLUMNS)


def public_service_pairs() -> list[tuple[int, int]]:
    """(profile id, service id) of every service offered by a public profile,
    in a stable order: the services endpoint pages over these pairs and loads
    only the profiles of the page."""
    through = Profile.services.through
    return list(
        through.objects.filter(profile__in=policies.profiles_visible_to(viewers.ANONYMOUS))
        .order_by("profile__organisation__slug", "service__order", "service_id")
        .values_list("profile_id", "service_id")
    )


def services_of_pairs(pairs: list[tuple[int, int]]) -> list[dict]:
    """The data·inclusion services of the given (profile, service) pairs, in their order."""
    profiles = {p.pk: p for p in public_profiles().filter(pk__in={pid for pid, _ in pairs})}
    wanted: dict[int, set[int]] = {}
    for profile_id, service_id in pairs:
        wanted.setdefault(profile_id, set()).add(service_id)
    rows = []
    for profile_id in dict.fromkeys(pid for pid, _ in pairs):  # page order, each profile once
        if profile_id in profiles:
            rows += services(profiles[profile_id], service_ids=wanted[profile_id])
    return rows


def structure_from_values(row: dict) -> dict:
    """One data·inclusion structure from the columns of `STRUCTURE_COLUMNS`."""
    slug = row["organisation__slug"]
    description = (row["description"] or "").strip()
    return {
        "source": SOURCE,
        "id": f"{SOURCE}--{slug}",
        "nom": row["organisation__name"][:150].rstrip("."),
        "date_maj": (row["last_verified_at"] or row["updated_at"]).date().isoformat(),
        "description": description if len(description) >= 5 else None,
        "lien_source": _link_of(slug),
        "siret": row["organisation__siret"] or None,
        "commune": row["commune"] or None,
        # The street address is for signed-in members only (policies, field groups).
        "adresse": None,
        "telephone": row["public_phone"] or None,
        "courriel": row["public_email"] or None,
        "site_web": row["website"] or None,
        "reseaux_porteurs": None,
    }


def _zone(profile: Profile) -> list[str] | None:
    if profile.is_national:
        return ["france"]
    codes = sorted({t.code for t in profile.territories.all() if t.kind == "departement"})
    if not codes and profile.departement:
        codes = [profile.departement]
    return codes or None


def services(profile: Profile, *, service_ids: set[int] | None = None) -> list[dict]:
    org = profile.organisation
    publics = sorted({PUBLICS[p.code] for p in profile.publics.all() if p.code in PUBLICS})
    rows = []
    for service in sorted(profile.services.all(), key=lambda s: (s.order, s.pk)):
        if service_ids is not None and service.pk not in service_ids:
            continue
        rows.append(
            {
                "source": SOURCE,
                "structure_id": _structure_id(profile),
                "id": f"{_structure_id(profile)}--{service.code}",
                "nom": service.label.rstrip("."),
                "description": (
                    f"{service.label} proposé par {org.name} aux victimes de la traite des êtres humains "
                    f"(Convention du Conseil de l'Europe, {service.source})."
                    if service.source
                    else f"{service.label} proposé par {org.name} aux victimes de la traite des êtres humains."
                ),
                "lien_source": _link(profile),
                "date_maj": _date_maj(profile).isoformat(),
                "type": TYPES.get(service.code, DEFAULT_TYPE),
                "thematiques": THEMATIQUES.get(service.code),
                "publics": publics or None,
                "publics_precisions": PUBLICS_PRECISIONS,
                "commune": profile.commune or None,
                "telephone": profile.public_phone or None,
                "courriel": profile.public_email or None,
                "zone_eligibilite": _zone(profile),
                "mobilisable_par": ["professionnels"] if profile.accepts_referrals else None,
                "mobilisation_precisions": (profile.referral_how or None) if profile.accepts_referrals else None,
            }
        )
    return rows
