"""DOMAIN §5 step ④ — recording the signed contract (the condition for launch)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.audit import log_action
from applications.models import State
from openbanking_portal.errors import NotAllowed, PortalError

from .models import Contract


def record_signature(*, application, by, main_bank=None) -> Contract:
    if not (by.is_staff and by.has_perm("applications.advance_application")):
        raise NotAllowed(_("계약 체결을 기록할 권한이 없습니다."))
    with transaction.atomic():
        if application.state != State.CONTRACT:
            raise PortalError(_("계약 단계에 있는 신청만 계약 체결을 기록할 수 있습니다."))
        contract, _created = Contract.objects.select_for_update().get_or_create(
            application=application
        )
        if contract.signed_at:
            raise PortalError(_("이미 계약이 체결되었습니다."))
        if main_bank is not None:
            contract.main_bank = main_bank
        if contract.main_bank is None:
            raise PortalError(_("주거래은행을 먼저 정해야 합니다."), field="main_bank")
        contract.signed_at = timezone.now()
        contract.signed_by = by
        contract.save()
        log_action(
            action="contract.signed",
            actor=by,
            application=application,
            data={"main_bank": contract.main_bank.code},
        )
    return contract
