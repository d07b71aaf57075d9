"""The applicant's dashboard: every institution of the user with its applications, linked."""

import pytest
from django.urls import reverse

from .conftest import text_of
from .factories import ApplicationFactory, MembershipFactory, UserFactory
from .reviews_support import AgencyFactory, AgencyMembershipFactory

pytestmark = pytest.mark.django_db


def test_each_institution_lists_its_applications_linked_to_their_pages(applicant_client, member):
    first = ApplicationFactory(institution=member.institution, created_by=member.user)
    second_institution = MembershipFactory(user=member.user).institution
    second = ApplicationFactory(institution=second_institution, created_by=member.user)
    empty = MembershipFactory(user=member.user).institution
    page = text_of(applicant_client.get(reverse("dashboard")))
    for application in (first, second):
        link = reverse("application_detail", args=[application.pk])
        assert f'<a href="{link}">{application.reference}</a>' in page
        assert application.service_name in page
        assert application.get_state_display() in page
    assert empty.name in page
    assert "아직 이용신청이 없습니다." in page


def test_a_security_check_agency_user_is_sent_to_the_agency_pages(client):
    client.force_login(AgencyMembershipFactory(agency=AgencyFactory()).user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("reviews:agency_checks")


def test_an_agency_user_who_is_also_an_institution_member_keeps_the_dashboard(client, member):
    AgencyMembershipFactory(user=member.user, agency=AgencyFactory())
    client.force_login(member.user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert member.institution.name in text_of(response)


def test_a_user_without_institutions_is_asked_to_register_one(client):
    client.force_login(UserFactory())
    page = text_of(client.get(reverse("dashboard")))
    assert "등록된 기관이 없습니다" in page
