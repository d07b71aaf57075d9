from celery import shared_task

from .notifications import notify_state_change


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_state_change_email(entry_id: int) -> int:
    return notify_state_change(entry_id=entry_id)
