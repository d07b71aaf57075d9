"""DOMAIN §6.2 / §6.3 — the guarantee (보증수단) of a contract.

Centre guarantee (small/medium, and centre-certified large institutions): required guarantee =
daily withdrawal limit × the rate the composite score picks. Individual bank guarantee
(self-certified large institutions): the centre's notice opens a 30-day window in which each bank
negotiates a limit; withdrawal transfer opens bank by bank as banks agree; when the window closes with
no bank agreed, the institution falls back to the centre guarantee.
"""

from __future__ import annotations

import datetime
import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.audit import log_action
from applications.models import Application, State
from applications.models.institution import SizeClass
from openbanking_portal.errors import PortalError
from policies.models import PolicyKind, PolicyVersion

from .accounts import PREPARATION_STATES, _require_staff, locked_contract
from .models import Bank, BankNegotiation, Contract, GuaranteeArrangement, GuaranteeType

NEGOTIATION_WINDOW_DAYS = 30  # DOMAIN §6.3: "within 30 days of the centre's notice"
# DOMAIN §6.2, used only when no centre-guarantee policy version exists yet.
DEFAULT_RATE_BANDS = [[None, 100], [-99, 150], [-50, 200], [51, 250], [100, 300]]


# --- pure rules -------------------------------------------------------------------------------


def rate_for_score(composite: int, rate_bands) -> int:
    """The guarantee rate (% of the daily withdrawal limit) — the scoring module's rule."""
    from .scoring import guarantee_rate

    return guarantee_rate(composite, rate_bands)


def required_guarantee_krw(*, daily_withdrawal_limit_krw: int, rate_percent: int) -> int:
    """DOMAIN §6.2 — daily withdrawal limit × rate, rounded up to the won."""
    return math.ceil(daily_withdrawal_limit_krw * rate_percent / 100)


def guarantee_kind_for(*, size_class: str, self_certified: bool) -> str:
    """DOMAIN §6 — only self-certified large institutions use individual bank guarantees."""
    if size_class == SizeClass.LARGE and self_certified:
        return GuaranteeType.INDIVIDUAL_BANK
    return GuaranteeType.CENTRE


def window_closes_on(notice_on: datetime.date) -> datetime.date:
    return notice_on + datetime.timedelta(days=NEGOTIATION_WINDOW_DAYS)


# --- reads ------------------------------------------------------------------------------------


def arrangement_of(contract: Contract) -> GuaranteeArrangement | None:
    try:
        return contract.guarantee
    except GuaranteeArrangement.DoesNotExist:
        return None


def guarantee_in_place(contract: Contract) -> bool:
    """Centre: the guarantee certificate was confirmed. Individual: at least one bank agreed."""
    arrangement = arrangement_of(contract)
    if arrangement is None:
        return False
    if arrangement.kind == GuaranteeType.CENTRE:
        return arrangement.secured_at is not None and arrangement.required_amount_krw is not None
    return arrangement.negotiations.filter(status=BankNegotiation.Status.AGREED).exists()


def withdrawal_bank_codes(arrangement: GuaranteeArrangement) -> list[str]:
    """DOMAIN §6.3 — banks with which withdrawal transfer may start (individual guarantee)."""
    if arrangement.kind == GuaranteeType.CENTRE:
        return list(Bank.objects.filter(active=True).values_list("code", flat=True))
    return [n.bank.code for n in arrangement.negotiations.all() if n.withdrawal_enabled]


# --- services ---------------------------------------------------------------------------------


def _guarantee_editable(contract: Contract) -> None:
    # The guarantee may still be settled after signing (a bank negotiation can outlast it).
    if contract.application.state not in [*PREPARATION_STATES, State.LAUNCH_SCHEDULED]:
        raise PortalError(_("지금 단계에서는 보증수단을 정할 수 없습니다."), code="wrong_state")


def _centre_rate(composite: int) -> tuple[int, PolicyVersion | None]:
    try:
        version = PolicyVersion.objects.in_force(PolicyKind.CENTRE_GUARANTEE)
    except PolicyVersion.DoesNotExist:
        return rate_for_score(composite, DEFAULT_RATE_BANDS), None
    return rate_for_score(composite, version.data["rate_bands"]), version


