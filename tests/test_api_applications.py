"""REST API v1: the applicant's resources, transitions with 409 refusals, tokens and one error shape."""

import pytest
from rest_framework.test import APIClient

from applications.models import Application, AuditEntry, State
from integrations.models import ApiToken

from .factories import ApplicationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_authenticate(member.user)
    return client


@pytest.fixture
def issued(member):
    client = APIClient()
    client.force_login(member.user)
    response = client.post(
        f"/api/v1/institutions/{member.institution.pk}/tokens/", {"name": "CI"}, format="json"
    )
    assert response.status_code == 201
    return response.json()


def bearer(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_create_and_submit_an_application_through_the_api(api, member):
    response = api.post(
        "/api/v1/applications/",
        {
            "institution": member.institution.pk,
            "service_name": "API 송금",
            "service_description": "설명",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["step"] == "approval"
    response = api.post(f"/api/v1/applications/{pk}/submit/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    detail = api.get(f"/api/v1/applications/{pk}/").json()
    assert [e["to_state"] for e in detail["timeline"]] == ["draft", "submitted"]


def test_refused_transition_answers_409_with_the_reason(api, application):
    response = api.post(f"/api/v1/applications/{application.pk}/resubmit/", {}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_refused"
    assert "보완 제출" in body["message"]
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


def test_withdraw_without_reason_is_409_with_field_error(api, application):
    response = api.post(f"/api/v1/applications/{application.pk}/withdraw/", {}, format="json")
    assert response.status_code == 409
    assert "reason" in response.json()["fields"]


def test_duplicate_application_is_409(api, application):
    response = api.post(
        "/api/v1/applications/",
        {
            "institution": application.institution.pk,
            "service_name": "둘째",
            "service_description": "x",
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_application"


def test_validation_errors_have_one_shape_with_field_messages(api):
    response = api.post(
        "/api/v1/institutions/",
        {"name": "x", "business_registration_number": "1348672684", "paid_in_capital": -1},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "검증번호" in body["fields"]["business_registration_number"][0]
    assert "representative" in body["fields"]


def test_another_institution_cannot_see_or_act_on_an_application(application):
    other = APIClient()
    other.force_authenticate(MembershipFactory().user)
    assert other.get(f"/api/v1/applications/{application.pk}/").status_code == 404
    assert (
        other.post(f"/api/v1/applications/{application.pk}/submit/", {}, format="json").status_code
        == 404
    )
    assert (
        other.patch(
            f"/api/v1/applications/{application.pk}/", {"service_name": "x"}, format="json"
        ).status_code
        == 404
    )
    assert other.get("/api/v1/applications/").json() == []


def test_anonymous_gets_401_or_403(application):
    response = APIClient().get(f"/api/v1/applications/{application.pk}/")
    assert response.status_code in (401, 403)
    assert "code" in response.json()


def test_token_is_shown_once_stored_hashed_and_scoped_to_its_institution(
    issued, member, application
):
    key = issued["key"]
    token = ApiToken.objects.get(pk=issued["id"])
    assert key not in (token.key_hash, token.prefix) and token.key_hash != key
    client = bearer(key)
    ids = [a["id"] for a in client.get("/api/v1/applications/").json()]
    assert ids == [application.pk]
    # The member's other institution is invisible to this token.
    second = MembershipFactory(user=member.user)
    foreign = ApplicationFactory(institution=second.institution)
    assert client.get(f"/api/v1/applications/{foreign.pk}/").status_code == 404
    response = client.post(f"/api/v1/applications/{application.pk}/submit/", {}, format="json")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(application=application, action="application.submitted")
    assert entry.actor == member.user
    listing = APIClient()
    listing.force_login(member.user)
    assert (
        "key" not in listing.get(f"/api/v1/institutions/{member.institution.pk}/tokens/").json()[0]
    )


def test_revoked_token_no_longer_works(issued, member):
    client = bearer(issued["key"])
    assert client.get("/api/v1/applications/").status_code == 200
    owner = APIClient()
    owner.force_login(member.user)
    assert owner.post(f"/api/v1/tokens/{issued['id']}/revoke/").status_code == 200
    response = client.get("/api/v1/applications/")
    assert response.status_code == 401
    assert "폐기" in response.json()["message"]


def test_editor_cannot_issue_tokens_but_admin_can(member):
    editor = MembershipFactory(institution=member.institution, role="editor").user
    client = APIClient()
    client.force_login(editor)
    response = client.post(
        f"/api/v1/institutions/{member.institution.pk}/tokens/", {"name": "x"}, format="json"
    )
    assert response.status_code == 403


def test_token_of_removed_member_stops_working(issued, member):
    member.delete()
    assert bearer(issued["key"]).get("/api/v1/applications/").status_code == 401


def test_token_stops_working_when_its_member_is_made_a_viewer(issued, member):
    member.role = "viewer"
    member.save()
    assert bearer(issued["key"]).get("/api/v1/applications/").status_code == 401
    member.role = "editor"
    member.save()
    assert bearer(issued["key"]).get("/api/v1/applications/").status_code == 200


def test_schema_is_generated_and_documents_the_actions(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json() if response["Content-Type"].endswith("json") else None
    text = response.content.decode()
    assert "/api/v1/applications/{id}/submit/" in text
    assert schema is None or schema["openapi"].startswith("3.")


def test_institution_lists_its_members_and_roles(api, member):
    editor = MembershipFactory(institution=member.institution, role="editor")
    body = api.get(f"/api/v1/institutions/{member.institution.pk}/").json()
    assert sorted((m["email"], m["role"]) for m in body["memberships"]) == sorted(
        [(member.user.email, "admin"), (editor.user.email, "editor")]
    )


def test_throttling_counts_per_token(member, monkeypatch):
    from django.core.cache import cache

    from integrations.authentication import TokenRateThrottle
    from integrations.tokens import issue_token

    cache.clear()
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    first = bearer(issue_token(institution=member.institution, by=member.user, name="a")[1])
    second = bearer(issue_token(institution=member.institution, by=member.user, name="b")[1])
    assert [first.get("/api/v1/applications/").status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    assert first.get("/api/v1/applications/").json()["code"] == "throttled"
    assert second.get("/api/v1/applications/").status_code == 200
