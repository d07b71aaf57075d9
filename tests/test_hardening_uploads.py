"""Hostile uploads through HTTP (issue 9): the applicant's document step and the API document endpoint
refuse executables renamed .pdf, zip bombs in DOCX/XLSX (judged from the ZIP directory, never unpacked)
and oversize files, leaving no row and no file; hostile file names never steer where a file is stored."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from applications.models import AuditEntry, Document
from integrations.tokens import issue_token

from .conftest import text_of
from .online_application import DOCX, EXE, PDF, XLSX, private_media, upload  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def dense_bomb(member: str, unpacked: int) -> bytes:
    """A small package with one member that inflates `unpacked` bytes of zeros (~1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open(member, "w") as out:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                out.write(chunk)
    return buffer.getvalue()


def crowded_package(workbook: str, members: int) -> bytes:
    """A package with thousands of tiny members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr(workbook, b"<x/>")
        for i in range(members):
            archive.writestr(f"xl/worksheets/s{i}.xml", b"")
    return buffer.getvalue()


@pytest.fixture
def api_client(member):
    _token, key = issue_token(institution=member.institution, by=member.user, name="hardening")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def post_web(client, application, name, content):
    return client.post(
        reverse("application_step", args=[application.pk, "documents"]),
        {"doc_type": "service_plan", "file": upload(name, content)},
    )


def post_api(client, application, name, content):
    return client.post(
        f"/api/v1/applications/{application.pk}/documents/",
        {"doc_type": "service_plan", "file": upload(name, content)},
        format="multipart",
    )


def nothing_written():
    assert not Document.objects.exists()
    assert not AuditEntry.objects.filter(action="document.uploaded").exists()
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))


def assert_refused_web(response, message):
    assert response.status_code == 200
    page = text_of(response)
    assert message in page and 'role="alert"' in page
    nothing_written()


def assert_refused_api(response, message):
    assert response.status_code == 400
    assert response.json()["code"] == "upload_refused"
    assert message in response.json()["message"]
    nothing_written()


FORMAT_REFUSED = "허용되지 않는 파일 형식"
BOMB_REFUSED = "압축 폭탄"
HOSTILE = {
    "elf-as-pdf": ("setup.pdf", lambda: ELF, FORMAT_REFUSED),
    "exe-as-pdf": ("설치.pdf", lambda: EXE, FORMAT_REFUSED),
    "dense-docx": (
        "bomb.docx",
        lambda: dense_bomb("word/document.xml", 50 * 1024**2),
        BOMB_REFUSED,
    ),
    "dense-xlsx": ("bomb.xlsx", lambda: dense_bomb("xl/workbook.xml", 50 * 1024**2), BOMB_REFUSED),
    "crowded-xlsx": ("many.xlsx", lambda: crowded_package("xl/workbook.xml", 6000), "너무 많은"),
    "crowded-docx": ("many.docx", lambda: crowded_package("word/document.xml", 6000), "너무 많은"),
}


@pytest.fixture
def opened_members(monkeypatch):
    """The ZIP members the server decompresses: a bomb must be refused without opening them."""
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, mode="r", *args, **kwargs):
        if mode == "r":
            opened.append(getattr(name, "filename", name))
        return real_open(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return opened


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_content_is_refused_on_the_document_step(
    applicant_client, application, case, opened_members
):
    name, content, message = HOSTILE[case]
    assert_refused_web(post_web(applicant_client, application, name, content()), message)
    assert opened_members == []


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_content_is_refused_by_the_api(api_client, application, case, opened_members):
    name, content, message = HOSTILE[case]
    assert_refused_api(post_api(api_client, application, name, content()), message)
    assert opened_members == []


def test_a_normal_office_package_still_passes_the_zip_limits(applicant_client, application):
    for name, content in (("plan.docx", DOCX), ("plan.xlsx", XLSX)):
        assert post_web(applicant_client, application, name, content).status_code == 302
    assert Document.objects.count() == 2


def test_oversize_is_refused_on_both_doors_with_the_configured_limit(
    settings, applicant_client, api_client, application
):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = PDF + b"\x00" * (1024 * 1024)
    assert_refused_web(post_web(applicant_client, application, "big.pdf", big), "최대 1 MB")
    assert_refused_api(post_api(api_client, application, "big.pdf", big), "최대 1 MB")
    exact = PDF + b"\x00" * (1024 * 1024 - len(PDF))
    assert post_api(api_client, application, "exact.pdf", exact).status_code == 201


def test_zip_limits_are_settings(settings, applicant_client, application):
    settings.UPLOAD_MAX_ZIP_MEMBERS = 10
    response = post_web(
        applicant_client, application, "few.xlsx", crowded_package("xl/workbook.xml", 20)
    )
    assert_refused_web(response, "너무 많은")


HOSTILE_NAMES = [
    "../../etc/passwd.pdf",
    "/etc/passwd.pdf",
    "..\\..\\windows\\system32\\evil.pdf",
    "C:\\Windows\\evil.pdf",
    "evil\x00.pdf",
    "....//....//evil.pdf",
    "%2e%2e%2fevil.pdf",
]


def raw_multipart(name: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body with the file name exactly as given (the test client would strip paths)."""
    boundary = "HardeningBoundary7MA4YWxk"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="doc_type"\r\n\r\nservice_plan\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def assert_stored_safely(document, tmp_path):
    media = Path(settings.MEDIA_ROOT).resolve()
    stored = Path(document.file.path).resolve()
    assert stored.is_relative_to(media) and stored.read_bytes() == PDF
    assert re.fullmatch(r"documents/[0-9a-f]{2}/[0-9a-f]{32}", document.file.name)
    assert "\x00" not in document.original_name and "/" not in document.original_name
    outside = [
        p for p in tmp_path.rglob("*") if p.is_file() and not p.resolve().is_relative_to(media)
    ]
    assert outside == []


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_file_names_never_choose_the_path_on_the_document_step(
    applicant_client, application, name, tmp_path
):
    body, content_type = raw_multipart(name, PDF)
    url = reverse("application_step", args=[application.pk, "documents"])
    response = applicant_client.generic("POST", url, body, content_type=content_type)
    assert response.status_code == 302
    assert_stored_safely(Document.objects.get(), tmp_path)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_file_names_never_choose_the_path_through_the_api(
    api_client, application, name, tmp_path
):
    body, content_type = raw_multipart(name, PDF)
    url = f"/api/v1/applications/{application.pk}/documents/"
    response = api_client.generic("POST", url, body, content_type=content_type)
    assert response.status_code == 201, response.content
    document = Document.objects.get()
    assert_stored_safely(document, tmp_path)
    download = api_client.get(f"{url}{document.pk}/download/")
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert "../" not in disposition and "..\\" not in disposition and "\x00" not in disposition
