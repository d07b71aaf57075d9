"""DOMAIN §5.2 — the monthly institution fee: processing cost per call plus the main-bank fee.

`fee_for` is the pure rule over a dataclass. `month_usage` is the one aggregate query that feeds it:
per institution and API, the month's count and amount and the three previous months' totals, summed
by the database. `bill_month` freezes the result into invoices, once per institution and month.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone

from applications.audit import log_action
from applications.models import SizeClass
from applications.models.application import State
from applications.models.institution import size_class_for
from policies.calendar import BusinessCalendar
from policies.models import PolicyKind, PolicyVersion
from policies.services import large_capital_threshold

from .invoices import invoice_snapshot
from .models import BillingRun, Invoice, InvoiceLine, LineKind, UsageApi

BASIC = "basic"
REDUCED = "reduced"
AGREED = "agreed"


# --- months -----------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def parse_month(text: str) -> datetime.date:
    """'2026-10' → 2026-10-01."""
    return datetime.datetime.strptime(text.strip()[:7], "%Y-%m").date()


# --- the pure rule ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MonthTotals:
    count: int
    amount_krw: int


@dataclasses.dataclass(frozen=True)
class FeeInput:
    size_class: str  # SizeClass value
    api: str
    month: MonthTotals
    previous: Sequence[MonthTotals]  # M-1, M-2, M-3 (most recent first)
    main_bank_unit_krw: int = 0


@dataclasses.dataclass(frozen=True)
class FeeResult:
    api: str
    tier: str  # basic / reduced
    unit_cost_krw: int
    processing_krw: int
    main_bank_unit_krw: int
    main_bank_krw: int
    exceeded: tuple[bool, ...]  # the previous months, most recent first

    @property
    def total_krw(self) -> int:
        return self.processing_krw + self.main_bank_krw


def exceeds(totals: MonthTotals, api_rule: Mapping) -> bool:
    """(reading) a month exceeds the criterion when its amount or its count is above it."""
    return totals.amount_krw > int(api_rule["criterion_amount_krw"]) or totals.count > int(
        api_rule["criterion_count"]
    )


def fee_for(item: FeeInput, policy: Mapping) -> FeeResult:
    """DOMAIN §5.2. Large institutions (and banks) pay the basic cost; small/medium ones the reduced
    cost, unless the API exceeded its criterion in each of the previous N months (N = 3)."""
    rule = policy["apis"][item.api]
    window = int(policy.get("consecutive_months_for_basic", 3))
    exceeded = tuple(exceeds(m, rule) for m in item.previous[:window])
    if item.size_class != SizeClass.SMALL_MEDIUM or (len(exceeded) == window and all(exceeded)):
        tier = BASIC
    else:
        tier = REDUCED
    unit = int(rule[f"{tier}_krw"])
    return FeeResult(
        api=item.api,
        tier=tier,
        unit_cost_krw=unit,
        processing_krw=unit * item.month.count,
        main_bank_unit_krw=item.main_bank_unit_krw,
        main_bank_krw=item.main_bank_unit_krw * item.month.count,
        exceeded=exceeded,
    )


# --- the aggregate query ----------------------------------------------------------------------


def month_usage(*, month: datetime.date, apis: Sequence[str], window: int = 3):
    """One query: per (institution, API) with usage in `month`, the month's and the previous
    `window` months' count and amount. Institutions already invoiced for the month are left out.
    (Grouped by the two keys only: the institutions' own columns come in a second query.)"""
    from .models import DailyUsage

    first = add_months(month, -window)
    end = add_months(month, 1)
    sums = {}
    for k in range(window + 1):
        start = add_months(month, -k)
        in_month = Q(day__gte=start, day__lt=add_months(start, 1))
        sums[f"c{k}"] = Sum("count", filter=in_month, default=0)
        sums[f"a{k}"] = Sum("amount_krw", filter=in_month, default=0)
    invoiced = Invoice.objects.filter(institution_id=OuterRef("institution_id"), month=month)
    return (
        DailyUsage.objects.filter(day__gte=first, day__lt=end, api__in=list(apis))
        .filter(~Exists(invoiced))
        .values("institution_id", "api")
        .annotate(**sums)
        .filter(c0__gt=0)
        .order_by("institution_id", "api")
    )


INSTITUTION_FIELDS = [
    "institution_type",
    "paid_in_capital",
    "name",
    "business_registration_number",
    "representative",
    "address",
]


def institution_facts(institution_ids) -> dict[int, dict]:
    """One query: what the size class and the frozen invoice need, per institution."""
    from applications.models import Institution

    rows = Institution.objects.filter(pk__in=institution_ids).values("pk", *INSTITUTION_FIELDS)
    return {r["pk"]: {f"institution__{k}": r[k] for k in INSTITUTION_FIELDS} for r in rows}


def main_bank_units(institution_ids) -> dict[int, dict[str, int]]:
    """Per institution, the main-bank fee per call agreed in its signed contract (DOMAIN §5.2)."""
    from contracts.models import Contract

    rows = (
        Contract.objects.filter(
            application__institution_id__in=institution_ids, signed_at__isnull=False
        )
        .exclude(application__state__in=[State.REJECTED, State.WITHDRAWN])
        .order_by("signed_at")
        .values_list(
            "application__institution_id",
            "main_bank_withdrawal_fee_krw",
            "main_bank_deposit_fee_krw",
        )
    )
    # Ordered by signing date, so the latest contract wins.
    return {inst: {UsageApi.WITHDRAW: w or 0, UsageApi.DEPOSIT: d or 0} for inst, w, d in rows}


# --- the service ------------------------------------------------------------------------------


def fees_policy(on: datetime.date) -> PolicyVersion:
    return PolicyVersion.objects.in_force(PolicyKind.FEES, on)


def due_date(*, issued_on: datetime.date, policy: Mapping, calendar=None) -> datetime.date:
    calendar = calendar or BusinessCalendar.current()
    return calendar.add_business_days(issued_on, int(policy.get("invoice_due_business_days", 10)))


def bill_month(
    *, month: datetime.date, issued_on: datetime.date | None = None, queue_documents: bool = True
) -> int:
    """Invoice every institution with billed usage in `month` that has no invoice for it yet.

    Returns the number of invoices created; running a month again creates none (one invoice per
    institution and month, guarded by the billing-run row lock and a unique constraint)."""
    month = month_start(month)
    issued_on = issued_on or timezone.localdate()
    version = fees_policy(month)
    policy = version.data
    apis = list(policy["apis"])
    window = int(policy.get("consecutive_months_for_basic", 3))
    threshold = large_capital_threshold(month)
    due_on = due_date(issued_on=issued_on, policy=policy)
    with transaction.atomic():
        run, _created = BillingRun.objects.get_or_create(month=month)
        run = BillingRun.objects.select_for_update().get(pk=run.pk)
        rows = list(month_usage(month=month, apis=apis, window=window))
        ids = {r["institution_id"] for r in rows}
        facts = institution_facts(ids)
        units = main_bank_units(ids)
        by_institution: dict[int, list[tuple[dict, FeeResult]]] = {}
        for r in rows:
            r.update(facts[r["institution_id"]])
            size = size_class_for(
                institution_type=r["institution__institution_type"],
                paid_in_capital=r["institution__paid_in_capital"],
                threshold=threshold,
            )
            item = FeeInput(
                size_class=size,
                api=r["api"],
                month=MonthTotals(r["c0"], r["a0"]),
                previous=[MonthTotals(r[f"c{k}"], r[f"a{k}"]) for k in range(1, window + 1)],
                main_bank_unit_krw=units.get(r["institution_id"], {}).get(r["api"], 0),
            )
            by_institution.setdefault(r["institution_id"], []).append((r, fee_for(item, policy)))
        invoices = Invoice.objects.bulk_create(
            [
                _invoice(inst, results, month, issued_on, due_on, version, threshold)
                for inst, results in by_institution.items()
            ],
            batch_size=1000,
        )
        lines = []
        for invoice in invoices:
            for r, fee in by_institution[invoice.institution_id]:
                lines += _lines(invoice, r, fee)
        InvoiceLine.objects.bulk_create(lines, batch_size=2000)
        run.finished_at = timezone.now()
        run.invoices_created += len(invoices)
        run.save(update_fields=["finished_at", "invoices_created"])
        if invoices:
            log_action(
                action="billing.month_billed",
                data={"month": month.isoformat(), "invoices": len(invoices)},
            )
        if queue_documents and invoices:
            transaction.on_commit(lambda: _queue_documents(month))
    return len(invoices)


def _invoice(inst, results, month, issued_on, due_on, version, threshold) -> Invoice:
    r0 = results[0][0]
    size = size_class_for(
        institution_type=r0["institution__institution_type"],
        paid_in_capital=r0["institution__paid_in_capital"],
        threshold=threshold,
    )
    processing = sum(f.processing_krw for _r, f in results)
    main_bank = sum(f.main_bank_krw for _r, f in results)
    number = f"INV-{month:%Y%m}-{inst:06d}"
    return Invoice(
        institution_id=inst,
        month=month,
        number=number,
        size_class=size,
        policy_version=version,
        issued_on=issued_on,
        due_on=due_on,
        processing_total_krw=processing,
        main_bank_total_krw=main_bank,
        total_krw=processing + main_bank,
        data=invoice_snapshot(
            number=number,
            row=r0,
            results=results,
            month=month,
            issued_on=issued_on,
            due_on=due_on,
            size_class=size,
            version=version,
        ),
    )


def _lines(invoice: Invoice, r: dict, fee: FeeResult) -> list[InvoiceLine]:
    lines = [
        InvoiceLine(
            invoice=invoice,
            kind=LineKind.PROCESSING,
            api=fee.api,
            tier=fee.tier,
            count=r["c0"],
            amount_krw=r["a0"],
            unit_cost_krw=fee.unit_cost_krw,
            total_krw=fee.processing_krw,
        )
    ]
    if fee.main_bank_unit_krw:
        lines.append(
            InvoiceLine(
                invoice=invoice,
                kind=LineKind.MAIN_BANK,
                api=fee.api,
                tier=AGREED,
                count=r["c0"],
                amount_krw=r["a0"],
                unit_cost_krw=fee.main_bank_unit_krw,
                total_krw=fee.main_bank_krw,
            )
        )
    return lines


def _queue_documents(month: datetime.date) -> None:
    from .tasks import render_invoices_of_month

    render_invoices_of_month.delay(month.isoformat())
