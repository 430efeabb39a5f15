"""The fictional demo network: coordination body, ministries, police, parquets,
child protection, ~40 associations in several régions, and people in each role.

Organisations carry the names of public functions (« Parquet de Lyon ») or
invented association names; people have invented names. Nothing refers to a
real person.
"""

from __future__ import annotations

import base64
import hashlib

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.db import transaction

from maillage.demo.registry import SeedContext, register

from .enums import OrganisationType as T
from .enums import Role
from .enums import TerritoryLevel as L
from .models import Membership, Organisation

DEMO_PASSWORD = "Maillage-demo-2026"  # noqa: S105 - documented in README.md; demo only

# (slug, name, acronym, type, level, departement, region, country)
PUBLIC_BODIES = [
    (
        "miprof",
        "Mission interministérielle pour la protection des femmes contre les violences et la lutte contre la traite "
        "des êtres humains",
        "MIPROF",
        T.COORDINATION,
        L.NATIONAL,
        "",
        "",
        "FR",
    ),
    (
        "min-interieur",
        "Ministère de l'Intérieur – Direction générale des étrangers en France",
        "DGEF",
        T.MINISTRY,
        L.NATIONAL,
        "",
        "",
        "FR",
    ),
    (
        "min-justice",
        "Ministère de la Justice – Direction des affaires criminelles et des grâces",
        "DACG",
        T.MINISTRY,
        L.NATIONAL,
        "",
        "",
        "FR",
    ),
    (
        "min-solidarites",
        "Ministère des Solidarités – Direction générale de la cohésion sociale",
        "DGCS",
        T.MINISTRY,
        L.NATIONAL,
        "",
        "",
        "FR",
    ),
    (
        "min-travail",
        "Ministère du Travail – Direction générale du travail",
        "DGT",
        T.MINISTRY,
        L.NATIONAL,
        "",
        "",
        "FR",
    ),
    (
        "min-affaires-etrangeres",
        "Ministère de l'Europe et des Affaires étrangères",
        "MEAE",
        T.MINISTRY,
        L.NATIONAL,
        "",
        "",
        "FR",
    ),
    (
        "ocrteh",
        "Office central pour la répression de la traite des êtres humains",
        "OCRTEH",
        T.POLICE,
        L.NATIONAL,
        "",
        "",
        "FR",
    ),
    (
        "brigade-mineurs-paris",
        "Brigade de protection des mineurs de Paris",
        "BPM 75",
        T.POLICE,
        L.DEPARTEMENT,
        "75",
        "11",
        "FR",
    ),
    (
        "gendarmerie-bouches-du-rhone",
        "Groupement de gendarmerie des Bouches-du-Rhône",
        "GGD 13",
        T.POLICE,
        L.DEPARTEMENT,
        "13",
        "93",
        "FR",
    ),
    (
        "dipn-nord",
        "Direction interdépartementale de la police nationale du Nord",
        "DIPN 59",
        T.POLICE,
        L.DEPARTEMENT,
        "59",
        "32",
        "FR",
    ),
    (
        "parquet-paris",
        "Parquet du tribunal judiciaire de Paris",
        "Parquet de Paris",
        T.PROSECUTOR,
        L.DEPARTEMENT,
        "75",
        "11",
        "FR",
    ),
    (
        "parquet-bobigny",
        "Parquet du tribunal judiciaire de Bobigny",
        "Parquet de Bobigny",
        T.PROSECUTOR,
        L.DEPARTEMENT,
        "93",
        "11",
        "FR",
    ),
    (
        "parquet-marseille",
        "Parquet du tribunal judiciaire de Marseille",
        "Parquet de Marseille",
        T.PROSECUTOR,
        L.DEPARTEMENT,
        "13",
        "93",
        "FR",
    ),
    (
        "parquet-lyon",
        "Parquet du tribunal judiciaire de Lyon",
        "Parquet de Lyon",
        T.PROSECUTOR,
        L.DEPARTEMENT,
        "69",
        "84",
        "FR",
    ),
    (
        "parquet-lille",
        "Parquet du tribunal judiciaire de Lille",
        "Parquet de Lille",
        T.PROSECUTOR,
        L.DEPARTEMENT,
        "59",
        "32",
        "FR",
    ),
    (
        "crip-75",
        "Cellule de recueil des informations préoccupantes de Paris",
        "CRIP 75",
        T.CHILD_PROTECTION,
        L.DEPARTEMENT,
        "75",
        "11",
        "FR",
    ),
    (
        "crip-93",
        "Cellule de recueil des informations préoccupantes de la Seine-Saint-Denis",
        "CRIP 93",
        T.CHILD_PROTECTION,
        L.DEPARTEMENT,
        "93",
        "11",
        "FR",
    ),
    (
        "crip-13",
        "Cellule de recueil des informations préoccupantes des Bouches-du-Rhône",
        "CRIP 13",
        T.CHILD_PROTECTION,
        L.DEPARTEMENT,
        "13",
        "93",
        "FR",
    ),
    (
        "crip-69",
        "Cellule de recueil des informations préoccupantes du Rhône",
        "CRIP 69",
        T.CHILD_PROTECTION,
        L.DEPARTEMENT,
        "69",
        "84",
        "FR",
    ),
    (
        "crip-59",
        "Cellule de recueil des informations préoccupantes du Nord",
        "CRIP 59",
        T.CHILD_PROTECTION,
        L.DEPARTEMENT,
        "59",
        "32",
        "FR",
    ),
    (
        "pjj-idf",
        "Direction interrégionale de la protection judiciaire de la jeunesse Île-de-France",
        "DIRPJJ IDF",
        T.PJJ,
        L.REGION,
        "",
        "11",
        "FR",
    ),
    (
        "inspection-travail-paca",
        "Inspection du travail – DREETS Provence-Alpes-Côte d'Azur",
        "DREETS PACA",
        T.LABOUR_INSPECTION,
        L.REGION,
        "",
        "93",
        "FR",
    ),
    ("prefecture-police", "Préfecture de police de Paris", "PP", T.PREFECTURE, L.DEPARTEMENT, "75", "11", "FR"),
    (
        "acse-coordination",
        "Coordination nationale du dispositif Ac.Sé",
        "Ac.Sé",
        T.ACSE_COORDINATION,
        L.NATIONAL,
        "",
        "",
        "FR",
    ),
    (
        "cncdh",
        "Commission nationale consultative des droits de l'homme",
        "CNCDH",
        T.NATIONAL_RAPPORTEUR,
        L.NATIONAL,
        "",
        "",
        "FR",
    ),
    (
        "barreau-paris",
        "Ordre des avocats de Paris – permanence traite",
        "Barreau de Paris",
        T.BAR,
        L.DEPARTEMENT,
        "75",
        "11",
        "FR",
    ),
    ("ars-idf", "Agence régionale de santé Île-de-France", "ARS IDF", T.HEALTH, L.REGION, "", "11", "FR"),
    (
        "oim-france",
        "Organisation internationale pour les migrations – bureau de Paris",
        "OIM",
        T.INTERNATIONAL_ORG,
        L.NATIONAL,
        "",
        "",
        "FR",
    ),
    (
        "anitp-roumanie",
        "Agence nationale contre la traite des personnes (Roumanie)",
        "ANITP",
        T.FOREIGN_COUNTERPART,
        L.FOREIGN,
        "",
        "",
        "RO",
    ),
    (
        "naptip-nigeria",
        "Agence nationale contre la traite des personnes (Nigeria)",
        "NAPTIP",
        T.FOREIGN_COUNTERPART,
        L.FOREIGN,
        "",
        "",
        "NG",
    ),
]

