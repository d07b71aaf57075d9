"""Daily beat task telling team leads about SLA clocks that turned amber."""

from django.db import migrations

from openbanking_portal import beat_schedule


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_warning_notice_sent_at"), beat_schedule.DEPENDENCY]
    operations = [
        beat_schedule.daily(
            "SLA 임박 안내 (팀장)", "casework.tasks.warn_amber_clocks", hour=8, minute=40
        )
    ]
