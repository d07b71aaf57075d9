"""Issue 10 item 1 — the staff SLA report per step and month (median, 90th percentile, breaches),
on the admin and as CSV."""

import csv
import datetime
import io
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from applications.audit import log_action
from casework.report import percentile, summarise

from .conftest import mfa_client, text_of
from .factories import ApplicationFactory, StaffFactory

KST = ZoneInfo("Asia/Seoul")
REPORT = "admin:casework_sla_report"


def walk(*steps):
    """An application whose audit log holds `steps` [(state, date), ...] at those dates."""
    application = ApplicationFactory()
    previous = "draft"
    for state, day in steps:
        moment = datetime.datetime.combine(day, datetime.time(10), KST)
        with mock.patch("django.utils.timezone.now", return_value=moment):  # setup: back-date
            log_action(
                action=f"application.{state}",
                application=application,
                from_state=previous,
                to_state=state,
            )
        previous = state
    return application


@pytest.fixture
def february(db):
    d = datetime.date
    walk(("submitted", d(2026, 2, 2)), ("approved", d(2026, 2, 13)))  # 9 business days
    walk(("submitted", d(2026, 2, 2)), ("approved", d(2026, 2, 4)))  # 2
    walk(
        ("submitted", d(2026, 2, 9)),
        ("approved", d(2026, 2, 12)),  # 3
        ("functional_test", d(2026, 3, 2)),
        ("security_check", d(2026, 3, 6)),  # 4, ended in March
    )


def rows_of(page: str) -> dict:
    out = {}
    for chunk in page.split("<tr data-step=")[1:]:
        step = chunk.split('"')[1]
        month = chunk.split('data-month="')[1].split('"')[0]
        cells = [c.split("</td>")[0] for c in chunk.split("<td")[1:]]
        out[(month, step)] = [c.split(">", 1)[1] for c in cells]
    return out


def test_report_per_step_and_month(february, staff_client):
    page = text_of(staff_client.get(reverse(REPORT), {"year": 2026}))
    rows = rows_of(page)
    # month, step label, cases, median, p90, breaches (target 5 business days)
    assert rows[("2026-02", "approval")][2:] == ["3", "3.0", "9", "1"]
    assert rows[("2026-03", "functional_test")][2:] == ["1", "4.0", "4", "0"]
    assert "2025" not in "".join(m for m, _s in rows)


def test_report_exports_csv(february, staff_client):
    response = staff_client.get(reverse(REPORT), {"year": 2026, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="sla-report-2026.csv"' in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][0] == "월"
    assert ["2026-02", "이용승인 심사", "3", "3.0", "9", "1"] in lines


def test_report_exports_xlsx_with_numbers_as_numbers(february, staff_client):
    from openpyxl import load_workbook

    page = text_of(staff_client.get(reverse(REPORT), {"year": 2026}))
    assert 'href="?year=2026&format=xlsx"' in page

    response = staff_client.get(reverse(REPORT), {"year": 2026, "format": "xlsx"})
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="sla-report-2026.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["월", "단계", "건수", "중앙값(영업일)", "90백분위(영업일)", "목표 초과"]
    assert ["2026-02", "이용승인 심사", 3, 3.0, 9, 1] in rows
    assert ["2026-03", "기능테스트", 1, 4.0, 4, 0] in rows
    assert len(rows) == 1 + len(rows_of(page))  # the same rows as the page
    assert sheet.freeze_panes == "A2"


def test_xlsx_export_refuses_staff_without_permission(february):
    client = mfa_client(StaffFactory(with_role=False))
    assert client.get(reverse(REPORT), {"format": "xlsx"}).status_code == 403


def test_another_year_is_empty(february, staff_client):
    page = text_of(staff_client.get(reverse(REPORT), {"year": 2025}))
    assert "완료된 단계가 없습니다." in page


@pytest.mark.parametrize("cases", [1, 8])
def test_report_query_count_does_not_grow(staff, cases, django_assert_num_queries):
    for _k in range(cases):
        walk(("submitted", datetime.date(2026, 2, 2)), ("approved", datetime.date(2026, 2, 6)))
    client = mfa_client(staff)
    client.get(reverse(REPORT))  # the permissions are kept from here on
    with django_assert_num_queries(7):
        response = client.get(reverse(REPORT), {"year": 2026})
    assert response.status_code == 200


def test_report_refuses_staff_without_permission(db):
    client = mfa_client(StaffFactory(with_role=False))
    assert client.get(reverse(REPORT)).status_code == 403


def test_percentile_is_nearest_rank():
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    assert percentile([7], 0.9) == 7
    assert percentile([9, 2, 3], 0.9) == 9


def test_escalation_list_links_to_the_board_and_the_report(staff_client):
    page = text_of(staff_client.get(reverse("admin:casework_escalation_changelist")))
    assert reverse("admin:casework_sla_board") in page
    assert reverse(REPORT) in page


@given(values=st.lists(st.integers(min_value=0, max_value=200), min_size=1, max_size=60))
def test_summary_orders_median_p90_and_counts_breaches(values):
    (row,) = summarise({("2026-02", "contract"): values}, lambda month: {"contract": 15})
    assert min(values) <= row.median_days <= row.p90_days <= max(values)
    assert row.cases == len(values)
    assert row.breaches == len([v for v in values if v > 15])
    assert sum(1 for v in values if v <= row.p90_days) >= 0.9 * len(values)
