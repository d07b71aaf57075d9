"""The public calculator page (/contracts/calculator/): no login, both evaluations itemised."""

import re

import pytest
from django.test import Client

from .conftest import text_of

URL = "/contracts/calculator/"

FORM = {
    "credit_rating": "BBB",
    "paid_in_capital_krw": "5000000000",
    "annual_revenue_krw": "12000000000",
    "business_years": "4.5",
    "service_years": "3",
    "members": "250000",
    "annual_transactions": "2000000",
    "qualifications": ["prepaid_debit_means"],
    "aml_system": "on",
    "complaint_system": "on",
    "account_ownership_verification": "on",
    "vulnerability_deficiencies": "1",
}

pytestmark = pytest.mark.django_db


def row(page: str, code: str) -> list[str]:
    """The cells of the breakdown row of one item, as text."""
    match = re.search(rf'<tr data-code="{code}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {code}"
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match[1])]


def section(page: str, anchor: str) -> str:
    match = re.search(rf'<section class="card" id="{anchor}">(.*?)</section>', page, re.S)
    assert match, f"no section {anchor}"
    return match[1]


def test_anonymous_visitor_sees_the_form_without_queries(django_assert_num_queries):
    client = Client()
    with django_assert_num_queries(0):
        response = client.get(URL)
    assert response.status_code == 200
    page = text_of(response)
    assert "자체인증·센터 보증 계산기" in page
    for label in ["기업신용등급", "납입자본금 (원)", "자금세탁방지 체계 운영", "소액해외송금업"]:
        assert label in page
    assert 'id="self-certification"' not in page
    assert 'id="centre-guarantee"' not in page


def test_posting_a_profile_shows_both_breakdowns(django_assert_num_queries):
    client = Client(enforce_csrf_checks=False)
    with django_assert_num_queries(2):  # the two policies in force
        response = client.post(URL, FORM)
    assert response.status_code == 200
    page = text_of(response)

    self_cert = section(page, "self-certification")
    assert "자체인증 가능" in self_cert
    assert "73점 / 합격점 60점" in self_cert
    assert row(self_cert, "credit_rating") == ["기업신용등급", "15", "20"]
    assert row(self_cert, "paid_in_capital") == ["납입자본금", "4", "10"]
    assert row(self_cert, "members") == ["회원 수", "10", "20"]
    assert "평가 기준: 2019-12-18 시행" in self_cert

    guarantee = section(page, "centre-guarantee")
    assert "보증 비율: 일 출금한도의 150%" in guarantee
    assert re.search(r"종합점수 \(가산 − 감산\)</dt><dd>-81</dd>", guarantee)
    assert row(guarantee, "qualification") == ["관련자격", "감산", "−30", "30"]
    assert row(guarantee, "vulnerability_deficiencies") == [
        "취약점 점검 미흡 항목",
        "가산",
        "+10",
        "상한 없음",
    ]
    assert row(guarantee, "no_aml_system") == ["자금세탁방지 체계 없음", "가산", "0", "20"]
    # The typed values stay in the form for the next try.
    assert 'name="members" value="250000"' in page


def test_unchecked_aml_system_refuses_self_certification_and_adds_to_the_guarantee():
    form = {**FORM, "credit_rating": "AAA"}
    del form["aml_system"]
    page = text_of(Client().post(URL, form))
    self_cert = section(page, "self-certification")
    assert "자체인증 불가" in self_cert
    assert "자금세탁방지 체계를 운영하지 않으면" in self_cert
    assert row(self_cert, "aml_system") == ["자금세탁방지 체계", "0", "10"]
    assert row(section(page, "centre-guarantee"), "no_aml_system")[2] == "+20"


def test_bad_input_keeps_the_typed_values_and_names_each_field(django_assert_num_queries):
    form = {**FORM, "paid_in_capital_krw": "-5", "business_years": "오년", "credit_rating": "E"}
    with django_assert_num_queries(0):
        response = Client().post(URL, form)
    assert response.status_code == 200
    page = text_of(response)
    assert 'id="self-certification"' not in page
    assert 'id="centre-guarantee"' not in page
    errors = re.findall(
        r'<div class="field has-error">\s*<label for="id_(\w+)".*?<p class="error" role="alert">(.*?)</p>',
        page,
        re.S,
    )
    assert dict(errors) == {
        "credit_rating": "목록에 있는 신용등급을 고르세요.",
        "paid_in_capital_krw": "0 이상의 값을 입력하세요.",
        "business_years": "연수를 숫자로 입력하세요 (예: 2.5).",
    }
    assert 'name="paid_in_capital_krw" value="-5"' in page
    assert 'name="business_years" value="오년"' in page
    assert 'name="members" value="250000"' in page
    assert re.search(r'value="prepaid_debit_means"[^>]*checked', page)
    assert re.search(r'name="complaint_system"[^>]*checked', page)


def test_missing_answers_are_required():
    page = text_of(Client().post(URL, {}))
    assert (
        page.count("필수 항목입니다.") == 8
    )  # rating, two amounts, two periods, members, tx, deficiencies


def test_every_page_links_to_the_calculator(client):
    page = text_of(client.get("/accounts/login/"))
    assert '<a href="/contracts/calculator/">보증·자체인증 계산기</a>' in page


def test_logged_in_member_can_use_it_too(applicant_client):
    response = applicant_client.post(URL, FORM)
    assert response.status_code == 200
    assert "자체인증 가능" in text_of(response)
