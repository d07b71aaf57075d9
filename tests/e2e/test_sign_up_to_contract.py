"""Issue 9 — the whole journey in headless Chromium, from sign-up to the signed contract's PDF.

Three browser contexts of one browser, each its own user: the applicant (signs up, registers the
institution, files the online application, requests the functional test, applies for the security
checks, prepares the contract), the designated security-check agency (performs both checks on its
pages) and the centre's staff (log in with password + TOTP and work in the admin). The test reads the
database only to find ids and to assert; every change is made by clicking.
"""

import datetime
import random
import re
import subprocess

import pytest
from django.core import mail

from applications.models import Application, AuditEntry, State
from contracts.models import Contract
from reviews.models import FunctionalTestRound, SecurityCheck

from ..factories import PASSWORD, StaffFactory, totp_of, valid_brn
from ..online_application import PDF, PNG
from ..reviews_support import AgencyFactory, AgencyMembershipFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INSTITUTION = "주식회사 여정페이"
SERVICE = "여정 간편송금"
APPLICANT_EMAIL = "journey@yeojeong.kr"
APPLICANT_PASSWORD = "journey-pass-2026"


@pytest.fixture
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def totp_code(user) -> str:
    """The code the staff member's authenticator app shows now."""
    from allauth.mfa.totp.internal import auth

    secret = auth.decrypt(totp_of(user).instance.data["secret"])
    counter = next(iter(auth.yield_hotp_counters_from_time())) + auth.app_settings.TOTP_TOLERANCE
    return auth.format_hotp_value(auth.hotp_value(secret, counter))


def submit(page, selector="main form button[type=submit]"):
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


# --- applicant ---------------------------------------------------------------------------------


def sign_up_and_confirm(page, base):
    page.goto(f"{base}/accounts/signup/")
    page.fill("input[name=email]", APPLICANT_EMAIL)
    page.fill("input[name=password1]", APPLICANT_PASSWORD)
    page.fill("input[name=password2]", APPLICANT_PASSWORD)
    submit(page, "form button[type=submit]")
    confirmation = next(m for m in mail.outbox if APPLICANT_EMAIL in m.to)
    page.goto(base + re.search(r"/accounts/confirm-email/[^/\s]+/", confirmation.body).group(0))
    submit(page)
    page.wait_for_url(re.compile(r"/dashboard/"))


def register_institution_and_open_application(page, base) -> int:
    brn = valid_brn(random.Random(9))
    page.goto(f"{base}/institutions/new/")
    page.fill("#id_name", INSTITUTION)
    page.fill("#id_business_registration_number", f"{brn[:3]}-{brn[3:5]}-{brn[5:]}")
    page.fill("#id_representative", "여대표")
    page.fill("#id_address", "서울 중구 을지로 100")
    page.fill("#id_paid_in_capital", "3000000000")
    page.fill("#id_contact_name", "정담당")
    page.fill("#id_contact_email", "ops@yeojeong.kr")
    page.fill("#id_contact_phone", "02-765-4321")
    submit(page)
    page.wait_for_url(re.compile(r"/applications/new/"))
    page.fill("#id_service_name", SERVICE)
    page.fill("#id_service_description", "오픈뱅킹 출금이체로 친구에게 바로 보내는 간편송금")
    submit(page)
    page.wait_for_url(re.compile(r"/applications/\d+/$"))
    return int(re.search(r"/applications/(\d+)/$", page.url).group(1))


def file_online_application(page):
    submit(page, "button:has-text('온라인 신청서 작성 시작')")
    page.wait_for_url(re.compile(r"/step/eligibility/$"))
    page.select_option("#id_eligibility_basis", "fsc_industry")
    page.select_option("#id_industry", "application_software")
    page.fill("#id_industry_description", "간편송금 앱 개발·운영")
    submit(page, "button[name=next]")
    page.fill("#id_business_model", "송금 건당 수수료와 제휴 광고")
    page.fill("#id_service_plan", "1단계 잔액조회·거래내역조회, 2단계 출금이체")
    submit(page, "button[name=next]")
    page.check("input[name=services_wanted][value=balance]")
    page.check("input[name=services_wanted][value=transaction_list]")
    page.select_option("#id_has_sub_merchants", "false")
    submit(page, "button[name=next]")
    for select in page.query_selector_all("select[name^='declaration:']"):
        select.select_option("false")
    submit(page, "button[name=next]")
    page.select_option("#id_credit_rating", "A")
    page.fill("#id_annual_revenue", "5000000000")
    page.fill("#id_business_years", "5")
    page.fill("#id_service_years", "3")
    page.fill("#id_members", "300000")
    page.fill("#id_annual_transactions", "2000000")
    page.select_option("#id_aml_system", "true")
    page.select_option("#id_complaint_system", "true")
    page.select_option("#id_account_ownership_verification", "true")
    submit(page, "button[name=next]")
    page.wait_for_url(re.compile(r"/step/documents/$"))
    for doc_type, name, mime, content in (
        ("application_form", "이용신청서.pdf", "application/pdf", PDF),
        ("service_plan", "서비스계획서.png", "image/png", PNG),
    ):
        page.select_option("#id_doc_type", doc_type)
        page.set_input_files("#id_file", {"name": name, "mimeType": mime, "buffer": content})
        submit(page, "form[data-testid=upload-form] button[type=submit]")
        assert name in page.inner_text("[data-testid=documents]")
    page.goto(page.url.replace("/step/documents/", "/step/review/"))
    assert page.is_visible("[data-testid=complete]")
    submit(page, "button:has-text('신청서 제출')")
    page.wait_for_url(re.compile(r"/applications/\d+/$"))
    assert page.inner_text("[data-testid=state]") == "신청 접수"


