"""Test API keys (DOMAIN §2 step 2): issued only once approved, secret shown once and stored hashed,
rotate and revoke — tried as the owner, another institution, a viewer, an outsider and anonymous."""

import re

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from oauth2_provider.models import Application as OAuthApplication

from applications.models import AuditEntry, Membership
from testbed import testing as tb
from testbed.keys import MAX_ACTIVE_KEYS
from testbed.models import TestbedProfile, TestClient
from tests.conftest import text_of
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory


@pytest.fixture
def approved(member):
    return ApplicationFactory(
        institution=member.institution, created_by=member.user, state="approved"
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "state", ["draft", "submitted", "supplement_requested", "resubmitted", "rejected", "withdrawn"]
)
def test_keys_page_is_closed_before_approval(member, applicant_client, state):
    ApplicationFactory(institution=member.institution, created_by=member.user, state=state)
    response = applicant_client.get("/testbed/keys/")
    assert response.status_code == 403
    assert "이용승인을 받은 기관의 구성원만" in text_of(response)
    refused = applicant_client.post(
        f"/testbed/keys/?institution={member.institution_id}",
        {"name": "x", "redirect_uri": tb.REDIRECT_URI},
    )
    assert refused.status_code == 403
    assert not TestClient.objects.exists()


@pytest.mark.parametrize("state", ["approved", "functional_test", "security_check", "live"])
def test_keys_page_is_open_from_approval_on(member, applicant_client, state):
    ApplicationFactory(institution=member.institution, created_by=member.user, state=state)
    response = applicant_client.get("/testbed/keys/")
    assert response.status_code == 200
    assert member.institution.name in text_of(response)


def test_anonymous_and_outsiders_get_no_keys_page(approved, outsider_client, other_client):
    assert Client().get("/testbed/keys/").status_code == 302
    assert outsider_client.get("/testbed/keys/").status_code == 403
    assert other_client.get("/testbed/keys/").status_code == 403


def test_issuing_a_key_shows_the_secret_once_and_stores_it_hashed(approved, applicant_client):
    key = tb.issue_key(applicant_client, approved.institution_id, name="개발 서버")
    oauth_app = OAuthApplication.objects.get(client_id=key.client_id)
    assert oauth_app.client_secret != key.client_secret
    assert check_password(key.client_secret, oauth_app.client_secret)
    client = TestClient.objects.get(client_id=key.client_id)
    assert (client.institution_id, client.name, client.is_active) == (
        approved.institution_id,
        "개발 서버",
        True,
    )
    again = text_of(applicant_client.get("/testbed/keys/"))
    assert key.client_id in again
    assert key.client_secret not in again
    assert AuditEntry.objects.filter(
        action="testbed.key_created", institution=approved.institution
    ).exists()


def test_a_key_needs_an_http_callback(approved, applicant_client):
    response = applicant_client.post(
        f"/testbed/keys/?institution={approved.institution_id}",
        {"name": "x", "redirect_uri": "ftp://example.kr/cb"},
    )
    assert response.status_code == 200
    assert not TestClient.objects.exists()


def test_rotating_replaces_the_secret(approved, applicant_client):
    key = tb.issue_key(applicant_client, approved.institution_id)
    client = TestClient.objects.get(client_id=key.client_id)
    response = applicant_client.post(f"/testbed/keys/{approved.institution_id}/{client.pk}/rotate/")
    assert response.status_code == 200
    new_secret = re.search(r'data-testid="client-secret">([^<]+)<', response.content.decode())[1]
    assert new_secret != key.client_secret
    api = Client()
    old = tb.token(api, key, grant_type="client_credentials", scope="oob")
    assert old["_status"] == 401
    rotated = tb.Key(key.institution_id, key.client_id, new_secret)
    assert tb.oob_token(api, rotated)["_status"] == 200
    client.refresh_from_db()
    assert client.rotated_at is not None
    assert AuditEntry.objects.filter(action="testbed.key_rotated").count() == 1


def test_revoking_stops_the_key_and_its_tokens(approved, applicant_client):
    key = tb.issue_key(applicant_client, approved.institution_id)
    api = Client()
    token = tb.oob_token(api, key)["access_token"]
    client = TestClient.objects.get(client_id=key.client_id)
    response = applicant_client.post(f"/testbed/keys/{approved.institution_id}/{client.pk}/revoke/")
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.revoked_at is not None and client.application is None
    assert not OAuthApplication.objects.filter(client_id=key.client_id).exists()
    status, body = tb.call(api, token, "GET", "/v2.0/bank/status")
    assert (status, body["rsp_code"]) == (401, "O0001")
    assert tb.oob_token(api, key)["_status"] == 401
    page = text_of(applicant_client.get("/testbed/keys/"))
    assert "폐기됨" in page
    again = applicant_client.post(f"/testbed/keys/{approved.institution_id}/{client.pk}/revoke/")
    assert again.status_code == 302
    assert AuditEntry.objects.filter(action="testbed.key_revoked").count() == 1