def refresh_required_amount(*, contract: Contract) -> None:
    """Recompute the centre guarantee after a limit change; a new amount needs a new certificate."""
    arrangement = arrangement_of(contract)
    if arrangement is None or arrangement.kind != GuaranteeType.CENTRE:
        return
    if arrangement.rate_percent is None or contract.daily_withdrawal_limit_krw is None:
        return
    amount = required_guarantee_krw(
        daily_withdrawal_limit_krw=contract.daily_withdrawal_limit_krw,
        rate_percent=arrangement.rate_percent,
    )
    if amount != arrangement.required_amount_krw:
        arrangement.required_amount_krw = amount
        arrangement.secured_at = None
        arrangement.save()


def scored_composite(application: Application) -> int:
    """DOMAIN §6.2 composite of the application's own declarations, capital and vulnerability findings
    (raises ProfileIncomplete naming what the applicant has not answered yet)."""
    from .scoring_policy import centre_guarantee, profile_for_application

    return centre_guarantee(profile=profile_for_application(application)).result.composite


def arrange_centre_guarantee(
    *, application: Application, by, composite_score: int | None = None
) -> GuaranteeArrangement:
    """DOMAIN §6.2 — centre guarantee: composite score → rate → required amount.

    Without an explicit score (a staff override), the score is computed from the application."""
    _require_staff(by)
    if composite_score is None:
        composite_score = scored_composite(application)
    with transaction.atomic():
        contract = locked_contract(application)
        _guarantee_editable(contract)
        if contract.daily_withdrawal_limit_krw is None:
            raise PortalError(
                _("일 출금한도를 먼저 정해야 합니다."), field="daily_withdrawal_limit_krw"
            )
        arrangement = arrangement_of(contract)
        if (
            arrangement is not None
            and arrangement.kind == GuaranteeType.INDIVIDUAL_BANK
            and arrangement.window_closed_at is None
        ):
            raise PortalError(_("개별은행 보증 협의 기간 중에는 센터 보증으로 바꿀 수 없습니다."))
        rate, version = _centre_rate(int(composite_score))
        amount = required_guarantee_krw(
            daily_withdrawal_limit_krw=contract.daily_withdrawal_limit_krw, rate_percent=rate
        )
        arrangement, _created = GuaranteeArrangement.objects.update_or_create(
            contract=contract,
            defaults={
                "kind": GuaranteeType.CENTRE,
                "composite_score": int(composite_score),
                "rate_percent": rate,
                "required_amount_krw": amount,
                "policy_version": version,
                "secured_at": None,
            },
        )
        contract.guarantee_type = GuaranteeType.CENTRE
        contract.save(update_fields=["guarantee_type"])
        log_action(
            action="guarantee.centre_arranged",
            actor=by,
            application=contract.application,
            data={"composite_score": int(composite_score), "rate_percent": rate, "amount": amount},
        )
        if contract.signed_at:
            # e.g. after the fallback from individual bank guarantees: the contract changed.
            from .documents import issue_document

            issue_document(contract=contract, by=by, reason="보증수단 변경")
    return arrangement


def confirm_centre_guarantee(*, application: Application, by) -> GuaranteeArrangement:
    """Staff confirm the guarantee insurance certificate for the required amount is in hand."""
    _require_staff(by)
    with transaction.atomic():
        contract = locked_contract(application)
        arrangement = arrangement_of(contract)
        if arrangement is None or arrangement.kind != GuaranteeType.CENTRE:
            raise PortalError(_("센터 보증이 정해지지 않았습니다."))
        if arrangement.required_amount_krw is None:
            raise PortalError(_("필요 보증금액이 계산되지 않았습니다."))
        arrangement.secured_at = timezone.now()
        arrangement.save()
        log_action(
            action="guarantee.centre_secured",
            actor=by,
            application=contract.application,
            data={"amount": arrangement.required_amount_krw},
        )
    return arrangement


