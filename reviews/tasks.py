from celery import shared_task

from .notifications import notify_review_event


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_review_email(entry_id: int) -> int:
    return notify_review_event(entry_id=entry_id)