def open_from_detail(page, base, pk, link):
    """The applicant's way in: the application's page, then one of its links."""
    page.goto(f"{base}/applications/{pk}/")
    submit(page, link)


def request_functional_test(page, base, pk):
    open_from_detail(page, base, pk, "[data-testid=review-links] a:has-text('기능테스트')")
    page.fill("#id_test_build", "https://test.yeojeong.kr (계정 tester / 1234)")
    ticked = page.locator("input[name^=use_]:checked")
    assert ticked.count() >= 2  # the services chosen in the application come pre-ticked
    for i in range(ticked.count()):
        code = ticked.nth(i).get_attribute("name").removeprefix("use_")
        page.fill(f"input[name=usage_{code}]", f"{code} — 송금 화면")
    submit(page, "button[name=request_test]")
    assert "기능점검을 요청했습니다 (1차)" in page.inner_text("main")


def apply_for_security_checks(page, base, pk, agency):
    start = datetime.date.today()
    open_from_detail(page, base, pk, "[data-testid=review-links] a:has-text('보안점검')")
    for kind in ("institution", "vulnerability"):
        page.select_option("#id_kind", kind)
        page.select_option("#id_agency", str(agency.pk))
        page.fill("#id_agreed_start", start.isoformat())
        page.fill("#id_agreed_end", (start + datetime.timedelta(days=30)).isoformat())
        page.set_input_files(
            "#id_deliverables",
            [
                {"name": "설계서.pdf", "mimeType": "application/pdf", "buffer": PDF},
                {"name": "소스목록.txt", "mimeType": "text/plain", "buffer": b"src/app.py"},
            ],
        )
        submit(page, "button:has-text('보안점검 신청')")
        assert "보안점검을 신청했습니다" in page.inner_text("main")


def prepare_contract(page, base, pk):
    open_from_detail(page, base, pk, "[data-testid=contract-link]")
    page.select_option("#id_main_bank", "088")
    submit(page, "button:has-text('주거래은행 선택')")
    assert page.inner_text("[data-testid=main-bank]") == "신한은행"
    page.fill("#id_withdrawal_fee_krw", "35")
    page.fill("#id_deposit_fee_krw", "25")
    submit(page, "button:has-text('합의한 수수료 기록')")
    page.fill("#id_account_number", "110-555-123456")
    page.select_option("#id_purpose", "fee_payment")
    page.fill("#id_holder_name", INSTITUTION)
    submit(page, "button:has-text('약정계좌 추가')")
    assert page.inner_text("[data-testid=account-number]") == "********3456"


# --- agency ------------------------------------------------------------------------------------


