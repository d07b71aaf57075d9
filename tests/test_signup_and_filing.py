"""An applicant signs up (verified e-mail), registers an institution and files an application over HTTP."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from applications.models import Application, AuditEntry, Institution

from .conftest import text_of
from .factories import InstitutionFactory, valid_brn

pytestmark = pytest.mark.django_db

INSTITUTION = {
    "name": "주식회사 새싹페이",
    "institution_type": "fintech",
    "business_registration_number": "134-86-72683",
    "corporate_registration_number": "",
    "representative": "이대표",
    "address": "서울 중구 1",
    "paid_in_capital": "1500000000",
    "contact_name": "박담당",
    "contact_email": "ops@saessak.kr",
    "contact_phone": "02-123-4567",
}


def test_signup_requires_email_verification_then_files_an_application():
    client = Client()
    response = client.post(
        reverse("account_signup"),
        {
            "email": "founder@saessak.kr",
            "password1": "a-long-pass-2026",
            "password2": "a-long-pass-2026",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302  # not logged in before verification
    path = re.search(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[-1].body).group(0)
    response = client.post(path)
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200

    response = client.post(reverse("institution_create"), INSTITUTION)
    assert response.status_code == 302, text_of(response)
    institution = Institution.objects.get(business_registration_number="1348672683")
    assert institution.size_class() == "small_medium"

    response = client.post(
        reverse("application_create"),
        {
            "institution": institution.pk,
            "service_name": "새싹 간편송금",
            "service_description": "소액 송금",
        },
    )
    application = Application.objects.get(institution=institution)
    assert response.url == reverse("application_detail", args=[application.pk])
    client.post(reverse("application_transition", args=[application.pk, "submit"]))
    page = text_of(client.get(reverse("application_detail", args=[application.pk])))
    assert "신청 접수" in page
    assert AuditEntry.objects.filter(
        application=application, action="application.submitted"
    ).exists()


def test_wrong_brn_check_digit_is_explained_and_input_kept(applicant_client):
    data = {**INSTITUTION, "business_registration_number": "134-86-72684"}
    response = applicant_client.post(reverse("institution_create"), data)
    page = text_of(response)
    assert response.status_code == 200
    assert "검증번호(마지막 자리)가 맞지 않습니다" in page
    assert 'value="주식회사 새싹페이"' in page
    assert 'value="134-86-72684"' in page
    assert not Institution.objects.filter(name="주식회사 새싹페이").exists()


@pytest.mark.parametrize(
    "number,ok",
    [
        ("1348672683", True),
        ("134-86-72683", True),
        ("1348672684", False),
        ("12345", False),
        ("abcdefghij", False),
        ("0008672683", False),
    ],
)
def test_business_registration_number_rule(number, ok, applicant_client):
    response = applicant_client.post(
        reverse("institution_create"), {**INSTITUTION, "business_registration_number": number}
    )
    assert (response.status_code == 302) is ok


def test_corporate_number_check_digit(applicant_client):
    bad = applicant_client.post(
        reverse("institution_create"),
        {**INSTITUTION, "corporate_registration_number": "110111-1234568"},
    )
    assert "법인등록번호의 검증번호가 맞지 않습니다" in text_of(bad)
    good = applicant_client.post(
        reverse("institution_create"),
        {**INSTITUTION, "corporate_registration_number": "110111-1234569"},
    )
    assert good.status_code == 302


def test_duplicate_brn_is_refused(applicant_client):
    InstitutionFactory(business_registration_number="1348672683")
    response = applicant_client.post(reverse("institution_create"), INSTITUTION)
    assert "이미 등록된 사업자등록번호" in text_of(response)


def test_second_application_in_progress_is_refused(applicant_client, application):
    response = applicant_client.post(
        reverse("application_create"),
        {
            "institution": application.institution.pk,
            "service_name": "두번째",
            "service_description": "x",
        },
    )
    assert "이미 진행 중인 이용신청이 있습니다" in text_of(response)
    assert 'value="두번째"' in text_of(response)
    assert Application.objects.filter(institution=application.institution).count() == 1


def test_valid_brn_generator_matches_the_rule():
    from applications.validators import normalize_brn

    for _ in range(50):
        assert normalize_brn(valid_brn())
