"""Documents: typed uploads checked by content, at most 20 MB, private, versioned (issue 3)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from applications.models import AuditEntry, Document, State

from .conftest import mfa_client, text_of
from .factories import ApplicationFactory, StaffFactory
from .online_application import (
    DOCX,
    EXE,
    HWP,
    HWPX,
    JPEG,
    OLE_DOC,
    PDF,
    PLAIN_ZIP,
    PNG,
    XLSX,
    private_media,  # noqa: F401 (fixture)
    upload,
    zip_bomb,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


def post_document(client, application, doc_type, name, content):
    return client.post(
        reverse("application_step", args=[application.pk, "documents"]),
        {"doc_type": doc_type, "file": upload(name, content)},
    )


@pytest.mark.parametrize(
    "name,content,kind,mime",
    [
        ("신청서.pdf", PDF, "pdf", "application/pdf"),
        ("scan.png", PNG, "png", "image/png"),
        ("scan.jpg", JPEG, "jpeg", "image/jpeg"),
        ("계획서.hwp", HWP, "hwp", "application/x-hwp"),
        ("계획서.hwpx", HWPX, "hwpx", "application/hwp+zip"),
        (
            "plan.docx",
            DOCX,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "numbers.xlsx",
            XLSX,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        # The name does not matter, the content does: a PDF called .txt is a PDF.
        ("misnamed.txt", PDF, "pdf", "application/pdf"),
    ],
)
def test_accepted_formats_are_recognised_by_content(
    applicant_client, application, name, content, kind, mime
):
    response = post_document(applicant_client, application, "service_plan", name, content)
    assert response.status_code == 302
    document = Document.objects.get(application=application)
    assert (document.detected_type, document.mime_type, document.original_name) == (
        kind,
        mime,
        name,
    )
    assert document.size == len(content)
    assert len(document.sha256) == 64
    stored = Path(document.file.path)
    assert stored.read_bytes() == content
    assert name not in document.file.name and not stored.suffix  # random name, no extension
    assert str(stored).startswith(str(settings.MEDIA_ROOT))
    entry = AuditEntry.objects.get(application=application, action="document.uploaded")
    assert entry.data["doc_type"] == "service_plan" and entry.data["version"] == 1


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("setup.pdf", EXE, "허용되지 않는 파일 형식"),
        ("old.doc", OLE_DOC, "허용되지 않는 파일 형식"),
        ("bundle.docx", PLAIN_ZIP, "허용되지 않는 파일 형식"),
        ("notes.pdf", b"just some text pretending", "허용되지 않는 파일 형식"),
        ("bomb.docx", lambda: zip_bomb(210 * 1024 * 1024), "압축 폭탄"),
    ],
)
def test_disguised_or_dangerous_files_are_refused_with_a_message(
    applicant_client, application, name, content, message
):
    content = content() if callable(content) else content
    response = post_document(applicant_client, application, "service_plan", name, content)
    assert response.status_code == 200
    page = text_of(response)
    assert message in page
    assert 'role="alert"' in page  # shown next to the file field
    assert not Document.objects.exists()
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))


def test_a_file_over_20_mb_is_refused(applicant_client, application):
    big = PDF + b"\x00" * (20 * 1024 * 1024)
    response = post_document(applicant_client, application, "application_form", "big.pdf", big)
    assert "파일이 너무 큽니다" in text_of(response)
    assert "최대 20 MB" in text_of(response)
    assert not Document.objects.exists()


def test_exactly_20_mb_is_accepted(applicant_client, application):
    content = PDF + b"\x00" * (20 * 1024 * 1024 - len(PDF))
    response = post_document(applicant_client, application, "application_form", "a.pdf", content)
    assert response.status_code == 302
    assert Document.objects.get().size == 20 * 1024 * 1024


def test_replacing_a_document_keeps_the_earlier_versions(applicant_client, application):
    post_document(applicant_client, application, "service_plan", "v1.pdf", PDF)
    post_document(applicant_client, application, "service_plan", "v2.docx", DOCX)
    post_document(applicant_client, application, "application_form", "form.pdf", PDF)
    v1, v2 = Document.objects.filter(doc_type="service_plan").order_by("version")
    assert (v1.version, v2.version, v2.previous) == (1, 2, v1)
    assert list(
        Document.objects.current().values_list("original_name", flat=True).order_by("pk")
    ) == [
        "v2.docx",
        "form.pdf",
    ]
    page = text_of(
        applicant_client.get(reverse("application_step", args=[application.pk, "documents"]))
    )
    assert "v1.pdf" in page and "v2.docx" in page  # both versions listed
    # the earlier version can still be read
    old = applicant_client.get(reverse("document_download", args=[application.pk, v1.pk]))
    assert b"".join(old.streaming_content) == PDF


def test_documents_cannot_change_once_submitted(applicant_client, member):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.SUBMITTED
    )
    response = post_document(applicant_client, application, "service_plan", "late.pdf", PDF)
    assert response.status_code == 200
    assert not Document.objects.exists()


@pytest.fixture
def document(applicant_client, application):
    post_document(applicant_client, application, "application_form", "신청서.pdf", PDF)
    return Document.objects.get()


def test_owner_reads_a_pdf_inline_with_safe_headers(applicant_client, application, document):
    response = applicant_client.get(
        reverse("document_download", args=[application.pk, document.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF


def test_office_files_are_downloaded_never_rendered(applicant_client, application):
    post_document(applicant_client, application, "other", "plan.docx", DOCX)
    document = Document.objects.get()
    response = applicant_client.get(
        reverse("document_download", args=[application.pk, document.pk])
    )
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


def test_another_institution_anonymous_and_staff(other_client, application, document):
    url = reverse("document_download", args=[application.pk, document.pk])
    assert other_client.get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    staff = StaffFactory()
    assert mfa_client(staff).get(url).status_code == 200
    no_mfa = Client()
    no_mfa.force_login(staff)
    assert no_mfa.get(url).status_code == 403


def test_document_of_another_application_is_not_reachable_through_mine(
    applicant_client, other_client, application, document
):
    from applications.models import Membership

    theirs = ApplicationFactory(
        institution=Membership.objects.exclude(institution=application.institution)
        .first()
        .institution
    )
    url = reverse("document_download", args=[theirs.pk, document.pk])
    assert other_client.get(url).status_code == 404


def test_files_are_not_under_any_public_url(document):
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))
    assert not getattr(settings, "MEDIA_URL", "") or settings.MEDIA_URL in ("", "/")
    assert Client().get("/" + document.file.name).status_code == 404


@pytest.mark.parametrize("offset", [100, 1024 * 1024 - 10, 3 * 1024 * 1024 + 7])
def test_hwp_is_recognised_wherever_its_stream_name_sits(applicant_client, application, offset):
    from .online_application import OLE_DOC

    name = "\x05HwpSummaryInformation".encode("utf-16-le")
    content = OLE_DOC + b"\x00" * offset + name + b"\x00" * 64
    response = post_document(applicant_client, application, "other", "큰문서.hwp", content)
    assert response.status_code == 302
    assert Document.objects.get().detected_type == "hwp"
