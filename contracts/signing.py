"""DOMAIN §5 step ④ — recording the signed contract (the condition for launch)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import staff_may
from applications.audit import log_action
from applications.models import State
from openbanking_portal.errors import NotAllowed, PortalError

from .accounts import locked_contract
from .models import Contract


def missing_for_signature(contract: Contract) -> list[str]:
    """DOMAIN §5 steps ①–③ must be done before ④: main bank, its fee, accounts, limits."""
    missing = []
    if contract.main_bank_id is None:
        missing.append(_("주거래은행"))
    if contract.main_bank_fee_agreed_at is None:
        missing.append(_("주거래은행 수수료"))
    if not contract.accounts.active().exists():
        missing.append(_("약정계좌"))
    if contract.usage_limit_krw is None or contract.daily_withdrawal_limit_krw is None:
        missing.append(_("이용한도·일 출금한도"))
    return missing


def record_signature(*, application, by, main_bank=None) -> Contract:
    if not staff_may(by, "applications.advance_application"):
        raise NotAllowed(_("계약 체결을 기록할 권한이 없습니다."))
    from .documents import issue_document

    with transaction.atomic():
        contract = locked_contract(application)
        if contract.application.state != State.CONTRACT:
            raise PortalError(_("계약 단계에 있는 신청만 계약 체결을 기록할 수 있습니다."))
        if contract.signed_at:
            raise PortalError(_("이미 계약이 체결되었습니다."))
        if main_bank is not None and contract.main_bank_id != main_bank.pk:
            if contract.main_bank_id is not None:
                raise PortalError(_("주거래은행이 이미 정해져 있습니다."), field="main_bank")
            contract.main_bank = main_bank
        if contract.main_bank is None:
            raise PortalError(_("주거래은행을 먼저 정해야 합니다."), field="main_bank")
        missing = missing_for_signature(contract)
        if missing:
            raise PortalError(
                _("계약 체결 전에 정해야 할 항목이 있습니다: %(items)s")
                % {"items": ", ".join(str(m) for m in missing)},
                code="contract_incomplete",
            )
        contract.signed_at = timezone.now()
        contract.signed_by = by
        contract.save()
        log_action(
            action="contract.signed",
            actor=by,
            application=contract.application,
            data={"main_bank": contract.main_bank.code},
        )
        issue_document(contract=contract, by=by, reason="계약 체결")
    return contract
