"""Load the shipped questionnaire version (data/questionnaire-2025-v1.json)."""

import json
from importlib import resources

from django.db import migrations


def load(apps, schema_editor):
    Questionnaire = apps.get_model("statistics", "Questionnaire")
    definition = json.loads(
        resources.files("maillage.statistics").joinpath("data", "questionnaire-2025-v1.json").read_text("utf-8")
    )
    Questionnaire.objects.update_or_create(
        code=definition["code"], version=definition["version"], defaults={"definition": definition}
    )


class Migration(migrations.Migration):
    dependencies = [("statistics", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
