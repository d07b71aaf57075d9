"""DOMAIN §5.2 — monthly billing: the fee rule, the three-month window at its edges, idempotence."""

import datetime

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from applications.models import AuditEntry
from operations import billing
from operations.billing import FeeInput, MonthTotals, fee_for
from operations.fees_policy import DEFAULT_FEES
from operations.models import BillingRun, Invoice, InvoiceLine

from .factories import ApplicationFactory, InstitutionFactory
from .operations_factories import CRITERION_AMOUNT, CRITERION_COUNT, LARGE, SMALL, month_usage

OCT = datetime.date(2026, 10, 1)
JUL, AUG, SEP = datetime.date(2026, 7, 1), datetime.date(2026, 8, 1), datetime.date(2026, 9, 1)
BELOW = MonthTotals(
    count=CRITERION_COUNT, amount_krw=CRITERION_AMOUNT
)  # at the criterion: not over
OVER_COUNT = MonthTotals(count=CRITERION_COUNT + 1, amount_krw=0)
OVER_AMOUNT = MonthTotals(count=1, amount_krw=CRITERION_AMOUNT + 1)


def fee(size, previous, api="withdraw", count=1000, main_bank=0):
    return fee_for(
        FeeInput(
            size_class=size,
            api=api,
            month=MonthTotals(count, 0),
            previous=previous,
            main_bank_unit_krw=main_bank,
        ),
        DEFAULT_FEES,
    )


# --- the pure rule ------------------------------------------------------------------------------


def test_small_institution_exceeding_two_of_three_months_stays_reduced():
    assert fee("small_medium", [OVER_COUNT, OVER_AMOUNT, BELOW]).tier == "reduced"
    assert fee("small_medium", [BELOW, OVER_COUNT, OVER_AMOUNT]).tier == "reduced"
    assert fee("small_medium", [OVER_COUNT, BELOW, OVER_COUNT]).tier == "reduced"


def test_small_institution_exceeding_three_months_in_a_row_pays_basic():
    result = fee("small_medium", [OVER_COUNT, OVER_AMOUNT, OVER_COUNT])
    assert (result.tier, result.unit_cost_krw, result.processing_krw) == ("basic", 50, 50_000)


def test_a_month_exactly_at_the_criterion_does_not_exceed():
    assert fee("small_medium", [BELOW, BELOW, BELOW]).tier == "reduced"
    assert fee("small_medium", [OVER_COUNT, OVER_COUNT, BELOW]).exceeded == (True, True, False)


def test_fewer_than_three_months_of_history_stays_reduced():
    assert fee("small_medium", [OVER_COUNT, OVER_COUNT]).tier == "reduced"


def test_large_institution_pays_basic_from_the_first_month():
    assert fee("large", []).tier == "basic"
    assert fee("large", [], api="deposit").unit_cost_krw == 40


def test_deposit_reduced_cost_and_main_bank_fee():
    result = fee("small_medium", [], api="deposit", count=300, main_bank=7)
    assert (result.unit_cost_krw, result.processing_krw, result.main_bank_krw) == (20, 6_000, 2_100)
    assert result.total_krw == 8_100


month_totals = st.builds(
    MonthTotals,
    count=st.integers(0, 3 * CRITERION_COUNT),
    amount_krw=st.integers(0, 3 * CRITERION_AMOUNT),
)


@given(
    size=st.sampled_from(["small_medium", "large", "bank"]),
    api=st.sampled_from(["withdraw", "deposit"]),
    count=st.integers(0, 10**7),
    previous=st.lists(month_totals, min_size=0, max_size=3),
)
def test_fee_is_count_times_basic_or_reduced_and_basic_only_after_three_exceeding_months(
    size, api, count, previous
):
    result = fee(size, previous, api=api, count=count)
    rule = DEFAULT_FEES["apis"][api]
    assert result.processing_krw == count * result.unit_cost_krw
    assert result.unit_cost_krw in (rule["basic_krw"], rule["reduced_krw"])
    three_over = len(previous) == 3 and all(
        m.count > CRITERION_COUNT or m.amount_krw > CRITERION_AMOUNT for m in previous
    )
    expect_basic = size != "small_medium" or three_over
    assert (result.tier == "basic") == expect_basic


# --- the service over the database ---------------------------------------------------------------


