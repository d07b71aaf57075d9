"""Headless Chromium: file a complete online application with two documents, submit it, and see the
centre's supplement request naming exactly the items to redo."""

import re

import pytest

from applications.models import Application, ScreeningResult, State
from applications.supplement import request_supplement

from ..factories import PASSWORD, MembershipFactory, StaffFactory
from ..online_application import PDF, PNG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def test_file_a_complete_application_and_see_the_supplement_request(
    live_server, page, private_media
):
    member = MembershipFactory(institution__name="주식회사 온라인페이")
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", member.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard/"))

    page.goto(f"{base}/applications/new/")
    page.fill("#id_service_name", "온라인 가계부")
    page.fill("#id_service_description", "계좌 잔액과 거래내역을 모아 보여 주는 가계부")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/applications/\d+/$"))
    page.click("button:has-text('온라인 신청서 작성 시작')")
    page.wait_for_url(re.compile(r"/step/eligibility/$"))

    # 1. eligibility
    page.select_option("#id_eligibility_basis", "fsc_industry")
    page.select_option("#id_industry", "application_software")
    page.fill("#id_industry_description", "개인 자산관리 앱 개발")
    page.click("button[name=next]")
    page.wait_for_url(re.compile(r"/step/business/$"))
    # 2. business
    page.fill("#id_business_model", "월 구독료와 제휴 광고")
    page.fill("#id_service_plan", "1단계 잔액조회, 2단계 입금이체")
    page.click("button[name=next]")
    page.wait_for_url(re.compile(r"/step/services/$"))
    # 3. services
    page.check("input[name=services_wanted][value=balance]")
    page.check("input[name=services_wanted][value=transaction_list]")
    page.select_option("#id_has_sub_merchants", "false")
    page.click("button[name=next]")
    page.wait_for_url(re.compile(r"/step/declarations/$"))
    # 4. declarations: "해당 없음" everywhere
    for select in page.query_selector_all("select[name^='declaration:']"):
        select.select_option("false")
    page.click("button[name=next]")
    page.wait_for_url(re.compile(r"/step/financials/$"))
    # 5. financials — a wrong value first: the error is shown next to it and the input kept
    page.select_option("#id_credit_rating", "BBB")
    page.fill("#id_annual_revenue", "-100")
    page.fill("#id_business_years", "3")
    page.fill("#id_service_years", "2")
    page.fill("#id_members", "50000")
    page.fill("#id_annual_transactions", "200000")
    page.select_option("#id_aml_system", "true")
    page.select_option("#id_complaint_system", "true")
    page.select_option("#id_account_ownership_verification", "true")
    page.click("button[name=next]")
    page.wait_for_load_state()
    error = page.locator(".field.has-error").filter(has=page.locator("#id_annual_revenue"))
    assert "0 이상" in error.inner_text()
    assert page.input_value("#id_members") == "50000"
    page.fill("#id_annual_revenue", "1200000000")
    page.click("button[name=next]")
    page.wait_for_url(re.compile(r"/step/documents/$"))
    # 6. two documents
    for doc_type, name, mime, content in (
        ("application_form", "이용신청서.pdf", "application/pdf", PDF),
        ("service_plan", "서비스계획서.png", "image/png", PNG),
    ):
        page.select_option("#id_doc_type", doc_type)
        page.set_input_files("#id_file", {"name": name, "mimeType": mime, "buffer": content})
        page.click("form[data-testid=upload-form] button[type=submit]")
        page.wait_for_load_state()
        assert name in page.inner_text("[data-testid=documents]")
    # 7. review and submit
    page.goto(page.url.replace("/step/documents/", "/step/review/"))
    assert page.is_visible("[data-testid=complete]")
    page.click("button:has-text('신청서 제출')")
    page.wait_for_url(re.compile(r"/applications/\d+/$"))
    assert page.inner_text("[data-testid=state]") == "신청 접수"

    application = Application.objects.get(institution=member.institution)
    assert application.state == State.SUBMITTED
    assert ScreeningResult.objects.filter(application=application, basis_found=True).exists()

    # the centre asks for a supplement naming two items
    request_supplement(
        application=application,
        by=StaffFactory(),
        items=["service_plan", "document:service_plan"],
        message="서비스 계획에 입금이체 한도를 적어 다시 제출하세요.",
    )
    page.reload()
    assert page.inner_text("[data-testid=state]") == "보완 요청"
    box = page.inner_text("[data-testid=supplement-request]")
    assert "입금이체 한도" in box
    assert "사업모델·서비스 계획 — 서비스 계획" in box
    assert "제출 서류 — 서비스 계획서" in box
    assert "이용신청서" not in box
    page.click("[data-testid=supplement-request] a:has-text('보완하기')")
    page.wait_for_url(re.compile(r"/step/review/$"))
    page.click("a:has-text('2. 사업모델·서비스 계획')")
    assert page.is_disabled("#id_business_model")
    assert page.is_enabled("#id_service_plan")
