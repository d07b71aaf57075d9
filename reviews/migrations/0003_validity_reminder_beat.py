"""Daily beat task reminding institutions and staff before a security-check result expires."""

from django.db import migrations

from openbanking_portal import beat_schedule


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_security_check_validity"), beat_schedule.DEPENDENCY]
    operations = [
        beat_schedule.daily(
            "보안점검 결과 유효기간 만료 안내",
            "reviews.tasks.remind_security_check_validity",
            hour=8,
            minute=10,
        )
    ]
