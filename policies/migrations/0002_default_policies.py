import datetime

from django.db import migrations

# Values from DOMAIN.md at the portal's start; later versions are added by staff in the admin.
EFFECTIVE = datetime.date(2019, 12, 18)
DEFAULTS = {
    "size_class": {"large_capital_krw": 2_000_000_000},
    "review_targets": {"approval_business_days": 5},
}


def load(apps, schema_editor):
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    for kind, data in DEFAULTS.items():
        PolicyVersion.objects.get_or_create(
            kind=kind, effective_from=EFFECTIVE, defaults={"data": data, "note": "DOMAIN.md 초기값"}
        )


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
