from celery import shared_task

from . import webhooks


@shared_task
def emit_webhooks(entry_id: int) -> list[int]:
    return webhooks.emit_for_audit_entry(entry_id=entry_id)


@shared_task(bind=True, max_retries=webhooks.MAX_ATTEMPTS)
def deliver_webhook(self, delivery_id: int) -> str:
    try:
        return webhooks.attempt_delivery(delivery_id=delivery_id).status
    except ConnectionError as exc:
        if self.request.is_eager:
            return "retrying"  # the embedded default has no broker to schedule a later retry
        raise self.retry(
            exc=exc, countdown=webhooks.backoff_seconds(self.request.retries + 1)
        ) from exc
