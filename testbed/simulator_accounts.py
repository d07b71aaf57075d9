"""Simulated v2.0 user, account and inquiry APIs (DOMAIN §10): user/me, unlink, close, register,
account list/update_info/cancel, balance and transaction list (fin_num and acnt_num)."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from contracts.banks import PARTICIPATING_BANKS

from .api import CallContext, Params, Refusal
from .catalogue import (
    BAD_REQUEST,
    BANK_CANCELLED,
    BANK_ERROR,
    BANK_NO_AGREEMENT,
    BANK_OK,
    FORBIDDEN,
    NOT_FOUND,
)
from .models import IssuedToken, SimAccount, SimUser

BANK_NAMES = {code: name for code, name, _en in PARTICIPATING_BANKS}
PAGE_SIZE = 25


def _now_dtime() -> str:
    return timezone.localtime().strftime("%Y%m%d%H%M%S")


def _today() -> str:
    return timezone.localdate().strftime("%Y%m%d")


def account_item(account: SimAccount) -> dict:
    return {
        "fintech_use_num": account.fintech_use_num,
        "account_alias": account.account_alias,
        "bank_code_std": account.bank_code_std,
        "bank_code_sub": account.bank_code_std + "0001",
        "bank_name": account.bank_name,
        "savings_bank_name": "",
        "account_num_masked": account.account_num_masked,
        "account_seq": account.account_seq,
        "account_holder_name": account.user.user_name,
        "account_holder_type": "P",
        "account_type": account.account_type,
        "inquiry_agree_yn": "Y" if account.inquiry_agreed else "N",
        "inquiry_agree_dtime": account.inquiry_agree_dtime,
        "transfer_agree_yn": "Y" if account.transfer_agreed else "N",
        "transfer_agree_dtime": account.transfer_agree_dtime,
        "account_state": account.account_state,
    }


def bank_result(account: SimAccount | None, code=BANK_OK, bank_tran_id: str = "") -> dict:
    return {
        "bank_tran_id": bank_tran_id,
        "bank_tran_date": _today(),
        "bank_code_tran": account.bank_code_std if account else "",
        "bank_rsp_code": code[0],
        "bank_rsp_message": code[1],
    }


def user_account(ctx: CallContext, p: Params, *, by_fin_num: bool, for_update=False) -> SimAccount:
    """The consenting user's account, by fintech-use number or by bank code + account number."""
    user = ctx.require_user()
    ctx.ensure_seeded()
    accounts = SimAccount.objects.select_related("user")
    if for_update:
        accounts = accounts.select_for_update()
    if by_fin_num:
        account = accounts.filter(
            institution_id=ctx.institution_id, fintech_use_num=p.digits("fintech_use_num", 24)
        ).first()
    else:
        ctx.require_user(p.required("user_seq_no"))
        account = accounts.filter(
            institution_id=ctx.institution_id,
            bank_code_std=p.digits("bank_code_std", 3),
            account_num=p.digits("account_num"),
        ).first()
    if account is None:
        raise Refusal(NOT_FOUND, "등록되지 않은 계좌입니다.")
    if account.user_id != user.pk:
        raise Refusal(FORBIDDEN, "토큰의 사용자가 동의한 계좌가 아닙니다.")
    return account


def _check_usable(account: SimAccount, *, agreement: str, bank_tran_id: str) -> None:
    if account.account_state == SimAccount.State.CANCELLED:
        raise Refusal(BANK_ERROR, **bank_result(account, BANK_CANCELLED, bank_tran_id))
    agreed = account.inquiry_agreed if agreement == "inquiry" else account.transfer_agreed
    if not agreed:
        raise Refusal(BANK_ERROR, **bank_result(account, BANK_NO_AGREEMENT, bank_tran_id))


# --- user / account -------------------------------------------------------------------------


