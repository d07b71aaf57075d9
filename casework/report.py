"""Issue 10 item 1 — the staff SLA report: per step and month, median and 90th-percentile business
days and breaches, of the stretches that ended in the month; exportable to CSV and XLSX."""

from __future__ import annotations

import csv
import datetime
import io
import math
import statistics
from dataclasses import dataclass

from django.utils.translation import gettext as _

from applications.audit import state_history
from applications.models import Application
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
    applications = Application.objects.prefetch_related(state_history()).only("pk", "state")
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


def report_table(rows: list[ReportRow]) -> tuple[list[str], list[list]]:
    """The header and the cells both exports write, in the reader's language (one definition)."""
    header = [
        str(h)
        for h in (
            _("월"),
            _("단계"),
            _("건수"),
            _("중앙값(영업일)"),
            _("90백분위(영업일)"),
            _("목표 초과"),
        )
    ]
    body = [
        [r.month, str(r.step_label), r.cases, r.median_days, r.p90_days, r.breaches] for r in rows
    ]
    return header, body


def report_csv(rows: list[ReportRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    header, body = report_table(rows)
    writer.writerow(header)
    writer.writerows(body)
    # BOM so that Excel opens the Korean headers correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_xlsx(rows: list[ReportRow], *, year: int | None = None) -> bytes:
    """The same table as an Excel workbook: numbers stay numbers, the header row is frozen."""
    from openpyxl import Workbook  # imported lazily: only the export needs it
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"SLA {year}" if year else "SLA"
    header, body = report_table(rows)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in body:
        sheet.append(line)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEF", (10, 18, 8, 16, 18, 10), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
