"""Simulated v2.0 transfer APIs (DOMAIN §10): withdraw and deposit (fin_num and acnt_num) and the
transfer result.

Balances move with the transfers. Where the institution has sub-merchants, a transfer without the
sub-merchant's name and business registration number is refused (DOMAIN §8).
"""

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from .api import CallContext, Params, Refusal
from .catalogue import (
    BAD_REQUEST,
    BANK_ERROR,
    BANK_NO_ACCOUNT,
    BANK_NO_FUNDS,
    BANK_NOT_FOUND_TRANSFER,
    BANK_OK,
    DUPLICATE,
    SUB_MERCHANT_MISSING,
    SUB_MERCHANT_NOT_APPROVED,
    SUCCESS,
)
from .models import SimAccount, SimTransaction, SimTransfer, TestbedProfile
from .simulator_accounts import _check_usable, account_item, bank_result, user_account

# The institution's contract account (약정계좌) sits in the testbed bank, as in the operator's
# testbed; the daily withdrawal limit per account is the simulator's choice.
TESTBED_BANK = ("097", "오픈은행")
DAILY_WITHDRAW_LIMIT = 10_000_000
NAME_MISMATCH = ("446", "수취인성명불일치")

MAX_DEPOSIT_ITEMS = 10


def registered_sub_merchants(institution_id: int):
    """The institution's sub-merchants registered with the centre (operations app), if installed."""
    if not apps.is_installed("operations"):
        return None
    model = apps.get_model("operations", "SubMerchant")
    return model.objects.filter(institution_id=institution_id).exclude(status="rejected")


def _sub_merchant(ctx: CallContext, p: Params) -> dict:
    """DOMAIN §8: transfer calls carry the sub-merchant's name and business registration number;
    a sub-merchant needs the centre's prior approval, so one registered but not approved (or not
    registered at all, when the institution has registered ones) is refused."""
    name = p.get("sub_frnc_name")
    business_num = p.get("sub_frnc_business_num")
    if business_num and not (str(business_num).isdigit() and len(str(business_num)) == 10):
        raise Refusal(BAD_REQUEST, "sub_frnc_business_num: 사업자등록번호 10자리여야 합니다.")
    registered = registered_sub_merchants(ctx.institution_id)
    statuses = (
        dict(registered.values_list("business_registration_number", "status"))
        if registered is not None
        else {}
    )
    has_sub_merchants = bool(statuses) or bool(
        TestbedProfile.objects.filter(institution_id=ctx.institution_id)
        .values_list("has_sub_merchants", flat=True)
        .first()
    )
    if has_sub_merchants and not (name and business_num):
        raise Refusal(SUB_MERCHANT_MISSING, "하위사업자가 있는 기관의 이체 요청입니다.")
    if business_num and statuses and statuses.get(str(business_num)) != "approved":
        raise Refusal(SUB_MERCHANT_NOT_APPROVED, str(business_num))
    return {"sub_frnc_name": name or "", "sub_frnc_business_num": business_num or ""}


def _cntr_account(p: Params) -> str:
    p.choice("cntr_account_type", ("N", "C"))
    return p.digits("cntr_account_num")


def _masked(num: str) -> str:
    return num[:-3] + "***"


def _book(account: SimAccount, *, inout: str, amount: int, content: str) -> int:
    """Move the balance in the database (never below zero) and add the history line."""
    delta = amount if inout == "입금" else -amount
    SimAccount.objects.filter(pk=account.pk).update(balance_amt=F("balance_amt") + delta)
    account.refresh_from_db(fields=["balance_amt"])
    SimTransaction.objects.create(
        account=account,
        tran_at=timezone.now(),
        inout_type=inout,
        tran_type="대체",
        print_content=content[:40],
        tran_amt=amount,
        after_balance_amt=account.balance_amt,
        branch_name="오픈뱅킹",
    )
    return account.balance_amt


def _withdrawn_today(account: SimAccount) -> int:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    total = SimTransfer.objects.filter(
        account=account,
        kind=SimTransfer.Kind.WITHDRAW,
        bank_rsp_code=BANK_OK[0],
        created_at__gte=start,
    ).aggregate(total=Sum("tran_amt"))["total"]
    return total or 0


