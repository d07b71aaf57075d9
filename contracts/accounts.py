"""DOMAIN §5 steps ①–③ — main bank, main-bank fee, contract accounts (약정계좌) and usage limits.

Before signing these are edited freely (applicant: main bank, fee, accounts; staff: limits). After
signing an account change is a contract change (`contracts.changes`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import staff_may
from applications.audit import log_action
from applications.models import Application, State
from applications.models.application import is_editing_member
from openbanking_portal.errors import NotAllowed, PortalError

from .models import AccountPurpose, Bank, Contract, ContractAccount

MAX_CONTRACT_ACCOUNTS = 100  # DOMAIN §5: up to 100 contract accounts
ACCOUNT_DIGITS = (10, 16)
FULL_NUMBER_PERMISSION = "contracts.view_full_account_number"
# The contract data can be prepared from approval on; it is frozen once the contract is signed.
PREPARATION_STATES = [State.APPROVED, State.FUNCTIONAL_TEST, State.SECURITY_CHECK, State.CONTRACT]


# --- pure rules -------------------------------------------------------------------------------


def normalize_account_number(raw: str) -> str:
    """Digits and hyphens, 10–16 digits once the hyphens are removed; returns the digits."""
    value = (raw or "").strip()
    if not re.fullmatch(r"[0-9][0-9-]*[0-9]", value) or "--" in value:
        raise PortalError(
            _("계좌번호는 숫자와 하이픈(-)만 쓸 수 있습니다."), field="account_number"
        )
    digits = value.replace("-", "")
    low, high = ACCOUNT_DIGITS
    if not low <= len(digits) <= high:
        raise PortalError(
            _("계좌번호는 하이픈을 빼고 %(low)d~%(high)d자리여야 합니다.")
            % {"low": low, "high": high},
            field="account_number",
        )
    return digits


def mask_account_number(digits: str) -> str:
    """All but the last four digits hidden: `*******1234`."""
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


@dataclass(frozen=True)
class AccountBook:
    """The active accounts of a contract, as the rules need them."""

    numbers: frozenset[str]
    count: int


def check_new_account(book: AccountBook, digits: str) -> None:
    """DOMAIN §5: no duplicates, at most 100 accounts."""
    if digits in book.numbers:
        raise PortalError(_("이미 등록된 계좌번호입니다."), field="account_number")
    if book.count >= MAX_CONTRACT_ACCOUNTS:
        raise PortalError(
            _("약정계좌는 최대 %(max)d개까지 등록할 수 있습니다.") % {"max": MAX_CONTRACT_ACCOUNTS},
            field="account_number",
        )


def check_limits(*, usage_limit_krw: int, daily_withdrawal_limit_krw: int) -> None:
    if usage_limit_krw is None or usage_limit_krw <= 0:
        raise PortalError(
            _("이용한도는 0보다 큰 원 단위 정수여야 합니다."), field="usage_limit_krw"
        )
    if daily_withdrawal_limit_krw is None or daily_withdrawal_limit_krw <= 0:
        raise PortalError(
            _("일 출금한도는 0보다 큰 원 단위 정수여야 합니다."),
            field="daily_withdrawal_limit_krw",
        )


# --- who may do what --------------------------------------------------------------------------


def can_view_full_account_number(user) -> bool:
    return staff_may(user, FULL_NUMBER_PERMISSION)


def account_number_for(user, digits: str) -> str:
    return digits if can_view_full_account_number(user) else mask_account_number(digits)


def is_contract_staff(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("applications.advance_application")
    )


def _require_member_or_staff(application: Application, user) -> None:
    if not (is_editing_member(application, user) or is_contract_staff(user)):
        raise NotAllowed(_("이 기관의 계약 정보를 변경할 권한이 없습니다."))


def _require_staff(user) -> None:
    if not is_contract_staff(user):
        raise NotAllowed(_("센터 담당자만 할 수 있습니다."))


# --- services ---------------------------------------------------------------------------------


def locked_contract(application: Application | int) -> Contract:
    """The application's contract, created on first use, row-locked (call inside an atomic block)."""
    pk = application if isinstance(application, int) else application.pk
    Contract.objects.get_or_create(application_id=pk)
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("application__institution", "main_bank")
        .get(application_id=pk)
    )


def _open_for_preparation(contract: Contract) -> None:
    if contract.signed_at:
        raise PortalError(
            _("계약 체결 후에는 계약변경(계약변경 요청)으로만 바꿀 수 있습니다."),
            code="contract_signed",
        )
    if contract.application.state not in PREPARATION_STATES:
        raise PortalError(_("지금 단계에서는 계약 정보를 바꿀 수 없습니다."), code="wrong_state")


def choose_main_bank(*, application: Application, by, bank: Bank) -> Contract:
    """DOMAIN §5 step ① — the applicant picks one of the participating banks as main bank."""
    _require_member_or_staff(application, by)
    if not bank.active:
        raise PortalError(_("참가 중인 은행만 선택할 수 있습니다."), field="main_bank")
    with transaction.atomic():
        contract = locked_contract(application)
        _open_for_preparation(contract)
        if contract.main_bank_id == bank.pk:
            return contract
        if contract.accounts.active().exclude(bank=bank).exists():
            raise PortalError(
                _("다른 은행의 약정계좌가 있습니다. 계좌를 먼저 삭제한 뒤 주거래은행을 바꾸세요."),
                field="main_bank",
            )
        previous = contract.main_bank.code if contract.main_bank else None
        contract.main_bank = bank
        # The fee was agreed with the previous bank.
        contract.main_bank_withdrawal_fee_krw = None
        contract.main_bank_deposit_fee_krw = None
        contract.main_bank_fee_note = ""
        contract.main_bank_fee_agreed_at = None
        contract.save()
        log_action(
            action="contract.main_bank_chosen",
            actor=by,
            application=contract.application,
            data={"bank": bank.code, "previous": previous},
        )
    return contract