def agency_performs_check(page, base, check):
    page.goto(f"{base}/reviews/agency/")
    submit(page, f"a[href$='/agency/checks/{check.pk}/']")
    submit(page, "button:has-text('점검 시작')")
    page.fill("#id_finding-title", "접근통제 정책 문서화")
    page.select_option("#id_finding-severity", "low")
    submit(page, "button:has-text('등록')")
    page.fill("#id_result-summary", "미흡 사항 없음")
    page.set_input_files(
        "#id_result-report",
        {"name": "결과보고서.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    page.fill(
        "#id_result-valid_until", (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
    )
    submit(page, "button:has-text('결과 제출')")
    assert "점검 결과를 센터에 제출했습니다" in page.inner_text("main")


# --- staff in the admin ------------------------------------------------------------------------


def staff_logs_in(page, base, staff):
    page.goto(f"{base}/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill("input[name=code]", totp_code(staff))
    submit(page)
    page.wait_for_url(re.compile(r"/admin/$"))


def admin_transition(page, base, pk, name, reason):
    page.goto(f"{base}/admin/applications/application/{pk}/change/")
    submit(page, f"a[data-transition={name}]")
    page.fill("#id_reason", reason)
    submit(page, "#content form input[type=submit]")
    assert page.locator(".messagelist .success").count() == 1, page.inner_text("#content")


def admin_action(page, base, changelist, objects, action):
    page.goto(f"{base}/admin/{changelist}/")
    for obj in objects:
        page.check(f"input.action-select[value='{obj.pk}']")
    page.select_option("select[name=action]", action)
    submit(page, "button[name=index]")
    errors = page.locator(".messagelist .error")
    assert errors.count() == 0, errors.all_inner_texts()


def test_sign_up_to_signed_contract_pdf(
    live_server, new_page, private_media, reference_data, tmp_path
):
    base = live_server.url
    applicant, staff_page, agency_page = (
        new_page("applicant"),
        new_page("staff"),
        new_page("agency"),
    )
    staff = StaffFactory()
    agency = AgencyFactory(name="한빛보안점검 주식회사")
    auditor = AgencyMembershipFactory(agency=agency).user  # the centre registers agency users

    # --- 1. the applicant signs up and files the online application
    sign_up_and_confirm(applicant, base)
    pk = register_institution_and_open_application(applicant, base)
    file_online_application(applicant)

    # --- 2. staff log in with password + TOTP and approve eligibility
    staff_logs_in(staff_page, base, staff)
    admin_transition(staff_page, base, pk, "approve", "적격 — 응용 소프트웨어 개발업")
    assert any(APPLICANT_EMAIL in m.to and "이용 승인" in m.subject for m in mail.outbox)
    applicant.goto(f"{base}/applications/{pk}/")
    assert applicant.inner_text("[data-testid=state]").startswith("이용 승인")

    # --- 3. functional test: the applicant requests it, staff pass every item and the round
    request_functional_test(applicant, base, pk)
    round_ = FunctionalTestRound.objects.get(application_id=pk)
    staff_page.goto(f"{base}/admin/reviews/functionaltestround/{round_.pk}/change/")
    results = staff_page.locator("select[name^=items-][name$=-result]")
    assert results.count() == round_.items.count()
    for i in range(results.count()):
        results.nth(i).select_option("passed")
    submit(staff_page, "input[name=_save]")
    admin_action(staff_page, base, "reviews/functionaltestround", [round_], "pass_selected")
    assert Application.objects.get(pk=pk).state == State.SECURITY_CHECK

    # --- 4. security checks: the applicant applies, the agency performs both, staff accept
    apply_for_security_checks(applicant, base, pk, agency)
    agency_page.goto(f"{base}/accounts/login/")
    agency_page.fill("input[name=login]", auditor.email)
    agency_page.fill("input[name=password]", PASSWORD)
    submit(agency_page)
    checks = list(SecurityCheck.objects.filter(application_id=pk).order_by("kind"))
    assert len(checks) == 2
    for check in checks:
        agency_performs_check(agency_page, base, check)
    admin_action(staff_page, base, "reviews/securitycheck", checks, "accept_selected")
    admin_transition(staff_page, base, pk, "pass_security_check", "보안점검 2종 검토 완료")
    assert Application.objects.get(pk=pk).state == State.CONTRACT

    # --- 5. contract: the applicant chooses the main bank, records the fee and the account;
    # staff set the limits and the centre guarantee, confirm the guarantee bond and sign
    prepare_contract(applicant, base, pk)
    contract = Contract.objects.get(application_id=pk)
    staff_page.goto(f"{base}/admin/contracts/contract/{contract.pk}/change/")
    staff_page.fill("#id_usage_limit_krw", "2000000000")
    staff_page.fill("#id_daily_withdrawal_limit_krw", "200000000")
    staff_page.fill("#id_composite_score", "85")
    submit(staff_page, "input[name=_save]")
    assert staff_page.locator(".messagelist .error").count() == 0
    admin_action(staff_page, base, "contracts/contract", [contract], "confirm_guarantee")
    admin_action(staff_page, base, "contracts/contract", [contract], "sign")

    # --- 6. the applicant downloads the signed contract's PDF
    open_from_detail(applicant, base, pk, "[data-testid=contract-link]")
    assert "계약 체결" in applicant.inner_text("#documents")
    with applicant.expect_download() as download:
        applicant.click("#documents a:has-text('PDF')")
    pdf_path = tmp_path / "contract.pdf"
    download.value.save_as(pdf_path)
    assert download.value.suggested_filename == f"contract-{pk}-v1.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert INSTITUTION in text
    assert "신한은행" in text
    assert "건당 35원" in text and "건당 25원" in text
    assert "2,000,000,000" in text and "200,000,000" in text

    transitions = list(
        AuditEntry.objects.filter(application_id=pk)
        .exclude(to_state="")
        .values_list("from_state", "to_state")
    )
    assert transitions == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "approved"),
        ("approved", "functional_test"),
        ("functional_test", "security_check"),
        ("security_check", "contract"),
    ]
    assert AuditEntry.objects.filter(application_id=pk, action="contract.signed").exists()