def user_me(ctx: CallContext, p: Params) -> dict:
    user = ctx.require_user(p.digits("user_seq_no", 10))
    accounts = list(
        SimAccount.objects.filter(user=user, account_state=SimAccount.State.ACTIVE).select_related(
            "user"
        )
    )
    return {
        "user_seq_no": user.user_seq_no,
        "user_ci": user.user_ci,
        "user_name": user.user_name,
        "res_cnt": str(len(accounts)),
        "res_list": [account_item(a) for a in accounts],
    }


def account_list(ctx: CallContext, p: Params) -> dict:
    user = ctx.require_user(p.digits("user_seq_no", 10))
    include_cancel = p.choice("include_cancel_yn", ("Y", "N"), "N") == "Y"
    order = p.choice("sort_order", ("D", "A"), "D")
    accounts = SimAccount.objects.filter(user=user).select_related("user")
    if not include_cancel:
        accounts = accounts.filter(account_state=SimAccount.State.ACTIVE)
    accounts = list(accounts.order_by("-pk" if order == "D" else "pk"))
    return {
        "user_name": user.user_name,
        "res_cnt": str(len(accounts)),
        "res_list": [account_item(a) for a in accounts],
    }


def account_update_info(ctx: CallContext, p: Params) -> dict:
    account = user_account(ctx, p, by_fin_num=True)
    alias = p.required("account_alias")
    if len(alias) > 50:
        raise Refusal(BAD_REQUEST, "account_alias: 50자 이내여야 합니다.")
    SimAccount.objects.filter(pk=account.pk).update(account_alias=alias)
    account.account_alias = alias
    item = account_item(account)
    keys = ("fintech_use_num", "account_alias", "bank_code_std", "bank_code_sub", "bank_name")
    return {
        **{k: item[k] for k in keys},
        "savings_bank_name": "",
        "account_num_masked": item["account_num_masked"],
    }


def account_cancel(ctx: CallContext, p: Params) -> dict:
    bank_tran_id = p.bank_tran_id()
    scope = p.choice("scope", ("inquiry", "transfer"))
    with transaction.atomic():
        account = user_account(ctx, p, by_fin_num=True, for_update=True)
        if scope == "inquiry":
            account.inquiry_agree_dtime = ""
        else:
            account.transfer_agree_dtime = ""
        if not account.inquiry_agreed and not account.transfer_agreed:
            account.account_state = SimAccount.State.CANCELLED
        account.save(update_fields=["inquiry_agree_dtime", "transfer_agree_dtime", "account_state"])
    return bank_result(account, BANK_OK, bank_tran_id)


def _drop_tokens(user: SimUser) -> None:
    tokens = IssuedToken.objects.filter(sim_user=user).values_list("access_token_id", flat=True)
    from oauth2_provider.models import get_access_token_model

    get_access_token_model().objects.filter(pk__in=list(tokens)).delete()


def _client_use_code(ctx: CallContext, p: Params) -> str:
    code = p.required("client_use_code")
    if code != ctx.client_use_code:
        raise Refusal(FORBIDDEN, "client_use_code가 이 이용기관의 코드가 아닙니다.")
    return code


def user_unlink(ctx: CallContext, p: Params) -> dict:
    code = _client_use_code(ctx, p)
    ctx.ensure_seeded()
    user = SimUser.objects.filter(
        institution_id=ctx.institution_id, user_seq_no=p.digits("user_seq_no", 10)
    ).first()
    if user is None or user.closed_at:
        raise Refusal(NOT_FOUND, "사용자가 없습니다.")
    with transaction.atomic():
        SimUser.objects.filter(pk=user.pk).update(unlinked_at=timezone.now())
        _drop_tokens(user)
    return {"client_use_code": code, "user_seq_no": user.user_seq_no}