def record_main_bank_fee(
    *,
    application: Application,
    by,
    withdrawal_fee_krw: int,
    deposit_fee_krw: int,
    note: str = "",
) -> Contract:
    """DOMAIN §5 step ② / §5.2 — the fee agreed between the institution and its main bank."""
    _require_member_or_staff(application, by)
    for name, value in (
        ("withdrawal_fee_krw", withdrawal_fee_krw),
        ("deposit_fee_krw", deposit_fee_krw),
    ):
        if value is None or int(value) < 0:
            raise PortalError(_("수수료는 0 이상의 원 단위 정수여야 합니다."), field=name)
    with transaction.atomic():
        contract = locked_contract(application)
        _open_for_preparation(contract)
        if contract.main_bank is None:
            raise PortalError(_("주거래은행을 먼저 선택하세요."), field="main_bank")
        contract.main_bank_withdrawal_fee_krw = int(withdrawal_fee_krw)
        contract.main_bank_deposit_fee_krw = int(deposit_fee_krw)
        contract.main_bank_fee_note = note.strip()
        contract.main_bank_fee_agreed_at = timezone.now()
        contract.save()
        log_action(
            action="contract.main_bank_fee_recorded",
            actor=by,
            application=contract.application,
            data={
                "bank": contract.main_bank.code,
                "withdrawal_fee_krw": contract.main_bank_withdrawal_fee_krw,
                "deposit_fee_krw": contract.main_bank_deposit_fee_krw,
            },
        )
    return contract


def account_book(contract: Contract) -> AccountBook:
    numbers = list(contract.accounts.active().values_list("account_number", flat=True))
    return AccountBook(numbers=frozenset(numbers), count=len(numbers))


def check_purpose(purpose: str) -> None:
    if purpose not in AccountPurpose.values:
        raise PortalError(_("계좌 용도를 선택하세요."), field="purpose")


def create_account(
    *, contract: Contract, account_number: str, purpose: str, holder_name: str = ""
) -> ContractAccount:
    """Shared by preparation and by an applied contract change; the contract row is locked."""
    if contract.main_bank is None:
        raise PortalError(_("주거래은행을 먼저 선택하세요."), field="main_bank")
    digits = normalize_account_number(account_number)
    check_purpose(purpose)
    check_new_account(account_book(contract), digits)
    return ContractAccount.objects.create(
        contract=contract,
        bank=contract.main_bank,
        account_number=digits,
        purpose=purpose,
        holder_name=holder_name.strip(),
    )


def add_account(
    *, application: Application, by, account_number: str, purpose: str, holder_name: str = ""
) -> ContractAccount:
    """DOMAIN §5 — a contract account at the main bank (before signing)."""
    _require_member_or_staff(application, by)
    with transaction.atomic():
        contract = locked_contract(application)
        _open_for_preparation(contract)
        account = create_account(
            contract=contract,
            account_number=account_number,
            purpose=purpose,
            holder_name=holder_name,
        )
        log_action(
            action="contract.account_added",
            actor=by,
            application=contract.application,
            data={
                "account": mask_account_number(account.account_number),
                "purpose": purpose,
            },
        )
    return account


def close_account(*, application: Application, by, account_id: int) -> ContractAccount:
    """Remove a contract account before signing (kept as a closed row for the record)."""
    _require_member_or_staff(application, by)
    with transaction.atomic():
        contract = locked_contract(application)
        _open_for_preparation(contract)
        account = _active_account(contract, account_id)
        account.closed_at = timezone.now()
        account.save(update_fields=["closed_at"])
        log_action(
            action="contract.account_closed",
            actor=by,
            application=contract.application,
            data={"account": mask_account_number(account.account_number)},
        )
    return account


def _active_account(contract: Contract, account_id) -> ContractAccount:
    try:
        return contract.accounts.active().get(pk=account_id)
    except (ContractAccount.DoesNotExist, ValueError, TypeError) as exc:
        raise PortalError(_("해당 약정계좌가 없습니다."), field="close") from exc


def set_limits(
    *, application: Application, by, usage_limit_krw: int, daily_withdrawal_limit_krw: int
) -> Contract:
    """DOMAIN §5 step ③ — staff set the usage limit and the daily withdrawal limit."""
    _require_staff(by)
    check_limits(
        usage_limit_krw=usage_limit_krw, daily_withdrawal_limit_krw=daily_withdrawal_limit_krw
    )
    from .guarantee import refresh_required_amount

    with transaction.atomic():
        contract = locked_contract(application)
        _open_for_preparation(contract)
        contract.usage_limit_krw = int(usage_limit_krw)
        contract.daily_withdrawal_limit_krw = int(daily_withdrawal_limit_krw)
        contract.limits_set_at = timezone.now()
        contract.save()
        refresh_required_amount(contract=contract)
        log_action(
            action="contract.limits_set",
            actor=by,
            application=contract.application,
            data={
                "usage_limit_krw": contract.usage_limit_krw,
                "daily_withdrawal_limit_krw": contract.daily_withdrawal_limit_krw,
            },
        )
    return contract
