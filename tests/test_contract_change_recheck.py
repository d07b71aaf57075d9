"""Issue 10 item 2 — a contract change that touches the services or the app forces a new
vulnerability check: the institution says so on its contract page or over the API (with the
consequence explained); the centre's approval reopens the check, and staff see the re-check."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from applications.models import Application, AuditEntry, State
from contracts.models import ContractChangeRequest
from contracts.preparation import prepare_signed_contract
from integrations.tokens import issue_token
from reviews.models import CheckKind, CheckStatus, SecurityCheck

from .conftest import text_of
from .contract_support import *  # noqa: F403  (fixtures)
from .reviews_support import accepted_security_checks

HELP = "센터가 승인하면 핀테크 서비스 취약점 점검을 새로 받아야 하며"


@pytest.fixture
def live_app(contract_app, staff, django_capture_on_commit_callbacks):
    """alice's institution, live: signed contract and both checks accepted, valid for a year."""
    with django_capture_on_commit_callbacks(execute=True):
        prepare_signed_contract(application=contract_app, staff=staff)
    accepted_security_checks(
        contract_app, valid_until=timezone.localdate() + datetime.timedelta(days=365)
    )
    Application.objects.filter(pk=contract_app.pk).update(state=State.LIVE)  # test setup
    contract_app.refresh_from_db()
    return contract_app


def approve_in_admin(staff_client, change):
    return staff_client.post(
        reverse("admin:contracts_contractchangerequest_changelist"),
        {"action": "approve", "_selected_action": [change.pk]},
        follow=True,
    )


def check_of(app, kind) -> SecurityCheck:
    return SecurityCheck.objects.get(application=app, kind=kind)


def test_institution_ticks_the_services_box_and_the_approval_forces_a_new_vulnerability_check(
    applicant_client, staff_client, live_app
):
    page = text_of(applicant_client.get(reverse("contract_page", args=[live_app.pk])))
    assert "서비스 또는 앱을 바꾸는 변경입니다" in page
    assert HELP in page

    response = applicant_client.post(
        reverse("contract_change_request", args=[live_app.pk]),
        {"touches_services": "on", "reason": "앱 결제 화면과 출금 흐름 변경"},
    )
    assert response.status_code == 302
    change = ContractChangeRequest.objects.get(contract__application=live_app)
    assert change.changes["touches_services"] is True
    requested = AuditEntry.objects.get(application=live_app, action="contract.change_requested")
    assert requested.data["touches_services"] is True
    page = text_of(applicant_client.get(reverse("contract_page", args=[live_app.pk])))
    assert "예 — 취약점 재점검 필요" in page
    # Nothing is reopened before the centre approves.
    assert check_of(live_app, CheckKind.VULNERABILITY).status == CheckStatus.ACCEPTED

    change_page = text_of(
        staff_client.get(reverse("admin:contracts_contractchangerequest_change", args=[change.pk]))
    )
    assert "서비스·앱 변경 (승인 시 취약점 재점검)" in change_page
    approve_in_admin(staff_client, change)

    vulnerability = check_of(live_app, CheckKind.VULNERABILITY)
    assert vulnerability.status == CheckStatus.APPLIED
    assert vulnerability.recheck_required_at is not None
    assert vulnerability.valid_until is None  # the old result no longer counts
    assert check_of(live_app, CheckKind.INSTITUTION).status == CheckStatus.ACCEPTED

    # Staff see the live institution's re-check: in the checks list and in the case's audit trail.
    checks = text_of(
        staff_client.get(reverse("admin:reviews_securitycheck_changelist"), {"status": "applied"})
    )
    assert str(live_app) in checks and "핀테크 서비스 취약점 점검" in checks
    assert "재점검 요구 시각" in checks
    timeline = text_of(
        staff_client.get(reverse("admin:applications_application_change", args=[live_app.pk]))
    )
    assert "security_check.recheck_required" in timeline  # the case's audit inline


def test_an_unticked_account_change_keeps_the_vulnerability_check(
    applicant_client, staff_client, live_app
):
    applicant_client.post(
        reverse("contract_change_request", args=[live_app.pk]),
        {"account_number": "620-123456-78901", "purpose": "fee_payment", "reason": "계좌 추가"},
    )
    change = ContractChangeRequest.objects.get(contract__application=live_app)
    assert "touches_services" not in change.changes
    approve_in_admin(staff_client, change)
    vulnerability = check_of(live_app, CheckKind.VULNERABILITY)
    assert vulnerability.status == CheckStatus.ACCEPTED
    assert vulnerability.recheck_required_at is None


def test_a_change_with_nothing_ticked_is_refused_on_the_page(applicant_client, live_app):
    response = applicant_client.post(
        reverse("contract_change_request", args=[live_app.pk]), {"reason": "변경"}
    )
    assert response.status_code == 400
    assert "추가하거나 해지할 계좌를 입력하세요" in text_of(response)
    assert not ContractChangeRequest.objects.exists()


def test_the_api_takes_touches_services_and_the_approval_forces_the_recheck(
    member, staff_client, live_app
):
    _token, key = issue_token(institution=member.institution, by=member.user, name="ci")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api.post(
        f"/api/v1/contracts/{live_app.pk}/change-requests/",
        {"touches_services": True, "reason": "오픈뱅킹 연동 API 추가"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    (listed,) = response.json()["change_requests"]
    assert listed["touches_services"] is True
    change = ContractChangeRequest.objects.get(pk=listed["id"])

    approve_in_admin(staff_client, change)

    vulnerability = check_of(live_app, CheckKind.VULNERABILITY)
    assert vulnerability.status == CheckStatus.APPLIED
    assert vulnerability.recheck_required_at is not None
    assert AuditEntry.objects.filter(
        application=live_app, action="security_check.recheck_required"
    ).exists()
    assert api.get(f"/api/v1/contracts/{live_app.pk}/").json()["change_requests"][0]["status"] == (
        "approved"
    )


def test_the_api_schema_explains_the_consequence(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    field = schema["components"]["schemas"]["ChangeInput"]["properties"]["touches_services"]
    assert field["type"] == "boolean"
    assert HELP in field["description"]
