"""Who sees what in steps 2-3: the owner institution, another institution, another agency, anonymous,
a viewer member, and staff without MFA. An agency never sees a check not assigned to it."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Membership, State
from reviews import functional_test, security_check
from reviews.models import CheckKind, CheckStatus, FunctionalTestRound, ItemResult, SecurityCheck

from .conftest import text_of
from .factories import ApplicationFactory, MembershipFactory, StaffFactory
from .reviews_support import (
    AgencyFactory,
    agency_client,
    agency_post,
    file_functional_test,
    private_media,  # noqa: F401 (autouse fixture)
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_security_check(member):
    return ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.SECURITY_CHECK
    )


@pytest.fixture
def agency():
    return AgencyFactory()


@pytest.fixture
def check(in_security_check, member, agency):
    today = datetime.date.today()
    return security_check.apply_for_check(
        application=in_security_check,
        by=member.user,
        kind=CheckKind.VULNERABILITY,
        agency=agency,
        agreed_start=today,
        agreed_end=today,
        deliverables=[upload("산출물.pdf")],
    )


def applicant_pages(application, check):
    return [
        reverse("reviews:functional_test", args=[application.pk]),
        reverse("reviews:security_check", args=[application.pk]),
        reverse("reviews:check_document", args=[check.documents.get().pk]),
    ]


def test_owner_sees_pages_and_downloads_deliverable(applicant_client, in_security_check, check):
    for url in applicant_pages(in_security_check, check):
        assert applicant_client.get(url).status_code == 200
    response = applicant_client.get(applicant_pages(in_security_check, check)[2])
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert (
        "산출물.pdf" in response["Content-Disposition"]
        or "filename*" in response["Content-Disposition"]
    )


def test_other_institution_gets_404_everywhere(other_client, in_security_check, check):
    for url in applicant_pages(in_security_check, check):
        assert other_client.get(url).status_code == 404
    remediation = reverse("reviews:security_check_remediate", args=[in_security_check.pk, check.pk])
    assert other_client.post(remediation, {}).status_code == 404
    apply = reverse("reviews:security_check_apply", args=[in_security_check.pk])
    assert other_client.post(apply, {}).status_code == 404


def test_anonymous_is_sent_to_login(client, in_security_check, check):
    urls = [
        *applicant_pages(in_security_check, check),
        reverse("reviews:agency_checks"),
        reverse("reviews:agency_check", args=[check.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_agency_sees_only_checks_assigned_to_it(agency, check, in_security_check):
    own = agency_client(agency)
    listing = text_of(own.get(reverse("reviews:agency_checks")))
    assert in_security_check.reference in listing

    other_agency = agency_client(AgencyFactory())
    listing = text_of(other_agency.get(reverse("reviews:agency_checks")))
    assert in_security_check.reference not in listing
    assert other_agency.get(reverse("reviews:agency_check", args=[check.pk])).status_code == 404
    response = agency_post(other_agency, check, {"action": "start"})
    assert response.status_code == 404
    check.refresh_from_db()
    assert check.status == CheckStatus.APPLIED
    doc = check.documents.get()
    assert other_agency.get(reverse("reviews:check_document", args=[doc.pk])).status_code == 404
    # the assigned agency can read the deliverable but not the applicant's pages
    assert own.get(reverse("reviews:check_document", args=[doc.pk])).status_code == 200
    assert (
        own.get(reverse("reviews:security_check", args=[in_security_check.pk])).status_code == 404
    )


def test_applicant_cannot_use_agency_pages(applicant_client, check):
    assert applicant_client.get(reverse("reviews:agency_check", args=[check.pk])).status_code == 404
    assert check.application.reference not in text_of(
        applicant_client.get(reverse("reviews:agency_checks"))
    )


def test_viewer_member_sees_but_cannot_file_the_form(member):
    viewer = MembershipFactory(institution=member.institution, role=Membership.Role.VIEWER).user
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.APPROVED
    )
    client = Client()
    client.force_login(viewer)
    page = client.get(reverse("reviews:functional_test", args=[application.pk]))
    assert page.status_code == 200
    assert 'name="request_test"' not in text_of(page)
    response = file_functional_test(client, application, {"balance": "잔액"})
    assert "수정할 수 없습니다" in text_of(response)
    application.refresh_from_db()
    assert application.state == State.APPROVED
    assert not FunctionalTestRound.objects.exists()


def test_staff_file_download_needs_an_mfa_session(check):
    doc = check.documents.get()
    url = reverse("reviews:check_document", args=[doc.pk])
    staff = StaffFactory()
    no_mfa = Client()
    no_mfa.force_login(staff)
    assert no_mfa.get(url).status_code == 404
    from .conftest import mfa_client

    assert mfa_client(staff).get(url).status_code == 200


def test_checklist_evidence_is_served_only_to_the_institution_and_staff(
    applicant_client, other_client, staff, staff_client, member
):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.APPROVED
    )
    functional_test.save_request(
        application=application,
        by=member.user,
        test_build="https://t",
        functions={"balance": "잔액"},
    )
    round_ = functional_test.request_test(application=application, by=member.user)
    item = round_.items.get()
    functional_test.record_item(
        item=item,
        by=staff,
        result=ItemResult.FAILED,
        note="응답 오류",
        evidence=upload("화면.png", b"PNG"),
    )
    item.refresh_from_db()
    assert item.evidence.name.startswith("reviews/")
    assert "화면" not in item.evidence.name  # stored under a random name
    url = reverse("reviews:checklist_evidence", args=[item.pk])
    assert b"".join(applicant_client.get(url).streaming_content) == b"PNG"
    assert staff_client.get(url).status_code == 200
    assert other_client.get(url).status_code == 404


def test_staff_without_advance_permission_cannot_judge(check):
    from openbanking_portal.errors import NotAllowed

    clerk = StaffFactory(with_role=False)
    with pytest.raises(NotAllowed):
        security_check.accept_check(check=check, by=clerk)
    assert SecurityCheck.objects.get(pk=check.pk).status == CheckStatus.APPLIED