@pytest.mark.django_db
def test_billing_reads_the_three_previous_months_from_the_database():
    two_months = InstitutionFactory(paid_in_capital=SMALL)
    three_months = InstitutionFactory(paid_in_capital=SMALL)
    large = InstitutionFactory(paid_in_capital=LARGE)
    for month in (AUG, SEP):
        month_usage(two_months, month, count=CRITERION_COUNT + 1)
    month_usage(two_months, JUL, count=CRITERION_COUNT)  # at the criterion: not over
    for month in (JUL, AUG, SEP):
        month_usage(three_months, month, count=1, amount=CRITERION_AMOUNT + 1)
    for inst in (two_months, three_months, large):
        month_usage(inst, OCT, count=1000)
        month_usage(inst, OCT, api="deposit", count=10)
        month_usage(inst, OCT, api="balance", count=99_999)  # counted, not billed
    # Usage after the month is ignored.
    month_usage(two_months, datetime.date(2026, 11, 1), count=5_000_000)

    assert billing.bill_month(month=OCT, issued_on=datetime.date(2026, 11, 2)) == 3

    def tiers(inst):
        invoice = Invoice.objects.get(institution=inst, month=OCT)
        return {
            (line.api, line.tier, line.total_krw)
            for line in invoice.lines.filter(kind="processing")
        }

    assert tiers(two_months) == {("withdraw", "reduced", 30_000), ("deposit", "reduced", 200)}
    assert tiers(three_months) == {("withdraw", "basic", 50_000), ("deposit", "reduced", 200)}
    assert tiers(large) == {("withdraw", "basic", 50_000), ("deposit", "basic", 400)}
    invoice = Invoice.objects.get(institution=three_months, month=OCT)
    assert invoice.total_krw == 50_200
    frozen = {line["api"]: line for line in invoice.data["lines"]}
    assert frozen["출금이체"]["previous_months_exceeded"] == [True, True, True]
    assert frozen["입금이체"]["previous_months_exceeded"] == [False, False, False]
    assert invoice.due_on > invoice.issued_on


@pytest.mark.django_db
def test_rerunning_a_month_never_creates_a_second_invoice():
    inst = InstitutionFactory(paid_in_capital=SMALL)
    month_usage(inst, OCT, count=100)
    assert billing.bill_month(month=OCT) == 1
    lines = InvoiceLine.objects.count()
    # Late usage for the same month, then a re-run (task, command, service): nothing new.
    month_usage(inst, OCT, api="deposit", count=7)
    assert billing.bill_month(month=OCT) == 0
    call_command("bill_month", "2026-10")
    assert Invoice.objects.filter(institution=inst, month=OCT).count() == 1
    assert InvoiceLine.objects.count() == lines
    assert BillingRun.objects.get(month=OCT).invoices_created == 1
    assert AuditEntry.objects.filter(action="billing.month_billed").count() == 1


@pytest.mark.django_db
def test_main_bank_fee_comes_from_the_signed_contract():
    from django.utils import timezone

    from contracts.models import Contract

    application = ApplicationFactory(institution__paid_in_capital=SMALL, state="live")
    Contract.objects.create(
        application=application,
        main_bank_withdrawal_fee_krw=15,
        main_bank_deposit_fee_krw=5,
        signed_at=timezone.now(),
    )
    month_usage(application.institution, OCT, count=100)
    month_usage(application.institution, OCT, api="deposit", count=10)
    billing.bill_month(month=OCT)
    invoice = Invoice.objects.get(institution=application.institution)
    assert invoice.main_bank_total_krw == 100 * 15 + 10 * 5
    assert invoice.processing_total_krw == 100 * 30 + 10 * 20
    assert invoice.total_krw == 1_500 + 50 + 3_000 + 200
    assert set(invoice.lines.filter(kind="main_bank").values_list("api", "unit_cost_krw")) == {
        ("withdraw", 15),
        ("deposit", 5),
    }


@pytest.mark.django_db
def test_institution_with_inquiry_usage_only_gets_no_invoice():
    inst = InstitutionFactory()
    month_usage(inst, OCT, api="balance", count=1000)
    assert billing.bill_month(month=OCT) == 0


@pytest.mark.django_db
def test_the_fee_policy_is_versioned_data_loaded_from_domain():
    from policies.models import PolicyVersion

    version = PolicyVersion.objects.in_force("fees", datetime.date(2020, 1, 1))
    assert version.effective_from == datetime.date(2019, 12, 18)
    withdraw = version.data["apis"]["withdraw"]
    assert (withdraw["basic_krw"], withdraw["reduced_krw"]) == (50, 30)
    assert (withdraw["criterion_amount_krw"], withdraw["criterion_count"]) == (10**10, 100_000)


@pytest.mark.django_db
def test_a_new_fee_version_applies_from_its_effective_month():
    from policies.models import PolicyVersion

    data = dict(DEFAULT_FEES, apis={**DEFAULT_FEES["apis"]})
    data["apis"]["withdraw"] = {**DEFAULT_FEES["apis"]["withdraw"], "reduced_krw": 25}
    PolicyVersion.objects.create(kind="fees", effective_from=OCT, data=data)
    inst = InstitutionFactory(paid_in_capital=SMALL)
    month_usage(inst, SEP, count=100)
    month_usage(inst, OCT, count=100)
    billing.bill_month(month=SEP)
    billing.bill_month(month=OCT)
    totals = dict(Invoice.objects.values_list("month", "total_krw"))
    assert totals == {SEP: 3_000, OCT: 2_500}


@pytest.mark.django_db
def test_beat_bills_the_month_that_just_ended_on_the_first(monkeypatch):
    from django_celery_beat.models import PeriodicTask

    from operations import tasks

    beat = PeriodicTask.objects.get(task="operations.tasks.bill_previous_month")
    assert (beat.crontab.day_of_month, beat.enabled) == ("1", True)
    inst = InstitutionFactory()
    month_usage(inst, OCT, count=10)
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: datetime.date(2026, 11, 1))
    assert tasks.bill_previous_month.delay().get() == 1
    assert Invoice.objects.get().month == OCT
