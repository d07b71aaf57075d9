"""Helpers for the online-application tests: sample files by content, a complete application."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import ApplicationDetails, ScreeningRuleSet
from applications.screening_rules import DEFAULT_RULES

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32
HWP = (
    bytes.fromhex("D0CF11E0A1B11AE1")
    + b"\x00" * 504
    + "FileHeader".encode("utf-16-le")
    + b"\x00" * 40
    + "\x05HwpSummaryInformation".encode("utf-16-le")
    + b"\x00" * 512
)
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 200
    + b"This program cannot be run in DOS mode"
)
OLE_DOC = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + "WordDocument".encode("utf-16-le")


def zip_bytes(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
HWPX = zip_bytes({"mimetype": b"application/hwp+zip", "Contents/content.hpf": b"<opf/>"})
PLAIN_ZIP = zip_bytes({"readme.txt": b"hello"})


def zip_bomb(unpacked_bytes: int) -> bytes:
    buffer = io.BytesIO()
    chunk = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w") as member:
            for _ in range(unpacked_bytes // len(chunk) + 1):
                member.write(chunk)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


def no_declarations() -> dict:
    rules = ScreeningRuleSet.objects.in_force().rules
    return {i["code"]: False for i in (*rules["exclusions"], *rules["excluded_services"])}


COMPLETE_DETAILS = {
    "eligibility_basis": "fsc_industry",
    "industry": "application_software",
    "industry_description": "개인 자산관리 앱 개발·운영",
    "business_model": "가계부 앱 구독료와 제휴 수수료",
    "service_plan": "2026년 상반기 잔액조회, 하반기 입금이체",
    "services_wanted": ["balance", "transaction_list", "deposit"],
    "has_sub_merchants": False,
    "credit_rating": "BBB",
    "annual_revenue": 3_000_000_000,
    "business_years": 3,
    "service_years": 2,
    "members": 120_000,
    "annual_transactions": 1_500_000,
    "qualifications": ["other_efinance"],
    "aml_system": True,
    "complaint_system": True,
    "account_ownership_verification": True,
}


def complete_details(application, **overrides) -> ApplicationDetails:
    fields = {**COMPLETE_DETAILS, "declarations": no_declarations(), **overrides}
    details, _ = ApplicationDetails.objects.update_or_create(
        application=application, defaults=fields
    )
    return details


def file_required_documents(application, user) -> list:
    from applications.documents import upload_document

    return [
        upload_document(
            application=application, by=user, doc_type=t, upload=upload(f"{t}.pdf", PDF)
        )
        for t in ("application_form", "service_plan")
    ]


assert DEFAULT_RULES["exclusions"]  # the seed rules are what the migration loads
