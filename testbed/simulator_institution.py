"""Simulated v2.0 institution (two-legged, `oob`) inquiry APIs (DOMAIN §10): account real name,
remitter list and participating-bank status."""

import datetime

from django.utils import timezone

from contracts.models import Bank

from .api import CallContext, Params, Refusal
from .catalogue import BAD_REQUEST, BANK_ERROR, BANK_NO_ACCOUNT, BANK_OK
from .models import SimAccount, SimTransfer
from .simulator_accounts import bank_result
from .simulator_transfers import _cntr_account

HOLDER_INFO_MISMATCH = ("445", "실명번호불일치")


def real_name(ctx: CallContext, p: Params) -> dict:
    """계좌실명조회: the holder's name of an account, checked against birth date (or BRN)."""
    bank_tran_id = p.bank_tran_id()
    bank_code = p.digits("bank_code_std", 3)
    account_num = p.digits("account_num")
    info_type = p.data.get("account_holder_info_type", " ") or " "
    if info_type not in (" ", "6"):
        raise Refusal(BAD_REQUEST, "account_holder_info_type: ' '(생년월일) 또는 '6'이어야 합니다.")
    holder_info = p.required("account_holder_info")
    p.tran_dtime()
    ctx.ensure_seeded()
    account = (
        SimAccount.objects.select_related("user")
        .filter(institution_id=ctx.institution_id, bank_code_std=bank_code, account_num=account_num)
        .first()
    )
    body = {
        "bank_code_std": bank_code,
        "bank_code_sub": bank_code + "0001",
        "bank_name": account.bank_name if account else "",
        "savings_bank_name": "",
        "account_num": account_num,
        "account_seq": "",
        "account_holder_info_type": info_type,
        "account_holder_info": holder_info,
    }
    if account is None:
        raise Refusal(BANK_ERROR, **bank_result(None, BANK_NO_ACCOUNT, bank_tran_id), **body)
    if info_type == " " and holder_info != account.user.birth_date[2:]:
        raise Refusal(
            BANK_ERROR, **bank_result(account, HOLDER_INFO_MISMATCH, bank_tran_id), **body
        )
    return {
        **bank_result(account, BANK_OK, bank_tran_id),
        **body,
        "account_holder_name": account.user.user_name,
        "account_type": account.account_type,
    }


def remit_list(ctx: CallContext, p: Params) -> dict:
    """송금인정보조회 (reading): who sent money into the contract account, from the withdrawals."""
    bank_tran_id = p.bank_tran_id()
    _cntr_account(p)
    from_date, to_date = p.date("from_date"), p.date("to_date")
    if from_date > to_date:
        raise Refusal(BAD_REQUEST, "from_date가 to_date보다 늦습니다.")
    p.tran_dtime()
    trace = str(p.get("befor_inquiry_trace_info") or "0")
    if not trace.isdigit():
        raise Refusal(BAD_REQUEST, "befor_inquiry_trace_info가 올바르지 않습니다.")
    tz = timezone.get_current_timezone()
    start = datetime.datetime.strptime(from_date, "%Y%m%d").replace(tzinfo=tz)
    end = datetime.datetime.strptime(to_date, "%Y%m%d").replace(tzinfo=tz) + datetime.timedelta(
        days=1
    )
    rows = (
        SimTransfer.objects.filter(
            institution_id=ctx.institution_id,
            kind=SimTransfer.Kind.WITHDRAW,
            bank_rsp_code=BANK_OK[0],
            created_at__gte=start,
            created_at__lt=end,
        )
        .select_related("account__user")
        .order_by("created_at", "id")
    )
    offset = int(trace)
    page = list(rows[offset : offset + 26])
    has_next, page = len(page) > 25, page[:25]
    return {
        **bank_result(None, BANK_OK, bank_tran_id),
        "page_record_cnt": str(len(page)),
        "next_page_yn": "Y" if has_next else "N",
        "befor_inquiry_trace_info": str(offset + len(page)),
        "res_list": [
            {
                "tran_date": timezone.localtime(t.created_at).strftime("%Y%m%d"),
                "tran_time": timezone.localtime(t.created_at).strftime("%H%M%S"),
                "remitter_name": t.account.user.user_name if t.account else "",
                "remitter_bank_code_std": t.account.bank_code_std if t.account else "",
                "remitter_account_num_masked": t.account.account_num_masked if t.account else "",
                "print_content": t.print_content,
                "tran_amt": str(t.tran_amt),
            }
            for t in page
        ],
    }


def bank_status(ctx: CallContext, p: Params) -> dict:
    """참가기관 상태조회 (reading): each participating bank, 'Y' when it is serving."""
    banks = list(Bank.objects.order_by("code").values_list("code", "name", "active"))
    return {
        "res_cnt": str(len(banks)),
        "res_list": [
            {
                "bank_code_std": code,
                "bank_name": name,
                "bank_status": "Y" if active else "N",
                "bank_status_message": "정상" if active else "거래중지",
            }
            for code, name, active in banks
        ],
    }
