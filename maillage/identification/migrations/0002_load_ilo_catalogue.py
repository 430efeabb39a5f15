"""Load the shipped ILO/EC 2009 indicator sets (AL, CL complete; AS, CS
incomplete until transcribed, rules.md §1.5.3)."""

from django.db import migrations


def load(apps, schema_editor):
    from maillage.identification.catalogue import load_catalogue

    load_catalogue(apps)


class Migration(migrations.Migration):
    dependencies = [("identification", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
