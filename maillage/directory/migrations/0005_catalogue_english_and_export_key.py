"""English labels for the catalogues, and the transmissions the law addresses
to public bodies (issue 10 items 3 and 9).

- `label_en` on forms of exploitation and services: shown when the interface
  is in English; the French `label` stays the reference (imports match both).
- Four transmissions join the service catalogue, each with its legal basis and
  the organisation types that receive it by law: a report to the prosecutor
  (CPP art. 40; CASF L226-4, rules.md R-CHILD-CRIP), an information
  préoccupante to the département's CRIP (CASF L226-2-1, L226-3), a person to
  hear or a complaint to police and gendarmerie units (CPP art. 15-3, 17), a
  report to the labour inspectorate (Code du travail L8112-1, L8113-7).
  A body of that type is a recipient whatever its directory profile lists.
- The export key needs no schema change: it is the organisation's identifier
  (slug), already unique and stable (exports.py).
"""

from django.db import migrations, models

FORMS_EN = {
    "PROX": "Pimping (exploitation of prostitution)",
    "SEX": "Sexual assault or abuse",
    "ESCL": "Slavery",
    "TRAV_FORCE": "Forced labour or services",
    "SERVITUDE": "Servitude",
    "ORGANE": "Organ removal",
    "MENDICITE": "Exploitation of begging",
    "DIGNITE": "Working or living conditions contrary to human dignity",
    "DELITS_FORCES": "Forced criminality",
    "MARIAGE_FORCE": "Forced marriage",
    "ADOPTION_ILLEGALE": "Illegal adoption",
    "GPA": "Exploitation of surrogacy",
}

SERVICES_EN = {
    "secure_accommodation": "Secure accommodation",
    "emergency_accommodation": "Emergency accommodation",
    "psychological_support": "Psychological support",
    "medical_care": "Medical care",
    "interpretation": "Interpreting and translation",
    "legal_aid": "Legal information and assistance",
    "residence_procedures": "Help with residence procedures",
    "social_support": "Social support",
    "training_employment": "Training and access to employment",
    "schooling_minors": "Schooling of minors",
    "outreach": "Outreach",
    "identification": "Detection and identification",
    "assisted_return": "Assisted voluntary return",
    "professional_training": "Training of professionals",
}

# (code, French label, English label, legal basis, receiving organisation types)
TRANSMISSIONS = [
    (
        "report_prosecutor",
        "Signalement au procureur de la République",
        "Report to the public prosecutor",
        "Code de procédure pénale art. 40 ; CASF art. L226-4",
        ["prosecutor"],
    ),
    (
        "information_preoccupante",
        "Information préoccupante (protection de l'enfance)",
        "Child-protection referral (information préoccupante)",
        "CASF art. L226-2-1 et L226-3",
        ["child_protection"],
    ),
    (
        "hearing_complaint",
        "Personne à entendre ou plainte à recevoir",
        "Person to be heard or complaint to be taken",
        "Code de procédure pénale art. 15-3 et 17",
        ["police"],
    ),
    (
        "labour_inspection_report",
        "Signalement à l'inspection du travail",
        "Report to the labour inspectorate",
        "Code du travail art. L8112-1 et L8113-7",
        ["labour_inspection"],
    ),
]


def seed(apps, schema_editor):
    ExploitationForm = apps.get_model("directory", "ExploitationForm")
    Service = apps.get_model("directory", "Service")
    for code, label_en in FORMS_EN.items():
        ExploitationForm.objects.filter(code=code).update(label_en=label_en)
    for code, label_en in SERVICES_EN.items():
        Service.objects.filter(code=code).update(label_en=label_en)
    last = Service.objects.aggregate(models.Max("order"))["order__max"] or 0
    for offset, (code, label, label_en, source, types) in enumerate(TRANSMISSIONS, start=1):
        Service.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "label_en": label_en,
                "source": source,
                "receiving_types": types,
                "order": last + offset,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("directory", "Service").objects.filter(code__in=[t[0] for t in TRANSMISSIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_search_dotted_abbreviations")]

    operations = [
        migrations.AddField(
            model_name="exploitationform",
            name="label_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="libellé en anglais"),
        ),
        migrations.AddField(
            model_name="service",
            name="label_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="libellé en anglais"),
        ),
        migrations.AddField(
            model_name="service",
            name="receiving_types",
            field=models.JSONField(blank=True, default=list, verbose_name="destinataires prévus par la loi"),
        ),
        migrations.RunPython(seed, unseed),
    ]