def user_close(ctx: CallContext, p: Params) -> dict:
    code = _client_use_code(ctx, p)
    ctx.ensure_seeded()
    user = SimUser.objects.filter(
        institution_id=ctx.institution_id, user_ci=p.required("user_ci"), closed_at__isnull=True
    ).first()
    if user is None:
        raise Refusal(NOT_FOUND, "사용자가 없습니다.")
    with transaction.atomic():
        SimUser.objects.filter(pk=user.pk).update(closed_at=timezone.now())
        SimAccount.objects.filter(user=user).update(
            account_state=SimAccount.State.CANCELLED,
            inquiry_agree_dtime="",
            transfer_agree_dtime="",
        )
        _drop_tokens(user)
    return {"client_use_code": code, "user_seq_no": user.user_seq_no}


def user_register(ctx: CallContext, p: Params) -> dict:
    """사용자계좌등록: registers (or finds) the user by CI and the account, deterministically."""
    bank_tran_id = p.bank_tran_id()
    bank_code = p.digits("bank_code_std", 3)
    if bank_code not in BANK_NAMES:
        raise Refusal(BAD_REQUEST, "bank_code_std: 참가은행 코드가 아닙니다.")
    account_num = p.digits("register_account_num")
    birth = p.date("user_info")
    name = p.required("user_name")
    ci = p.required("user_ci")
    p.choice("info_prvd_agmt_yn", ("Y",))
    inquiry = p.choice("inquiry_agree_yn", ("Y", "N"), "Y") == "Y"
    transfer = p.choice("transfer_agree_yn", ("Y", "N"), "Y") == "Y"
    ctx.ensure_seeded()
    with transaction.atomic():
        users = SimUser.objects.select_for_update().filter(institution_id=ctx.institution_id)
        user = users.filter(user_ci=ci).first()
        if user is None:
            seq = users.count()
            user = SimUser.objects.create(
                institution_id=ctx.institution_id,
                user_seq_no=f"1{ctx.institution_id % 10**6:06d}{seq:03d}",
                user_ci=ci,
                user_name=name,
                birth_date=birth,
                user_email=p.get("user_email"),
            )
        elif user.birth_date != birth or user.user_name != name:
            raise Refusal(BAD_REQUEST, "같은 CI의 사용자와 이름·생년월일이 다릅니다.")
        SimUser.objects.filter(pk=user.pk).update(unlinked_at=None, closed_at=None)
        account = SimAccount.objects.filter(
            institution_id=ctx.institution_id, bank_code_std=bank_code, account_num=account_num
        ).first()
        now = _now_dtime()
        if account is None:
            rng = random.Random(f"{ctx.institution_id}:{bank_code}:{account_num}")
            account = SimAccount.objects.create(
                institution_id=ctx.institution_id,
                user=user,
                fintech_use_num=f"1{ctx.institution_id:09d}9{rng.randint(0, 10**13 - 1):013d}",
                bank_code_std=bank_code,
                bank_name=BANK_NAMES[bank_code],
                account_num=account_num,
                product_name="자유입출금예금",
                balance_amt=rng.randint(50, 5000) * 1000,
                inquiry_agree_dtime=now if inquiry else "",
                transfer_agree_dtime=now if transfer else "",
                opened_on=_today(),
            )
        elif account.user_id != user.pk:
            raise Refusal(BAD_REQUEST, "다른 사용자가 등록한 계좌입니다.")
        else:
            account.account_state = SimAccount.State.ACTIVE
            account.inquiry_agree_dtime = now if inquiry else ""
            account.transfer_agree_dtime = now if transfer else ""
            account.save(
                update_fields=["account_state", "inquiry_agree_dtime", "transfer_agree_dtime"]
            )
    return {
        "user_seq_no": user.user_seq_no,
        **bank_result(account, BANK_OK, bank_tran_id),
        "bank_name": account.bank_name,
        "savings_bank_name": "",
        "fintech_use_num": account.fintech_use_num,
        "account_num_masked": account.account_num_masked,
    }


# --- inquiry --------------------------------------------------------------------------------


