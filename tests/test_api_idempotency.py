"""A POST repeated with the same Idempotency-Key creates one object and answers the same (issue 9)."""

import pytest
from rest_framework.test import APIClient

from applications.models import Institution
from integrations.tokens import issue_token

pytestmark = pytest.mark.django_db

NEW_INSTITUTION = {
    "name": "주식회사 재시도",
    "business_registration_number": "134-86-72683",
    "representative": "이대표",
    "address": "서울",
    "paid_in_capital": 1_000_000_000,
    "contact_name": "박담당",
    "contact_email": "ops@retry.kr",
    "contact_phone": "02-000-0000",
}


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_login(member.user)
    return client


def test_retried_post_creates_one_object_and_replays_the_answer(api):
    first = api.post(
        "/api/v1/institutions/", NEW_INSTITUTION, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = api.post(
        "/api/v1/institutions/", NEW_INSTITUTION, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Institution.objects.filter(name="주식회사 재시도").count() == 1


def test_same_key_with_another_body_is_refused(api):
    api.post("/api/v1/institutions/", NEW_INSTITUTION, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = {**NEW_INSTITUTION, "name": "다른 회사"}
    response = api.post("/api/v1/institutions/", other, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert not Institution.objects.filter(name="다른 회사").exists()


def test_keys_belong_to_their_caller(member, application):
    key_a = issue_token(institution=member.institution, by=member.user, name="a")[1]
    key_b = issue_token(institution=member.institution, by=member.user, name="b")[1]
    a, b = APIClient(), APIClient()
    a.credentials(HTTP_AUTHORIZATION=f"Bearer {key_a}")
    b.credentials(HTTP_AUTHORIZATION=f"Bearer {key_b}")
    url = f"/api/v1/applications/{application.pk}/submit/"
    assert a.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 200
    # Another caller's identical key is not a replay: the state machine answers it.
    assert b.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="same").status_code == 409
    replay = a.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