def _withdraw(ctx: CallContext, p: Params, *, by_fin_num: bool) -> dict:
    bank_tran_id = p.bank_tran_id()
    cntr_account_num = _cntr_account(p)
    dps_print_content = p.required("dps_print_content")
    amount = p.amount()
    p.tran_dtime()
    req_client_name = p.required("req_client_name")
    p.required("req_client_num")
    p.choice("transfer_purpose", ("TR", "ST", "AU"))
    sub = _sub_merchant(ctx, p)
    with transaction.atomic():
        account = user_account(ctx, p, by_fin_num=by_fin_num, for_update=True)
        _check_usable(account, agreement="transfer", bank_tran_id=bank_tran_id)
        remaining = DAILY_WITHDRAW_LIMIT - _withdrawn_today(account)
        code = BANK_OK
        if amount > account.balance_amt or amount > remaining:
            code = BANK_NO_FUNDS
        try:
            with transaction.atomic():
                SimTransfer.objects.create(
                    institution_id=ctx.institution_id,
                    kind=SimTransfer.Kind.WITHDRAW,
                    bank_tran_id=bank_tran_id,
                    bank_tran_date=timezone.localdate().strftime("%Y%m%d"),
                    account=account,
                    tran_amt=amount,
                    bank_rsp_code=code[0],
                    bank_rsp_message=code[1],
                    counterpart_name=req_client_name,
                    print_content=p.get("wd_print_content") or dps_print_content,
                    **sub,
                )
        except IntegrityError:
            raise Refusal(DUPLICATE, bank_tran_id) from None
        if code == BANK_OK:
            _book(account, inout="출금", amount=amount, content=dps_print_content)
            remaining -= amount
    item = account_item(account)
    body = {
        "dps_bank_code_std": TESTBED_BANK[0],
        "dps_bank_code_sub": TESTBED_BANK[0] + "0001",
        "dps_bank_name": TESTBED_BANK[1],
        "dps_account_num_masked": _masked(cntr_account_num),
        "dps_print_content": dps_print_content,
        "dps_account_holder_name": req_client_name,
        **bank_result(account, code, bank_tran_id),
        **{
            k: item[k]
            for k in (
                "fintech_use_num",
                "account_alias",
                "bank_code_std",
                "bank_code_sub",
                "bank_name",
                "savings_bank_name",
                "account_num_masked",
                "account_holder_name",
            )
        },
        "print_content": p.get("wd_print_content") or dps_print_content,
        "tran_amt": str(amount),
        "wd_limit_remain_amt": str(max(remaining, 0)),
    }
    if code != BANK_OK:
        raise Refusal(BANK_ERROR, code[1], **body)
    return body


def withdraw_fin_num(ctx: CallContext, p: Params) -> dict:
    return _withdraw(ctx, p, by_fin_num=True)


def withdraw_acnt_num(ctx: CallContext, p: Params) -> dict:
    return _withdraw(ctx, p, by_fin_num=False)


def _deposit(ctx: CallContext, p: Params, *, by_fin_num: bool) -> dict:
    cntr_account_num = _cntr_account(p)
    wd_print_content = p.required("wd_print_content")
    name_check = p.choice("name_check_option", ("on", "off"), "on") == "on"
    p.tran_dtime()
    sub = _sub_merchant(ctx, p)
    items = p.data.get("req_list")
    if not isinstance(items, list) or not 0 < len(items) <= MAX_DEPOSIT_ITEMS:
        raise Refusal(BAD_REQUEST, f"req_list: 1~{MAX_DEPOSIT_ITEMS}건이어야 합니다.")
    if str(p.get("req_cnt")) != str(len(items)):
        raise Refusal(BAD_REQUEST, "req_cnt가 req_list 건수와 다릅니다.")
    parsed = []
    for raw in items:
        if not isinstance(raw, dict):
            raise Refusal(BAD_REQUEST, "req_list의 각 항목은 객체여야 합니다.")
        item = Params(raw, ctx)
        parsed.append(
            {
                "tran_no": item.required("tran_no"),
                "bank_tran_id": item.bank_tran_id(),
                "print_content": item.required("print_content"),
                "tran_amt": item.amount(),
                "req_client_name": item.required("req_client_name"),
                "req_client_num": item.required("req_client_num"),
                "transfer_purpose": item.choice("transfer_purpose", ("TR", "ST", "AU")),
                "fintech_use_num": item.digits("fintech_use_num", 24) if by_fin_num else "",
                "bank_code_std": "" if by_fin_num else item.digits("bank_code_std", 3),
                "account_num": "" if by_fin_num else item.digits("account_num"),
                "account_holder_name": "" if by_fin_num else item.required("account_holder_name"),
            }
        )
    ctx.ensure_seeded()
    results, all_ok = [], True
    with transaction.atomic():
        for it in parsed:
            accounts = SimAccount.objects.select_for_update().select_related("user")
            accounts = accounts.filter(institution_id=ctx.institution_id)
            if by_fin_num:
                account = accounts.filter(fintech_use_num=it["fintech_use_num"]).first()
            else:
                account = accounts.filter(
                    bank_code_std=it["bank_code_std"], account_num=it["account_num"]
                ).first()
            code = BANK_OK
            if account is None or account.account_state == SimAccount.State.CANCELLED:
                code = BANK_NO_ACCOUNT
            elif (
                name_check
                and not by_fin_num
                and it["account_holder_name"] != account.user.user_name
            ):
                code = NAME_MISMATCH
            try:
                with transaction.atomic():
                    SimTransfer.objects.create(
                        institution_id=ctx.institution_id,
                        kind=SimTransfer.Kind.DEPOSIT,
                        bank_tran_id=it["bank_tran_id"],
                        bank_tran_date=timezone.localdate().strftime("%Y%m%d"),
                        account=account,
                        tran_amt=it["tran_amt"],
                        bank_rsp_code=code[0],
                        bank_rsp_message=code[1],
                        counterpart_name=it["req_client_name"],
                        print_content=it["print_content"],
                        **sub,
                    )
            except IntegrityError:
                raise Refusal(DUPLICATE, it["bank_tran_id"]) from None
            if code == BANK_OK:
                _book(account, inout="입금", amount=it["tran_amt"], content=it["print_content"])
            all_ok = all_ok and code == BANK_OK
            line = account_item(account) if account else {}
            results.append(
                {
                    "tran_no": str(it["tran_no"]),
                    **bank_result(account, code, it["bank_tran_id"]),
                    "fintech_use_num": line.get("fintech_use_num", it["fintech_use_num"]),
                    "account_alias": line.get("account_alias", ""),
                    "bank_code_std": line.get("bank_code_std", it["bank_code_std"]),
                    "bank_code_sub": line.get("bank_code_sub", ""),
                    "bank_name": line.get("bank_name", ""),
                    "savings_bank_name": "",
                    "account_num_masked": line.get("account_num_masked", ""),
                    "print_content": it["print_content"],
                    "account_holder_name": line.get("account_holder_name", ""),
                    "tran_amt": str(it["tran_amt"]),
                    "cms_num": "",
                }
            )
    return {
        "_code": SUCCESS if all_ok else BANK_ERROR,
        "wd_bank_code_std": TESTBED_BANK[0],
        "wd_bank_code_sub": TESTBED_BANK[0] + "0001",
        "wd_bank_name": TESTBED_BANK[1],
        "wd_account_num_masked": _masked(cntr_account_num),
        "wd_print_content": wd_print_content,
        "wd_account_holder_name": "",
        "res_cnt": str(len(results)),
        "res_list": results,
    }


