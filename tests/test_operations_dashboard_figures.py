"""The staff dashboard's figures are kept between views (operations.selectors: FEES_AND_CASES, OVERDUE_CHECKS) and still
follow every change at once: a payment, a sanction case, a sub-merchant, an overdue check."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from operations import payments, sanctions, submerchants
from operations.models import Invoice, SubMerchant

from .conftest import mfa_client, text_of
from .factories import ApplicationFactory
from .test_operations_dashboard import YESTERDAY, cell, institution_with_missed
from .test_reviews_sla_and_pages import check_applied_days_ago

DASHBOARD = "admin:operations_dashboard"
FIGURES = [
    "outstanding-count",
    "overdue-count",
    "missed-one",
    "missed-two",
    "missed-three",
    "open-cases",
    "sub-merchants-waiting",
    "checks-overdue",
]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def figures(client) -> dict[str, str]:
    page = text_of(client.get(reverse(DASHBOARD)))
    return {name: cell(page, name) for name in FIGURES}


def test_a_recorded_payment_shows_at_once(staff, staff_client):
    institution = institution_with_missed(2)
    assert figures(staff_client)["missed-two"] == "1"  # kept from here on
    invoice = institution.invoices.order_by("pk").first()
    payments.record_payment(
        invoice=invoice, amount_krw=invoice.total_krw, paid_on=YESTERDAY, reference="T-1", by=staff
    )
    after = figures(staff_client)
    assert after["missed-two"] == "0" and after["missed-one"] == "1"
    assert after["outstanding-count"] == "1" and after["overdue-count"] == "1"


def test_a_new_overdue_invoice_shows_at_once(staff_client):
    assert figures(staff_client)["outstanding-count"] == "0"
    institution_with_missed(3)
    after = figures(staff_client)
    assert after["outstanding-count"] == "3" and after["missed-three"] == "1"


def test_a_sanction_case_opened_and_dismissed_shows_at_once(staff, staff_client):
    application = ApplicationFactory(state="live")
    assert figures(staff_client)["open-cases"] == "0"
    case = sanctions.open_case(application=application, trigger="excluded", evidence="x", by=staff)
    assert figures(staff_client)["open-cases"] == "1"
    sanctions.dismiss_case(case=case, by=staff, reason="오인 신고")
    assert figures(staff_client)["open-cases"] == "0"


def test_a_sub_merchant_waiting_and_decided_shows_at_once(staff, staff_client):
    application = ApplicationFactory(state="live")
    assert figures(staff_client)["sub-merchants-waiting"] == "0"
    sub = SubMerchant.objects.create(
        institution=application.institution,
        name="하위가맹점",
        business_registration_number="1234567891",
        business_description="d",
        submitted_by=application.created_by,
    )
    assert figures(staff_client)["sub-merchants-waiting"] == "1"
    submerchants.decide(sub_merchant=sub, by=staff, approve=True)
    assert figures(staff_client)["sub-merchants-waiting"] == "0"


def test_an_overdue_check_accepted_leaves_the_count_at_once(staff, staff_client):
    from reviews import security_check

    check = check_applied_days_ago(90)
    assert figures(staff_client)["checks-overdue"] == "1"
    security_check.start_check(check=check, by=staff)
    security_check.submit_result(check=check, by=staff, summary="이상 없음")
    security_check.accept_check(check=check, by=staff)
    assert figures(staff_client)["checks-overdue"] == "0"


def test_figures_are_counted_for_the_day_they_are_shown(staff_client, db):
    """An invoice due today is not overdue today and is tomorrow, with no write in between."""
    from .operations_factories import overdue_invoice
    from .test_operations_dashboard import MONTHS

    today = timezone.localdate()
    institution = ApplicationFactory(state="live").institution
    overdue_invoice(institution, MONTHS[0], due_on=today)
    assert figures(staff_client)["overdue-count"] == "0"
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: tomorrow)
        assert figures(staff_client)["overdue-count"] == "1"


@pytest.mark.parametrize("institutions", [2, 12])
def test_the_dashboard_costs_the_same_queries_kept_or_counted_anew(
    staff, institutions, django_assert_num_queries
):
    from applications.lifecycle import apply_transition

    for k in range(institutions):
        institution_with_missed(1 + k % 3)
    client = mfa_client(staff)
    client.get(reverse(DASHBOARD))  # warms the session, the permissions and the kept values
    # session, user, MFA, the three policies (1): the statistics, figures and escalations are kept
    with django_assert_num_queries(4):
        assert client.get(reverse(DASHBOARD)).status_code == 200
    invoice = Invoice.objects.order_by("pk").first()
    payments.record_payment(
        invoice=invoice, amount_krw=1, paid_on=YESTERDAY, reference="P-1", by=staff
    )
    # a payment: + unpaid invoices, missed payments, sanction cases, sub-merchants
    with django_assert_num_queries(8):
        assert client.get(reverse(DASHBOARD)).status_code == 200
    application = ApplicationFactory(state="live")
    apply_transition(application=application, name="suspend", by=staff, reason="테스트")
    # a state change: + the statistics, the overdue checks and the open escalations (none open: no
    # team leads)
    with django_assert_num_queries(7):
        assert client.get(reverse(DASHBOARD)).status_code == 200


def test_after_a_committed_state_change_the_next_view_finds_it_all_worked_out(
    staff, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """The change's commit has a worker work the statistics, checks and escalations out again
    (openbanking_portal.kept.refresh_kept; eager here): the next view counts nothing itself."""
    from applications.lifecycle import apply_transition

    from .test_operations_dashboard import statistics_in_progress

    client = mfa_client(staff)
    with django_capture_on_commit_callbacks(execute=True):
        application = ApplicationFactory(state="live")
    client.get(reverse(DASHBOARD))
    assert statistics_in_progress(text_of(client.get(reverse(DASHBOARD))), "small_medium") == "1"
    with django_capture_on_commit_callbacks(execute=True):
        apply_transition(application=application, name="terminate", by=staff, reason="해지 요청")
    with django_assert_num_queries(4):  # session, user, MFA, policies: nothing counted
        page = text_of(client.get(reverse(DASHBOARD)))
    assert statistics_in_progress(page, "small_medium") == "0"


def test_a_transaction_of_many_payments_counts_the_figures_once(
    staff, django_capture_on_commit_callbacks, monkeypatch
):
    from django.db import transaction

    from operations import selectors

    counted = []
    count = selectors._count_fees_and_cases
    monkeypatch.setattr(
        selectors, "_count_fees_and_cases", lambda today: (counted.append(today), count(today))[1]
    )
    invoices = [institution_with_missed(1).invoices.get() for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for k, invoice in enumerate(invoices):
            payments.record_payment(
                invoice=invoice, amount_krw=1, paid_on=YESTERDAY, reference=f"B-{k}", by=staff
            )
    assert len(counted) == 1  # once for the transaction, not once for each row it wrote


def test_a_failing_refresh_leaves_the_write_done_and_the_next_view_counts(
    staff, staff_client, django_capture_on_commit_callbacks, monkeypatch
):
    from operations import selectors

    invoice = institution_with_missed(1).invoices.get()
    assert figures(staff_client)["outstanding-count"] == "1"

    def broken():
        raise RuntimeError("worker lost its database")

    monkeypatch.setattr(selectors.FEES_AND_CASES, "refresh", broken)
    with django_capture_on_commit_callbacks(execute=True):
        payments.record_payment(
            invoice=invoice,
            amount_krw=invoice.total_krw,
            paid_on=YESTERDAY,
            reference="F-1",
            by=staff,
        )
    assert Invoice.objects.get(pk=invoice.pk).paid_at is not None
    assert figures(staff_client)["outstanding-count"] == "0"
