"""Issue 6.6 — the staff operations dashboard, and the invoice pages and PDF."""

import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import State
from operations import billing, invoices
from operations.models import Invoice, SanctionCase
from policies.models import PolicyKind, PolicyVersion

from .conftest import mfa_client, text_of
from .factories import ApplicationFactory, InstitutionFactory, StaffFactory
from .operations_factories import LARGE, SMALL, month_usage, overdue_invoice
from .test_reviews_sla_and_pages import check_applied_days_ago, round_opened_days_ago

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
MONTHS = [datetime.date(2025, m, 1) for m in range(1, 13)]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def institution_with_missed(n: int):
    inst = ApplicationFactory(state="live").institution
    for k in range(n):
        overdue_invoice(inst, MONTHS[k], due_on=YESTERDAY)
    return inst


def cell(page: str, element_id: str) -> str:
    marker = f'id="{element_id}">'
    start = page.index(marker) + len(marker)
    return page[start : page.index("<", start)]


def test_dashboard_counts_missed_payments_outstanding_and_open_cases(staff_client, db):
    institution_with_missed(1)
    institution_with_missed(2)
    institution_with_missed(2)
    institution_with_missed(3)
    paid = overdue_invoice(InstitutionFactory(), MONTHS[0], due_on=YESTERDAY)
    Invoice.objects.filter(pk=paid.pk).update(paid_at=timezone.now(), paid_krw=paid.total_krw)
    SanctionCase.objects.create(
        application=ApplicationFactory(state="live"), trigger="excluded", evidence="x"
    )
    page = text_of(staff_client.get(reverse("admin:operations_dashboard")))
    assert cell(page, "missed-one") == "1"
    assert cell(page, "missed-two") == "2"
    assert cell(page, "missed-three") == "1"
    assert cell(page, "outstanding-count") == "8"
    assert cell(page, "overdue-count") == "8"
    assert cell(page, "open-cases") == "1"
    assert cell(page, "checks-overdue") == "0"
    assert 'data-class="small_medium"' in page


def statistics_total(page: str, size_class: str) -> str:
    row = page[page.index(f'<tr data-class="{size_class}">') :]
    start = row.index('class="total">') + len('class="total">')
    return row[start : row.index("<", start)]


def statistics_in_progress(page: str, size_class: str) -> str:
    row = page[page.index(f'<tr data-class="{size_class}">') :]
    row = row[: row.index('class="total">')]
    return row[row.rindex("<td>") + len("<td>") : row.rindex("</td>")]


def test_dashboard_counts_overdue_security_checks_and_test_rounds_together(staff_client):
    check_applied_days_ago(61)
    check_applied_days_ago(1)
    check_applied_days_ago(100, accepted=True)
    round_opened_days_ago(20)
    round_opened_days_ago(2)
    page = text_of(staff_client.get(reverse("admin:operations_dashboard")))
    # the first check and the first round may share an id: both count
    assert cell(page, "checks-overdue") == "2"


def test_dashboard_sizes_institutions_by_the_policy_in_force_today(staff_client):
    ApplicationFactory(institution=InstitutionFactory(paid_in_capital=SMALL))
    page = text_of(staff_client.get(reverse("admin:operations_dashboard")))
    assert statistics_total(page, "large") == "0"
    today = timezone.localdate()
    for days, threshold in ((-1, SMALL), (1, LARGE * 10)):  # in force, and not yet
        PolicyVersion.objects.create(
            kind=PolicyKind.SIZE_CLASS,
            effective_from=today + datetime.timedelta(days=days),
            data={"large_capital_krw": threshold},
        )
    page = text_of(staff_client.get(reverse("admin:operations_dashboard")))
    assert statistics_total(page, "large") == "1"


def test_dashboard_statistics_follow_every_change_and_the_readers_language(
    staff, staff_client, applicant_client, member
):
    from applications.lifecycle import apply_transition

    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.DRAFT
    )
    member.institution.paid_in_capital = SMALL
    member.institution.save()
    dashboard = reverse("admin:operations_dashboard")
    page = text_of(staff_client.get(dashboard))  # the counts are kept from here on
    assert statistics_total(page, "small_medium") == "1" and statistics_total(page, "large") == "0"
    assert "중소형" in page

    member.institution.paid_in_capital = LARGE
    member.institution.save()  # an institution's capital moves it to another size class
    page = text_of(staff_client.get(dashboard))
    assert statistics_total(page, "small_medium") == "0" and statistics_total(page, "large") == "1"
    assert statistics_in_progress(page, "large") == "1"

    apply_transition(application=application, name="withdraw", by=member.user, reason="취소")
    page = text_of(staff_client.get(dashboard))  # a state change shows at once
    assert statistics_in_progress(page, "large") == "0" and statistics_total(page, "large") == "1"

    english = mfa_client(StaffFactory(preferred_language="en"))
    english_page = text_of(english.get(dashboard, headers={"accept-language": "en"}))
    assert "Large" in english_page and "대형" not in english_page
    assert "Total" in english_page and "합계" not in english_page


