"""Documents through the API: same content checks as the web, every version kept, scoped by institution."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from integrations.tokens import issue_token

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def client_with_token(member):
    _token, key = issue_token(institution=member.institution, by=member.user, name="docs")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def upload(client, application, name, content, doc_type="service_plan"):
    return client.post(
        f"/api/v1/applications/{application.pk}/documents/",
        {"doc_type": doc_type, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def test_upload_list_and_download_keep_every_version(client_with_token, application):
    first = upload(client_with_token, application, "plan.pdf", PDF)
    assert first.status_code == 201, first.json()
    second = upload(client_with_token, application, "plan-v2.pdf", PDF + b"%v2\n")
    assert second.json()["version"] == 2
    listed = client_with_token.get(f"/api/v1/applications/{application.pk}/documents/").json()
    assert [(d["doc_type"], d["version"]) for d in listed] == [
        ("service_plan", 1),
        ("service_plan", 2),
    ]
    response = client_with_token.get(
        f"/api/v1/applications/{application.pk}/documents/{first.json()['id']}/download/"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_disguised_executable_is_refused_with_a_message(client_with_token, application):
    response = upload(client_with_token, application, "plan.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "upload_refused"
    assert body["message"]
    assert client_with_token.get(f"/api/v1/applications/{application.pk}/documents/").json() == []


def test_unknown_document_type_is_a_field_error(client_with_token, application):
    response = upload(client_with_token, application, "plan.pdf", PDF, doc_type="selfie")
    assert response.status_code == 400
    assert "doc_type" in response.json()["fields"]


def test_another_institution_cannot_list_upload_or_download(client_with_token, application):
    document_id = upload(client_with_token, application, "plan.pdf", PDF).json()["id"]
    stranger = APIClient()
    stranger.force_authenticate(MembershipFactory().user)
    base = f"/api/v1/applications/{application.pk}/documents/"
    assert stranger.get(base).status_code == 404
    assert upload(stranger, application, "x.pdf", PDF).status_code == 404
    assert stranger.get(f"{base}{document_id}/download/").status_code == 404
