"""Read side of the staff dashboard (issue 6.6): a handful of aggregate queries, no loops over rows."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from applications.statistics import StatisticsRow, application_statistics
from openbanking_portal.kept import Kept

from .models import Invoice, SanctionCase, SubMerchant
from .payments import missed_counts


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
    checks_overdue: int


# The figures count every unpaid invoice, open case and waiting check on every view of the dashboard;
# they are kept until one of their sources changes (OperationsConfig.ready connects them), in two
# parts so that a payment does not recount the checks: fees and cases, and the overdue checks
# (kept at most a minute: a check or a round becomes overdue with the clock alone).
FEES_AND_CASES = Kept(
    "dashboard-fees-cases", seconds=300, refresh=lambda: figures(timezone.localdate())
)
OVERDUE_CHECKS = Kept(
    "dashboard-overdue-checks", seconds=60, refresh=lambda: figures(timezone.localdate())
)


def kept_sources() -> None:
    """What the figures are counted from (OperationsConfig.ready)."""
    from applications.models import Application, AuditEntry
    from openbanking_portal.kept import changes_state, created
    from reviews.models import FunctionalTestRound, SecurityCheck

    from .models import Payment

    FEES_AND_CASES.drop_on_change(Invoice, Payment, SanctionCase, SubMerchant)
    OVERDUE_CHECKS.drop_on_change(SecurityCheck, FunctionalTestRound)
    # They count only cases still in the step: a case's state, not its other edits.
    OVERDUE_CHECKS.drop_on_change(Application, when=created)
    OVERDUE_CHECKS.drop_on_change(AuditEntry, when=changes_state)


def checks_overdue(targets) -> int:
    """Functional-test rounds and security checks past their SLA (`review_targets`), in one query."""
    from reviews.models import FunctionalTestRound, SecurityCheck

    security_checks = (
        SecurityCheck.objects.overdue(targets.security_check_days).values_list("pk").order_by()
    )
    test_rounds = (
        FunctionalTestRound.objects.overdue(targets.functional_test_days)
        .values_list("pk")
        .order_by()
    )
    return security_checks.union(test_rounds, all=True).count()


def figures(today: datetime.date) -> dict[str, int]:
    from reviews.sla import review_targets

    targets = review_targets()
    days = f"{targets.security_check_days}:{targets.functional_test_days}"
    return {
        **FEES_AND_CASES.get(today.isoformat(), lambda: _count_fees_and_cases(today)),
        "checks_overdue": OVERDUE_CHECKS.get(days, lambda: checks_overdue(targets)),
    }


def _count_fees_and_cases(today: datetime.date) -> dict[str, int]:
    # Two plain queries: one aggregate over a per-institution subquery gives the same figures but
    # costs Django more to compile than both (measured: ~3.5 against ~2.1 ms CPU).
    unpaid = Invoice.objects.unpaid().aggregate(
        n=Count("id"),
        total=Sum("total_krw", default=0),
        paid=Sum("paid_krw", default=0),
        overdue=Count("id", filter=Q(due_on__lt=today)),
    )
    missed = list(missed_counts(today).values())
    return {
        "outstanding_count": unpaid["n"],
        "outstanding_krw": unpaid["total"] - unpaid["paid"],
        "overdue_count": unpaid["overdue"],
        "missed_one": sum(1 for n in missed if n == 1),
        "missed_two": sum(1 for n in missed if n == 2),
        "missed_three_or_more": sum(1 for n in missed if n >= 3),
        "open_cases": SanctionCase.objects.filter(status=SanctionCase.Status.PROPOSED).count(),
        "sub_merchants_waiting": SubMerchant.objects.filter(
            status=SubMerchant.Status.SUBMITTED
        ).count(),
    }


def dashboard(today: datetime.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    return Dashboard(statistics=application_statistics(), **figures(today))
