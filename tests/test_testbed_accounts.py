"""The simulated user, account and inquiry APIs (DOMAIN §10): user/me, unlink, close, register,
account list/update_info/cancel, balance and transaction list by fintech-use number and by account
number — good and bad requests, over each institution's deterministic synthetic data."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from testbed import testing as tb
from testbed.models import SimAccount, SimUser, TestbedCall
from testbed.synthetic import client_use_code, ensure_seeded, plan
from tests.factories import ApplicationFactory


@pytest.fixture
def approved(member):
    return ApplicationFactory(
        institution=member.institution, created_by=member.user, state="approved"
    )


@pytest.fixture
def key(approved, applicant_client):
    return tb.issue_key(applicant_client, approved.institution_id)


@pytest.fixture
def api():
    return Client()


@pytest.fixture
def sim_user(key):
    ensure_seeded(key.institution_id)
    return SimUser.objects.filter(institution_id=key.institution_id).order_by("user_seq_no")[0]


@pytest.fixture
def token(key, sim_user, applicant_client, api):
    return tb.user_token(applicant_client, api, key, user_seq_no=sim_user.user_seq_no)[
        "access_token"
    ]


@pytest.fixture
def oob(key, api):
    return tb.oob_token(api, key)["access_token"]


def accounts_of(user):
    return list(SimAccount.objects.filter(user=user).order_by("pk"))


def balance_query(key, account, **extra):
    return {
        "bank_tran_id": tb.bank_tran_id(key.institution_id),
        "fintech_use_num": account.fintech_use_num,
        "tran_dtime": tb.tran_dtime(),
        **extra,
    }


def days_ago(n: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=n)).strftime("%Y%m%d")


# --- synthetic data ---------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=10**8))
def test_synthetic_data_is_deterministic_and_consistent(institution_id):
    first, again = plan(institution_id), plan(institution_id)
    assert first == again
    for user in first:
        assert len(user.user_seq_no) == 10 and len(user.birth_date) == 8
        for account in user.accounts:
            assert len(account.fintech_use_num) == 24 and account.fintech_use_num.isdigit()
            running = account.opening_balance
            for line in account.history:
                running += line.tran_amt if line.inout_type == "입금" else -line.tran_amt
                assert running >= 0
            assert running == account.balance


def test_institutions_get_different_data_and_seeding_is_idempotent(key):
    assert plan(key.institution_id) != plan(key.institution_id + 1)
    ensure_seeded(key.institution_id)
    ensure_seeded(key.institution_id)
    assert SimUser.objects.filter(institution_id=key.institution_id).count() == len(
        plan(key.institution_id)
    )


# --- user / account ---------------------------------------------------------------------------


def test_user_me_lists_the_users_accounts(token, sim_user, api):
    status, body = tb.call(
        api, token, "GET", "/v2.0/user/me", {"user_seq_no": sim_user.user_seq_no}
    )
    assert status == 200
    assert body["rsp_code"] == "A0000" and body["rsp_message"] == "처리 성공"
    assert len(body["api_tran_id"]) == 20 and len(body["api_tran_dtm"]) == 17
    assert body["user_ci"] == sim_user.user_ci
    assert body["res_cnt"] == "2"
    assert {a["fintech_use_num"] for a in body["res_list"]} == {
        a.fintech_use_num for a in accounts_of(sim_user)
    }
    assert set(body["res_list"][0]) >= {
        "fintech_use_num",
        "bank_code_std",
        "bank_name",
        "account_num_masked",
        "account_holder_name",
        "inquiry_agree_yn",
        "transfer_agree_yn",
    }


def test_user_me_needs_user_seq_no(token, api):
    status, body = tb.call(api, token, "GET", "/v2.0/user/me")
    assert (status, body["rsp_code"]) == (200, "A0003")
    assert "user_seq_no" in body["rsp_message"]


def test_account_list_orders_and_filters(token, sim_user, api):
    _status, body = tb.call(
        api,
        token,
        "GET",
        "/v2.0/account/list",
        {"user_seq_no": sim_user.user_seq_no, "sort_order": "A"},
    )
    assert body["rsp_code"] == "A0000"
    assert [a["fintech_use_num"] for a in body["res_list"]] == [
        a.fintech_use_num for a in accounts_of(sim_user)
    ]
    _status, body = tb.call(
        api,
        token,
        "GET",
        "/v2.0/account/list",
        {"user_seq_no": sim_user.user_seq_no, "sort_order": "X"},
    )
    assert body["rsp_code"] == "A0003"


def test_update_info_changes_the_alias(token, sim_user, api):
    account = accounts_of(sim_user)[0]
    status, body = tb.call(
        api,
        token,
        "POST",
        "/v2.0/account/update_info",
        {"fintech_use_num": account.fintech_use_num, "account_alias": "생활비 통장"},
    )
    assert (status, body["rsp_code"], body["account_alias"]) == (200, "A0000", "생활비 통장")
    _, listed = tb.call(
        api, token, "GET", "/v2.0/account/list", {"user_seq_no": sim_user.user_seq_no}
    )
    aliases = {a["fintech_use_num"]: a["account_alias"] for a in listed["res_list"]}
    assert aliases[account.fintech_use_num] == "생활비 통장"


def test_a_user_token_reaches_only_its_users_accounts(key, token, sim_user, api):
    other_user = SimUser.objects.filter(institution_id=key.institution_id).exclude(pk=sim_user.pk)[
        0
    ]
    foreign = accounts_of(other_user)[0]
    status, body = tb.call(
        api, token, "GET", "/v2.0/account/balance/fin_num", balance_query(key, foreign)
    )
    assert (status, body["rsp_code"]) == (403, "O0002")
    status, body = tb.call(
        api,
        token,
        "GET",
        "/v2.0/account/balance/fin_num",
        balance_query(key, foreign, fintech_use_num="1" * 24),
    )
    assert body["rsp_code"] == "A0005"


def test_cancelling_the_inquiry_agreement_stops_inquiry_and_both_cancel_the_account(
    key, token, sim_user, api
):
    account = accounts_of(sim_user)[0]
    cancel = {
        "bank_tran_id": tb.bank_tran_id(key.institution_id),
        "scope": "inquiry",
        "fintech_use_num": account.fintech_use_num,
    }
    _status, body = tb.call(api, token, "POST", "/v2.0/account/cancel", cancel)
    assert (body["rsp_code"], body["bank_rsp_code"]) == ("A0000", "000")
    _, body = tb.call(
        api, token, "GET", "/v2.0/account/balance/fin_num", balance_query(key, account)
    )
    assert (body["rsp_code"], body["bank_rsp_code"]) == ("A0002", "443")
    tb.call(
        api,
        token,
        "POST",
        "/v2.0/account/cancel",
        {**cancel, "scope": "transfer", "bank_tran_id": tb.bank_tran_id(key.institution_id)},
    )
    account.refresh_from_db()
    assert account.account_state == SimAccount.State.CANCELLED
    _, listed = tb.call(
        api, token, "GET", "/v2.0/account/list", {"user_seq_no": sim_user.user_seq_no}
    )
    assert account.fintech_use_num not in {a["fintech_use_num"] for a in listed["res_list"]}
    _, listed = tb.call(
        api,
        token,
        "GET",
        "/v2.0/account/list",
        {"user_seq_no": sim_user.user_seq_no, "include_cancel_yn": "Y"},
    )
    states = {a["fintech_use_num"]: a["account_state"] for a in listed["res_list"]}
    assert states[account.fintech_use_num] == "09"
    _, bad = tb.call(api, token, "POST", "/v2.0/account/cancel", {**cancel, "scope": "everything"})
    assert bad["rsp_code"] == "A0003"


def test_unlink_ends_the_users_tokens(key, token, sim_user, oob, api):
    status, body = tb.call(
        api,
        oob,
        "POST",
        "/v2.0/user/unlink",
        {
            "client_use_code": client_use_code(key.institution_id),
            "user_seq_no": sim_user.user_seq_no,
        },
    )
    assert (status, body["rsp_code"], body["user_seq_no"]) == (200, "A0000", sim_user.user_seq_no)
    status, body = tb.call(
        api, token, "GET", "/v2.0/user/me", {"user_seq_no": sim_user.user_seq_no}
    )
    assert (status, body["rsp_code"]) == (401, "O0001")


def test_unlink_refuses_another_institutions_code_and_unknown_users(key, sim_user, oob, api):
    _, body = tb.call(
        api,
        oob,
        "POST",
        "/v2.0/user/unlink",
        {"client_use_code": "T999999999", "user_seq_no": sim_user.user_seq_no},
    )
    assert body["rsp_code"] == "O0002"
    _, body = tb.call(
        api,
        oob,
        "POST",
        "/v2.0/user/unlink",
        {"client_use_code": client_use_code(key.institution_id), "user_seq_no": "1999999999"},
    )
    assert body["rsp_code"] == "A0005"


def test_close_cancels_every_account_of_the_user(key, token, sim_user, oob, api):
    _status, body = tb.call(
        api,
        oob,
        "POST",
        "/v2.0/user/close",
        {"client_use_code": client_use_code(key.institution_id), "user_ci": sim_user.user_ci},
    )
    assert body["rsp_code"] == "A0000"
    assert {a.account_state for a in accounts_of(sim_user)} == {SimAccount.State.CANCELLED}
    assert (
        tb.call(api, token, "GET", "/v2.0/user/me", {"user_seq_no": sim_user.user_seq_no})[0] == 401
    )
    _, again = tb.call(
        api,
        oob,
        "POST",
        "/v2.0/user/close",
        {"client_use_code": client_use_code(key.institution_id), "user_ci": sim_user.user_ci},
    )
    assert again["rsp_code"] == "A0005"


def register_body(key, **extra):
    return {
        "bank_tran_id": tb.bank_tran_id(key.institution_id),
        "bank_code_std": "088",
        "register_account_num": "110123456789",
        "user_info": "19900101",
        "user_name": "홍길동",
        "user_ci": "CI-HONG-1990",
        "info_prvd_agmt_yn": "Y",
        **extra,
    }


def test_register_adds_a_user_and_account_the_user_can_then_consent_to(
    key, oob, api, applicant_client
):
    status, body = tb.call(api, oob, "POST", "/v2.0/user/register", register_body(key))
    assert (status, body["rsp_code"], body["bank_rsp_code"]) == (200, "A0000", "000")
    assert body["bank_name"] == "신한은행" and len(body["fintech_use_num"]) == 24
    user_token = tb.user_token(applicant_client, api, key, user_seq_no=body["user_seq_no"])
    _, balance = tb.call(
        api,
        user_token["access_token"],
        "GET",
        "/v2.0/account/balance/fin_num",
        {
            "bank_tran_id": tb.bank_tran_id(key.institution_id),
            "fintech_use_num": body["fintech_use_num"],
            "tran_dtime": tb.tran_dtime(),
        },
    )
    assert balance["rsp_code"] == "A0000" and int(balance["balance_amt"]) > 0
    _, again = tb.call(api, oob, "POST", "/v2.0/user/register", register_body(key))
    assert (again["user_seq_no"], again["fintech_use_num"]) == (
        body["user_seq_no"],
        body["fintech_use_num"],
    )


@pytest.mark.parametrize(
    "extra",
    [
        {"bank_code_std": "999"},
        {"info_prvd_agmt_yn": "N"},
        {"user_info": "19901301"},
        {"user_ci": ""},
        {"bank_tran_id": "T000000000U000000001"},
    ],
)
def test_register_refuses_bad_requests(key, oob, api, extra):
    _, body = tb.call(api, oob, "POST", "/v2.0/user/register", register_body(key, **extra))
    assert body["rsp_code"] == "A0003"
    assert not SimUser.objects.filter(user_ci="CI-HONG-1990").exists()


# --- inquiry ----------------------------------------------------------------------------------


def test_balance_by_fintech_number_and_by_account_number_agree_with_the_seed(
    key, token, sim_user, api
):
    account = accounts_of(sim_user)[0]
    planned = next(
        a
        for u in plan(key.institution_id)
        for a in u.accounts
        if a.fintech_use_num == account.fintech_use_num
    )
    _, by_fin = tb.call(
        api, token, "GET", "/v2.0/account/balance/fin_num", balance_query(key, account)
    )
    assert by_fin["rsp_code"] == "A0000"
    assert by_fin["balance_amt"] == str(planned.balance)
    assert by_fin["bank_code_tran"] == account.bank_code_std
    _, by_num = tb.call(
        api,
        token,
        "POST",
        "/v2.0/account/balance/acnt_num",
        {
            "bank_tran_id": tb.bank_tran_id(key.institution_id),
            "bank_code_std": account.bank_code_std,
            "account_num": account.account_num,
            "user_seq_no": sim_user.user_seq_no,
            "tran_dtime": tb.tran_dtime(),
        },
    )
    assert (by_num["rsp_code"], by_num["balance_amt"]) == ("A0000", by_fin["balance_amt"])
    _, wrong_user = tb.call(
        api,
        token,
        "POST",
        "/v2.0/account/balance/acnt_num",
        {
            "bank_tran_id": tb.bank_tran_id(key.institution_id),
            "bank_code_std": account.bank_code_std,
            "account_num": account.account_num,
            "user_seq_no": "1000000999",
            "tran_dtime": tb.tran_dtime(),
        },
    )
    assert wrong_user["rsp_code"] == "O0002"


@pytest.mark.parametrize(
    "broken",
    [
        {"bank_tran_id": "M202111920U000000001"},
        {"bank_tran_id": ""},
        {"tran_dtime": "2026-01-01"},
        {"tran_dtime": "20261399000000"},
        {"fintech_use_num": "12345"},
    ],
)
def test_balance_refuses_malformed_requests(key, token, sim_user, api, broken):
    account = accounts_of(sim_user)[0]
    status, body = tb.call(
        api, token, "GET", "/v2.0/account/balance/fin_num", balance_query(key, account, **broken)
    )
    assert (status, body["rsp_code"]) == (200, "A0003")
    assert TestbedCall.objects.filter(api_code="balance", rsp_code="A0003").count() == 1


def test_transaction_list_pages_filters_and_ends_at_the_balance(key, token, sim_user, api):
    account = accounts_of(sim_user)[0]
    query = {
        **balance_query(key, account),
        "inquiry_type": "A",
        "inquiry_base": "D",
        "from_date": days_ago(90),
        "to_date": days_ago(0),
        "sort_order": "D",
    }
    _, body = tb.call(api, token, "GET", "/v2.0/account/transaction_list/fin_num", query)
    assert body["rsp_code"] == "A0000"
    assert body["page_record_cnt"] == str(account.transactions.count())
    assert body["next_page_yn"] == "N"
    assert body["res_list"][0]["after_balance_amt"] == body["balance_amt"]
    assert set(body["res_list"][0]) == {
        "tran_date",
        "tran_time",
        "inout_type",
        "tran_type",
        "print_content",
        "tran_amt",
        "after_balance_amt",
        "branch_name",
    }
    _, deposits = tb.call(
        api,
        token,
        "GET",
        "/v2.0/account/transaction_list/fin_num",
        {**query, "bank_tran_id": tb.bank_tran_id(key.institution_id), "inquiry_type": "I"},
    )
    assert {t["inout_type"] for t in deposits["res_list"]} <= {"입금"}
    _, by_num = tb.call(
        api,
        token,
        "POST",
        "/v2.0/account/transaction_list/acnt_num",
        {
            **query,
            "bank_tran_id": tb.bank_tran_id(key.institution_id),
            "bank_code_std": account.bank_code_std,
            "account_num": account.account_num,
            "user_seq_no": sim_user.user_seq_no,
            "sort_order": "A",
        },
    )
    assert by_num["res_list"] == list(reversed(body["res_list"]))


def test_transaction_list_pages_with_the_trace_info(key, token, sim_user, api):
    account = accounts_of(sim_user)[0]
    from testbed.models import SimTransaction

    start = timezone.now() - datetime.timedelta(days=1)
    SimTransaction.objects.bulk_create(
        SimTransaction(
            account=account,
            tran_at=start + datetime.timedelta(minutes=i),
            inout_type="입금",
            tran_type="대체",
            print_content="page",
            tran_amt=1,
            after_balance_amt=1,
            branch_name="x",
        )
        for i in range(30)
    )
    query = {
        **balance_query(key, account),
        "inquiry_type": "A",
        "from_date": days_ago(90),
        "to_date": days_ago(0),
        "sort_order": "D",
    }
    _, first = tb.call(api, token, "GET", "/v2.0/account/transaction_list/fin_num", query)
    assert (first["page_record_cnt"], first["next_page_yn"]) == ("25", "Y")
    _, second = tb.call(
        api,
        token,
        "GET",
        "/v2.0/account/transaction_list/fin_num",
        {
            **query,
            "bank_tran_id": tb.bank_tran_id(key.institution_id),
            "befor_inquiry_trace_info": first["befor_inquiry_trace_info"],
        },
    )
    assert int(second["page_record_cnt"]) == account.transactions.count() - 25
    assert second["next_page_yn"] == "N"


@pytest.mark.parametrize(
    "broken",
    [
        {"from_date": "20260230"},
        {"inquiry_type": "Z"},
        {"sort_order": ""},
        {"from_date": "20991231"},
        {"inquiry_base": "T"},
    ],
)
def test_transaction_list_refuses_malformed_requests(key, token, sim_user, api, broken):
    account = accounts_of(sim_user)[0]
    query = {
        **balance_query(key, account),
        "inquiry_type": "A",
        "inquiry_base": "D",
        "from_date": days_ago(30),
        "to_date": days_ago(0),
        "sort_order": "D",
        **broken,
    }
    _, body = tb.call(api, token, "GET", "/v2.0/account/transaction_list/fin_num", query)
    assert body["rsp_code"] == "A0003"


def test_wrong_method_and_bad_json_are_answered_in_the_operators_shape(token, api):
    response = api.post("/testbed/v2.0/user/me", {}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405
    assert response.json()["rsp_code"] == "A0003"
    response = api.post(
        "/testbed/v2.0/account/update_info",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (response.status_code, response.json()["rsp_code"]) == (200, "A0003")
    call = TestbedCall.objects.get(api_code="account_update_info")
    assert (call.rsp_code, call.endpoint) == ("A0003", "/v2.0/account/update_info")


def test_a_balance_call_costs_a_fixed_number_of_queries(
    key, token, sim_user, api, django_assert_num_queries
):
    from django.db import connection

    account = accounts_of(sim_user)[0]
    tb.call(api, token, "GET", "/v2.0/account/balance/fin_num", balance_query(key, account))
    # token + account + call-log row; on PostgreSQL the row is written in its own (here: nested,
    # so SAVEPOINT / RELEASE) transaction after SET LOCAL synchronous_commit.
    expected = 6 if connection.vendor == "postgresql" else 3
    with django_assert_num_queries(expected):
        _, body = tb.call(
            api, token, "GET", "/v2.0/account/balance/fin_num", balance_query(key, account)
        )
    assert body["rsp_code"] == "A0000"
