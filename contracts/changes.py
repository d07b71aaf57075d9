"""DOMAIN §5 — contract change (계약변경): after signing, the contract accounts change only through a
change request, effective 2 Korean business days after its approval."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.audit import log_action
from applications.models import Application, State
from notifications.events import queue_event
from openbanking_portal.errors import PortalError
from policies.calendar import BusinessCalendar

from .accounts import (
    MAX_CONTRACT_ACCOUNTS,
    _active_account,
    _require_member_or_staff,
    _require_staff,
    account_book,
    check_purpose,
    create_account,
    locked_contract,
    mask_account_number,
    normalize_account_number,
)
from .models import ContractChangeRequest

EFFECTIVE_AFTER_BUSINESS_DAYS = 2  # DOMAIN §5
# Shown by the form and the API beside the `touches_services` box (issue 10 item 2).
TOUCHES_SERVICES_HELP = gettext_lazy(
    "제공 서비스나 앱(화면·기능·연동 API)을 바꾸는 변경이면 선택하세요. 센터가 승인하면 핀테크 "
    "서비스 취약점 점검을 새로 받아야 하며(기존 결과는 효력을 잃습니다), 재점검 결과를 센터가 "
    "검토 완료할 때까지 서비스 실시 조건이 충족되지 않습니다."
)
CHANGEABLE_STATES = [State.CONTRACT, State.LAUNCH_SCHEDULED, State.LIVE, State.SUSPENDED]


def effective_date(approved_on: datetime.date, calendar: BusinessCalendar) -> datetime.date:
    """DOMAIN §5 — 2 business days after the approval (weekends and public holidays excluded)."""
    return calendar.add_business_days(approved_on, EFFECTIVE_AFTER_BUSINESS_DAYS)


def request_account_change(
    *,
    application: Application,
    by,
    add: list[dict] | None = None,
    close: list[int] | None = None,
    reason: str = "",
    touches_services: bool = False,
) -> ContractChangeRequest:
    """The institution (or staff) asks to add and/or close contract accounts of a signed contract."""
    _require_member_or_staff(application, by)
    add, close = list(add or []), [int(x) for x in (close or [])]
    if not add and not close and not touches_services:
        raise PortalError(_("추가하거나 해지할 계좌를 입력하세요."))
    with transaction.atomic():
        contract = locked_contract(application)
        if not contract.signed_at:
            raise PortalError(_("계약 체결 전에는 약정계좌를 바로 바꿀 수 있습니다."))
        if contract.application.state not in CHANGEABLE_STATES:
            raise PortalError(_("지금 상태에서는 계약변경을 요청할 수 없습니다."))
        book = account_book(contract)
        new_numbers = []
        for item in add:
            digits = normalize_account_number(item.get("account_number", ""))
            check_purpose(item.get("purpose", ""))
            if digits in book.numbers or digits in new_numbers:
                raise PortalError(_("이미 등록된 계좌번호입니다."), field="account_number")
            new_numbers.append(digits)
        for account_id in close:
            _active_account(contract, account_id)
        if book.count + len(new_numbers) - len(set(close)) > MAX_CONTRACT_ACCOUNTS:
            raise PortalError(
                _("약정계좌는 최대 %(max)d개까지 등록할 수 있습니다.")
                % {"max": MAX_CONTRACT_ACCOUNTS}
            )
        changes = {
            "add": [
                {
                    "account_number": digits,
                    "purpose": item["purpose"],
                    "holder_name": (item.get("holder_name") or "").strip(),
                }
                for digits, item in zip(new_numbers, add, strict=True)
            ],
            "close": sorted(set(close)),
            # issue 10: a change of the services or the app forces a new vulnerability check
            **({"touches_services": True} if touches_services else {}),
        }
        # A double submit (the same change while it still waits) is the request already filed; the
        # contract row lock above makes the check and the insert one step.
        pending = ContractChangeRequest.objects.filter(
            contract=contract, status=ContractChangeRequest.Status.REQUESTED, changes=changes
        ).first()
        if pending is not None:
            return pending
        change = ContractChangeRequest.objects.create(
            contract=contract, changes=changes, reason=reason.strip(), requested_by=by
        )
        queue_event(
            log_action(
                action="contract.change_requested",
                actor=by,
                application=contract.application,
                data={
                    "change": change.pk,
                    "add": [mask_account_number(n) for n in new_numbers],
                    "close": change.changes["close"],
                    "touches_services": touches_services,
                },
            )
        )
    return change


def _locked_change(change: ContractChangeRequest) -> ContractChangeRequest:
    return (
        ContractChangeRequest.objects.select_for_update(of=("self",))
        .select_related("contract__application__institution")
        .get(pk=change.pk)
    )


def approve_change(
    *, change: ContractChangeRequest, by, note: str = "", today: datetime.date | None = None
) -> ContractChangeRequest:
    """Staff approve; the change takes effect 2 business days later (applied by the beat task)."""
    _require_staff(by)
    today = today or timezone.localdate()
    with transaction.atomic():
        change = _locked_change(change)
        if change.status != ContractChangeRequest.Status.REQUESTED:
            raise PortalError(_("이미 처리된 변경 요청입니다."))
        change.status = ContractChangeRequest.Status.APPROVED
        change.decided_by = by
        change.decided_at = timezone.now()
        change.decision_note = note.strip()
        change.effective_on = effective_date(today, BusinessCalendar.current())
        change.save()
        queue_event(
            log_action(
                action="contract.change_approved",
                actor=by,
                application=change.contract.application,
                data={"change": change.pk, "effective_on": change.effective_on.isoformat()},
            )
        )
        if change.changes.get("touches_services"):
            from reviews.validity import require_vulnerability_recheck

            require_vulnerability_recheck(
                application=change.contract.application, by=by, reason=change.reason
            )
    return change


def reject_change(*, change: ContractChangeRequest, by, note: str) -> ContractChangeRequest:
    _require_staff(by)
    if not note.strip():
        raise PortalError(_("반려 사유를 입력해야 합니다."), field="note")
    with transaction.atomic():
        change = _locked_change(change)
        if change.status != ContractChangeRequest.Status.REQUESTED:
            raise PortalError(_("이미 처리된 변경 요청입니다."))
        change.status = ContractChangeRequest.Status.REJECTED
        change.decided_by = by
        change.decided_at = timezone.now()
        change.decision_note = note.strip()
        change.save()
        queue_event(
            log_action(
                action="contract.change_rejected",
                actor=by,
                application=change.contract.application,
                reason=change.decision_note,
                data={"change": change.pk},
            )
        )
    return change


def apply_due_changes(*, today: datetime.date | None = None) -> list[int]:
    """Beat task body — apply approved changes whose effective date has come, then issue the next
    version of the contract document. Claimed by compare-and-swap, so running twice is harmless."""
    today = today or timezone.localdate()
    applied = []
    due = (
        ContractChangeRequest.objects.filter(
            status=ContractChangeRequest.Status.APPROVED, effective_on__lte=today
        )
        .order_by("effective_on", "decided_at", "pk")
        .values_list("pk", "contract__application_id")
    )
    for pk, application_id in list(due):
        try:
            done = _apply(pk, application_id)
        except PortalError as exc:
            # The accounts moved since approval (e.g. another change took the number or the last
            # of the 100 places): the change cannot take effect as approved.
            _fail(pk, application_id, exc)
            continue
        if done:
            applied.append(pk)
    return applied


def _apply(pk: int, application_id: int) -> bool:
    from .documents import issue_document

    with transaction.atomic():
        contract = locked_contract(application_id)
        claimed = ContractChangeRequest.objects.filter(
            pk=pk, status=ContractChangeRequest.Status.APPROVED
        ).update(status=ContractChangeRequest.Status.APPLIED, applied_at=timezone.now())
        if claimed != 1:
            return False
        change = ContractChangeRequest.objects.get(pk=pk)
        contract.accounts.active().filter(pk__in=change.changes.get("close", [])).update(
            closed_at=timezone.now()
        )
        for item in change.changes.get("add", []):
            create_account(
                contract=contract,
                account_number=item["account_number"],
                purpose=item["purpose"],
                holder_name=item.get("holder_name", ""),
            )
        log_action(
            action="contract.account_changed",
            application=contract.application,
            data={"change": pk, "effective_on": change.effective_on.isoformat()},
        )
        issue_document(contract=contract, reason=f"계약변경 #{pk}")
    return True


def _fail(pk: int, application_id: int, exc: PortalError) -> None:
    with transaction.atomic():
        failed = ContractChangeRequest.objects.filter(
            pk=pk, status=ContractChangeRequest.Status.APPROVED
        ).update(
            status=ContractChangeRequest.Status.REJECTED,
            decision_note=_("효력 발생 시 적용할 수 없음: %(why)s") % {"why": exc.message},
        )
        if failed == 1:
            log_action(
                action="contract.change_failed",
                application=Application.objects.get(pk=application_id),
                reason=str(exc.message),
                data={"change": pk},
            )
