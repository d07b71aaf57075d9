"""The contract step's beat tasks (django-celery-beat), daily in Asia/Seoul."""

import json

from django.db import migrations

# (name, task, hour, minute)
TASKS = [
    ("계약변경 효력 발생 (2영업일 후)", "contracts.tasks.apply_contract_changes", "0", "10"),
    ("개별은행 보증 협의 기한 종료 (30일)", "contracts.tasks.close_guarantee_windows", "0", "20"),
    ("서비스 실시일 도래 신청 실시", "contracts.tasks.launch_due_applications", "0", "30"),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour, minute in TASKS:
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Seoul",
        )
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "args": json.dumps([])}
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[t for _, t, _, _ in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0003_contract_terms_accounts_guarantee_documents"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