def test_another_institution_cannot_rotate_or_revoke(approved, applicant_client):
    key = tb.issue_key(applicant_client, approved.institution_id)
    client = TestClient.objects.get(client_id=key.client_id)
    bob = MembershipFactory()
    ApplicationFactory(institution=bob.institution, created_by=bob.user, state="approved")
    bob_client = logged_in(bob.user)
    for action in ("rotate", "revoke"):
        response = bob_client.post(f"/testbed/keys/{approved.institution_id}/{client.pk}/{action}/")
        assert response.status_code == 404
        # Bob's own institution in the URL does not reach Alice's key either.
        response = bob_client.post(f"/testbed/keys/{bob.institution_id}/{client.pk}/{action}/")
        assert response.status_code == 302
    client.refresh_from_db()
    assert client.is_active and client.rotated_at is None


def test_a_viewer_sees_keys_but_cannot_issue(approved):
    viewer = MembershipFactory(institution=approved.institution, role=Membership.Role.VIEWER)
    browser = logged_in(viewer.user)
    page = browser.get("/testbed/keys/")
    assert page.status_code == 200
    assert "새 키 발급" not in text_of(page)
    response = browser.post(
        f"/testbed/keys/?institution={approved.institution_id}",
        {"name": "x", "redirect_uri": tb.REDIRECT_URI},
    )
    assert "기관 관리자 또는 작성자만" in text_of(response)
    assert not TestClient.objects.exists()


def test_active_keys_are_capped_per_institution(approved, applicant_client):
    for n in range(MAX_ACTIVE_KEYS):
        tb.issue_key(applicant_client, approved.institution_id, name=f"k{n}")
    response = applicant_client.post(
        f"/testbed/keys/?institution={approved.institution_id}",
        {"name": "one too many", "redirect_uri": tb.REDIRECT_URI},
    )
    assert "활성 테스트 키는 기관당" in text_of(response)
    assert TestClient.objects.count() == MAX_ACTIVE_KEYS


def test_sub_merchant_setting_is_saved_by_members_only(approved, applicant_client, other_client):
    url = f"/testbed/keys/{approved.institution_id}/sub-merchants/"
    assert other_client.post(url, {"has_sub_merchants": "on"}).status_code == 404
    assert applicant_client.post(url, {"has_sub_merchants": "on"}).status_code == 302
    assert TestbedProfile.objects.get(institution=approved.institution).has_sub_merchants
    applicant_client.post(url, {})
    assert not TestbedProfile.objects.get(institution=approved.institution).has_sub_merchants
    assert AuditEntry.objects.filter(action="testbed.sub_merchants_changed").count() == 2


def test_a_member_of_two_institutions_picks_one(approved, member, applicant_client):
    second = MembershipFactory(user=member.user)
    ApplicationFactory(institution=second.institution, created_by=member.user, state="approved")
    page = text_of(applicant_client.get(f"/testbed/keys/?institution={second.institution_id}"))
    assert f"<h1>개발자 테스트베드 <small>{second.institution.name}</small></h1>" in page


def test_keys_page_query_count_does_not_grow_with_keys_and_calls(
    approved, applicant_client, django_assert_num_queries
):
    key = tb.issue_key(applicant_client, approved.institution_id)
    api = Client()
    token = tb.oob_token(api, key)["access_token"]
    tb.call(api, token, "GET", "/v2.0/bank/status")

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert applicant_client.get("/testbed/keys/").status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for n in range(3):
        tb.issue_key(applicant_client, approved.institution_id, name=f"more{n}")
    for _ in range(5):
        tb.call(api, token, "GET", "/v2.0/bank/status")
    with django_assert_num_queries(before):
        assert applicant_client.get("/testbed/keys/").status_code == 200


def test_outsider_cannot_issue_by_posting(approved):
    browser = logged_in(UserFactory())
    response = browser.post(
        f"/testbed/keys/?institution={approved.institution_id}",
        {"name": "x", "redirect_uri": tb.REDIRECT_URI},
    )
    assert response.status_code == 403
    assert not TestClient.objects.exists()


def test_applicants_find_the_testbed_in_the_navigation(approved, applicant_client):
    page = text_of(applicant_client.get("/", follow=True))
    assert 'href="/testbed/keys/"' in page
