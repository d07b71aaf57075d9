"""Factories and helpers for the operations tests (issue 6)."""

import datetime

import factory

from operations.models import DailyUsage, Invoice
from policies.models import PolicyKind, PolicyVersion

from .factories import InstitutionFactory

SMALL = 500_000_000  # 5억원 < 20억원
LARGE = 3_000_000_000  # 30억원
CRITERION_COUNT = 100_000
CRITERION_AMOUNT = 10_000_000_000


class DailyUsageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyUsage

    institution = factory.SubFactory(InstitutionFactory)
    day = datetime.date(2026, 9, 15)
    api = "withdraw"
    count = 10
    amount_krw = 100_000


def month_usage(institution, month: datetime.date, *, api="withdraw", count=10, amount=100_000):
    """One month's usage as a single day's row (the billing sums by month)."""
    return DailyUsageFactory(
        institution=institution, day=month.replace(day=10), api=api, count=count, amount_krw=amount
    )


def fees_policy() -> dict:
    return PolicyVersion.objects.in_force(PolicyKind.FEES, datetime.date(2026, 1, 1)).data


def overdue_invoice(institution, month: datetime.date, *, due_on: datetime.date, total=1_000):
    return Invoice.objects.create(
        institution=institution,
        month=month,
        number=f"INV-{month:%Y%m}-{institution.pk:06d}",
        size_class="small_medium",
        policy_version=PolicyVersion.objects.in_force(PolicyKind.FEES, month),
        issued_on=month,
        due_on=due_on,
        processing_total_krw=total,
        main_bank_total_krw=0,
        total_krw=total,
    )
