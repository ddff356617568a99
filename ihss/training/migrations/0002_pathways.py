from django.db import migrations

from ihss.training.names import PATHWAYS


def seed(apps, schema_editor):
    Pathway = apps.get_model("training", "Pathway")
    for code, category, name, needs, order in PATHWAYS:
        Pathway.objects.update_or_create(
            code=code,
            defaults={"category": category, "name": name, "serves_needs": needs, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