def test_dashboard_refuses_staff_without_invoice_permission(db):
    client = mfa_client(StaffFactory(with_role=False))
    assert client.get(reverse("admin:operations_dashboard")).status_code == 403


def test_dashboard_refuses_applicants(applicant_client):
    response = applicant_client.get(reverse("admin:operations_dashboard"))
    assert response.status_code in (302, 403)


# --- invoices and their PDF ----------------------------------------------------------------------


@pytest.fixture
def billed(member, django_capture_on_commit_callbacks):
    member.institution.paid_in_capital = SMALL
    member.institution.save()
    month = datetime.date(2026, 10, 1)
    month_usage(member.institution, month, count=1234, amount=5_000_000)
    month_usage(InstitutionFactory(paid_in_capital=LARGE), month, count=10)
    with django_capture_on_commit_callbacks(execute=True):
        billing.bill_month(month=month)
    return Invoice.objects.get(institution=member.institution)


def test_billing_stores_a_korean_pdf_with_its_hash(billed):
    assert billed.is_ready
    assert invoices.verify(billed)
    with billed.file.open("rb") as fh:
        pdf = fh.read()
    assert pdf.startswith(b"%PDF")
    fonts = subprocess.run(["pdffonts", billed.file.path], capture_output=True, check=True)
    assert b"NanumGothic" in fonts.stdout
    text = subprocess.run(
        ["pdftotext", billed.file.path, "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "오픈뱅킹 이용기관 수수료 청구서" in text
    assert billed.number in text and "경감비용" in text and "37,020" in text
    # Storing again is a no-op (the task may be delivered twice).
    again = invoices.store_invoice_pdf(invoice_id=billed.pk)
    assert again.sha256 == billed.sha256 and again.file.name == billed.file.name


def test_render_is_pure_over_the_frozen_data(billed):
    text = invoices.render_invoice_pdf(billed.data)
    assert text.startswith(b"%PDF")
    assert billed.data["institution"]["size_class"] == "중소형"
    assert billed.data["total_krw"] == 1234 * 30


def test_applicant_lists_own_invoices_and_downloads_the_pdf(
    applicant_client, billed, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        page = applicant_client.get(reverse("operations:invoices"))
    body = text_of(page)
    assert billed.number in body
    assert Invoice.objects.exclude(pk=billed.pk).get().number not in body
    pdf = applicant_client.get(reverse("operations:invoice_pdf", args=[billed.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_another_institution_cannot_download_the_pdf(other_client, billed):
    assert other_client.get(reverse("operations:invoice_pdf", args=[billed.pk])).status_code == 404


def test_api_lists_only_own_invoices_with_lines(applicant_client, billed):
    data = applicant_client.get("/api/v1/invoices/").json()
    results = data["results"] if isinstance(data, dict) else data
    assert [r["number"] for r in results] == [billed.number]
    assert results[0]["lines"][0]["tier"] == "reduced"
    assert results[0]["sha256"] == billed.sha256


def test_staff_download_the_pdf_from_the_admin(staff_client, billed):
    response = staff_client.get(reverse("admin:operations_invoice_pdf", args=[billed.pk]))
    assert response.status_code == 200


def test_invoice_changelist_links_to_the_dashboard(staff_client, db):
    page = text_of(staff_client.get(reverse("admin:operations_invoice_changelist")))
    assert reverse("admin:operations_dashboard") in page


def test_invoice_page_links_to_each_institutions_sub_merchants(applicant_client, member):
    page = text_of(applicant_client.get(reverse("operations:invoices")))
    assert reverse("operations:sub_merchants", args=[member.institution.pk]) in page


# Pinned at two data sizes: the same number of queries for 2 and for 20 rows.
# After a first request has cached the permissions (accounts/permission_cache.py).
CHANGELIST_QUERIES = {
    "admin:operations_invoice_changelist": 7,
    "admin:operations_payment_changelist": 6,
    "admin:operations_sanctioncase_changelist": 6,
    "admin:operations_submerchant_changelist": 6,
    "admin:operations_dailyusage_changelist": 8,
}


@pytest.mark.parametrize("count", [2, 20])
@pytest.mark.parametrize("changelist", list(CHANGELIST_QUERIES))
def test_admin_changelists_query_count_does_not_grow(
    staff, count, changelist, django_assert_num_queries
):
    from operations.models import DailyUsage, Payment, SubMerchant

    for k in range(count):
        inst = institution_with_missed(1)
        invoice = inst.invoices.get()
        Payment.objects.create(invoice=invoice, amount_krw=1, paid_on=YESTERDAY, reference="r")
        application = inst.applications.get()
        SanctionCase.objects.create(application=application, trigger="excluded", evidence="x")
        SubMerchant.objects.create(
            institution=inst,
            name=f"s{k}",
            business_registration_number=f"{k:010d}",
            business_description="d",
            submitted_by=application.created_by,
        )
        DailyUsage.objects.create(institution=inst, day=YESTERDAY, api="deposit", count=k)
    client = mfa_client(staff)
    client.get(reverse(changelist))
    with django_assert_num_queries(CHANGELIST_QUERIES[changelist]):
        response = client.get(reverse(changelist))
    assert response.status_code == 200