def start_individual_guarantee(
    *, application: Application, by, notice_on: datetime.date | None = None
) -> GuaranteeArrangement:
    """DOMAIN §6.3 — the centre notifies the banks; each negotiates within 30 days."""
    _require_staff(by)
    notice_on = notice_on or timezone.localdate()
    with transaction.atomic():
        contract = locked_contract(application)
        _guarantee_editable(contract)
        if contract.application.institution.size_class() != SizeClass.LARGE:
            raise PortalError(_("개별은행 보증은 자체인증 대형 이용기관만 이용할 수 있습니다."))
        if arrangement_of(contract) is not None:
            raise PortalError(_("이미 보증수단이 정해져 있습니다."))
        arrangement = GuaranteeArrangement.objects.create(
            contract=contract,
            kind=GuaranteeType.INDIVIDUAL_BANK,
            notice_on=notice_on,
            window_closes_on=window_closes_on(notice_on),
        )
        BankNegotiation.objects.bulk_create(
            BankNegotiation(arrangement=arrangement, bank=bank)
            for bank in Bank.objects.filter(active=True)
        )
        contract.guarantee_type = GuaranteeType.INDIVIDUAL_BANK
        contract.save(update_fields=["guarantee_type"])
        log_action(
            action="guarantee.banks_notified",
            actor=by,
            application=contract.application,
            data={
                "notice_on": notice_on.isoformat(),
                "closes_on": arrangement.window_closes_on.isoformat(),
            },
        )
    return arrangement


def record_negotiation(
    *, negotiation: BankNegotiation, by, status: str, agreed_limit_krw: int | None = None
) -> BankNegotiation:
    """DOMAIN §6.3 — one bank's negotiation result; agreeing opens withdrawal transfer there."""
    _require_staff(by)
    if status not in BankNegotiation.Status.values:
        raise PortalError(_("협의 상태를 선택하세요."), field="status")
    if status == BankNegotiation.Status.AGREED and not agreed_limit_krw:
        raise PortalError(_("합의한 보증한도를 입력하세요."), field="agreed_limit_krw")
    with transaction.atomic():
        arrangement = GuaranteeArrangement.objects.select_for_update().get(
            pk=negotiation.arrangement_id
        )
        if arrangement.kind != GuaranteeType.INDIVIDUAL_BANK:
            raise PortalError(_("센터 절차로 전환되어 은행별 협의를 기록할 수 없습니다."))
        negotiation = BankNegotiation.objects.select_related("bank").get(pk=negotiation.pk)
        negotiation.status = status
        agreed = status == BankNegotiation.Status.AGREED
        negotiation.agreed_limit_krw = int(agreed_limit_krw) if agreed else None
        negotiation.agreed_at = timezone.now() if agreed else None
        negotiation.save()
        log_action(
            action=f"guarantee.bank_{status}",
            actor=by,
            application=arrangement.contract.application,
            data={"bank": negotiation.bank.code, "agreed_limit_krw": negotiation.agreed_limit_krw},
        )
    return negotiation


def close_due_windows(*, today: datetime.date | None = None) -> list[int]:
    """Beat task body — close the 30-day windows that ended; fall back to the centre when no bank
    agreed. Safe to run twice: each window is claimed with a compare-and-swap."""
    today = today or timezone.localdate()
    closed = []
    due = GuaranteeArrangement.objects.filter(
        kind=GuaranteeType.INDIVIDUAL_BANK, window_closed_at=None, window_closes_on__lte=today
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            claimed = GuaranteeArrangement.objects.filter(pk=pk, window_closed_at=None).update(
                window_closed_at=timezone.now()
            )
            if claimed != 1:
                continue
            arrangement = GuaranteeArrangement.objects.select_related(
                "contract__application__institution"
            ).get(pk=pk)
            agreed = list(
                arrangement.negotiations.filter(status=BankNegotiation.Status.AGREED).values_list(
                    "bank__code", flat=True
                )
            )
            application = arrangement.contract.application
            if agreed:
                log_action(
                    action="guarantee.window_closed",
                    application=application,
                    data={"agreed_banks": agreed},
                )
            else:
                arrangement.kind = GuaranteeType.CENTRE
                arrangement.fell_back_to_centre = True
                arrangement.save()
                Contract.objects.filter(pk=arrangement.contract_id).update(
                    guarantee_type=GuaranteeType.CENTRE
                )
                log_action(action="guarantee.fell_back_to_centre", application=application)
            closed.append(pk)
    return closed
