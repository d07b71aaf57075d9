"""DOMAIN §5 ③ and §6.2/§6.3 — limits set by staff in the admin, the centre guarantee, and the
individual bank guarantee with its 30-day window closed by a beat task."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from applications.models import AuditEntry
from contracts import accounts, guarantee
from contracts.models import Bank, BankNegotiation, Contract, GuaranteeArrangement
from contracts.tasks import close_guarantee_windows
from openbanking_portal.errors import NotAllowed, PortalError

from .conftest import text_of
from .contract_support import *  # noqa: F403  (fixtures)
from .contract_support import admin_form_data
from .factories import ApplicationFactory, InstitutionFactory


def change_url(contract):
    return reverse("admin:contracts_contract_change", args=[contract.pk])


@pytest.fixture
def started(contract_app, member, staff):
    accounts.choose_main_bank(
        application=contract_app, by=member.user, bank=Bank.objects.get(code="004")
    )
    return Contract.objects.get(application=contract_app)


# --- pure rules -------------------------------------------------------------------------------


@given(
    limit=st.integers(min_value=1, max_value=10**13),
    rate=st.sampled_from([100, 150, 200, 250, 300]),
)
def test_required_guarantee_is_the_daily_limit_times_the_rate(limit, rate):
    amount = guarantee.required_guarantee_krw(daily_withdrawal_limit_krw=limit, rate_percent=rate)
    assert amount * 100 >= limit * rate > (amount - 1) * 100


@pytest.mark.parametrize(
    ("score", "rate"),
    [
        (-150, 100),
        (-100, 100),
        (-99, 150),
        (-51, 150),
        (-50, 200),
        (0, 200),
        (50, 200),
        (51, 250),
        (99, 250),
        (100, 300),
        (180, 300),
    ],
)
def test_rate_bands_of_domain_6_2(score, rate):
    assert guarantee.rate_for_score(score, guarantee.DEFAULT_RATE_BANDS) == rate


def test_only_self_certified_large_institutions_use_bank_guarantees():
    assert (
        guarantee.guarantee_kind_for(size_class="large", self_certified=True) == "individual_bank"
    )
    assert guarantee.guarantee_kind_for(size_class="large", self_certified=False) == "centre"
    assert guarantee.guarantee_kind_for(size_class="small_medium", self_certified=True) == "centre"


# --- limits and centre guarantee in the admin -------------------------------------------------


def test_staff_set_limits_and_centre_guarantee_in_the_admin(staff_client, started):
    form = admin_form_data(
        staff_client.get(change_url(started)),
        usage_limit_krw="3000000000",
        daily_withdrawal_limit_krw="500000000",
        composite_score="60",
    )
    response = staff_client.post(change_url(started), form, follow=True)
    assert response.status_code == 200
    started.refresh_from_db()
    assert (started.usage_limit_krw, started.daily_withdrawal_limit_krw) == (
        3_000_000_000,
        500_000_000,
    )
    arrangement = started.guarantee
    # composite 60 → 250% (DOMAIN §6.2), from the policy version in force
    assert (arrangement.kind, arrangement.rate_percent) == ("centre", 250)
    assert arrangement.required_amount_krw == 1_250_000_000
    assert arrangement.policy_version is not None
    assert started.guarantee_type == "centre"
    assert not guarantee.guarantee_in_place(started)

    staff_client.post(
        reverse("admin:contracts_contract_changelist"),
        {"action": "confirm_guarantee", "_selected_action": [started.pk]},
    )
    assert guarantee.guarantee_in_place(Contract.objects.get(pk=started.pk))
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "contract.limits_set",
        "guarantee.centre_arranged",
        "guarantee.centre_secured",
    } <= actions


def test_raising_the_daily_limit_recomputes_the_guarantee_and_needs_a_new_certificate(
    staff, started
):
    app = started.application
    accounts.set_limits(
        application=app, by=staff, usage_limit_krw=10**9, daily_withdrawal_limit_krw=10**8
    )
    guarantee.arrange_centre_guarantee(application=app, by=staff, composite_score=0)
    guarantee.confirm_centre_guarantee(application=app, by=staff)
    accounts.set_limits(
        application=app, by=staff, usage_limit_krw=10**9, daily_withdrawal_limit_krw=2 * 10**8
    )
    arrangement = GuaranteeArrangement.objects.get(contract=started)
    assert arrangement.required_amount_krw == 4 * 10**8
    assert arrangement.secured_at is None


def test_invalid_limits_are_refused_by_the_admin_form(staff_client, started):
    form = admin_form_data(
        staff_client.get(change_url(started)), usage_limit_krw="0", daily_withdrawal_limit_krw="5"
    )
    response = staff_client.post(change_url(started), form)
    assert response.status_code == 200  # form redisplayed
    assert "이용한도는 0보다 큰" in text_of(response)
    started.refresh_from_db()
    assert started.usage_limit_krw is None


def test_applicants_cannot_set_limits(member, started):
    with pytest.raises(NotAllowed):
        accounts.set_limits(
            application=started.application,
            by=member.user,
            usage_limit_krw=10**9,
            daily_withdrawal_limit_krw=10**8,
        )


def test_centre_guarantee_needs_the_daily_limit_first(staff, started):
    with pytest.raises(PortalError, match="일 출금한도"):
        guarantee.arrange_centre_guarantee(
            application=started.application, by=staff, composite_score=0
        )


# --- individual bank guarantee ----------------------------------------------------------------


@pytest.fixture
def large_app(member):
    member.institution.paid_in_capital = 50_000_000_000
    member.institution.save()
    return ApplicationFactory(
        institution=member.institution, created_by=member.user, state="contract"
    )


def test_small_institutions_cannot_use_individual_bank_guarantee(staff, contract_app):
    with pytest.raises(PortalError, match="대형"):
        guarantee.start_individual_guarantee(application=contract_app, by=staff)


def test_notice_opens_a_30_day_window_with_every_bank(staff_client, large_app):
    contract, _ = Contract.objects.get_or_create(application=large_app)
    staff_client.post(
        reverse("admin:contracts_contract_changelist"),
        {"action": "notify_banks", "_selected_action": [contract.pk]},
    )
    arrangement = GuaranteeArrangement.objects.get(contract=contract)
    today = timezone.localdate()
    assert arrangement.kind == "individual_bank"
    assert arrangement.window_closes_on == today + datetime.timedelta(days=30)
    assert arrangement.negotiations.count() == 18
    assert guarantee.withdrawal_bank_codes(arrangement) == []


def test_banks_agree_one_by_one_in_the_admin_and_withdrawal_opens_per_bank(
    staff, staff_client, applicant_client, large_app
):
    arrangement = guarantee.start_individual_guarantee(application=large_app, by=staff)
    url = reverse("admin:contracts_guaranteearrangement_change", args=[arrangement.pk])
    form = admin_form_data(staff_client.get(url))
    kb = arrangement.negotiations.get(bank__code="004")
    index = list(
        arrangement.negotiations.order_by("bank__code").values_list("pk", flat=True)
    ).index(kb.pk)
    form[f"negotiations-{index}-status"] = "agreed"
    form[f"negotiations-{index}-agreed_limit_krw"] = "700000000"
    response = staff_client.post(url, form, follow=True)
    assert response.status_code == 200
    kb.refresh_from_db()
    assert (kb.status, kb.agreed_limit_krw) == ("agreed", 700_000_000)
    assert guarantee.withdrawal_bank_codes(arrangement) == ["004"]
    assert guarantee.guarantee_in_place(arrangement.contract)
    page = text_of(applicant_client.get(reverse("contract_page", args=[large_app.pk])))
    assert "700,000,000원" in page and "개별은행 보증" in page


def test_agreeing_without_a_limit_is_refused(staff, large_app):
    arrangement = guarantee.start_individual_guarantee(application=large_app, by=staff)
    with pytest.raises(PortalError, match="보증한도"):
        guarantee.record_negotiation(
            negotiation=arrangement.negotiations.first(), by=staff, status="agreed"
        )


def _open_window(staff, app, days_ago):
    notice = timezone.localdate() - datetime.timedelta(days=days_ago)
    return guarantee.start_individual_guarantee(application=app, by=staff, notice_on=notice)


def test_window_stays_open_before_day_30(staff, large_app):
    arrangement = _open_window(staff, large_app, days_ago=29)
    assert close_guarantee_windows.delay().get() == []
    arrangement.refresh_from_db()
    assert arrangement.window_closed_at is None and arrangement.kind == "individual_bank"


def test_day_30_with_no_bank_agreed_falls_back_to_the_centre_procedure(staff, large_app):
    arrangement = _open_window(staff, large_app, days_ago=30)
    assert close_guarantee_windows.delay().get() == [arrangement.pk]
    arrangement.refresh_from_db()
    assert arrangement.kind == "centre" and arrangement.fell_back_to_centre
    assert arrangement.window_closed_at is not None
    assert Contract.objects.get(application=large_app).guarantee_type == "centre"
    assert AuditEntry.objects.filter(action="guarantee.fell_back_to_centre").count() == 1
    # Running the beat task again changes nothing.
    assert close_guarantee_windows.delay().get() == []
    assert AuditEntry.objects.filter(action="guarantee.fell_back_to_centre").count() == 1
    # Staff now set the centre guarantee.
    accounts.set_limits(
        application=large_app, by=staff, usage_limit_krw=10**9, daily_withdrawal_limit_krw=10**8
    )
    arranged = guarantee.arrange_centre_guarantee(
        application=large_app, by=staff, composite_score=-120
    )
    assert (arranged.rate_percent, arranged.required_amount_krw) == (100, 10**8)


def test_day_30_with_some_banks_agreed_keeps_bank_by_bank_withdrawal(staff, large_app):
    arrangement = _open_window(staff, large_app, days_ago=31)
    for code in ("088", "020"):
        guarantee.record_negotiation(
            negotiation=arrangement.negotiations.get(bank__code=code),
            by=staff,
            status=BankNegotiation.Status.AGREED,
            agreed_limit_krw=10**8,
        )
    close_guarantee_windows.delay()
    arrangement.refresh_from_db()
    assert arrangement.kind == "individual_bank" and not arrangement.fell_back_to_centre
    assert arrangement.window_closed_at is not None
    assert guarantee.withdrawal_bank_codes(arrangement) == ["020", "088"]
    entry = AuditEntry.objects.get(action="guarantee.window_closed")
    assert sorted(entry.data["agreed_banks"]) == ["020", "088"]


def test_other_institution_large_apps_are_untouched(staff, large_app):
    other = ApplicationFactory(
        institution=InstitutionFactory(paid_in_capital=5 * 10**10), state="contract"
    )
    _open_window(staff, large_app, days_ago=30)
    _open_window(staff, other, days_ago=3)
    closed = close_guarantee_windows.delay().get()
    assert len(closed) == 1
    assert GuaranteeArrangement.objects.get(contract__application=other).window_closed_at is None


def test_centre_guarantee_after_the_fallback_issues_a_new_contract_version(
    staff, large_app, django_capture_on_commit_callbacks
):
    from contracts.models import ContractDocument
    from contracts.preparation import prepare_signed_contract
    from contracts.signing import record_signature

    contract = prepare_signed_contract(application=large_app, staff=staff, sign=False)
    GuaranteeArrangement.objects.filter(contract=contract).delete()
    _open_window(staff, large_app, days_ago=30)
    with django_capture_on_commit_callbacks(execute=True):
        record_signature(application=large_app, by=staff)
    close_guarantee_windows.delay()
    with django_capture_on_commit_callbacks(execute=True):
        guarantee.arrange_centre_guarantee(application=large_app, by=staff, composite_score=0)
    docs = ContractDocument.objects.filter(contract=contract).order_by("version")
    assert [(d.version, d.data["guarantee"]["kind"]) for d in docs] == [
        (1, "individual_bank"),
        (2, "centre"),
    ]
    assert docs[1].reason == "보증수단 변경" and docs[1].is_ready
