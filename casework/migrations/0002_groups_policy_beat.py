"""Team-lead groups per SLA step, the first monitoring rules, and the daily beat tasks."""

import datetime
import json

from django.db import migrations

GROUPS = [
    "SLA 팀장 - 이용승인",
    "SLA 팀장 - 보완",
    "SLA 팀장 - 기능테스트",
    "SLA 팀장 - 보안점검",
    "SLA 팀장 - 계약",
    "SLA 팀장 - 개별은행 협의",
]

MONITORING_RULES = {
    "rules": [
        {
            "code": "testbed_error_rate",
            "kind": "error_rate",
            "label": "오류율 기준 초과",
            "threshold": 0.2,
            "min_calls": 20,
            "action": "notice",
        },
        {
            "code": "daily_withdrawal_limit_reached",
            "kind": "withdrawal_limit",
            "label": "일 출금한도 도달",
            "ratio": 1.0,
            "action": "limit_reduction",
        },
        {
            "code": "arrears_notice",
            "kind": "arrears",
            "label": "수수료 미납",
            "min_overdue_invoices": 1,
            "action": "notice",
        },
        {
            "code": "arrears_suspension",
            "kind": "arrears",
            "label": "수수료 3회 이상 미납",
            "min_overdue_invoices": 3,
            "action": "suspension_proposal",
            "trigger": "unpaid_fees",
        },
    ]
}

# (name, task, hour, minute) — daily, Asia/Seoul
TASKS = [
    ("SLA 초과 에스컬레이션", "casework.tasks.escalate_breaches", "7", "0"),
    ("모니터링 규칙 실행 (전일 이용실적)", "casework.tasks.run_monitoring", "6", "30"),
]


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    PolicyVersion.objects.get_or_create(
        kind="monitoring",
        effective_from=datetime.date(2019, 12, 18),
        defaults={"data": MONITORING_RULES, "note": "최초 모니터링 규칙"},
    )
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
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task__in=[t for _, t, _, _ in TASKS]
    ).delete()
    apps.get_model("policies", "PolicyVersion").objects.filter(
        kind="monitoring", effective_from=datetime.date(2019, 12, 18)
    ).delete()
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0001_initial"),
        ("policies", "0005_scoring_policies"),
        ("operations", "0002_fees_policy_and_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create, remove)]
