"""Issue 10 item 4 through the API: an integrator reads its member's notices and marks them read;
another member's notices are never listed or reachable."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from notifications.models import Category, Notice
from notifications.services import notify

from .factories import ApplicationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def tell(user, subject, application):
    notify(
        [user],
        category=Category.STATE_CHANGE,
        subject=subject,
        body="본문",
        link=reverse("application_detail", args=[application.pk]),
        application=application,
    )


def token_client(member) -> APIClient:
    client = APIClient()
    client.force_login(member.user)
    key = client.post(
        f"/api/v1/institutions/{member.institution.pk}/tokens/", {"name": "CI"}, format="json"
    ).json()["key"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


def test_an_integrator_lists_its_notices_newest_first_and_marks_one_read(member):
    application = ApplicationFactory(institution=member.institution)
    for subject in ("첫 번째", "두 번째"):
        tell(member.user, subject, application)
    other = MembershipFactory()
    tell(other.user, "남의 알림", ApplicationFactory(institution=other.institution))
    api = token_client(member)

    listed = api.get("/api/v1/notices/").json()["results"]
    assert [n["subject"] for n in listed] == ["두 번째", "첫 번째"]
    assert listed[0]["url"].endswith(f"/applications/{application.pk}/")

    mine = listed[0]["id"]
    read = api.post(f"/api/v1/notices/{mine}/read/")
    assert read.status_code == 200 and read.json()["read_at"]
    assert [n["subject"] for n in api.get("/api/v1/notices/?unread=1").json()["results"]] == [
        "첫 번째"
    ]

    theirs = Notice.objects.get(recipient=other.user).pk
    assert api.get(f"/api/v1/notices/{theirs}/").status_code == 404
    assert api.post(f"/api/v1/notices/{theirs}/read/").status_code == 404
    assert Notice.objects.get(pk=theirs).read_at is None


def test_anonymous_callers_are_refused():
    assert APIClient().get("/api/v1/notices/").status_code in (401, 403)
