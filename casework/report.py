"""Issue 10 item 1 — the staff SLA report: per step and month, median and 90th-percentile business
days and breaches, of the stretches that ended in the month; exportable to CSV."""

from __future__ import annotations

import csv
import datetime
import io
import math
import statistics
from dataclasses import dataclass

from django.db.models import Prefetch

from applications.models import Application, AuditEntry
from policies.calendar import BusinessCalendar

from .clocks import history_of
from .models import SlaStep
from .policy import sla_targets
from .sla import SLA_STEPS, completed_clocks


@dataclass(frozen=True)
class ReportRow:
    month: str  # YYYY-MM
    step: str
    cases: int
    median_days: float
    p90_days: int
    breaches: int

    @property
    def step_label(self) -> str:
        return SlaStep(self.step).label


def percentile(values: list[int], fraction: float) -> int:
    """Nearest-rank percentile: the smallest value with at least `fraction` of values at or below."""
    ordered = sorted(values)
    rank = max(math.ceil(fraction * len(ordered)), 1)
    return ordered[rank - 1]


def summarise(durations: dict[tuple[str, str], list[int]], targets_of) -> list[ReportRow]:
    """Pure: {(month, step): [business days]} → rows ordered by month then step order."""
    rows = []
    for (month, step), values in durations.items():
        target = targets_of(month)[step]
        rows.append(
            ReportRow(
                month=month,
                step=step,
                cases=len(values),
                median_days=float(statistics.median(values)),
                p90_days=percentile(values, 0.9),
                breaches=sum(1 for v in values if v > target),
            )
        )
    rows.sort(key=lambda r: (r.month, SLA_STEPS.index(r.step)))
    return rows


def sla_report(*, year: int | None = None, calendar=None) -> list[ReportRow]:
    calendar = calendar or BusinessCalendar.current()
    applications = Application.objects.prefetch_related(
        Prefetch(
            "audit_entries",
            queryset=AuditEntry.objects.exclude(to_state="").order_by("at", "id"),
            to_attr="state_entries",
        )
    ).only("pk", "state")
    durations: dict[tuple[str, str], list[int]] = {}
    for application in applications:
        for done in completed_clocks(history_of(application), calendar):
            if year is not None and done.ended_on.year != year:
                continue
            durations.setdefault((f"{done.ended_on:%Y-%m}", done.step), []).append(done.elapsed)
    cache: dict[str, dict] = {}

    def targets_of(month: str) -> dict:
        if month not in cache:
            first = datetime.date.fromisoformat(f"{month}-01")
            cache[month] = sla_targets(first)[0]
        return cache[month]

    return summarise(durations, targets_of)


def report_csv(rows: list[ReportRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["월", "단계", "건수", "중앙값(영업일)", "90백분위(영업일)", "목표 초과"])
    for r in rows:
        writer.writerow(
            [r.month, str(r.step_label), r.cases, r.median_days, r.p90_days, r.breaches]
        )
    # BOM so that Excel opens the Korean headers correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")