def _balance(ctx: CallContext, p: Params, *, by_fin_num: bool) -> dict:
    bank_tran_id = p.bank_tran_id()
    p.tran_dtime()
    account = user_account(ctx, p, by_fin_num=by_fin_num)
    _check_usable(account, agreement="inquiry", bank_tran_id=bank_tran_id)
    return {
        **bank_result(account, BANK_OK, bank_tran_id),
        "bank_name": account.bank_name,
        "savings_bank_name": "",
        "fintech_use_num": account.fintech_use_num,
        "balance_amt": str(account.balance_amt),
        "available_amt": str(account.balance_amt),
        "account_type": account.account_type,
        "product_name": account.product_name,
        "account_issue_date": account.opened_on,
        "maturity_date": "",
        "last_tran_date": _today(),
    }


def balance_fin_num(ctx: CallContext, p: Params) -> dict:
    return _balance(ctx, p, by_fin_num=True)


def balance_acnt_num(ctx: CallContext, p: Params) -> dict:
    return _balance(ctx, p, by_fin_num=False)


def _transaction_list(ctx: CallContext, p: Params, *, by_fin_num: bool) -> dict:
    bank_tran_id = p.bank_tran_id()
    p.tran_dtime()
    inquiry_type = p.choice("inquiry_type", ("A", "I", "O"))
    inquiry_base = p.choice("inquiry_base", ("D", "T"), "D")
    from_date, to_date = p.date("from_date"), p.date("to_date")
    if from_date > to_date:
        raise Refusal(BAD_REQUEST, "from_date가 to_date보다 늦습니다.")
    from_time = p.digits("from_time", 6, required=inquiry_base == "T") or "000000"
    to_time = p.digits("to_time", 6, required=inquiry_base == "T") or "235959"
    order = p.choice("sort_order", ("D", "A"))
    trace = p.get("befor_inquiry_trace_info") or "0"
    if not str(trace).isdigit():
        raise Refusal(BAD_REQUEST, "befor_inquiry_trace_info가 올바르지 않습니다.")
    account = user_account(ctx, p, by_fin_num=by_fin_num)
    _check_usable(account, agreement="inquiry", bank_tran_id=bank_tran_id)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.strptime(from_date + from_time, "%Y%m%d%H%M%S").replace(tzinfo=tz)
    end = datetime.datetime.strptime(to_date + to_time, "%Y%m%d%H%M%S").replace(tzinfo=tz)
    rows = account.transactions.filter(tran_at__gte=start, tran_at__lte=end)
    if inquiry_type != "A":
        rows = rows.filter(inout_type="입금" if inquiry_type == "I" else "출금")
    rows = rows.order_by(*(("-tran_at", "-id") if order == "D" else ("tran_at", "id")))
    offset = int(trace)
    page = list(rows[offset : offset + PAGE_SIZE + 1])
    has_next = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    return {
        **bank_result(account, BANK_OK, bank_tran_id),
        "bank_name": account.bank_name,
        "savings_bank_name": "",
        "fintech_use_num": account.fintech_use_num,
        "balance_amt": str(account.balance_amt),
        "page_record_cnt": str(len(page)),
        "next_page_yn": "Y" if has_next else "N",
        "befor_inquiry_trace_info": str(offset + len(page)),
        "res_list": [
            {
                "tran_date": timezone.localtime(t.tran_at).strftime("%Y%m%d"),
                "tran_time": timezone.localtime(t.tran_at).strftime("%H%M%S"),
                "inout_type": t.inout_type,
                "tran_type": t.tran_type,
                "print_content": t.print_content,
                "tran_amt": str(t.tran_amt),
                "after_balance_amt": str(t.after_balance_amt),
                "branch_name": t.branch_name,
            }
            for t in page
        ],
    }


def transaction_list_fin_num(ctx: CallContext, p: Params) -> dict:
    return _transaction_list(ctx, p, by_fin_num=True)


def transaction_list_acnt_num(ctx: CallContext, p: Params) -> dict:
    return _transaction_list(ctx, p, by_fin_num=False)
