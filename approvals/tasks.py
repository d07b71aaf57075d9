"""Thin Celery tasks (STYLE §5): call a service; safe to run twice."""

from celery import shared_task


@shared_task
def cancel_replaced_chains() -> int:
    """Beat, daily at 00:05 Korean time: cancel the levels pending under a replaced chain."""
    from .chains import cancel_all_replaced_chains

    return cancel_all_replaced_chains()
