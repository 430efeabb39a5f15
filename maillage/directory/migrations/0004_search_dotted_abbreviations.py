"""Recompute the stored search columns after the normalisation learnt dotted
abbreviations (« Ac.Sé » is now also stored as « acse », search.py), so that
« ACSE » finds the profiles written before.

Uses the current `services.search_text_for` (the columns must hold exactly
what the services write today); on PostgreSQL the generated `search_vector`
column follows. Rows already up to date are not rewritten.
"""

from django.db import migrations

BATCH = 2000


def recompute_search_text(apps, schema_editor):
    from maillage.directory.services import search_text_for

    Profile = apps.get_model("directory", "Profile")
    qs = Profile.objects.select_related("organisation").prefetch_related("services", "exploitation_forms", "publics").order_by("pk")
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        changed = []
        for profile in batch:
            name, text = search_text_for(
                profile,
                service_labels=[s.label for s in profile.services.all()],
                form_labels=[f.label for f in profile.exploitation_forms.all()],
                public_codes=[p.code for p in profile.publics.all()],
            )
            if (name, text) != (profile.search_name, profile.search_text):
                profile.search_name, profile.search_text = name, text
                changed.append(profile)
        Profile.objects.bulk_update(changed, ["search_name", "search_text"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_postgres_full_text")]

    operations = [migrations.RunPython(recompute_search_text, migrations.RunPython.noop, elidable=True)]
