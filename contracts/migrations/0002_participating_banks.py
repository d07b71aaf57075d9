from django.db import migrations

from contracts.banks import load_participating_banks


def load(apps, schema_editor):
    load_participating_banks(apps.get_model("contracts", "Bank"))


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
