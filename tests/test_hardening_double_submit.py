"""Double submit (issue 9): a form posted twice with the same data — a double click, a resent request —
creates one object, and the second post answers without a server error."""

import pytest
from django.urls import reverse

from applications.models import Application, AuditEntry, Document, Institution, State
from applications.supplement import request_supplement
from contracts.models import ContractAccount, ContractChangeRequest
from operations.models import SubMerchant

from .contract_support import *  # noqa: F403 (fixtures: signed_app, private_media)
from .factories import ApplicationFactory, StaffFactory, valid_brn
from .online_application import PDF, upload

pytestmark = pytest.mark.django_db


def twice(client, url, data_factory):
    """POST the same data twice (files are rebuilt: a browser sends the bytes again)."""
    return [client.post(url, data_factory()) for _ in range(2)]


def test_institution_registration_twice_registers_one(applicant_client):
    brn = valid_brn()
    data = {
        "name": "두번클릭 주식회사",
        "business_registration_number": brn,
        "representative": "홍길동",
        "address": "서울특별시 중구 세종대로 110",
        "paid_in_capital": "500000000",
        "institution_type": "fintech",
        "contact_name": "김담당",
        "contact_email": "twice@example.kr",
        "contact_phone": "02-0000-0000",
    }
    first, second = twice(applicant_client, reverse("institution_create"), lambda: data)
    assert first.status_code == 302
    assert second.status_code == 200
    assert Institution.objects.filter(business_registration_number=brn).count() == 1


def test_application_creation_twice_opens_one_draft(applicant_client, member):
    data = {
        "institution": member.institution.pk,
        "service_name": "간편송금",
        "service_description": "",
    }
    first, second = twice(applicant_client, reverse("application_create"), lambda: data)
    assert first.status_code == 302 and second.status_code == 200
    assert "이미 진행 중인 이용신청" in second.content.decode()
    assert Application.objects.filter(institution=member.institution).count() == 1
    assert AuditEntry.objects.filter(action="application.created").count() == 1


@pytest.fixture
def supplement_requested(member):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.SUBMITTED
    )
    request_supplement(
        application=application,
        by=StaffFactory(),
        items=["service_plan", "document:service_plan"],
        message="서비스 계획서를 보완해 주세요.",
    )
    return application


def test_supplement_document_posted_twice_is_filed_once(applicant_client, supplement_requested):
    url = reverse("application_step", args=[supplement_requested.pk, "documents"])
    first, second = twice(
        applicant_client,
        url,
        lambda: {"doc_type": "service_plan", "file": upload("계획서.pdf", PDF)},
    )
    assert first.status_code == 302 and second.status_code in (200, 302)
    assert Document.objects.filter(application=supplement_requested).count() == 1
    assert AuditEntry.objects.filter(action="document.uploaded").count() == 1


def test_supplement_step_answer_twice_keeps_one_details_row(applicant_client, supplement_requested):
    from applications.models import ApplicationDetails

    url = reverse("application_step", args=[supplement_requested.pk, "business"])
    first, second = twice(applicant_client, url, lambda: {"service_plan": "보완한 계획"})
    assert first.status_code == second.status_code == 302
    details = ApplicationDetails.objects.get(application=supplement_requested)
    assert details.service_plan == "보완한 계획"


def test_resubmitting_the_supplement_twice_moves_once(
    applicant_client, member, application, django_capture_on_commit_callbacks
):
    from .online_application import complete_details, file_required_documents

    complete_details(application)
    file_required_documents(application, member.user)
    Application.objects.filter(pk=application.pk).update(state=State.SUBMITTED)
    application.refresh_from_db()
    request_supplement(
        application=application, by=StaffFactory(), items=["service_plan"], message="보완"
    )
    url = reverse("application_transition", args=[application.pk, "resubmit"])
    with django_capture_on_commit_callbacks(execute=True):
        first, second = twice(applicant_client, url, lambda: {"reason": ""})
    assert first.status_code == second.status_code == 302
    application.refresh_from_db()
    assert application.state == State.RESUBMITTED
    resubmitted = AuditEntry.objects.filter(
        application=application, action="application.resubmitted"
    )
    assert resubmitted.count() == 1


def test_contract_change_request_twice_files_one_request(applicant_client, signed_app):
    url = reverse("contract_change_request", args=[signed_app.pk])
    data = {
        "account_number": "333-333-333333",
        "purpose": "settlement",
        "holder_name": "핀테크",
        "reason": "정산계좌 추가",
    }
    first, second = twice(applicant_client, url, lambda: data)
    assert first.status_code == 302
    assert second.status_code in (302, 400)
    assert ContractChangeRequest.objects.count() == 1
    assert ContractAccount.objects.active().count() == 1  # nothing applied before approval


@pytest.fixture
def efinance(member):
    from applications.models import ApplicationDetails

    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state="live"
    )
    ApplicationDetails.objects.create(application=application, eligibility_basis="efinance")
    return member.institution


def test_sub_merchant_registration_twice_registers_one(applicant_client, efinance):
    from operations import submerchants

    data = {
        "name": "동네서점",
        "business_registration_number": valid_brn(),
        "business_description": "도서 소매",
        **{f"check_{code}": "no" for code, _label in submerchants.self_check_items()},
    }
    url = reverse("operations:sub_merchants", args=[efinance.pk])
    first, second = twice(applicant_client, url, lambda: data)
    assert first.status_code == 302 and second.status_code in (200, 302, 400)
    assert SubMerchant.objects.count() == 1
