"""The scoring API is public, refuses bad input with a Korean message per field, and is documented."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from .factories import MembershipFactory

URLS = ["/api/v1/scoring/self-certification/", "/api/v1/scoring/centre-guarantee/"]

VALID = {
    "credit_rating": "BBB",
    "paid_in_capital_krw": 5_000_000_000,
    "annual_revenue_krw": 12_000_000_000,
    "business_years": "4.5",
    "service_years": 3,
    "members": 250_000,
    "annual_transactions": 2_000_000,
    "qualifications": ["prepaid_debit_means"],
    "aml_system": True,
    "complaint_system": True,
    "account_ownership_verification": True,
    "vulnerability_deficiencies": 1,
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.mark.parametrize("url", URLS)
def test_anonymous_caller_without_csrf_token_gets_an_answer(url):
    client = APIClient(enforce_csrf_checks=True)
    response = client.post(url, VALID, format="json")
    assert response.status_code == 200
    assert response.json()["policy_version"]["effective_from"] == "2019-12-18"


@pytest.mark.parametrize("url", URLS)
def test_logged_in_member_gets_the_same_answer_as_anyone(url, client):
    anonymous = client.post(url, VALID, content_type="application/json").json()
    member = APIClient(enforce_csrf_checks=True)
    member.force_login(MembershipFactory().user)
    assert member.post(url, VALID, format="json").json() == anonymous


def test_example_profile_answers(client):
    # BBB 15 · capital 50억 4 · revenue 120억 7 · 4.5 years 7 · 25만 members 10 · qualification 10
    # · AML 10 · complaints 10 = 73.
    answer = client.post(URLS[0], VALID, content_type="application/json").json()
    assert (answer["total"], answer["allowed"]) == (73, True)
    # Deductions 15+10+15+7+4+5+5+30 = 91, additions 10 (one deficient item): composite −81 → 150 %.
    answer = client.post(URLS[1], VALID, content_type="application/json").json()
    assert (answer["deductions"], answer["additions"], answer["composite"]) == (91, 10, -81)
    assert answer["guarantee_rate_percent"] == 150


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"paid_in_capital_krw": -1}, "paid_in_capital_krw", "0 이상의 값을 입력하세요."),
        ({"annual_revenue_krw": -5}, "annual_revenue_krw", "0 이상의 값을 입력하세요."),
        ({"members": -1}, "members", "0 이상의 값을 입력하세요."),
        ({"annual_transactions": -1}, "annual_transactions", "0 이상의 값을 입력하세요."),
        (
            {"vulnerability_deficiencies": -1},
            "vulnerability_deficiencies",
            "0 이상의 값을 입력하세요.",
        ),
        ({"business_years": "-0.5"}, "business_years", "0 이상의 값을 입력하세요."),
        ({"service_years": -1}, "service_years", "0 이상의 값을 입력하세요."),
        ({"members": "많음"}, "members", "0 이상의 정수를 입력하세요."),
        ({"members": 1.5}, "members", "0 이상의 정수를 입력하세요."),
        ({"business_years": "two"}, "business_years", "연수를 숫자로 입력하세요 (예: 2.5)."),
        ({"business_years": "2.555"}, "business_years", "연수는 소수점 둘째 자리까지 입력하세요."),
        ({"business_years": "1000"}, "business_years", "연수는 999.99년 이하로 입력하세요."),
        (
            {"credit_rating": "AAAA"},
            "credit_rating",
            "신용등급은 AAA, AA, A, BBB, BB, B, CCC, CC, C, D, NG 중 하나입니다.",
        ),
        (
            {"qualifications": "financial_company"},
            "qualifications",
            "관련자격은 목록으로 입력하세요.",
        ),
        (
            {"qualifications": ["bank"]},
            "qualifications",
            "관련자격은 financial_company, prepaid_debit_means, other_efinance, "
            "small_overseas_remittance 중에서 고르세요.",
        ),
        ({"aml_system": "maybe"}, "aml_system", "true 또는 false로 입력하세요."),
        ({"complaint_system": None}, "complaint_system", "필수 항목입니다."),
    ],
)
def test_bad_value_is_refused_with_a_message_for_its_field(client, url, changes, field, message):
    response = client.post(url, {**VALID, **changes}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "입력값을 확인하세요.",
        "fields": {field: [message]},
    }


@pytest.mark.parametrize("url", URLS)
def test_every_missing_answer_is_named(client, url):
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    # Qualifications (none held) and deficient items (0) have defaults; everything else is asked.
    assert sorted(fields) == sorted(set(VALID) - {"qualifications", "vulnerability_deficiencies"})
    assert all(messages == ["필수 항목입니다."] for messages in fields.values())


@pytest.mark.parametrize("url", URLS)
def test_one_query_per_answer(client, url, django_assert_num_queries):
    with django_assert_num_queries(1):  # the policy version in force
        assert client.post(url, VALID, content_type="application/json").status_code == 200


@pytest.mark.parametrize("url", URLS)
def test_only_post(client, url):
    assert client.get(url).status_code == 405


def test_schema_documents_both_endpoints(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    for url, operation_id, answer in [
        (URLS[0], "scoring_self_certification", "SelfCertificationAnswer"),
        (URLS[1], "scoring_centre_guarantee", "CentreGuaranteeAnswer"),
    ]:
        operation = schema["paths"][url]["post"]
        assert operation["operationId"] == operation_id
        assert operation["security"] == [{}]  # no authentication needed
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{answer}"
        }
    profile = schema["components"]["schemas"]["ScoringProfile"]
    assert profile["properties"]["paid_in_capital_krw"]["minimum"] == 0
    assert set(profile["required"]) == set(VALID) - {"qualifications", "vulnerability_deficiencies"}
