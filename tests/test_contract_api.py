"""The contract step over /api/v1/contracts/<application id>/ — same services, same rules."""

import hashlib

import pytest
from rest_framework.test import APIClient

from contracts.models import Contract, ContractChangeRequest, ContractDocument
from integrations.tokens import issue_token

from .contract_support import *  # noqa: F403  (fixtures)
from .factories import ApplicationFactory, MembershipFactory


def url(app, tail=""):
    return f"/api/v1/contracts/{app.pk}/{tail}"


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_authenticate(member.user)
    return client


@pytest.fixture
def token_api(member):
    _token, key = issue_token(institution=member.institution, by=member.user, name="ci")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_applicant_prepares_the_contract_over_the_api(token_api, contract_app):
    response = token_api.post(url(contract_app, "main-bank/"), {"bank_code": "081"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["main_bank_code"] == "081"
    response = token_api.post(
        url(contract_app, "fee/"), {"withdrawal_fee_krw": 25, "deposit_fee_krw": 10}, format="json"
    )
    assert response.json()["main_bank_withdrawal_fee_krw"] == 25
    response = token_api.post(
        url(contract_app, "accounts/"),
        {"account_number": "620-123456-78901", "purpose": "fee_payment"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["accounts"] == [
        {
            "id": body["accounts"][0]["id"],
            "bank_code": "081",
            "account_number": "**********8901",
            "purpose": "fee_payment",
            "holder_name": "",
        }
    ]
    assert token_api.get(url(contract_app)).json()["accounts"][0]["account_number"].endswith("8901")


def test_api_errors_use_the_one_error_shape(api, contract_app):
    api.post(url(contract_app, "main-bank/"), {"bank_code": "004"}, format="json")
    response = api.post(
        url(contract_app, "accounts/"), {"account_number": "12-ab", "purpose": "settlement"}
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "account_number": ["계좌번호는 숫자와 하이픈(-)만 쓸 수 있습니다."]
    }
    response = api.post(
        url(contract_app, "limits/"), {"usage_limit_krw": 1, "daily_withdrawal_limit_krw": 1}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_staff_sets_limits_and_sees_full_numbers(staff, api, contract_app):
    api.post(url(contract_app, "main-bank/"), {"bank_code": "004"}, format="json")
    api.post(
        url(contract_app, "accounts/"), {"account_number": "1234567890", "purpose": "settlement"}
    )
    staff_api = APIClient()
    staff_api.force_authenticate(staff)
    response = staff_api.post(
        url(contract_app, "limits/"),
        {"usage_limit_krw": 2_000_000_000, "daily_withdrawal_limit_krw": 300_000_000},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["daily_withdrawal_limit_krw"] == 300_000_000
    assert response.json()["accounts"][0]["account_number"] == "1234567890"


def test_other_institutions_tokens_and_members_get_404(member, contract_app):
    other = MembershipFactory()
    _t, key = issue_token(institution=other.institution, by=other.user, name="x")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.post(url(contract_app, "main-bank/"), {"bank_code": "004"}).status_code == 404
    assert client.get(url(contract_app)).status_code == 404
    assert not Contract.objects.exists()
    assert APIClient().get(url(contract_app)).status_code in (401, 403)


def test_token_of_my_institution_cannot_reach_my_other_institutions_application(member, token_api):
    second = MembershipFactory(user=member.user)
    app = ApplicationFactory(institution=second.institution, state="contract")
    assert token_api.get(url(app)).status_code == 404


def test_change_request_and_pdf_download_over_the_api(api, signed_app):
    response = api.post(
        url(signed_app, "change-requests/"),
        {"add": [{"account_number": "777-777-777777", "purpose": "settlement"}], "reason": "추가"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["change_requests"][0]["status"] == "requested"
    assert ContractChangeRequest.objects.count() == 1

    document = ContractDocument.objects.get()
    listed = api.get(url(signed_app)).json()["documents"]
    assert listed[0]["sha256"] == document.sha256 and listed[0]["ready"] is True
    response = api.get(url(signed_app, f"documents/{document.pk}/pdf/"))
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == document.sha256


def test_contract_detail_query_count_is_pinned(api, signed_app, django_assert_num_queries):
    # application, contract (+bank, guarantee), accounts (+bank), documents, changes,
    # negotiations (+bank), guarantee in place
    with django_assert_num_queries(7):
        assert api.get(url(signed_app)).status_code == 200
