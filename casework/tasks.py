"""Thin Celery tasks (STYLE §5): all idempotent."""

import datetime

from celery import shared_task


@shared_task
def escalate_breaches(now: str | None = None) -> int:
    """Beat, daily: escalate every newly breached SLA clock (`now` ISO, for a replay)."""
    from .escalation import escalate_breaches as escalate

    return len(escalate(now=datetime.datetime.fromisoformat(now) if now else None))


@shared_task
def notify_team_lead(escalation_id: int) -> int:
    from .escalation import notify_team_lead as notify

    return notify(escalation_id=escalation_id)


@shared_task
def run_monitoring(day: str | None = None) -> int:
    """Beat, daily after the usage import: run the monitoring rules on yesterday's data."""
    from .monitoring import run_monitoring as run

    return len(run(day=datetime.date.fromisoformat(day) if day else None))


@shared_task
def send_warning_notice(warning_id: int) -> int:
    from .monitoring import send_warning_notice as send

    return send(warning_id=warning_id)


@shared_task
def notify_staff_of_warnings(warning_ids: list[int]) -> int:
    from .monitoring import notify_staff_of_warnings as notify

    return notify(warning_ids=warning_ids)


@shared_task
def warn_amber_clocks(now: str | None = None) -> int:
    """Beat, daily: tell team leads about clocks that turned amber (once per stretch)."""
    from .escalation import warn_amber_clocks as warn

    return warn(now=datetime.datetime.fromisoformat(now) if now else None)
