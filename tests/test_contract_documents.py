"""DOMAIN §5 — the contract PDF: built by a task on signing, Korean text in an embedded subset font,
stored under a random name with its SHA-256, downloadable by the institution and staff, and issued as
a new version (never overwritten) when the contract changes."""

import hashlib
import subprocess

import pytest
from django.urls import reverse

from applications.models import AuditEntry, State
from contracts import documents
from contracts.models import ContractDocument
from contracts.preparation import prepare_signed_contract
from contracts.tasks import render_contract_document
from openbanking_portal.errors import PortalError

from .conftest import text_of
from .contract_support import *  # noqa: F403  (fixtures)
from .factories import ApplicationFactory


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def document(signed_app):
    return ContractDocument.objects.get(contract__application=signed_app)


def test_signing_issues_version_1_rendered_by_the_task(document, signed_app):
    assert document.version == 1
    assert document.reason == "계약 체결"
    assert document.is_ready
    assert document.file.name.startswith("contracts/")
    assert signed_app.institution.name not in document.file.name  # random name
    with document.file.open("rb") as fh:
        content = fh.read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert document.size_bytes == len(content)
    assert documents.verify(document)


def test_pdf_text_holds_the_institution_main_bank_and_fees_in_korean(document, signed_app):
    text = pdf_text(document.file.path)
    assert "오픈뱅킹공동업무 이용계약서" in text
    assert signed_app.institution.name in text
    assert "신한은행" in text  # main bank
    assert "주거래은행 수수료" in text and "건당 30원" in text and "건당 20원" in text
    assert "처리대행비용" in text and "출금이체" in text
    assert "1,000,000,000원" in text and "100,000,000원" in text  # limits
    assert "200,000,000원" in text  # guarantee: 100,000,000 × 200%
    assert "********6789" in text and "110123456789" not in text  # account masked
    assert "하위사업자" in text and "(인)" in text


def test_pdf_embeds_a_subset_of_the_bundled_korean_font(document):
    fonts = subprocess.run(
        ["pdffonts", document.file.path], capture_output=True, check=True
    ).stdout.decode()
    rows = [line for line in fonts.splitlines() if "NanumGothic" in line]
    assert rows, fonts
    for row in rows:
        name, *_rest = row.split()
        assert "+" in name  # subset tag, e.g. ABCDEF+NanumGothic
        assert " yes yes " in row  # embedded, subset


def test_rendering_twice_keeps_the_first_file(document):
    before = (document.file.name, document.sha256)
    render_contract_document.delay(document.pk)
    document.refresh_from_db()
    assert (document.file.name, document.sha256) == before


def test_frozen_data_is_not_altered_by_later_changes(document, signed_app):
    signed_app.institution.name = "바뀐 이름 주식회사"
    signed_app.institution.save()
    document.refresh_from_db()
    assert document.data["institution"]["name"] != "바뀐 이름 주식회사"
    assert "바뀐 이름" not in pdf_text(document.file.path)


def test_staff_reissue_adds_a_version_and_keeps_the_old_one(
    staff_client, document, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:contracts_contract_changelist"),
            {"action": "issue_document", "_selected_action": [document.contract_id]},
        )
    versions = list(
        ContractDocument.objects.filter(contract=document.contract)
        .order_by("version")
        .values_list("version", "file", "sha256")
    )
    assert [v for v, _f, _s in versions] == [1, 2]
    assert versions[0][1] != versions[1][1]
    assert versions[0][1] == document.file.name and versions[0][2] == document.sha256
    assert AuditEntry.objects.filter(action="contract.document_issued").count() == 2


def test_institution_and_staff_download_the_pdf(applicant_client, staff_client, document):
    url = reverse("contract_document_download", args=[document.pk])
    for client in (applicant_client, staff_client):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        body = b"".join(response.streaming_content)
        assert hashlib.sha256(body).hexdigest() == document.sha256 == response["X-Content-SHA256"]


def test_others_cannot_download(client, other_client, outsider_client, document):
    url = reverse("contract_document_download", args=[document.pk])
    assert other_client.get(url).status_code == 404
    assert outsider_client.get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_staff_without_contract_permission_cannot_download(document):
    from .conftest import mfa_client
    from .contract_support import staff_with

    client = mfa_client(staff_with("applications.view_application"))
    assert client.get(reverse("contract_document_download", args=[document.pk])).status_code == 404


def test_contract_page_lists_versions_with_download_links(applicant_client, document, signed_app):
    body = text_of(applicant_client.get(reverse("contract_page", args=[signed_app.pk])))
    assert "제1판" in body
    assert reverse("contract_document_download", args=[document.pk]) in body


def test_signing_is_refused_until_steps_1_to_3_are_done(staff, contract_app):
    from contracts.signing import record_signature

    with pytest.raises(PortalError) as exc:
        record_signature(application=contract_app, by=staff)
    assert "주거래은행" in str(exc.value.message)
    with pytest.raises(PortalError) as exc:
        prepare_signed_contract(application=contract_app, staff=staff, sign=False)
        from contracts.models import Contract

        Contract.objects.filter(application=contract_app).update(usage_limit_krw=None)
        record_signature(application=contract_app, by=staff)
    assert "이용한도" in str(exc.value.message)
    assert not ContractDocument.objects.exists()


def test_signing_refused_outside_the_contract_step(staff):
    app = ApplicationFactory(state=State.SECURITY_CHECK)
    with pytest.raises(PortalError):
        prepare_signed_contract(application=app, staff=staff)
