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


def test_apply_for_a_security_check_through_the_api(api, member, settings, tmp_path):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from reviews.models import Agency, SecurityCheck

    settings.MEDIA_ROOT = tmp_path
    application = ApplicationFactory(
        institution=MembershipFactory(user=member.user).institution,
        created_by=member.user,
        state=State.SECURITY_CHECK,
    )
    agency = Agency.objects.create(
        name="보안점검원", contact_name="김", email="a@agency.kr", phone="02"
    )
    url = f"/api/v1/applications/{application.pk}/security-checks/"
    start = datetime.date(2026, 12, 1)
    response = api.post(
        url,
        {
            "kind": "vulnerability",
            "agency": agency.pk,
            "agreed_start": start.isoformat(),
            "agreed_end": (start + datetime.timedelta(days=30)).isoformat(),
            "deliverables": [SimpleUploadedFile("design.pdf", b"%PDF-1.4 x")],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert [(c["kind"], c["agency"]) for c in response.json()] == [("vulnerability", "보안점검원")]
    assert SecurityCheck.objects.get(application=application).documents.count() == 1
    again = api.post(
        url,
        {
            "kind": "vulnerability",
            "agency": agency.pk,
            "agreed_start": "2026-12-01",
            "agreed_end": "2026-11-01",
            "deliverables": [SimpleUploadedFile("d.pdf", b"%PDF")],
        },
        format="multipart",
    )
    assert again.status_code == 400
    assert again.json()["fields"]
