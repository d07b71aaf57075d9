"""Billing a month for 2,000 institutions with a year of daily usage (issue 6.2).

Run on PostgreSQL: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m bench billing`.
The usage (2,000 institutions × 365 days × withdrawal and deposit ≈ 1.46 M rows) is generated once,
server-side on PostgreSQL (INSERT … SELECT generate_series), by bulk inserts elsewhere. Each run bills
the last month and is then undone, so the figures are repeatable: the computation is one aggregate
query plus bulk inserts, whatever the number of institutions.
"""

import datetime
import statistics
import time

from django.db import connection, reset_queries, transaction
from django.test.utils import CaptureQueriesContext

from applications.models import Institution
from operations.billing import bill_month
from operations.models import BillingRun, DailyUsage, Invoice, InvoiceLine

from .pages import ensure_database
from .scale_data import brn

INSTITUTIONS = 2_000
FIRST_DAY = datetime.date(2025, 10, 1)
DAYS = 365
APIS = ["withdraw", "deposit"]
BILLED_MONTH = datetime.date(2026, 9, 1)
RUNS = 3
PREFIX = "청구벤치"
OFFSET = 20_000  # business numbers apart from the page benchmark's institutions


def institutions() -> list[int]:
    existing = list(
        Institution.objects.filter(name__startswith=PREFIX).values_list("pk", flat=True)
    )
    if len(existing) >= INSTITUTIONS:
        return existing[:INSTITUTIONS]
    created = Institution.objects.bulk_create(
        [
            Institution(
                name=f"{PREFIX} {i:05d}",
                business_registration_number=brn(OFFSET + i),
                representative="대표",
                address="서울",
                # A third large, two thirds small/medium (some of those exceed the criterion).
                paid_in_capital=3 * 10**9 if i % 3 == 0 else 5 * 10**8,
                contact_name="담당",
                contact_email=f"billing{i}@example.kr",
                contact_phone="02",
            )
            for i in range(len(existing), INSTITUTIONS)
        ],
        batch_size=2000,
    )
    return existing + [i.pk for i in created]


def generate_usage(ids: list[int]) -> int:
    last = FIRST_DAY + datetime.timedelta(days=DAYS - 1)
    have = DailyUsage.objects.filter(institution_id__in=ids, day__gte=FIRST_DAY, day__lte=last)
    if have.count() >= len(ids) * DAYS * len(APIS):
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            # Daily count (id % 7) × 700: monthly 0 … ~126,000 — some small institutions exceed
            # the 100,000 criterion every month, others never.
            cur.execute(
                """
                INSERT INTO operations_dailyusage
                    (institution_id, day, api, count, amount_krw, updated_at)
                SELECT i.id, d::date, a.api, (i.id %% 7) * 700 + (extract(day from d)::int %% 5),
                       ((i.id %% 7) * 700) * 25000, now()
                FROM applications_institution i
                CROSS JOIN generate_series(%s::date, %s::date, interval '1 day') d
                CROSS JOIN (VALUES ('withdraw'), ('deposit')) a(api)
                WHERE i.id = ANY(%s)
                ON CONFLICT (institution_id, day, api) DO NOTHING
                """,
                [FIRST_DAY, last, ids],
            )
            return cur.rowcount
    rows = [
        DailyUsage(
            institution_id=pk,
            day=FIRST_DAY + datetime.timedelta(days=k),
            api=api,
            count=(pk % 7) * 700,
            amount_krw=(pk % 7) * 700 * 25_000,
        )
        for pk in ids
        for k in range(DAYS)
        for api in APIS
    ]
    DailyUsage.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def undo(month: datetime.date) -> None:
    InvoiceLine.objects.filter(invoice__month=month).delete()
    Invoice.objects.filter(month=month).delete()
    BillingRun.objects.filter(month=month).delete()


def run() -> list[dict]:
    ensure_database()
    with transaction.atomic():
        ids = institutions()
        inserted = generate_usage(ids)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE operations_dailyusage")
    undo(BILLED_MONTH)
    times, queries, created = [], 0, 0
    for _ in range(RUNS):
        reset_queries()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            created = bill_month(month=BILLED_MONTH, queue_documents=False)
        times.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
        rerun = bill_month(month=BILLED_MONTH, queue_documents=False)
        assert rerun == 0, "re-running a month must not create invoices"
        undo(BILLED_MONTH)
    return [
        {
            "case": f"bill {BILLED_MONTH:%Y-%m}",
            "institutions": len(ids),
            "usage_rows": DailyUsage.objects.filter(institution_id__in=ids).count(),
            "invoices": created,
            "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1),
            "queries": queries,
            "inserted_now": inserted,
            "database": connection.vendor,
        }
    ]
