from django.db import migrations, models

from openbanking_portal import beat_schedule


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_categories"), beat_schedule.DEPENDENCY]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="email_attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="이메일 발송 시도"),
        ),
        beat_schedule.every(
            "실패한 알림 이메일 재발송", "notifications.tasks.resend_failed_emails", minutes=15
        ),
    ]