def deposit_fin_num(ctx: CallContext, p: Params) -> dict:
    return _deposit(ctx, p, by_fin_num=True)


def deposit_acnt_num(ctx: CallContext, p: Params) -> dict:
    return _deposit(ctx, p, by_fin_num=False)


def transfer_result(ctx: CallContext, p: Params) -> dict:
    """이체결과조회: the outcome of earlier transfers, by their bank transaction id."""
    kind = p.choice("check_type", ("1", "2"))
    p.tran_dtime()
    items = p.data.get("req_list")
    if not isinstance(items, list) or not 0 < len(items) <= 25:
        raise Refusal(BAD_REQUEST, "req_list: 1~25건이어야 합니다.")
    if str(p.get("req_cnt")) != str(len(items)):
        raise Refusal(BAD_REQUEST, "req_cnt가 req_list 건수와 다릅니다.")
    wanted = []
    for raw in items:
        item = Params(raw if isinstance(raw, dict) else {}, ctx)
        wanted.append(
            (
                item.required("tran_no"),
                item.bank_tran_id("org_bank_tran_id"),
                item.date("org_bank_tran_date"),
                item.amount("org_tran_amt"),
            )
        )
    found = {
        t.bank_tran_id: t
        for t in SimTransfer.objects.filter(
            institution_id=ctx.institution_id, kind=kind, bank_tran_id__in=[w[1] for w in wanted]
        ).select_related("account__user")
    }
    results = []
    for tran_no, bank_tran_id, tran_date, amount in wanted:
        t = found.get(bank_tran_id)
        if t is None or t.bank_tran_date != tran_date or t.tran_amt != amount:
            results.append(
                {
                    "tran_no": str(tran_no),
                    **bank_result(None, BANK_NOT_FOUND_TRANSFER, bank_tran_id),
                    "tran_amt": str(amount),
                }
            )
            continue
        line = account_item(t.account) if t.account else {}
        results.append(
            {
                "tran_no": str(tran_no),
                "bank_tran_id": t.bank_tran_id,
                "bank_tran_date": t.bank_tran_date,
                "bank_code_tran": line.get("bank_code_std", ""),
                "bank_rsp_code": t.bank_rsp_code,
                "bank_rsp_message": t.bank_rsp_message,
                "fintech_use_num": line.get("fintech_use_num", ""),
                "bank_code_std": line.get("bank_code_std", ""),
                "bank_name": line.get("bank_name", ""),
                "account_num_masked": line.get("account_num_masked", ""),
                "print_content": t.print_content,
                "account_holder_name": line.get("account_holder_name", ""),
                "tran_amt": str(t.tran_amt),
            }
        )
    return {"res_cnt": str(len(results)), "res_list": results}
