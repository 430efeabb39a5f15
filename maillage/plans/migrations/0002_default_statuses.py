"""Default workflow-status catalogue (Decidim: each status carries a default progress).

Data, not code: the coordination may edit labels or add statuses in the admin."""

from django.db import migrations

STATUSES = [
    ("a-lancer", "À lancer", 0, 10),
    ("engagee", "Engagée", 25, 20),
    ("bien-avancee", "Bien avancée", 75, 30),
    ("realisee", "Réalisée", 100, 40),
    ("abandonnee", "Abandonnée", 0, 50),
]


def forwards(apps, schema_editor):
    MeasureStatus = apps.get_model("plans", "MeasureStatus")
    for code, label, progress, order in STATUSES:
        MeasureStatus.objects.update_or_create(code=code, defaults={"label": label, "default_progress": progress, "order": order})


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
