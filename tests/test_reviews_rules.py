"""The rules inside steps 2-3: what the state machine refuses, when rounds and checks may close,
remediation rounds, upload limits, and the deficient-item count the guarantee score reads."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import AuditEntry, State
from openbanking_portal.errors import PortalError
from reviews import functional_test, security_check
from reviews.models import (
    CheckKind,
    CheckStatus,
    FunctionalTestRound,
    ItemResult,
    RoundOutcome,
    SecurityCheck,
)
from reviews.selectors import vulnerability_deficiencies

from .conftest import text_of
from .factories import ApplicationFactory
from .reviews_support import (
    AgencyFactory,
    admin_action,
    admin_check_items,
    apply_for_check,
    file_functional_test,
    private_media,  # noqa: F401 (autouse fixture)
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(member):
    return ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.APPROVED
    )


@pytest.fixture
def open_round(approved, member):
    functional_test.save_request(
        application=approved,
        by=member.user,
        test_build="https://test.example",
        functions={"balance": "잔액", "deposit": "입금"},
    )
    return functional_test.request_test(application=approved, by=member.user)


def performed_check(application, member, staff, kind, findings):
    today = datetime.date.today()
    check = security_check.apply_for_check(
        application=application,
        by=member.user,
        kind=kind,
        agency=AgencyFactory(),
        agreed_start=today,
        agreed_end=today + datetime.timedelta(days=10),
        deliverables=[upload()],
    )
    security_check.start_check(check=check, by=staff)
    for title, deficient in findings:
        security_check.add_finding(
            check=check, by=staff, title=title, severity="high", deficient=deficient
        )
    return security_check.submit_result(check=check, by=staff, summary="결과")


# --- functional test --------------------------------------------------------------------------


def test_generic_request_button_is_refused_until_the_form_is_filed(applicant_client, approved):
    response = applicant_client.post(
        reverse("application_transition", args=[approved.pk, "request_functional_test"]),
        follow=True,
    )
    assert "기능테스트 신청서를 먼저 제출하세요" in text_of(response)
    # a saved draft is not a filed form either
    file_functional_test(applicant_client, approved, {"balance": "잔액"}, request=False)
    response = applicant_client.post(
        reverse("application_transition", args=[approved.pk, "request_functional_test"]),
        follow=True,
    )
    assert "기능테스트 신청서를 먼저 제출하세요" in text_of(response)
    approved.refresh_from_db()
    assert approved.state == State.APPROVED


def test_each_ticked_api_needs_its_usage(applicant_client, approved):
    response = file_functional_test(applicant_client, approved, {"withdraw": ""})
    assert "이 API를 무엇에 쓰는지 적어 주세요" in text_of(response)
    response = file_functional_test(applicant_client, approved, {})
    assert "하나 이상 고르세요" in text_of(response)
    approved.refresh_from_db()
    assert approved.state == State.APPROVED


def test_form_offers_the_services_asked_for_in_the_application(applicant_client, approved):
    from applications.models.details import ApplicationDetails

    ApplicationDetails.objects.create(application=approved, services_wanted=["real_name"])
    page = text_of(applicant_client.get(reverse("reviews:functional_test", args=[approved.pk])))
    assert 'name="use_real_name" id="id_use_real_name" checked' in page
    assert 'name="use_balance" id="id_use_balance" checked' not in page


def test_form_is_locked_while_a_round_is_open(applicant_client, open_round, approved):
    response = file_functional_test(applicant_client, approved, {"user_me": "회원정보"})
    assert "수정할 수 없습니다" in text_of(response)
    assert FunctionalTestRound.objects.filter(application=approved).count() == 1


def test_round_cannot_fail_with_pending_items_nor_without_a_failed_one(staff_client, open_round):
    response = admin_action(staff_client, "functionaltestround", "fail_selected", [open_round])
    assert "점검하지 않은 항목이 있습니다" in text_of(response)
    admin_check_items(
        staff_client,
        open_round,
        {"balance": (ItemResult.PASSED, ""), "deposit": (ItemResult.PASSED, "")},
    )
    response = admin_action(staff_client, "functionaltestround", "fail_selected", [open_round])
    assert "불합격 항목이 없습니다" in text_of(response)
    open_round.refresh_from_db()
    assert open_round.outcome == RoundOutcome.OPEN


def test_failed_item_needs_a_note_and_blocks_the_pass(staff_client, open_round, approved):
    response = admin_check_items(staff_client, open_round, {"deposit": (ItemResult.FAILED, "")})
    assert "불합격 사유를 적어 주세요" in text_of(response)
    admin_check_items(
        staff_client,
        open_round,
        {"balance": (ItemResult.PASSED, ""), "deposit": (ItemResult.FAILED, "입금 오류")},
    )
    response = admin_action(staff_client, "functionaltestround", "pass_selected", [open_round])
    assert "모든 항목이 통과해야 합니다" in text_of(response)
    open_round.refresh_from_db()
    approved.refresh_from_db()
    assert open_round.outcome == RoundOutcome.OPEN  # rolled back with the refused transition
    assert approved.state == State.FUNCTIONAL_TEST


def test_item_check_is_audited_with_its_result(staff_client, open_round, approved, staff):
    admin_check_items(staff_client, open_round, {"deposit": (ItemResult.FAILED, "입금 오류")})
    entry = AuditEntry.objects.get(application=approved, action="functional_test.item_checked")
    assert entry.data == {"round": 1, "api": "deposit", "result": "failed"}
    assert entry.reason == "입금 오류"
    assert entry.actor == staff


# --- security check ---------------------------------------------------------------------------


@pytest.fixture
def in_security_check(member):
    return ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.SECURITY_CHECK
    )


def test_security_check_can_be_applied_for_only_in_its_step(applicant_client, approved):
    response = apply_for_check(applicant_client, approved, "institution", AgencyFactory())
    assert response.status_code == 200
    assert "보안점검 단계에서만 신청할 수 있습니다" in text_of(response)
    assert not SecurityCheck.objects.exists()


def test_deliverable_over_20_mb_is_refused(applicant_client, in_security_check):
    big = SimpleUploadedFile("big.zip", b"\0" * (20 * 1024 * 1024 + 1))
    today = datetime.date.today().isoformat()
    response = applicant_client.post(
        reverse("reviews:security_check_apply", args=[in_security_check.pk]),
        {
            "kind": "institution",
            "agency": AgencyFactory().pk,
            "agreed_start": today,
            "agreed_end": today,
            "deliverables": [big],
        },
    )
    assert "파일은 20MB 이하여야 합니다" in text_of(response)
    assert not SecurityCheck.objects.exists()


def test_remediation_rounds_until_the_centre_accepts(
    applicant_client, staff, in_security_check, member
):
    check = performed_check(
        in_security_check,
        member,
        staff,
        CheckKind.VULNERABILITY,
        [("세션 관리 미흡", True), ("로그 보관", False)],
    )
    with pytest.raises(PortalError, match="조치되지 않은 미흡 항목"):
        security_check.accept_check(check=check, by=staff)
    security_check.request_remediation(check=check, by=staff)
    finding = check.findings.get(deficient=True)
    url = reverse("reviews:security_check_remediate", args=[in_security_check.pk, check.pk])
    response = applicant_client.post(url, {f"note_{finding.pk}": ""}, follow=True)
    assert "필수 항목입니다" in text_of(response) or "This field is required" in text_of(response)
    applicant_client.post(url, {f"note_{finding.pk}": "세션 만료 5분 적용"})
    # the centre is not satisfied: a second round
    check = security_check.request_remediation(
        check=SecurityCheck.objects.get(pk=check.pk), by=staff, reason="만료 후 재사용 가능"
    )
    assert check.remediation_round == 2
    with pytest.raises(PortalError, match="센터 검토 중인 점검만"):
        security_check.accept_check(check=check, by=staff)
    applicant_client.post(url, {f"note_{finding.pk}": "토큰 폐기 적용"})
    check = security_check.accept_check(check=SecurityCheck.objects.get(pk=check.pk), by=staff)
    assert check.status == CheckStatus.ACCEPTED
    assert list(finding.remediations.values_list("round", "note")) == [
        (1, "세션 만료 5분 적용"),
        (2, "토큰 폐기 적용"),
    ]
    page = text_of(
        applicant_client.get(reverse("reviews:security_check", args=[in_security_check.pk]))
    )
    assert "1차: 세션 만료 5분 적용" in page and "2차: 토큰 폐기 적용" in page
    assert (
        AuditEntry.objects.filter(
            application=in_security_check, action="security_check.finding_remediated"
        ).count()
        == 2
    )


def test_remediation_cannot_be_requested_without_a_deficient_item(staff, in_security_check, member):
    check = performed_check(
        in_security_check, member, staff, CheckKind.INSTITUTION, [("접근통제", False)]
    )
    with pytest.raises(PortalError, match="조치할 미흡 항목이 없습니다"):
        security_check.request_remediation(check=check, by=staff)
    assert security_check.accept_check(check=check, by=staff).status == CheckStatus.ACCEPTED


def test_staff_record_findings_in_the_admin_inline(staff_client, staff, in_security_check, member):
    today = datetime.date.today()
    check = security_check.apply_for_check(
        application=in_security_check,
        by=member.user,
        kind=CheckKind.VULNERABILITY,
        agency=AgencyFactory(),
        agreed_start=today,
        agreed_end=today,
        deliverables=[upload()],
    )
    security_check.start_check(check=check, by=staff)
    response = staff_client.post(
        reverse("admin:reviews_securitycheck_change", args=[check.pk]),
        {
            "findings-TOTAL_FORMS": "1",
            "findings-INITIAL_FORMS": "0",
            "findings-MIN_NUM_FORMS": "0",
            "findings-MAX_NUM_FORMS": "1000",
            "findings-0-title": "입력값 검증 미흡",
            "findings-0-severity": "medium",
            "findings-0-deficient": "on",
            "findings-0-description": "",
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "1",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "1000",
            "documents-0-id": str(check.documents.get().pk),
            "documents-0-check_record": str(check.pk),
            "_save": "1",
        },
        follow=True,
    )
    assert response.status_code == 200
    finding = check.findings.get()
    assert (finding.title, finding.deficient, finding.created_by) == (
        "입력값 검증 미흡",
        True,
        staff,
    )
    assert vulnerability_deficiencies(in_security_check) == 1


# --- the count the centre-guarantee score reads (DOMAIN §6.2) ----------------------------------


def test_deficient_count_is_zero_without_a_vulnerability_check(approved):
    assert vulnerability_deficiencies(approved) == 0


def test_deficient_count_reads_only_the_vulnerability_check(staff, in_security_check, member):
    performed_check(in_security_check, member, staff, CheckKind.INSTITUTION, [("물리보안", True)])
    performed_check(
        in_security_check,
        member,
        staff,
        CheckKind.VULNERABILITY,
        [("위변조", True), ("노출", True), ("로그", False)],
    )
    assert vulnerability_deficiencies(in_security_check) == 2


def test_deficient_count_reaches_the_guarantee_scoring_profile(staff, in_security_check, member):
    from applications.models.details import ApplicationDetails
    from contracts.scoring_policy import profile_for_application

    ApplicationDetails.objects.create(
        application=in_security_check,
        credit_rating="BBB",
        annual_revenue=1_000_000_000,
        business_years=3,
        service_years=2,
        members=50_000,
        annual_transactions=200_000,
        aml_system=True,
        complaint_system=True,
        account_ownership_verification=True,
    )
    performed_check(
        in_security_check,
        member,
        staff,
        CheckKind.VULNERABILITY,
        [("위변조", True), ("노출", True), ("세션", True)],
    )
    assert profile_for_application(in_security_check).vulnerability_deficiencies == 3


def test_staff_attach_evidence_in_the_admin_and_the_applicant_downloads_it(
    staff_client, applicant_client, open_round
):
    item = open_round.items.get(api_code="deposit")
    data = {
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "2",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "_save": "1",
    }
    for i, each in enumerate(open_round.items.order_by("id")):
        data.update(
            {
                f"items-{i}-id": str(each.pk),
                f"items-{i}-round": str(open_round.pk),
                f"items-{i}-result": "failed" if each == item else "passed",
                f"items-{i}-note": "입금 응답 코드 오류" if each == item else "",
            }
        )
    index = list(open_round.items.order_by("id")).index(item)
    data[f"items-{index}-evidence"] = upload("오류화면.png", b"PNGDATA")
    staff_client.post(
        reverse("admin:reviews_functionaltestround_change", args=[open_round.pk]), data
    )
    item.refresh_from_db()
    assert item.evidence_name == "오류화면.png"
    page = text_of(
        applicant_client.get(reverse("reviews:functional_test", args=[open_round.application_id]))
    )
    assert "오류화면.png" in page
    response = applicant_client.get(reverse("reviews:checklist_evidence", args=[item.pk]))
    assert b"".join(response.streaming_content) == b"PNGDATA"