# Invented association names spread over several régions: (town-based name, département, région).
ASSOCIATION_PLACES = [
    ("Paris", "75", "11"),
    ("Saint-Denis", "93", "11"),
    ("Créteil", "94", "11"),
    ("Nanterre", "92", "11"),
    ("Évry", "91", "11"),
    ("Marseille", "13", "93"),
    ("Nice", "06", "93"),
    ("Toulon", "83", "93"),
    ("Avignon", "84", "93"),
    ("Lyon", "69", "84"),
    ("Grenoble", "38", "84"),
    ("Saint-Étienne", "42", "84"),
    ("Clermont-Ferrand", "63", "84"),
    ("Lille", "59", "32"),
    ("Amiens", "80", "32"),
    ("Arras", "62", "32"),
    ("Bordeaux", "33", "75"),
    ("Poitiers", "86", "75"),
    ("Limoges", "87", "75"),
    ("Toulouse", "31", "76"),
    ("Montpellier", "34", "76"),
    ("Perpignan", "66", "76"),
    ("Strasbourg", "67", "44"),
    ("Metz", "57", "44"),
    ("Reims", "51", "44"),
    ("Nantes", "44", "52"),
    ("Angers", "49", "52"),
    ("Rennes", "35", "53"),
    ("Brest", "29", "53"),
    ("Rouen", "76", "28"),
    ("Caen", "14", "28"),
    ("Dijon", "21", "27"),
    ("Besançon", "25", "27"),
    ("Orléans", "45", "24"),
    ("Tours", "37", "24"),
    ("Ajaccio", "2A", "94"),
    ("Cayenne", "973", "03"),
    ("Saint-Denis de La Réunion", "974", "04"),
    ("Fort-de-France", "972", "02"),
    ("Mamoudzou", "976", "06"),
]
ASSOCIATION_STEMS = [
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
]

