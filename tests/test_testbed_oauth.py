"""OAuth 2.0 on the testbed (DOMAIN §10): authorize with a simulated consent, token by code and by
client credentials, refresh, scopes — driven over HTTP as an institution's client would."""

import datetime
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from testbed import testing as tb
from testbed.models import SimUser, TestbedCall
from testbed.synthetic import client_use_code, ensure_seeded
from tests.factories import ApplicationFactory


@pytest.fixture
def approved(member):
    return ApplicationFactory(
        institution=member.institution, created_by=member.user, state="approved"
    )


@pytest.fixture
def key(approved, applicant_client):
    return tb.issue_key(applicant_client, approved.institution_id)


@pytest.fixture
def api():
    return Client()


def first_user(institution_id: int) -> SimUser:
    ensure_seeded(institution_id)
    return SimUser.objects.filter(institution_id=institution_id).order_by("user_seq_no").first()


def authorize_query(key, scope="login inquiry transfer") -> str:
    return urlencode(
        {
            "response_type": "code",
            "client_id": key.client_id,
            "redirect_uri": tb.REDIRECT_URI,
            "scope": scope,
            "state": "abc",
        }
    )


def test_authorization_code_flow_gives_a_user_token_with_user_seq_no(key, applicant_client, api):
    user = first_user(key.institution_id)
    body = tb.user_token(applicant_client, api, key, user_seq_no=user.user_seq_no)
    assert body["_status"] == 200
    assert body["token_type"] == "Bearer"
    assert body["user_seq_no"] == user.user_seq_no
    assert set(body["scope"].split()) == {"login", "inquiry", "transfer"}
    assert body["refresh_token"]
    status, me = tb.call(
        api, body["access_token"], "GET", "/v2.0/user/me", {"user_seq_no": user.user_seq_no}
    )
    assert status == 200 and me["rsp_code"] == "A0000"
    assert me["user_name"] == user.user_name
    logged = list(
        TestbedCall.objects.filter(institution_id=key.institution_id)
        .order_by("at", "id")
        .values_list("api_code", "rsp_code")
    )
    assert logged == [("oauth_authorize", "A0000"), ("oauth_token", "A0000"), ("user_me", "A0000")]


def test_consent_page_lists_the_institutions_synthetic_users(key, applicant_client):
    page = applicant_client.get(f"/testbed/oauth/2.0/authorize?{authorize_query(key)}")
    assert page.status_code == 200
    text = page.content.decode()
    for user in SimUser.objects.filter(institution_id=key.institution_id):
        assert user.user_seq_no in text and user.user_name in text


def test_the_chosen_user_is_the_tokens_user(key, applicant_client, api):
    ensure_seeded(key.institution_id)
    second = SimUser.objects.filter(institution_id=key.institution_id).order_by("user_seq_no")[1]
    body = tb.user_token(applicant_client, api, key, user_seq_no=second.user_seq_no)
    assert body["user_seq_no"] == second.user_seq_no
    first = first_user(key.institution_id)
    status, me = tb.call(
        api, body["access_token"], "GET", "/v2.0/user/me", {"user_seq_no": first.user_seq_no}
    )
    assert (status, me["rsp_code"]) == (403, "O0002")


def test_client_credentials_gives_an_oob_token_with_the_client_use_code(key, api):
    body = tb.oob_token(api, key)
    assert body["_status"] == 200
    assert body["scope"] == "oob"
    assert body["client_use_code"] == client_use_code(key.institution_id)
    assert "refresh_token" not in body
    status, banks = tb.call(api, body["access_token"], "GET", "/v2.0/bank/status")
    assert status == 200 and banks["rsp_code"] == "A0000"


def test_client_credentials_cannot_ask_for_user_scopes(key, api):
    body = tb.token(api, key, grant_type="client_credentials", scope="login inquiry")
    assert body["_status"] == 400
    assert body["error"] == "invalid_scope"


def test_authorize_refuses_the_oob_scope(key, applicant_client):
    response = applicant_client.get(
        f"/testbed/oauth/2.0/authorize?{authorize_query(key, scope='oob')}"
    )
    assert response.status_code == 302
    assert parse_qs(urlparse(response["Location"]).query)["error"] == ["invalid_scope"]


def test_user_token_cannot_call_institution_apis_and_oob_token_cannot_call_user_apis(
    key, applicant_client, api
):
    user = first_user(key.institution_id)
    user_token = tb.user_token(applicant_client, api, key, user_seq_no=user.user_seq_no)
    status, body = tb.call(api, user_token["access_token"], "GET", "/v2.0/bank/status")
    assert (status, body["rsp_code"]) == (403, "O0002")
    oob = tb.oob_token(api, key)
    status, body = tb.call(
        api, oob["access_token"], "GET", "/v2.0/user/me", {"user_seq_no": user.user_seq_no}
    )
    assert (status, body["rsp_code"]) == (403, "O0002")


def test_a_narrower_scope_limits_the_token(key, applicant_client, api):
    user = first_user(key.institution_id)
    body = tb.user_token(
        applicant_client, api, key, user_seq_no=user.user_seq_no, scope="login inquiry"
    )
    assert body["scope"] == "login inquiry"
    status, result = tb.call(
        api,
        body["access_token"],
        "POST",
        "/v2.0/transfer/withdraw/fin_num",
        {"bank_tran_id": tb.bank_tran_id(key.institution_id)},
    )
    assert (status, result["rsp_code"]) == (403, "O0002")


