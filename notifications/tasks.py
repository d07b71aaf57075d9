"""Thin Celery tasks (STYLE §5)."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_event(entry_id: int) -> int:
    from .events import notify_event as notify

    return notify(entry_id=entry_id)


@shared_task
def resend_failed_emails() -> int:
    from .services import resend_failed_emails as resend

    return resend()
