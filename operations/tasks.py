"""Thin Celery tasks: load ids, call a service; all safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone


@shared_task
def bill_month(month: str) -> int:
    """Bill `month` ('YYYY-MM')."""
    from .billing import bill_month as bill
    from .billing import parse_month

    return bill(month=parse_month(month))


@shared_task
def bill_previous_month() -> int:
    """Beat, 1st of each month: bill the month that just ended."""
    from .billing import add_months, month_start
    from .billing import bill_month as bill

    return bill(month=add_months(month_start(timezone.localdate()), -1))


@shared_task
def render_invoices_of_month(month: str) -> int:
    from .invoices import pending_documents, store_invoice_pdf

    ids = pending_documents(datetime.date.fromisoformat(month))
    for invoice_id in ids:
        store_invoice_pdf(invoice_id=invoice_id)
    return len(ids)


@shared_task
def render_invoice(invoice_id: int) -> None:
    from .invoices import store_invoice_pdf

    store_invoice_pdf(invoice_id=invoice_id)


@shared_task
def send_payment_reminders() -> int:
    from .payments import send_payment_reminders as send

    return send()


@shared_task
def check_missed_payments() -> int:
    from .payments import check_missed_payments as check

    return len(check())


@shared_task
def notify_staff_of_sanction_case(case_id: int) -> int:
    from .payments import send_staff_notice

    return send_staff_notice(case_id=case_id)
