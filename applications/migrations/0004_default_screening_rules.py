from django.db import migrations


def load(apps, schema_editor):
    from applications.screening_rules import (
        DEFAULT_EFFECTIVE_FROM,
        DEFAULT_RULES,
        DEFAULT_RULES_VERSION,
    )

    ScreeningRuleSet = apps.get_model("applications", "ScreeningRuleSet")
    ScreeningRuleSet.objects.get_or_create(
        version=DEFAULT_RULES_VERSION,
        defaults={
            "effective_from": DEFAULT_EFFECTIVE_FROM,
            "rules": DEFAULT_RULES,
            "note": "DOMAIN §3·§4·§8 최초 규칙",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("applications", "0003_online_form_documents_screening")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
