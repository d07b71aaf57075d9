"""DOMAIN §5 ①–③ over the contract page: main bank, main-bank fee, contract accounts, masking."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from applications.models import AuditEntry
from contracts import accounts
from contracts.models import Bank, Contract, ContractAccount
from openbanking_portal.errors import PortalError

from .conftest import text_of
from .contract_support import *  # noqa: F403  (fixtures)


def page(app):
    return reverse("contract_page", args=[app.pk])


def choose(client, app, code="004"):
    return client.post(reverse("contract_main_bank", args=[app.pk]), {"main_bank": code})


def add(client, app, number, purpose="settlement"):
    return client.post(
        reverse("contract_account_add", args=[app.pk]),
        {"account_number": number, "purpose": purpose, "holder_name": "핀테크 주식회사"},
    )


# --- pure rules -------------------------------------------------------------------------------


@given(st.text(alphabet="0123456789", min_size=10, max_size=16))
def test_valid_numbers_keep_their_digits_and_mask_all_but_last_four(digits):
    hyphenated = f"{digits[:3]}-{digits[3:]}"
    assert accounts.normalize_account_number(hyphenated) == digits
    masked = accounts.mask_account_number(digits)
    assert masked.endswith(digits[-4:])
    assert masked[:-4] == "*" * (len(digits) - 4)


@given(
    st.one_of(
        st.text(alphabet="0123456789", max_size=9),
        st.text(alphabet="0123456789", min_size=17, max_size=30),
        st.text(min_size=1).filter(lambda s: any(c not in "0123456789-" for c in s.strip())),
    )
)
def test_numbers_of_wrong_length_or_with_other_characters_are_refused(raw):
    with pytest.raises(PortalError):
        accounts.normalize_account_number(raw)


def test_mask_example():
    assert accounts.mask_account_number("11012341234") == "*******1234"


# --- main bank and fee ------------------------------------------------------------------------


def test_applicant_chooses_main_bank_and_records_the_agreed_fee(applicant_client, contract_app):
    assert choose(applicant_client, contract_app, "088").status_code == 302
    response = applicant_client.post(
        reverse("contract_fee", args=[contract_app.pk]),
        {"withdrawal_fee_krw": "30", "deposit_fee_krw": "15", "note": "월 정액 없음"},
    )
    assert response.status_code == 302
    contract = Contract.objects.get(application=contract_app)
    assert contract.main_bank.code == "088"
    assert (contract.main_bank_withdrawal_fee_krw, contract.main_bank_deposit_fee_krw) == (30, 15)
    assert contract.main_bank_fee_agreed_at is not None
    body = text_of(applicant_client.get(page(contract_app)))
    assert "신한은행" in body and "건당 30원" in body and "건당 15원" in body
    actions = set(
        AuditEntry.objects.filter(application=contract_app).values_list("action", flat=True)
    )
    assert {"contract.main_bank_chosen", "contract.main_bank_fee_recorded"} <= actions


def test_fee_needs_a_main_bank_first(applicant_client, contract_app):
    response = applicant_client.post(
        reverse("contract_fee", args=[contract_app.pk]),
        {"withdrawal_fee_krw": "30", "deposit_fee_krw": "15"},
    )
    assert response.status_code == 400
    assert "주거래은행을 먼저 선택하세요" in text_of(response)


def test_changing_main_bank_clears_the_fee_agreed_with_the_previous_bank(
    applicant_client, contract_app
):
    choose(applicant_client, contract_app, "004")
    applicant_client.post(
        reverse("contract_fee", args=[contract_app.pk]),
        {"withdrawal_fee_krw": "30", "deposit_fee_krw": "15"},
    )
    choose(applicant_client, contract_app, "020")
    contract = Contract.objects.get(application=contract_app)
    assert contract.main_bank.code == "020" and contract.main_bank_fee_agreed_at is None


def test_inactive_bank_cannot_be_chosen(applicant_client, contract_app):
    Bank.objects.filter(code="090").update(active=False)
    response = choose(applicant_client, contract_app, "090")
    assert response.status_code == 400
    assert not Contract.objects.filter(application=contract_app, main_bank__code="090").exists()


# --- accounts ---------------------------------------------------------------------------------


def test_accounts_are_at_the_main_bank_checked_and_not_duplicated(applicant_client, contract_app):
    assert add(applicant_client, contract_app, "110-123-456789").status_code == 400  # no bank yet
    choose(applicant_client, contract_app, "004")
    assert add(applicant_client, contract_app, "110-123-456789").status_code == 302
    response = add(applicant_client, contract_app, "110123456789")  # same digits
    assert response.status_code == 400
    assert "이미 등록된 계좌번호입니다" in text_of(response)
    response = add(applicant_client, contract_app, "12-34")
    assert response.status_code == 400
    assert "10~16자리" in text_of(response)
    response = add(applicant_client, contract_app, "110 123 456789")
    assert "숫자와 하이픈" in text_of(response)
    account = ContractAccount.objects.get(contract__application=contract_app)
    assert account.bank.code == "004" and account.account_number == "110123456789"


def test_main_bank_cannot_move_away_from_existing_accounts(applicant_client, contract_app):
    choose(applicant_client, contract_app, "004")
    add(applicant_client, contract_app, "110-123-456789")
    response = choose(applicant_client, contract_app, "088")
    assert response.status_code == 400
    assert Contract.objects.get(application=contract_app).main_bank.code == "004"


def test_at_most_one_hundred_accounts(applicant_client, contract_app):
    choose(applicant_client, contract_app, "004")
    contract = Contract.objects.get(application=contract_app)
    ContractAccount.objects.bulk_create(
        ContractAccount(
            contract=contract,
            bank=contract.main_bank,
            account_number=f"1000000{i:05d}",
            purpose="settlement",
        )
        for i in range(100)
    )
    response = add(applicant_client, contract_app, "999-999-999999")
    assert response.status_code == 400
    assert "최대 100개" in text_of(response)
    # Closing one frees a place.
    first = contract.accounts.first()
    applicant_client.post(reverse("contract_account_close", args=[contract_app.pk, first.pk]))
    assert add(applicant_client, contract_app, "999-999-999999").status_code == 302
    assert contract.accounts.active().count() == 100


def test_closed_number_can_be_registered_again(applicant_client, contract_app):
    choose(applicant_client, contract_app)
    add(applicant_client, contract_app, "110-123-456789")
    account = ContractAccount.objects.get()
    applicant_client.post(reverse("contract_account_close", args=[contract_app.pk, account.pk]))
    assert add(applicant_client, contract_app, "110-123-456789").status_code == 302
    assert ContractAccount.objects.filter(account_number="110123456789").count() == 2


# --- masking and who sees what ----------------------------------------------------------------


def _with_account(client, app):
    choose(client, app)
    add(client, app, "110-555-551234")


def test_member_sees_the_account_number_masked(applicant_client, contract_app):
    _with_account(applicant_client, contract_app)
    body = text_of(applicant_client.get(page(contract_app)))
    assert "********1234" in body
    assert "110555551234" not in body and "110-555" not in body


def test_staff_with_permission_sees_the_full_number(applicant_client, staff_client, contract_app):
    _with_account(applicant_client, contract_app)
    body = text_of(staff_client.get(page(contract_app)))
    assert "110555551234" in body


def test_staff_without_permission_sees_it_masked(
    applicant_client, limited_staff_client, contract_app
):
    _with_account(applicant_client, contract_app)
    body = text_of(limited_staff_client.get(page(contract_app)))
    assert "********1234" in body and "110555551234" not in body
    # The admin inline masks the same way (computed in SQL).
    contract = Contract.objects.get(application=contract_app)
    admin_page = limited_staff_client.get(
        reverse("admin:contracts_contract_change", args=[contract.pk])
    )
    assert admin_page.status_code == 200
    assert "********1234" in text_of(admin_page) and "110555551234" not in text_of(admin_page)


def test_staff_admin_shows_the_full_number_with_permission(
    applicant_client, staff_client, contract_app
):
    _with_account(applicant_client, contract_app)
    contract = Contract.objects.get(application=contract_app)
    body = text_of(staff_client.get(reverse("admin:contracts_contract_change", args=[contract.pk])))
    assert "110555551234" in body


def test_other_institutions_and_anonymous_cannot_reach_the_page(
    client, other_client, outsider_client, contract_app
):
    assert other_client.get(page(contract_app)).status_code == 404
    assert outsider_client.get(page(contract_app)).status_code == 404
    assert choose(other_client, contract_app).status_code == 404
    assert not Contract.objects.filter(application=contract_app).exists()
    response = client.get(page(contract_app))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_viewer_member_cannot_change_contract_data(contract_app, member):
    from django.test import Client

    from .factories import MembershipFactory

    viewer = MembershipFactory(institution=member.institution, role="viewer").user
    client = Client()
    client.force_login(viewer)
    assert client.get(page(contract_app)).status_code == 200
    response = choose(client, contract_app)
    assert response.status_code == 400
    assert "권한이 없습니다" in text_of(response)


def test_contract_page_query_count_is_pinned(
    applicant_client, contract_app, django_assert_num_queries
):
    _with_account(applicant_client, contract_app)
    add(applicant_client, contract_app, "110-555-559999")
    # session, user, application, contract (+bank, guarantee), accounts, documents, changes
    with django_assert_num_queries(9):  # incl. the header's unread-notice count
        response = applicant_client.get(page(contract_app))
    assert response.status_code == 200


def test_application_page_links_to_the_contract_page_from_approval_on(
    applicant_client, contract_app
):
    detail = text_of(applicant_client.get(reverse("application_detail", args=[contract_app.pk])))
    assert page(contract_app) in detail


def test_no_contract_link_before_approval(applicant_client, application):
    detail = text_of(applicant_client.get(reverse("application_detail", args=[application.pk])))
    assert page(application) not in detail


def test_contract_admin_page_queries_do_not_grow_with_accounts(
    applicant_client, staff_client, contract_app
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _with_account(applicant_client, contract_app)
    contract = Contract.objects.get(application=contract_app)
    url = reverse("admin:contracts_contract_change", args=[contract.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert staff_client.get(url).status_code == 200
        return len(ctx)

    count()  # warm the content-type cache
    one = count()
    for i in range(5):
        add(applicant_client, contract_app, f"220-000-00000{i}")
    assert count() == one
