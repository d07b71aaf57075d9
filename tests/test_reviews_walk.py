"""An approved application walks steps 2-3: a failed functional round, then a pass; two security checks,
one with a deficient finding remediated; applicant and agency over HTTP, staff in the admin."""

import pytest
from django.core import mail
from django.urls import reverse

from applications.models import AuditEntry, State
from reviews.models import (
    CheckKind,
    CheckStatus,
    FunctionalTestRound,
    ItemResult,
    RoundOutcome,
    SecurityCheck,
)
from reviews.selectors import vulnerability_deficiencies
from tests.mailbox import messages_to

from .conftest import text_of
from .factories import ApplicationFactory
from .reviews_support import (
    AgencyFactory,
    admin_action,
    admin_check_items,
    admin_transition,
    agency_client,
    agency_performs,
    apply_for_check,
    file_functional_test,
    private_media,  # noqa: F401 (autouse fixture)
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(member):
    return ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.APPROVED
    )


def test_application_walks_functional_test_and_security_check(
    applicant_client, staff_client, approved, django_capture_on_commit_callbacks
):
    application = approved
    detail = applicant_client.get(reverse("application_detail", args=[application.pk]))
    assert reverse("reviews:functional_test", args=[application.pk]) in text_of(detail)
    # --- functional test, round 1: the applicant files the form and requests the check
    page = file_functional_test(
        applicant_client,
        application,
        {"balance": "메인 화면 잔액 표시", "withdraw": "간편송금 출금"},
    )
    assert "기능점검을 요청했습니다 (1차)" in text_of(page)
    application.refresh_from_db()
    assert application.state == State.FUNCTIONAL_TEST
    round1 = FunctionalTestRound.objects.get(application=application)
    assert sorted(round1.items.values_list("api_code", flat=True)) == ["balance", "withdraw"]
    assert round1.items.get(api_code="withdraw").usage == "간편송금 출금"

    # staff check the items in the admin: withdrawal fails
    admin_check_items(
        staff_client,
        round1,
        {
            "balance": (ItemResult.PASSED, ""),
            "withdraw": (ItemResult.FAILED, "이체 결과 조회 누락"),
        },
    )
    assert round1.items.get(api_code="withdraw").result == ItemResult.FAILED
    # the step cannot be passed while an item failed
    refused = admin_transition(staff_client, application, "pass_functional_test", "통과")
    assert "모든 항목이 통과해야 합니다" in text_of(refused)
    with django_capture_on_commit_callbacks(execute=True):
        admin_action(staff_client, "functionaltestround", "fail_selected", [round1])
    round1.refresh_from_db()
    assert round1.outcome == RoundOutcome.FAILED
    failed_mail = messages_to(application.created_by.email)[-1]
    assert "기능테스트 불합격" in failed_mail.subject
    assert "이체 결과 조회 누락" in failed_mail.body
    assert application.created_by.email in failed_mail.to

    # the applicant sees the failed item, and requests round 2; round 1 stays in the history
    page = applicant_client.get(reverse("reviews:functional_test", args=[application.pk]))
    assert "이체 결과 조회 누락" in text_of(page)
    page = file_functional_test(
        applicant_client,
        application,
        {"balance": "메인 화면 잔액 표시", "withdraw": "간편송금 출금 (결과조회 보완)"},
    )
    assert "기능점검을 요청했습니다 (2차)" in text_of(page)
    round2 = FunctionalTestRound.objects.get(application=application, number=2)
    assert round1.items.get(api_code="withdraw").result == ItemResult.FAILED
    assert 'data-round="1"' in text_of(page) and 'data-round="2"' in text_of(page)

    admin_check_items(
        staff_client,
        round2,
        {"balance": (ItemResult.PASSED, ""), "withdraw": (ItemResult.PASSED, "재점검 통과")},
    )
    admin_action(staff_client, "functionaltestround", "pass_selected", [round2])
    application.refresh_from_db()
    assert application.state == State.SECURITY_CHECK
    round2.refresh_from_db()
    assert round2.outcome == RoundOutcome.PASSED

    # --- security check: the applicant applies for both checks with deliverables
    agency = AgencyFactory()
    for kind in CheckKind.values:
        page = apply_for_check(applicant_client, application, kind, agency)
        assert "보안점검을 신청했습니다" in text_of(page)
    institution_check = SecurityCheck.objects.get(application=application, kind="institution")
    vulnerability_check = SecurityCheck.objects.get(application=application, kind="vulnerability")
    assert institution_check.documents.count() == 2

    # the agency performs both checks
    agency_user = agency_client(agency)
    agency_performs(agency_user, institution_check, [("접근통제", "low", False)])
    page = agency_performs(
        agency_user,
        vulnerability_check,
        [("거래정보 위변조 방지 미흡", "high", True), ("중요정보 노출", "medium", False)],
    )
    assert "점검 결과를 센터에 제출했습니다" in text_of(page)
    vulnerability_check.refresh_from_db()
    assert vulnerability_check.status == CheckStatus.RESULT_SUBMITTED

    refused = admin_transition(staff_client, application, "pass_security_check", "완료")
    assert "모두 검토 완료해야 합니다" in text_of(refused)

    # the centre accepts the clean check and asks for remediation of the deficient item
    admin_action(staff_client, "securitycheck", "accept_selected", [institution_check])
    refused = admin_action(staff_client, "securitycheck", "accept_selected", [vulnerability_check])
    assert "조치되지 않은 미흡 항목이 있습니다: 거래정보 위변조 방지 미흡" in text_of(refused)
    with django_capture_on_commit_callbacks(execute=True):
        admin_action(
            staff_client, "securitycheck", "request_remediation_selected", [vulnerability_check]
        )
    assert "미흡 항목 조치 요청" in mail.outbox[-1].subject
    assert "거래정보 위변조 방지 미흡" in mail.outbox[-1].body

    # the applicant remediates over HTTP
    finding = vulnerability_check.findings.get(deficient=True)
    page = applicant_client.post(
        reverse("reviews:security_check_remediate", args=[application.pk, vulnerability_check.pk]),
        {f"note_{finding.pk}": "전문 암호화 및 무결성 검증 적용"},
        follow=True,
    )
    assert "조치 결과를 제출했습니다" in text_of(page)
    assert "전문 암호화 및 무결성 검증 적용" in text_of(page)

    admin_action(staff_client, "securitycheck", "accept_selected", [vulnerability_check])
    vulnerability_check.refresh_from_db()
    assert vulnerability_check.status == CheckStatus.ACCEPTED
    finding.refresh_from_db()
    assert finding.resolved_at is not None

    admin_transition(staff_client, application, "pass_security_check", "보안점검 완료")
    application.refresh_from_db()
    assert application.state == State.CONTRACT

    # the deficient item reaches the guarantee-score input even after remediation
    assert vulnerability_deficiencies(application) == 1

    transitions = list(
        AuditEntry.objects.filter(application=application)
        .exclude(to_state="")
        .values_list("from_state", "to_state")
    )
    assert transitions == [
        ("approved", "functional_test"),
        ("functional_test", "security_check"),
        ("security_check", "contract"),
    ]
    actions = set(
        AuditEntry.objects.filter(application=application).values_list("action", flat=True)
    )
    assert {
        "functional_test.round_opened",
        "functional_test.item_checked",
        "functional_test.round_failed",
        "security_check.applied",
        "security_check.finding_added",
        "security_check.result_submitted",
        "security_check.remediation_requested",
        "security_check.finding_remediated",
        "security_check.check_accepted",
    } <= actions
