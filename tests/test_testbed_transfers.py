"""The simulated transfer and institution APIs (DOMAIN §10, §8): withdraw and deposit by fintech-use
number and by account number move balances; transfer result, real name, remitter list and bank
status; transfers without the sub-merchant fields are refused where the institution has them."""

import pytest
from django.test import Client
from django.utils import timezone

from testbed import testing as tb
from testbed.models import SimAccount, SimUser, TestbedProfile
from testbed.synthetic import ensure_seeded
from tests.factories import ApplicationFactory


@pytest.fixture
def approved(member):
    return ApplicationFactory(
        institution=member.institution, created_by=member.user, state="functional_test"
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
def account(sim_user):
    return SimAccount.objects.filter(user=sim_user).order_by("pk")[0]


@pytest.fixture
def token(key, sim_user, applicant_client, api):
    return tb.user_token(applicant_client, api, key, user_seq_no=sim_user.user_seq_no)[
        "access_token"
    ]


@pytest.fixture
def oob(key, api):
    return tb.oob_token(api, key)["access_token"]


def withdraw_body(key, account, amount=10_000, **extra):
    return {
        "bank_tran_id": tb.bank_tran_id(key.institution_id),
        "cntr_account_type": "N",
        "cntr_account_num": "100000000001",
        "dps_print_content": "쇼핑몰환불",
        "fintech_use_num": account.fintech_use_num,
        "wd_print_content": "오픈뱅킹출금",
        "tran_amt": str(amount),
        "tran_dtime": tb.tran_dtime(),
        "req_client_name": account.user.user_name,
        "req_client_bank_code": account.bank_code_std,
        "req_client_account_num": account.account_num,
        "req_client_num": "CUSTOMER0001",
        "transfer_purpose": "TR",
        **extra,
    }


def deposit_body(key, items, **extra):
    return {
        "cntr_account_type": "N",
        "cntr_account_num": "100000000001",
        "wd_pass_phrase": "NONE",
        "wd_print_content": "환불금액",
        "name_check_option": "on",
        "tran_dtime": tb.tran_dtime(),
        "req_cnt": str(len(items)),
        "req_list": items,
        **extra,
    }


def deposit_item(key, account, n=1, amount=5_000, **extra):
    return {
        "tran_no": str(n),
        "bank_tran_id": tb.bank_tran_id(key.institution_id),
        "fintech_use_num": account.fintech_use_num,
        "print_content": "환불",
        "tran_amt": str(amount),
        "req_client_name": "가맹점",
        "req_client_bank_code": "097",
        "req_client_account_num": "100000000001",
        "req_client_num": "SHOP0001",
        "transfer_purpose": "TR",
        **extra,
    }


def balance(account) -> int:
    account.refresh_from_db()
    return account.balance_amt


def result_query(key, kind, *items):
    return {
        "check_type": kind,
        "tran_dtime": tb.tran_dtime(),
        "req_cnt": str(len(items)),
        "req_list": [
            {
                "tran_no": str(n),
                "org_bank_tran_id": bank_tran_id,
                "org_bank_tran_date": timezone.localdate().strftime("%Y%m%d"),
                "org_tran_amt": str(amount),
            }
            for n, (bank_tran_id, amount) in enumerate(items, start=1)
        ],
    }


# --- withdraw ---------------------------------------------------------------------------------


def test_withdraw_moves_the_balance_and_shows_in_history_result_and_remit_list(
    key, token, oob, account, api
):
    before = balance(account)
    body = withdraw_body(key, account, 12_345)
    status, result = tb.call(api, token, "POST", "/v2.0/transfer/withdraw/fin_num", body)
    assert (status, result["rsp_code"], result["bank_rsp_code"]) == (200, "A0000", "000")
    assert result["tran_amt"] == "12345"
    assert result["bank_tran_id"] == body["bank_tran_id"]
    assert result["dps_bank_code_std"] == "097"
    assert result["account_num_masked"].endswith("***")
    assert balance(account) == before - 12_345
    assert int(result["wd_limit_remain_amt"]) == 10_000_000 - 12_345

    _, history = tb.call(
        api,
        token,
        "GET",
        "/v2.0/account/transaction_list/fin_num",
        {
            "bank_tran_id": tb.bank_tran_id(key.institution_id),
            "fintech_use_num": account.fintech_use_num,
            "inquiry_type": "O",
            "inquiry_base": "D",
            "from_date": timezone.localdate().strftime("%Y%m%d"),
            "to_date": timezone.localdate().strftime("%Y%m%d"),
            "sort_order": "D",
            "tran_dtime": tb.tran_dtime(),
        },
    )
    assert history["res_list"][0]["tran_amt"] == "12345"
    assert history["res_list"][0]["after_balance_amt"] == str(before - 12_345)

    _, checked = tb.call(
        api,
        oob,
        "POST",
        "/v2.0/transfer/result",
        result_query(key, "1", (body["bank_tran_id"], 12_345)),
    )
    assert checked["rsp_code"] == "A0000"
    assert (checked["res_list"][0]["bank_rsp_code"], checked["res_list"][0]["tran_amt"]) == (
        "000",
        "12345",
    )

    today = timezone.localdate().strftime("%Y%m%d")
    _, remitters = tb.call(
        api,
        oob,
        "GET",
        "/v2.0/inquiry/remit_list",
        {
            "bank_tran_id": tb.bank_tran_id(key.institution_id),
            "cntr_account_type": "N",
            "cntr_account_num": "100000000001",
            "from_date": today,
            "to_date": today,
            "tran_dtime": tb.tran_dtime(),
        },
    )
    assert remitters["rsp_code"] == "A0000"
    assert [(r["remitter_name"], r["tran_amt"]) for r in remitters["res_list"]] == [
        (account.user.user_name, "12345")
    ]


def test_withdraw_by_account_number(key, token, account, api):
    before = balance(account)
    body = withdraw_body(
        key,
        account,
        1_000,
        fintech_use_num="",
        bank_code_std=account.bank_code_std,
        account_num=account.account_num,
        user_seq_no=account.user.user_seq_no,
    )
    _, result = tb.call(api, token, "POST", "/v2.0/transfer/withdraw/acnt_num", body)
    assert (result["rsp_code"], result["fintech_use_num"]) == ("A0000", account.fintech_use_num)
    assert balance(account) == before - 1_000


def test_withdraw_beyond_the_balance_is_a_bank_error_and_moves_nothing(
    key, token, oob, account, api
):
    before = balance(account)
    body = withdraw_body(key, account, before + 1)
    status, result = tb.call(api, token, "POST", "/v2.0/transfer/withdraw/fin_num", body)
    assert (status, result["rsp_code"], result["bank_rsp_code"]) == (200, "A0002", "551")
    assert balance(account) == before
    _, checked = tb.call(
        api,
        oob,
        "POST",
        "/v2.0/transfer/result",
        result_query(key, "1", (body["bank_tran_id"], before + 1)),
    )
    assert checked["res_list"][0]["bank_rsp_code"] == "551"


def test_a_bank_transaction_id_is_used_once(key, token, account, api):
    body = withdraw_body(key, account, 1_000)
    assert (
        tb.call(api, token, "POST", "/v2.0/transfer/withdraw/fin_num", body)[1]["rsp_code"]
        == "A0000"
    )
    before = balance(account)
    _, again = tb.call(api, token, "POST", "/v2.0/transfer/withdraw/fin_num", body)
    assert again["rsp_code"] == "A0004"
    assert balance(account) == before


@pytest.mark.parametrize(
    "broken",
    [
        {"tran_amt": "0"},
        {"tran_amt": "-5"},
        {"tran_amt": "1.5"},
        {"cntr_account_type": "X"},
        {"transfer_purpose": "ZZ"},
        {"req_client_num": ""},
        {"dps_print_content": ""},
        {"sub_frnc_business_num": "12345"},
    ],
)
def test_withdraw_refuses_malformed_requests(key, token, account, api, broken):
    before = balance(account)
    _, result = tb.call(
        api, token, "POST", "/v2.0/transfer/withdraw/fin_num", withdraw_body(key, account, **broken)
    )
    assert result["rsp_code"] == "A0003"
    assert balance(account) == before


def test_withdraw_needs_the_transfer_agreement(key, token, account, api):
    tb.call(
        api,
        token,
        "POST",
        "/v2.0/account/cancel",
        {
            "bank_tran_id": tb.bank_tran_id(key.institution_id),
            "scope": "transfer",
            "fintech_use_num": account.fintech_use_num,
        },
    )
    before = balance(account)
    _, result = tb.call(
        api, token, "POST", "/v2.0/transfer/withdraw/fin_num", withdraw_body(key, account)
    )
    assert (result["rsp_code"], result["bank_rsp_code"]) == ("A0002", "443")
    assert balance(account) == before


# --- sub-merchants (DOMAIN §8) ----------------------------------------------------------------


def test_withdraw_without_sub_merchant_fields_is_refused_where_the_institution_has_them(
    key, token, account, api
):
    TestbedProfile.objects.filter(institution_id=key.institution_id).update(has_sub_merchants=True)
    before = balance(account)
    _, refused = tb.call(
        api, token, "POST", "/v2.0/transfer/withdraw/fin_num", withdraw_body(key, account)
    )
    assert refused["rsp_code"] == "A0011"
    assert balance(account) == before
    _, only_name = tb.call(
        api,
        token,
        "POST",
        "/v2.0/transfer/withdraw/fin_num",
        withdraw_body(key, account, sub_frnc_name="하위가맹점"),
    )
    assert only_name["rsp_code"] == "A0011"
    _, accepted = tb.call(
        api,
        token,
        "POST",
        "/v2.0/transfer/withdraw/fin_num",
        withdraw_body(
            key,
            account,
            sub_frnc_name="하위가맹점",
            sub_frnc_num="123456789012",
            sub_frnc_business_num="1234567890",
        ),
    )
    assert accepted["rsp_code"] == "A0000"
    assert balance(account) == before - 10_000


def test_without_sub_merchants_the_fields_are_optional(key, token, account, api):
    _, result = tb.call(
        api, token, "POST", "/v2.0/transfer/withdraw/fin_num", withdraw_body(key, account)
    )
    assert result["rsp_code"] == "A0000"


def test_deposit_without_sub_merchant_fields_is_refused_where_the_institution_has_them(
    key, oob, account, api
):
    TestbedProfile.objects.filter(institution_id=key.institution_id).update(has_sub_merchants=True)
    before = balance(account)
    _, refused = tb.call(
        api,
        oob,
        "POST",
        "/v2.0/transfer/deposit/fin_num",
        deposit_body(key, [deposit_item(key, account)]),
    )
    assert refused["rsp_code"] == "A0011"
    assert balance(account) == before


# --- deposit ----------------------------------------------------------------------------------


def test_deposit_credits_each_account_of_the_list(key, oob, sim_user, api):
    first, second = SimAccount.objects.filter(user=sim_user).order_by("pk")
    before = (balance(first), balance(second))
    items = [deposit_item(key, first, 1, 5_000), deposit_item(key, second, 2, 7_000)]
    status, result = tb.call(
        api, oob, "POST", "/v2.0/transfer/deposit/fin_num", deposit_body(key, items)
    )
    assert (status, result["rsp_code"], result["res_cnt"]) == (200, "A0000", "2")
    assert [r["bank_rsp_code"] for r in result["res_list"]] == ["000", "000"]
    assert result["wd_bank_code_std"] == "097"
    assert (balance(first), balance(second)) == (before[0] + 5_000, before[1] + 7_000)
    _, checked = tb.call(
        api,
        oob,
        "POST",
        "/v2.0/transfer/result",
        result_query(
            key, "2", (items[0]["bank_tran_id"], 5_000), (items[1]["bank_tran_id"], 7_000)
        ),
    )
    assert [r["bank_rsp_code"] for r in checked["res_list"]] == ["000", "000"]


def test_deposit_by_account_number_checks_the_holders_name(key, oob, account, api):
    before = balance(account)
    item = {
        **deposit_item(key, account, amount=3_000),
        "fintech_use_num": "",
        "bank_code_std": account.bank_code_std,
        "account_num": account.account_num,
        "account_holder_name": "다른사람",
    }
    _, mismatch = tb.call(
        api, oob, "POST", "/v2.0/transfer/deposit/acnt_num", deposit_body(key, [item])
    )
    assert (mismatch["rsp_code"], mismatch["res_list"][0]["bank_rsp_code"]) == ("A0002", "446")
    assert balance(account) == before
    item = {
        **item,
        "bank_tran_id": tb.bank_tran_id(key.institution_id),
        "account_holder_name": account.user.user_name,
    }
    _, ok = tb.call(api, oob, "POST", "/v2.0/transfer/deposit/acnt_num", deposit_body(key, [item]))
    assert ok["rsp_code"] == "A0000"
    assert balance(account) == before + 3_000


def test_deposit_to_an_unknown_account_fails_that_item(key, oob, account, api):
    before = balance(account)
    items = [
        deposit_item(key, account, 1, 1_000),
        deposit_item(key, account, 2, 1_000, fintech_use_num="1" * 24),
    ]
    _, result = tb.call(
        api, oob, "POST", "/v2.0/transfer/deposit/fin_num", deposit_body(key, items)
    )
    assert result["rsp_code"] == "A0002"
    assert [r["bank_rsp_code"] for r in result["res_list"]] == ["000", "441"]
    assert balance(account) == before + 1_000


@pytest.mark.parametrize(
    "change",
    [
        {"req_cnt": "2"},
        {"req_list": []},
        {"name_check_option": "maybe"},
        {"wd_print_content": ""},
        {"tran_dtime": "yesterday"},
    ],
)
def test_deposit_refuses_malformed_requests(key, oob, account, api, change):
    before = balance(account)
    body = {**deposit_body(key, [deposit_item(key, account)]), **change}
    _, result = tb.call(api, oob, "POST", "/v2.0/transfer/deposit/fin_num", body)
    assert result["rsp_code"] == "A0003"
    assert balance(account) == before


def test_deposit_needs_the_institution_token(key, token, account, api):
    status, result = tb.call(
        api,
        token,
        "POST",
        "/v2.0/transfer/deposit/fin_num",
        deposit_body(key, [deposit_item(key, account)]),
    )
    assert (status, result["rsp_code"]) == (403, "O0002")


def test_transfer_result_reports_unknown_transfers(key, oob, api):
    _, checked = tb.call(
        api,
        oob,
        "POST",
        "/v2.0/transfer/result",
        result_query(key, "1", (tb.bank_tran_id(key.institution_id), 100)),
    )
    assert checked["rsp_code"] == "A0000"
    assert checked["res_list"][0]["bank_rsp_code"] == "999"
    _, bad = tb.call(
        api, oob, "POST", "/v2.0/transfer/result", {**result_query(key, "3"), "req_cnt": "0"}
    )
    assert bad["rsp_code"] == "A0003"


def test_transfers_of_another_institution_are_invisible(key, token, account, api):
    body = withdraw_body(key, account, 1_000)
    tb.call(api, token, "POST", "/v2.0/transfer/withdraw/fin_num", body)
    bob = ApplicationFactory(state="approved")
    from tests.factories import MembershipFactory

    member = MembershipFactory(institution=bob.institution)
    browser = Client()
    browser.force_login(member.user)
    bob_key = tb.issue_key(browser, bob.institution_id)
    bob_oob = tb.oob_token(api, bob_key)["access_token"]
    query = result_query(bob_key, "1", (tb.bank_tran_id(bob.institution_id), 1_000))
    query["req_list"][0]["org_bank_tran_id"] = body["bank_tran_id"]
    _, checked = tb.call(api, bob_oob, "POST", "/v2.0/transfer/result", query)
    # Alice's bank transaction id does not even have Bob's prefix: refused as malformed.
    assert checked["rsp_code"] == "A0003"
    _, real = tb.call(
        api,
        bob_oob,
        "POST",
        "/v2.0/inquiry/real_name",
        {
            "bank_tran_id": tb.bank_tran_id(bob.institution_id),
            "bank_code_std": account.bank_code_std,
            "account_num": account.account_num,
            "account_holder_info_type": " ",
            "account_holder_info": account.user.birth_date[2:],
            "tran_dtime": tb.tran_dtime(),
        },
    )
    assert (real["rsp_code"], real["bank_rsp_code"]) == ("A0002", "441")


# --- institution inquiries ----------------------------------------------------------------------


def real_name_body(key, account, **extra):
    return {
        "bank_tran_id": tb.bank_tran_id(key.institution_id),
        "bank_code_std": account.bank_code_std,
        "account_num": account.account_num,
        "account_holder_info_type": " ",
        "account_holder_info": account.user.birth_date[2:],
        "tran_dtime": tb.tran_dtime(),
        **extra,
    }


def test_real_name_returns_the_holder(key, oob, account, api):
    _, result = tb.call(api, oob, "POST", "/v2.0/inquiry/real_name", real_name_body(key, account))
    assert (result["rsp_code"], result["bank_rsp_code"]) == ("A0000", "000")
    assert result["account_holder_name"] == account.user.user_name
    assert result["bank_name"] == account.bank_name


@pytest.mark.parametrize(
    ("change", "rsp_code", "bank_rsp_code"),
    [
        ({"account_holder_info": "000000"}, "A0002", "445"),
        ({"account_num": "999999999999"}, "A0002", "441"),
        ({"account_holder_info_type": "9"}, "A0003", None),
        ({"account_holder_info": ""}, "A0003", None),
    ],
)
def test_real_name_refusals(key, oob, account, api, change, rsp_code, bank_rsp_code):
    _, result = tb.call(
        api, oob, "POST", "/v2.0/inquiry/real_name", real_name_body(key, account, **change)
    )
    assert result["rsp_code"] == rsp_code
    assert result.get("bank_rsp_code") == bank_rsp_code


def test_remit_list_refuses_a_reversed_period(key, oob, api):
    _, result = tb.call(
        api,
        oob,
        "GET",
        "/v2.0/inquiry/remit_list",
        {
            "bank_tran_id": tb.bank_tran_id(key.institution_id),
            "cntr_account_type": "N",
            "cntr_account_num": "100000000001",
            "from_date": "20260201",
            "to_date": "20260101",
            "tran_dtime": tb.tran_dtime(),
        },
    )
    assert result["rsp_code"] == "A0003"


def test_bank_status_lists_the_participating_banks(key, oob, api):
    from contracts.models import Bank

    Bank.objects.filter(code="035").update(active=False)
    _, result = tb.call(api, oob, "GET", "/v2.0/bank/status")
    assert result["rsp_code"] == "A0000"
    assert result["res_cnt"] == str(Bank.objects.count())
    status = {b["bank_code_std"]: b["bank_status"] for b in result["res_list"]}
    assert status["088"] == "Y" and status["035"] == "N"


def test_registered_sub_merchants_must_be_approved_by_the_centre(key, token, account, api, member):
    from operations.models import SubMerchant

    def register(brn, status):
        return SubMerchant.objects.create(
            institution_id=key.institution_id,
            name=f"하위{brn[-2:]}",
            business_registration_number=brn,
            business_description="온라인 쇼핑몰",
            submitted_by=member.user,
            status=status,
        )

    register("1111111111", "approved")
    register("2222222222", "submitted")
    before = balance(account)

    def withdraw(**sub):
        return tb.call(
            api,
            token,
            "POST",
            "/v2.0/transfer/withdraw/fin_num",
            withdraw_body(key, account, **sub),
        )[1]["rsp_code"]

    # Registered sub-merchants make the fields mandatory even without the testbed switch.
    assert withdraw() == "A0011"
    assert withdraw(sub_frnc_name="하위22", sub_frnc_business_num="2222222222") == "A0012"
    assert withdraw(sub_frnc_name="모르는곳", sub_frnc_business_num="3333333333") == "A0012"
    assert balance(account) == before
    assert withdraw(sub_frnc_name="하위11", sub_frnc_business_num="1111111111") == "A0000"
    assert balance(account) == before - 10_000
