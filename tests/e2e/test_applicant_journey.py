"""Headless Chromium: sign up, verify e-mail, register the institution, submit, see it on the status page."""

import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_signup_submit_and_see_status(live_server, page):
    base = live_server.url
    page.goto(f"{base}/accounts/signup/")
    page.fill("input[name=email]", "e2e@saessak.kr")
    page.fill("input[name=password1]", "a-long-pass-2026")
    page.fill("input[name=password2]", "a-long-pass-2026")
    page.click("form button[type=submit]")
    page.wait_for_load_state()

    path = re.search(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[-1].body).group(0)
    page.goto(base + path)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard/"))

    page.goto(f"{base}/institutions/new/")
    page.fill("#id_name", "주식회사 이투이페이")
    page.fill("#id_business_registration_number", "134-86-72683")
    page.fill("#id_representative", "이대표")
    page.fill("#id_address", "서울 중구 세종대로 1")
    page.fill("#id_paid_in_capital", "1500000000")
    page.fill("#id_contact_name", "박담당")
    page.fill("#id_contact_email", "ops@e2e.kr")
    page.fill("#id_contact_phone", "02-123-4567")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/applications/new/"))

    page.fill("#id_service_name", "이투이 간편송금")
    page.fill("#id_service_description", "오픈뱅킹 출금이체를 이용한 간편송금")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/applications/\d+/$"))
    page.click("button:has-text('신청서 제출')")
    page.wait_for_load_state()

    assert page.inner_text("[data-testid=state]") == "신청 접수"
    assert page.inner_text("[data-testid=step]") == "① 이용승인"
    assert "작성 중 → 신청 접수" in page.inner_text(".timeline")
