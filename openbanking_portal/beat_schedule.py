"""Data migrations that put a Celery beat task into django-celery-beat's schedule (staff can
then change its time in the admin). Each returns a RunPython operation, reversible."""

from django.db import migrations

DEPENDENCY = ("django_celery_beat", "0019_alter_periodictasks_options")


def _unschedule(task: str):
    def remove(apps, schema_editor):
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=task).delete()

    return remove


def daily(name: str, task: str, *, hour: int, minute: int) -> migrations.RunPython:
    """Every day at hour:minute, Korean time."""

    def create(apps, schema_editor):
        schedule, _ = apps.get_model("django_celery_beat", "CrontabSchedule").objects.get_or_create(
            minute=str(minute),
            hour=str(hour),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Seoul",
        )
        apps.get_model("django_celery_beat", "PeriodicTask").objects.update_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "args": "[]"}
        )

    return migrations.RunPython(create, _unschedule(task))


def every(name: str, task: str, *, minutes: int) -> migrations.RunPython:
    def create(apps, schema_editor):
        interval, _ = apps.get_model(
            "django_celery_beat", "IntervalSchedule"
        ).objects.get_or_create(every=minutes, period="minutes")
        apps.get_model("django_celery_beat", "PeriodicTask").objects.update_or_create(
            name=name, defaults={"task": task, "interval": interval, "args": "[]"}
        )

    return migrations.RunPython(create, _unschedule(task))
