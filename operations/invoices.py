"""The invoice document (DOMAIN §5.2) in three steps (STYLE §17):

1. `invoice_snapshot` freezes the invoice's data when billing creates it (pure, called by billing);
2. `render_invoice_pdf` turns that frozen data into PDF bytes (pure: no ORM);
3. `store_invoice_pdf` (the task body) stores the file with its SHA-256, once.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string

from applications.models import SizeClass

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
CENTRE_NAME = "금융결제원 (오픈뱅킹센터)"
TIER_LABELS = {"basic": "기본비용", "reduced": "경감비용", "agreed": "합의 수수료"}


def invoice_snapshot(
    *, number: str, row: dict, results, month, issued_on, due_on, size_class: str, version
) -> dict:
    """The frozen content of one invoice: later changes of address, contract or policy never alter it."""
    rules = version.data["apis"]
    lines = []
    for r, fee in results:
        label = rules[fee.api]["label"]
        lines.append(
            {
                "kind": "처리대행비용",
                "api": label,
                "tier": TIER_LABELS[fee.tier],
                "count": r["c0"],
                "amount_krw": r["a0"],
                "unit_cost_krw": fee.unit_cost_krw,
                "total_krw": fee.processing_krw,
                "previous_months_exceeded": list(fee.exceeded),
            }
        )
        if fee.main_bank_unit_krw:
            lines.append(
                {
                    "kind": "주거래은행 수수료",
                    "api": label,
                    "tier": TIER_LABELS["agreed"],
                    "count": r["c0"],
                    "amount_krw": r["a0"],
                    "unit_cost_krw": fee.main_bank_unit_krw,
                    "total_krw": fee.main_bank_krw,
                }
            )
    processing = sum(f.processing_krw for _r, f in results)
    main_bank = sum(f.main_bank_krw for _r, f in results)
    return {
        "number": number,
        "centre": {"name": CENTRE_NAME},
        "institution": {
            "name": row["institution__name"],
            "business_registration_number": row["institution__business_registration_number"],
            "representative": row["institution__representative"],
            "address": row["institution__address"],
            "size_class": str(SizeClass(size_class).label),
        },
        "month": f"{month:%Y-%m}",
        "issued_on": issued_on.isoformat(),
        "due_on": due_on.isoformat(),
        "policy": {"effective_from": version.effective_from.isoformat(), "id": version.pk},
        "lines": lines,
        "processing_total_krw": processing,
        "main_bank_total_krw": main_bank,
        "total_krw": processing + main_bank,
    }


def invoice_html(data: dict) -> str:
    """Frozen invoice data → the HTML the PDF is made from (Korean words kept whole on a line)."""
    context = {
        "d": data,
        "font_dir": FONT_DIR.as_uri(),
        "due_on": datetime.date.fromisoformat(data["due_on"]),
        "issued_on": datetime.date.fromisoformat(data["issued_on"]),
    }
    return render_to_string("operations/pdf/invoice.html", context)


def render_invoice_pdf(data: dict) -> bytes:
    """Frozen invoice data → PDF bytes (Korean, NanumGothic embedded)."""
    from weasyprint import HTML  # heavy import, only where PDFs are made

    return HTML(string=invoice_html(data), base_url=str(FONT_DIR)).write_pdf()


def store_invoice_pdf(*, invoice_id: int):
    """Render once and store the PDF with its SHA-256 (idempotent: safe to deliver twice)."""
    from .models import Invoice

    invoice = Invoice.objects.get(pk=invoice_id)
    if invoice.is_ready:
        return invoice
    pdf = render_invoice_pdf(invoice.data)
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        if invoice.is_ready:
            return invoice
        invoice.file.save(f"{invoice.number}.pdf", ContentFile(pdf), save=False)
        invoice.sha256 = digest
        invoice.save(update_fields=["file", "sha256"])
    return invoice


def pending_documents(month: datetime.date) -> list[int]:
    from .models import Invoice

    return list(Invoice.objects.filter(month=month, sha256="").values_list("pk", flat=True))


def verify(invoice) -> bool:
    with invoice.file.open("rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest() == invoice.sha256
