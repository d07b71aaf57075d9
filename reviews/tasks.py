from celery import shared_task

from .notifications import notify_review_event


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_review_email(entry_id: int) -> int:
    return notify_review_event(entry_id=entry_id)


@shared_task
def remind_security_check_validity() -> int:
    """Daily (beat): e-mail before a security-check result's validity date; idempotent."""
    from .validity import send_validity_reminders

    return len(send_validity_reminders())
