"""Thin Celery tasks: load ids, call a service; each is safe to run twice."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_contract_document(document_id: int) -> str:
    from .documents import store_rendered_document

    return store_rendered_document(document_id=document_id).sha256


@shared_task
def close_guarantee_windows() -> list[int]:
    from .guarantee import close_due_windows

    return close_due_windows()


@shared_task
def apply_contract_changes() -> list[int]:
    from .changes import apply_due_changes

    return apply_due_changes()


@shared_task
def launch_due_applications() -> dict:
    from .launch import launch_due

    return launch_due()
