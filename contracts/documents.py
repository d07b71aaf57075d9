"""DOMAIN §5 — the contract document (계약서) as a Korean PDF, in three steps (STYLE §17):

1. `issue_document` freezes the contract's data into a new `ContractDocument` version;
2. `render_contract_pdf` turns that frozen data into PDF bytes (pure: no ORM);
3. the task `render_contract_document` stores the file under a random name with its SHA-256.

A version is never overwritten: a contract change issues the next version.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.audit import log_action
from policies.models import PolicyKind, PolicyVersion

from .accounts import mask_account_number
from .guarantee import arrangement_of
from .models import AccountPurpose, Contract, ContractDocument, GuaranteeType

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
CENTRE_NAME = "금융결제원 (오픈뱅킹센터)"
# DOMAIN §5.2 — used only while no fee policy version carries `processing_costs`.
DEFAULT_PROCESSING_COSTS = [
    {"api": "출금이체", "basic_krw": 50, "reduced_krw": 30},
    {"api": "입금이체", "basic_krw": 40, "reduced_krw": 20},
]
# DOMAIN §10 — the services provided.
SERVICES = [
    ("조회", "잔액조회, 거래내역조회, 계좌실명조회, 송금인정보조회"),
    ("이체", "입금이체, 출금이체"),
]
SUB_MERCHANT_POLICY = [
    "하위사업자는 이용기관이 금융회사 또는 전자금융업자(결제모듈 재판매)인 경우에만 둘 수 있으며, "
    "출금대행 방식으로는 둘 수 없다.",
    "하위사업자의 고객은 이용기관의 고객이어야 하며, 출금동의는 전자금융거래법에 따라 이용기관이 직접 받는다.",
    "이용기관은 하위사업자를 관리하고 그 사고에 책임을 지며, 관리 소홀 시 제재를 받을 수 있다.",
    "최초 실시 후 새 하위사업자는 목록과 자체점검 결과를 제출하여 센터의 사전 승인을 받아야 한다.",
    "이체 API 호출 시 하위사업자명과 사업자등록번호를 함께 보내야 한다.",
]


# --- 1. freeze --------------------------------------------------------------------------------


def _processing_costs() -> list[dict]:
    try:
        data = PolicyVersion.objects.in_force(PolicyKind.FEES).data
    except PolicyVersion.DoesNotExist:
        return DEFAULT_PROCESSING_COSTS
    return data.get("processing_costs") or DEFAULT_PROCESSING_COSTS


def _guarantee_data(contract: Contract) -> dict:
    arrangement = arrangement_of(contract)
    if arrangement is None:
        return {"kind": "", "kind_label": _("미정")}
    data = {"kind": arrangement.kind, "kind_label": arrangement.get_kind_display()}
    if arrangement.kind == GuaranteeType.CENTRE:
        data.update(
            composite_score=arrangement.composite_score,
            rate_percent=arrangement.rate_percent,
            required_amount_krw=arrangement.required_amount_krw,
        )
    else:
        data.update(
            notice_on=arrangement.notice_on.isoformat() if arrangement.notice_on else None,
            window_closes_on=arrangement.window_closes_on.isoformat()
            if arrangement.window_closes_on
            else None,
            banks=[
                {
                    "bank": n.bank.name,
                    "status": n.get_status_display(),
                    "agreed_limit_krw": n.agreed_limit_krw,
                }
                for n in arrangement.negotiations.select_related("bank")
            ],
        )
    return data


def contract_snapshot(contract: Contract) -> dict:
    """Everything the document shows, as plain JSON (account numbers masked, STYLE §17)."""
    application = contract.application
    institution = application.institution
    purposes = dict(AccountPurpose.choices)
    return {
        "centre": {"name": CENTRE_NAME},
        "institution": {
            "name": institution.name,
            "business_registration_number": institution.brn_display,
            "representative": institution.representative,
            "address": institution.address,
            "size_class": str(institution.size_class_label()),
        },
        "application": {
            "reference": application.reference,
            "service_name": application.service_name,
            "service_description": application.service_description,
        },
        "main_bank": {
            "code": contract.main_bank.code if contract.main_bank else "",
            "name": contract.main_bank.name if contract.main_bank else "",
        },
        "fees": {
            "main_bank_withdrawal_fee_krw": contract.main_bank_withdrawal_fee_krw,
            "main_bank_deposit_fee_krw": contract.main_bank_deposit_fee_krw,
            "main_bank_fee_note": contract.main_bank_fee_note,
            "processing_costs": _processing_costs(),
        },
        "limits": {
            "usage_limit_krw": contract.usage_limit_krw,
            "daily_withdrawal_limit_krw": contract.daily_withdrawal_limit_krw,
        },
        "guarantee": _guarantee_data(contract),
        "accounts": [
            {
                "bank": account.bank.name,
                "number": mask_account_number(account.account_number),
                "purpose": str(purposes[account.purpose]),
                "holder_name": account.holder_name,
            }
            for account in contract.accounts.active().select_related("bank")
        ],
        "services": [{"group": g, "items": items} for g, items in SERVICES],
        "sub_merchant_rules": SUB_MERCHANT_POLICY,
        "signed_on": timezone.localtime(contract.signed_at).date().isoformat()
        if contract.signed_at
        else None,
        "issued_on": timezone.localdate().isoformat(),
    }


def issue_document(*, contract: Contract, by=None, reason: str = "") -> ContractDocument:
    """Freeze the contract's data into the next version and queue its rendering after commit."""
    with transaction.atomic():
        contract = (
            Contract.objects.select_for_update(of=("self",))
            .select_related("application__institution", "main_bank")
            .get(pk=contract.pk)
        )
        last = contract.documents.aggregate(v=Max("version"))["v"] or 0
        document = ContractDocument.objects.create(
            contract=contract,
            version=last + 1,
            data={**contract_snapshot(contract), "version": last + 1},
            reason=reason,
        )
        log_action(
            action="contract.document_issued",
            actor=by,
            application=contract.application,
            data={"version": document.version, "reason": reason},
        )
        transaction.on_commit(lambda: _queue(document.pk))
    return document


def _queue(document_id: int) -> None:
    from .tasks import render_contract_document

    render_contract_document.delay(document_id)


# --- 2. render (pure) -------------------------------------------------------------------------


def contract_html(data: dict) -> str:
    """Frozen contract data → the HTML the PDF is made from (Korean words kept whole on a line)."""
    return render_to_string(
        "contracts/pdf/contract.html",
        {"d": data, "font_dir": FONT_DIR.as_uri()},
    )


def render_contract_pdf(data: dict) -> bytes:
    """Frozen contract data → PDF bytes, with the bundled NanumGothic embedded (subset)."""
    from weasyprint import HTML  # heavy import, only where PDFs are made

    return HTML(string=contract_html(data), base_url=str(FONT_DIR)).write_pdf()


# --- 3. store ---------------------------------------------------------------------------------


def store_rendered_document(*, document_id: int) -> ContractDocument:
    """Task body: render once and store the file with its SHA-256 (idempotent)."""
    document = ContractDocument.objects.get(pk=document_id)
    if document.is_ready:
        return document
    pdf = render_contract_pdf(document.data)
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        document = ContractDocument.objects.select_for_update().get(pk=document_id)
        if document.is_ready:  # another worker got there first
            return document
        document.file.save("contract.pdf", ContentFile(pdf), save=False)
        document.sha256 = digest
        document.size_bytes = len(pdf)
        document.rendered_at = timezone.now()
        document.save()
    return document


def verify(document: ContractDocument) -> bool:
    """The stored file still has the recorded hash."""
    with document.file.open("rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest() == document.sha256
