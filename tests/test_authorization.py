"""One institution never sees another's data: every applicant view tried as owner, other, anonymous."""

import pytest
from django.urls import reverse

from applications.models import Application, State

from .conftest import text_of

pytestmark = pytest.mark.django_db


def urls_of(application):
    return [
        reverse("application_detail", args=[application.pk]),
        reverse("application_edit", args=[application.pk]),
    ]


def test_owner_sees_own_application(applicant_client, application):
    for url in urls_of(application):
        assert applicant_client.get(url).status_code == 200
    page = applicant_client.get(reverse("dashboard")).content.decode()
    assert application.service_name in page


@pytest.mark.parametrize("who", ["other_client", "outsider_client"])
def test_member_of_another_institution_gets_404_on_every_view(request, who, application):
    client = request.getfixturevalue(who)
    for url in urls_of(application):
        assert client.get(url).status_code == 404
    response = client.post(reverse("application_transition", args=[application.pk, "submit"]))
    assert response.status_code == 404
    response = client.post(
        reverse("application_edit", args=[application.pk]),
        {"service_name": "탈취", "service_description": "x"},
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == State.DRAFT
    assert application.service_name != "탈취"
    assert application.service_name not in client.get(reverse("dashboard")).content.decode()


def test_guessing_ids_reveals_nothing(other_client, application):
    for pk in range(1, application.pk + 5):
        assert other_client.get(reverse("application_detail", args=[pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, application):
    for url in urls_of(application):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_viewer_member_can_read_but_not_submit(application):
    from django.test import Client

    from .factories import MembershipFactory

    viewer = MembershipFactory(institution=application.institution, role="viewer").user
    client = Client()
    client.force_login(viewer)
    assert client.get(reverse("application_detail", args=[application.pk])).status_code == 200
    page = client.post(
        reverse("application_transition", args=[application.pk, "submit"]), follow=True
    )
    assert "권한이 없습니다" in text_of(page)
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


def test_applicant_cannot_open_the_admin(applicant_client):
    response = applicant_client.get("/admin/applications/application/", follow=True)
    assert response.status_code == 403
