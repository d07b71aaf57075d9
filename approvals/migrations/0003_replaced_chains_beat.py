"""Daily beat task cancelling the levels pending under a chain version replaced from today."""

from django.db import migrations

from openbanking_portal import beat_schedule


class Migration(migrations.Migration):
    dependencies = [("approvals", "0002_approval_record_cancelled"), beat_schedule.DEPENDENCY]
    operations = [
        beat_schedule.daily(
            "결재 단계 새 버전 시행 — 이전 버전 결재 취소",
            "approvals.tasks.cancel_replaced_chains",
            hour=0,
            minute=5,
        )
    ]
