"""Contract PDF render time and size (target: under 1 s for a 3-page contract).

Renders frozen contract data (the same shape `contracts.documents.contract_snapshot` produces) with
the pure renderer, so no database is needed; the first render (fonts loaded) is reported apart.
"""

import re
import statistics
import subprocess
import tempfile
import time

from contracts.documents import DEFAULT_PROCESSING_COSTS, SERVICES, SUB_MERCHANT_POLICY

RUNS = {"full": 5, "tiny": 1}
TARGET_SECONDS = 1.0


def sample_data(accounts: int) -> dict:
    return {
        "version": 1,
        "centre": {"name": "금융결제원 (오픈뱅킹센터)"},
        "institution": {
            "name": "벤치마크핀테크 주식회사",
            "business_registration_number": "123-45-67890",
            "representative": "홍길동",
            "address": "서울특별시 중구 세종대로 110",
            "size_class": "중소형",
        },
        "application": {
            "reference": "OB-2026-000001",
            "service_name": "간편송금 서비스",
            "service_description": "오픈뱅킹 출금이체·입금이체를 이용한 간편송금",
        },
        "main_bank": {"code": "088", "name": "신한은행"},
        "fees": {
            "main_bank_withdrawal_fee_krw": 30,
            "main_bank_deposit_fee_krw": 20,
            "main_bank_fee_note": "",
            "processing_costs": DEFAULT_PROCESSING_COSTS,
        },
        "limits": {"usage_limit_krw": 1_000_000_000, "daily_withdrawal_limit_krw": 100_000_000},
        "guarantee": {
            "kind": "centre",
            "kind_label": "센터 보증 (보증보험)",
            "composite_score": 0,
            "rate_percent": 200,
            "required_amount_krw": 200_000_000,
        },
        "accounts": [
            {
                "bank": "신한은행",
                "number": f"********{i:04d}",
                "purpose": "정산(모집)계좌",
                "holder_name": "벤치마크핀테크",
            }
            for i in range(accounts)
        ],
        "services": [{"group": g, "items": items} for g, items in SERVICES],
        "sub_merchant_rules": SUB_MERCHANT_POLICY,
        "signed_on": "2026-11-25",
        "issued_on": "2026-11-25",
    }


def page_count(pdf: bytes) -> int:
    """Pages as poppler's pdfinfo reports them (WeasyPrint compresses the page objects)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        info = subprocess.run(["pdfinfo", fh.name], capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(match.group(1)) if match else 0


def measure(label: str, accounts: int, runs: int = RUNS["full"]) -> dict:
    from contracts.documents import render_contract_pdf

    data = sample_data(accounts)
    started = time.perf_counter()
    pdf = render_contract_pdf(data)
    cold = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        pdf = render_contract_pdf(data)
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    return {
        "case": label,
        "accounts": accounts,
        "pages": page_count(pdf),
        "size_kb": round(len(pdf) / 1024, 1),
        "first_s": round(cold, 3),
        "median_s": round(median, 3),
        "max_s": round(max(times), 3),
        "under_1s": median < TARGET_SECONDS,
    }


def run(scale: str = "full") -> list[dict]:
    if scale == "tiny":
        return [measure("typical (3 pages)", accounts=3, runs=RUNS["tiny"])]
    return [
        measure("typical (3 pages)", accounts=3),
        measure("many accounts", accounts=100),
    ]
