"""Seed the catalogues of forms of exploitation and services.

Data, not code: the list of forms follows Code pénal art. 225-4-1 (rules.md
§3.1, loi n° 2013-711) and is extensible; Directive (EU) 2024/1712 adds forms
whose French transposition is pending (rules.md, watch item). Services follow
Warsaw Convention art. 12 (rules.md) plus the network's usual activities.
"""

from django.db import migrations

CP = "Code pénal art. 225-4-1 (loi n° 2013-711 du 5 août 2013)"
DIR = "Directive (UE) 2024/1712 — transposition en attente"

FORMS = [
    ("PROX", "Proxénétisme", CP, False),
    ("SEX", "Agressions ou atteintes sexuelles", CP, False),
    ("ESCL", "Réduction en esclavage", CP, False),
    ("TRAV_FORCE", "Travail ou services forcés", CP, False),
    ("SERVITUDE", "Réduction en servitude", CP, False),
    ("ORGANE", "Prélèvement d'organe", CP, False),
    ("MENDICITE", "Exploitation de la mendicité", CP, False),
    ("DIGNITE", "Conditions de travail ou d'hébergement contraires à la dignité", CP, False),
    ("DELITS_FORCES", "Contrainte à commettre tout crime ou délit", CP, False),
    ("MARIAGE_FORCE", "Mariage forcé", DIR, True),
    ("ADOPTION_ILLEGALE", "Adoption illégale", DIR, True),
    ("GPA", "Exploitation de la gestation pour autrui", DIR, True),
]

W = "Convention de Varsovie art. 12"
SERVICES = [
    ("secure_accommodation", "Hébergement sécurisé", W + ".1.a, 12.2"),
    ("emergency_accommodation", "Hébergement d'urgence", W + ".1.a"),
    ("psychological_support", "Soutien psychologique", W + ".1.a"),
    ("medical_care", "Soins médicaux", W + ".1.b, 12.3"),
    ("interpretation", "Interprétariat et traduction", W + ".1.c"),
    ("legal_aid", "Information et aide juridiques", W + ".1.d, 12.1.e"),
    ("residence_procedures", "Aide aux démarches de séjour", "Convention de Varsovie art. 14"),
    ("social_support", "Accompagnement social", W + ".1.a"),
    ("training_employment", "Formation et accès à l'emploi", W + ".4"),
    ("schooling_minors", "Scolarisation des mineur·es", W + ".1.f"),
    ("outreach", "Maraudes et aller-vers", "Convention de Varsovie art. 10.2"),
    ("identification", "Repérage et identification", "Convention de Varsovie art. 10"),
    ("assisted_return", "Accompagnement au retour volontaire", "Convention de Varsovie art. 16"),
    ("professional_training", "Formation des professionnel·les", "Convention de Varsovie art. 10.1"),
]


def seed(apps, schema_editor):
    ExploitationForm = apps.get_model("directory", "ExploitationForm")
    Service = apps.get_model("directory", "Service")
    for order, (code, label, source, pending) in enumerate(FORMS):
        ExploitationForm.objects.update_or_create(code=code, defaults={"label": label, "legal_source": source, "pending_transposition": pending, "order": order})
    for order, (code, label, source) in enumerate(SERVICES):
        Service.objects.update_or_create(code=code, defaults={"label": label, "source": source, "order": order})


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
