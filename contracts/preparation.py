"""The whole contract step (DOMAIN §5 ①–④ and the §6 guarantee) in one call, through the same
services the pages use — for the demo data and for tests that need a signed, guaranteed contract."""

from __future__ import annotations

from applications.models import Application

from . import accounts, guarantee, signing
from .models import AccountPurpose, Bank, Contract


def prepare_signed_contract(
    *,
    application: Application,
    staff,
    bank_code: str = "088",
    account_number: str = "110-123-456789",
    usage_limit_krw: int = 1_000_000_000,
    daily_withdrawal_limit_krw: int = 100_000_000,
    composite_score: int = 0,
    sign: bool = True,
) -> Contract:
    bank = Bank.objects.get(code=bank_code)
    accounts.choose_main_bank(application=application, by=staff, bank=bank)
    accounts.record_main_bank_fee(
        application=application, by=staff, withdrawal_fee_krw=30, deposit_fee_krw=20
    )
    accounts.add_account(
        application=application,
        by=staff,
        account_number=account_number,
        purpose=AccountPurpose.FEE_PAYMENT,
    )
    accounts.set_limits(
        application=application,
        by=staff,
        usage_limit_krw=usage_limit_krw,
        daily_withdrawal_limit_krw=daily_withdrawal_limit_krw,
    )
    guarantee.arrange_centre_guarantee(
        application=application, by=staff, composite_score=composite_score
    )
    guarantee.confirm_centre_guarantee(application=application, by=staff)
    if sign:
        signing.record_signature(application=application, by=staff)
    return Contract.objects.get(application=application)
