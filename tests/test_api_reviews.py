"""Steps 2–3 through the API: file the functional test, see the rounds; read the security checks."""

import pytest
from rest_framework.test import APIClient

from applications.models import State
from reviews.models import FunctionalTestRound

from .factories import ApplicationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(member):
    return ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.APPROVED
    )


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_authenticate(member.user)
    return client


def test_file_and_request_the_functional_test_through_the_api(api, approved):
    url = f"/api/v1/applications/{approved.pk}/functional-test/"
    body = {
        "test_build": "https://test.example.kr",
        "functions": {"balance": "잔액 표시"},
        "request_test": True,
    }
    response = api.put(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == [
        {
            "number": 1,
            "outcome": FunctionalTestRound.objects.get(application=approved).outcome,
            "items": [
                {
                    "api_code": "balance",
                    "usage": "잔액 표시",
                    "result": "pending",
                    "note": "",
                    "checked_at": None,
                }
            ],
        }
    ]
    approved.refresh_from_db()
    assert approved.state == State.FUNCTIONAL_TEST


def test_unknown_api_is_a_field_error_and_nothing_is_saved(api, approved):
    url = f"/api/v1/applications/{approved.pk}/functional-test/"
    response = api.put(url, {"test_build": "x", "functions": {"teleport": "?"}}, format="json")
    assert response.status_code == 400
    assert "functions" in response.json()["fields"]
    assert api.get(url).json() == []


def test_security_checks_are_listed_for_the_owner_only(api, approved):
    assert api.get(f"/api/v1/applications/{approved.pk}/security-checks/").json() == []
    stranger = APIClient()
    stranger.force_authenticate(MembershipFactory().user)
    assert stranger.get(f"/api/v1/applications/{approved.pk}/security-checks/").status_code == 404
    assert stranger.get(f"/api/v1/applications/{approved.pk}/functional-test/").status_code == 404
