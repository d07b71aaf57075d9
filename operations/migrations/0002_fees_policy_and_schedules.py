"""DOMAIN §5.2 fee levels as a policy version, and the beat schedule of billing and payment follow-up."""

import json

from django.db import migrations

from operations.fees_policy import DEFAULT_FEES, EFFECTIVE_FROM

# (name, task, minute, hour, day_of_month)
TASKS = [
    ("월 수수료 청구 (매월 1일)", "operations.tasks.bill_previous_month", "0", "2", "1"),
    ("수수료 납부 안내·독촉", "operations.tasks.send_payment_reminders", "0", "9", "*"),
    ("수수료 미납 점검 (3회 미납 → 이용중지 제안)", "operations.tasks.check_missed_payments", "30", "1", "*"),
]


def load(apps, schema_editor):
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    PolicyVersion.objects.get_or_create(
        kind="fees",
        effective_from=EFFECTIVE_FROM,
        defaults={"data": DEFAULT_FEES, "note": "DOMAIN §5.2 (2019-12-18 시행)"},
    )
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, dom in TASKS:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month=dom,
            month_of_year="*",
            timezone="Asia/Seoul",
        )
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "args": json.dumps([])}
        )


def unload(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task__in=[t for _, t, _, _, _ in TASKS]
    ).delete()
    apps.get_model("policies", "PolicyVersion").objects.filter(
        kind="fees", effective_from=EFFECTIVE_FROM
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0001_initial"),
        ("policies", "0004_calendar_kind"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(load, unload)]
