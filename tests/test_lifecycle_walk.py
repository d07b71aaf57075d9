"""An application walks all five steps to live: applicant over HTTP, staff in the admin; every step audited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, AuditEntry, State
from contracts.preparation import prepare_signed_contract
from reviews.demo import run_step
from tests.mailbox import messages_to

from .conftest import text_of

pytestmark = pytest.mark.django_db


def admin_transition(client, application, name, reason="검토 완료"):
    url = reverse("admin:applications_application_transition", args=[application.pk, name])
    return client.post(url, {"reason": reason})


def applicant_transition(client, application, name, reason=""):
    url = reverse("application_transition", args=[application.pk, name])
    return client.post(url, {"reason": reason}, follow=True)


def test_application_walks_all_five_steps_to_live(
    applicant_client, staff, staff_client, application, django_capture_on_commit_callbacks
):
    applicant_transition(applicant_client, application, "submit")
    with django_capture_on_commit_callbacks(execute=True):
        admin_transition(staff_client, application, "approve", "적격 — 전자금융업자")
    approval_mail = messages_to(application.created_by.email)[-1]
    assert "이용 승인" in approval_mail.subject
    assert "적격 — 전자금융업자" in approval_mail.body
    assert f"/applications/{application.pk}/" in approval_mail.body
    assert application.created_by.email in approval_mail.to
    # Steps 2-3 need their records (tests/test_reviews_walk.py walks them over HTTP and admin).
    for step in ("request_functional_test", "pass_functional_test", "pass_security_check"):
        run_step(step, application=application, applicant=application.created_by, staff=staff)
    application.refresh_from_db()
    assert application.step == "contract"

    # Contract steps ①–③ and the guarantee (tests/test_contract_*.py cover them one by one).
    prepare_signed_contract(application=application, staff=staff, bank_code="004", sign=False)
    response = staff_client.post(
        reverse("admin:contracts_contract_changelist"),
        {"action": "sign", "_selected_action": [application.contract.pk]},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    application.launch_date = timezone.localdate()
    application.save(update_fields=["launch_date"])
    admin_transition(staff_client, application, "schedule_launch", "실시일 합의")
    admin_transition(staff_client, application, "go_live")

    application.refresh_from_db()
    assert application.state == State.LIVE
    assert application.step == "live"
    transitions = list(
        AuditEntry.objects.filter(application=application)
        .exclude(to_state="")
        .values_list("from_state", "to_state")
    )
    assert transitions == [
        ("draft", "submitted"),
        ("submitted", "approved"),
        ("approved", "functional_test"),
        ("functional_test", "security_check"),
        ("security_check", "contract"),
        ("contract", "launch_scheduled"),
        ("launch_scheduled", "live"),
    ]
    assert AuditEntry.objects.filter(application=application, action="contract.signed").exists()
    approved = AuditEntry.objects.get(application=application, action="application.approved")
    assert approved.reason == "적격 — 전자금융업자"
    assert approved.actor.is_staff


def test_supplement_round_trip_returns_to_review(applicant_client, staff_client, application):
    applicant_transition(applicant_client, application, "submit")
    admin_transition(staff_client, application, "request_supplement", "서비스 계획서 누락")
    application.refresh_from_db()
    assert application.state == State.SUPPLEMENT_REQUESTED
    page = applicant_client.get(reverse("application_detail", args=[application.pk]))
    assert "서비스 계획서 누락" in text_of(page)
    applicant_client.post(
        reverse("application_edit", args=[application.pk]),
        {"service_name": "간편송금", "service_description": "보완한 사업모델 설명"},
    )
    applicant_transition(applicant_client, application, "resubmit")
    application.refresh_from_db()
    assert application.state == State.RESUBMITTED
    assert application.service_description == "보완한 사업모델 설명"
    admin_transition(staff_client, application, "reject", "제외대상: 대부업")
    application.refresh_from_db()
    assert application.step == "rejected"


def test_approval_without_reason_is_refused_and_keeps_state(staff_client, application):
    Application.objects.filter(pk=application.pk).update(state=State.SUBMITTED)
    response = admin_transition(staff_client, application, "approve", reason="  ")
    assert response.status_code == 200
    assert "사유를 입력해야 합니다" in text_of(response)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert not AuditEntry.objects.filter(
        application=application, action="application.approved"
    ).exists()


def test_admin_refuses_an_illegal_transition_with_a_message(staff_client, application):
    response = staff_client.post(
        reverse("admin:applications_application_transition", args=[application.pk, "go_live"]),
        {"reason": "x"},
        follow=True,
    )
    assert "현재 상태(작성 중)에서는 '서비스 실시'을(를) 할 수 없습니다" in text_of(response)
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_applicant_cannot_approve_own_application(applicant_client, application):
    Application.objects.filter(pk=application.pk).update(state=State.SUBMITTED)
    response = applicant_client.post(
        reverse("application_transition", args=[application.pk, "approve"])
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_applicant_illegal_transition_shows_message(applicant_client, application):
    response = applicant_transition(applicant_client, application, "resubmit")
    assert "현재 상태(작성 중)에서는 '보완 제출'을(를) 할 수 없습니다" in text_of(response)


def test_incomplete_application_cannot_be_submitted(applicant_client, application):
    Application.objects.filter(pk=application.pk).update(service_description="")
    response = applicant_transition(applicant_client, application, "submit")
    assert "필수 항목이 비어 있습니다" in text_of(response)
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_staff_without_decision_permission_cannot_approve(application):
    from .conftest import mfa_client
    from .factories import StaffFactory

    clerk = StaffFactory(with_role=False)
    Application.objects.filter(pk=application.pk).update(state=State.SUBMITTED)
    response = admin_transition(mfa_client(clerk), application, "approve")
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_cannot_schedule_launch_without_signed_contract(staff_client, application):
    Application.objects.filter(pk=application.pk).update(
        state=State.CONTRACT, launch_date=datetime.date(2026, 12, 1)
    )
    response = admin_transition(staff_client, application, "schedule_launch")
    assert response.status_code == 302
    page = staff_client.get(response.url)
    assert "서명된 계약이 없습니다" in text_of(page)
    application.refresh_from_db()
    assert application.state == State.CONTRACT


def test_withdraw_before_contract_needs_a_reason(applicant_client, application):
    applicant_transition(applicant_client, application, "withdraw", "")
    application.refresh_from_db()
    assert application.state == State.DRAFT
    applicant_transition(applicant_client, application, "withdraw", "사업 계획 변경")
    application.refresh_from_db()
    assert application.step == "withdrawn"


def test_suspension_and_reinstatement_then_termination(staff_client, application):
    Application.objects.filter(pk=application.pk).update(state=State.LIVE)
    admin_transition(staff_client, application, "suspend", "수수료 3회 미납")
    application.refresh_from_db()
    assert application.step == "suspended"
    admin_transition(staff_client, application, "reinstate", "미납 수수료 완납")
    admin_transition(staff_client, application, "terminate", "이용기관 해지 요청")
    application.refresh_from_db()
    assert application.step == "terminated"
    response = admin_transition(staff_client, application, "reinstate", "다시")
    application.refresh_from_db()
    assert application.state == State.TERMINATED
    assert response.status_code == 302


def test_state_field_cannot_be_assigned_directly(application):
    with pytest.raises(AttributeError):
        application.state = State.LIVE
