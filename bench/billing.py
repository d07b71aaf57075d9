"""Monthly billing of the whole scale data set (issue 6.2 / issue 9): 2,000 live institutions with a
year of daily withdrawal and deposit usage (~1.46 M rows), 500 of them with a signed contract
(main-bank fee lines).

Run on PostgreSQL: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_db python -m bench billing`.
Each run bills the last month of the usage and is then undone, so the figures are repeatable; the
computation is one aggregate query plus bulk inserts, whatever the number of institutions.
"""

import datetime
import statistics
import time

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from operations.billing import bill_month
from operations.models import BillingRun, DailyUsage, Invoice, InvoiceLine

from .pages import ensure_database, users
from .scale_data import USAGE_LAST_DAY, generate

BILLED_MONTH = USAGE_LAST_DAY.replace(day=1)
RUNS = {"full": 3, "tiny": 1}


def undo(month: datetime.date) -> None:
    InvoiceLine.objects.filter(invoice__month=month).delete()
    Invoice.objects.filter(month=month).delete()
    BillingRun.objects.filter(month=month).delete()


def run(scale: str = "full") -> list[dict]:
    ensure_database()
    owner, staff = users()
    generate(owner=owner, staff=staff, scale=scale)
    undo(BILLED_MONTH)
    times, queries, created = [], 0, 0
    for _ in range(RUNS[scale]):
        reset_queries()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            created = bill_month(month=BILLED_MONTH, queue_documents=False)
        times.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
        lines = InvoiceLine.objects.filter(invoice__month=BILLED_MONTH).count()
        rerun = bill_month(month=BILLED_MONTH, queue_documents=False)
        assert rerun == 0, "re-running a month must not create invoices"
        undo(BILLED_MONTH)
    return [
        {
            "case": f"bill {BILLED_MONTH:%Y-%m}",
            "usage_rows": DailyUsage.objects.count(),
            "invoices": created,
            "invoice_lines": lines,
            "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1),
            "queries": queries,
            "database": connection.vendor,
        }
    ]
