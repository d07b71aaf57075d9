"""Read side of the staff dashboard (issue 6.6): a handful of aggregate queries, no loops over rows."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from applications.statistics import StatisticsRow, application_statistics

from .models import Invoice, SanctionCase, SubMerchant


@dataclasses.dataclass(frozen=True)
class Dashboard:
    statistics: list[StatisticsRow]
    outstanding_count: int
    outstanding_krw: int
    overdue_count: int
    missed_one: int
    missed_two: int
    missed_three_or_more: int
    open_cases: int
    sub_merchants_waiting: int
    checks_overdue: int | None


def checks_overdue() -> int | None:
    """Functional-test rounds and security checks past their SLA (reviews app, `review_targets`),
    counted in one query."""
    try:
        from reviews.models import FunctionalTestRound, SecurityCheck
        from reviews.sla import review_targets
    except ImportError:  # the reviews app does not record them
        return None
    targets = review_targets()
    security_checks = (
        SecurityCheck.objects.with_overdue(targets.security_check_days)
        .filter(is_overdue=True)
        .values_list("pk")
        .order_by()
    )
    test_rounds = (
        FunctionalTestRound.objects.with_overdue(targets.functional_test_days)
        .filter(is_overdue=True)
        .values_list("pk")
        .order_by()
    )
    return security_checks.union(test_rounds, all=True).count()


def unpaid_invoices(today: datetime.date) -> dict[str, int]:
    """The unpaid invoices and the institutions by missed payments (overdue and unpaid invoices,
    DOMAIN §9), in one query: the invoices are summed per institution, then the institutions."""
    per_institution = (
        Invoice.objects.unpaid()
        .values("institution_id")
        .annotate(
            unpaid=Count("id"),
            billed=Sum("total_krw"),
            paid=Sum("paid_krw"),
            missed=Count("id", filter=Q(due_on__lt=today)),
        )
        .order_by()
    )
    # The outer names differ from the inner ones (Django cannot compile a reused alias here).
    return per_institution.aggregate(
        count=Sum("unpaid", default=0),
        billed_krw=Sum("billed", default=0),
        paid_krw=Sum("paid", default=0),
        overdue=Sum("missed", default=0),
        missed_one=Count("institution_id", filter=Q(missed=1)),
        missed_two=Count("institution_id", filter=Q(missed=2)),
        missed_three_or_more=Count("institution_id", filter=Q(missed__gte=3)),
    )


def dashboard(today: datetime.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    unpaid = unpaid_invoices(today)
    return Dashboard(
        statistics=application_statistics(),
        outstanding_count=unpaid["count"],
        outstanding_krw=unpaid["billed_krw"] - unpaid["paid_krw"],
        overdue_count=unpaid["overdue"],
        missed_one=unpaid["missed_one"],
        missed_two=unpaid["missed_two"],
        missed_three_or_more=unpaid["missed_three_or_more"],
        open_cases=SanctionCase.objects.filter(status=SanctionCase.Status.PROPOSED).count(),
        sub_merchants_waiting=SubMerchant.objects.filter(
            status=SubMerchant.Status.SUBMITTED
        ).count(),
        checks_overdue=checks_overdue(),
    )