def test_refresh_gives_a_new_token_for_the_same_user_and_retires_the_old_one(
    key, applicant_client, api
):
    user = first_user(key.institution_id)
    first = tb.user_token(applicant_client, api, key, user_seq_no=user.user_seq_no)
    refreshed = tb.token(
        api,
        key,
        grant_type="refresh_token",
        refresh_token=first["refresh_token"],
        scope="login inquiry transfer",
    )
    assert refreshed["_status"] == 200
    assert refreshed["user_seq_no"] == user.user_seq_no
    assert refreshed["access_token"] != first["access_token"]
    status, me = tb.call(
        api, refreshed["access_token"], "GET", "/v2.0/user/me", {"user_seq_no": user.user_seq_no}
    )
    assert (status, me["rsp_code"]) == (200, "A0000")
    status, old = tb.call(
        api, first["access_token"], "GET", "/v2.0/user/me", {"user_seq_no": user.user_seq_no}
    )
    assert (status, old["rsp_code"]) == (401, "O0001")


def test_an_authorization_code_works_once(key, applicant_client, api):
    user = first_user(key.institution_id)
    code = tb.authorize(applicant_client, key, user_seq_no=user.user_seq_no)
    first = tb.token(
        api, key, grant_type="authorization_code", code=code, redirect_uri=tb.REDIRECT_URI
    )
    again = tb.token(
        api, key, grant_type="authorization_code", code=code, redirect_uri=tb.REDIRECT_URI
    )
    assert first["_status"] == 200
    assert (again["_status"], again["error"]) == (400, "invalid_grant")


def test_wrong_secret_is_refused_and_logged_as_an_error(key, api):
    body = tb.token(
        api, key, grant_type="client_credentials", scope="oob", client_secret="not-the-secret"
    )
    assert (body["_status"], body["error"]) == (401, "invalid_client")
    call = TestbedCall.objects.get(institution_id=key.institution_id, api_code="oauth_token")
    assert (call.rsp_code, call.http_status) == ("O0001", 401)


def test_denying_consent_redirects_with_access_denied(key, applicant_client):
    user = first_user(key.institution_id)
    query = authorize_query(key)
    response = applicant_client.post(
        f"/testbed/oauth/2.0/authorize?{query}",
        {
            "client_id": key.client_id,
            "redirect_uri": tb.REDIRECT_URI,
            "response_type": "code",
            "state": "abc",
            "scope": "login inquiry transfer",
            "user_seq_no": user.user_seq_no,
        },
    )
    assert response.status_code == 302
    assert parse_qs(urlparse(response["Location"]).query)["error"] == ["access_denied"]
    call = TestbedCall.objects.get(institution_id=key.institution_id, api_code="oauth_authorize")
    assert call.rsp_code == "O0001"


def test_consent_needs_a_simulated_user_of_the_institution(key, applicant_client):
    response = applicant_client.post(
        f"/testbed/oauth/2.0/authorize?{authorize_query(key)}",
        {
            "client_id": key.client_id,
            "redirect_uri": tb.REDIRECT_URI,
            "response_type": "code",
            "state": "abc",
            "scope": "login inquiry transfer",
            "allow": "Authorize",
            "user_seq_no": "9999999999",
        },
    )
    assert response.status_code == 200
    assert "동의할 가상 사용자를 고르세요." in response.content.decode()


def test_members_of_another_institution_cannot_consent_for_this_client(key, other_client):
    response = other_client.get(f"/testbed/oauth/2.0/authorize?{authorize_query(key)}")
    assert response.status_code == 404


def test_anonymous_consent_goes_to_login(key):
    response = Client().get(f"/testbed/oauth/2.0/authorize?{authorize_query(key)}")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_expired_and_missing_tokens_are_refused_with_o0001(key, api):
    body = tb.oob_token(api, key)
    status, result = tb.call(api, "nonsense", "GET", "/v2.0/bank/status")
    assert (status, result["rsp_code"]) == (401, "O0001")
    assert result["api_tran_id"] and result["api_tran_dtm"]
    no_header = api.get("/testbed/v2.0/bank/status")
    assert (no_header.status_code, no_header.json()["rsp_code"]) == (401, "O0001")
    AccessToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    status, result = tb.call(api, body["access_token"], "GET", "/v2.0/bank/status")
    assert (status, result["rsp_code"]) == (401, "O0001")


def test_authorize_account_runs_the_same_consent_and_is_logged_apart(key, applicant_client, api):
    user = first_user(key.institution_id)
    query = authorize_query(key)
    assert applicant_client.get(f"/testbed/oauth/2.0/authorize_account?{query}").status_code == 200
    response = applicant_client.post(
        f"/testbed/oauth/2.0/authorize_account?{query}",
        {
            "client_id": key.client_id,
            "redirect_uri": tb.REDIRECT_URI,
            "response_type": "code",
            "state": "abc",
            "scope": "login inquiry transfer",
            "allow": "Authorize",
            "user_seq_no": user.user_seq_no,
        },
    )
    code = parse_qs(urlparse(response["Location"]).query)["code"][0]
    body = tb.token(
        api, key, grant_type="authorization_code", code=code, redirect_uri=tb.REDIRECT_URI
    )
    assert body["user_seq_no"] == user.user_seq_no
    call = TestbedCall.objects.get(api_code="oauth_authorize_account")
    assert (call.endpoint, call.rsp_code) == ("/oauth/2.0/authorize_account", "A0000")