# Invented people: (slug-ish first name, last name).
FIRST_NAMES = [
    "Camille",
    "Nadia",
    "Julien",
    "Sofia",
    "Malik",
    "Léa",
    "Thomas",
    "Inès",
    "Hugo",
    "Aïcha",
    "Paul",
    "Sarah",
    "Yanis",
    "Claire",
    "Omar",
    "Lucie",
]
LAST_NAMES = [
    "Arnaud",
    "Benali",
    "Charpentier",
    "Diallo",
    "Esposito",
    "Fournier",
    "Garnier",
    "Hamidi",
    "Imbert",
    "Jacquet",
    "Kouassi",
    "Lemaire",
    "Marchetti",
    "Nguyen",
    "Olivier",
    "Perrin",
]


def demo_totp_secret(email: str) -> str:
    """Deterministic, documented TOTP secret of a demo account (README)."""
    digest = hashlib.sha256(f"maillage-demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode("ascii")


def ensure_demo_user(
    ctx: SeedContext,
    *,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation,
    role: str,
    is_admin: bool = False,
):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, first_name=first_name, last_name=last_name
        )
    secret = demo_totp_secret(email)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role, "is_admin": is_admin}
    )
    ctx.accounts.append(
        {
            "email": email,
            "password": DEMO_PASSWORD,
            "totp_secret": secret,
            "organisation": organisation.display_name,
            "organisation_slug": organisation.slug,
            "roles": membership.roles,
        }
    )
    return user


def _org(slug, name, acronym, type_, level, dep, reg, country, **extra) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "acronym": acronym,
            "type": type_,
            "territory_level": level,
            "departement": dep,
            "region": reg,
            "country": country,
            **extra,
        },
    )
    return organisation


@register("organisations et comptes", order=10)
@transaction.atomic
def seed_network(ctx: SeedContext) -> None:
    orgs = {row[0]: _org(*row) for row in PUBLIC_BODIES}
    associations = []
    for index, (town, dep, reg) in enumerate(ASSOCIATION_PLACES):
        stem = ASSOCIATION_STEMS[index % len(ASSOCIATION_STEMS)]
        slug = f"asso-{stem.lower().replace(' ', '-').replace(chr(39), '')}-{dep.lower()}"
        associations.append(_org(slug, f"{stem} {town}", "", T.ASSOCIATION, L.DEPARTEMENT, dep, reg, "FR"))
    # A few shelters (Ac.Sé partners in the directory issue).
    shelters = [
        _org("chrs-les-tilleuls-33", "CHRS Les Tilleuls", "", T.SHELTER, L.DEPARTEMENT, "33", "75", "FR"),
        _org("chrs-la-source-67", "CHRS La Source", "", T.SHELTER, L.DEPARTEMENT, "67", "44", "FR"),
        _org("chrs-le-phare-29", "CHRS Le Phare", "", T.SHELTER, L.DEPARTEMENT, "29", "53", "FR"),
    ]
    ctx.shared["organisations"] = orgs
    ctx.shared["associations"] = associations
    ctx.shared["shelters"] = shelters

    people = iter((f, lname) for lname in LAST_NAMES for f in FIRST_NAMES)

    def person():
        return next(people)

    def add(org: Organisation, local: str, role: str, is_admin=False):
        first, last = person()
        return ensure_demo_user(
            ctx,
            email=f"{local}@demo.maillage.fr",
            first_name=first,
            last_name=last,
            organisation=org,
            role=role,
            is_admin=is_admin,
        )

    # Coordination body: a coordinator who is also administrator, a member.
    add(orgs["miprof"], "coordination", Role.COORDINATOR, is_admin=True)
    add(orgs["miprof"], "miprof.membre", Role.MEMBER)
    # Two associations with the three roles each, to show isolation between them.
    paris = associations[0]
    marseille = associations[5]
    add(paris, "admin.passerelle-paris", Role.CASE_WORKER, is_admin=True)
    add(paris, "accompagnement.passerelle-paris", Role.CASE_WORKER)
    add(paris, "membre.passerelle-paris", Role.MEMBER)
    add(marseille, "admin.escale-marseille", Role.CASE_WORKER, is_admin=True)
    add(marseille, "accompagnement.escale-marseille", Role.CASE_WORKER)
    # Public services.
    add(orgs["crip-93"], "crip93", Role.CASE_WORKER, is_admin=True)
    add(orgs["parquet-paris"], "parquet.paris", Role.CASE_WORKER, is_admin=True)
    add(orgs["brigade-mineurs-paris"], "bpm.paris", Role.CASE_WORKER, is_admin=True)
    add(orgs["acse-coordination"], "coordination.acse", Role.CASE_WORKER, is_admin=True)
    add(shelters[0], "chrs.tilleuls", Role.CASE_WORKER, is_admin=True)
    add(orgs["cncdh"], "rapporteur.cncdh", Role.MEMBER, is_admin=True)
    ctx.log(f"  {Organisation.objects.count()} organisations, {len(ctx.accounts)} comptes")
