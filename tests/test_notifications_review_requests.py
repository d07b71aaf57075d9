"""Issue 10 item 4 — an applicant's functional-test request and security-check application reach
the staff who handle them, with a link to the admin page of the work; nobody else hears of it."""

import pytest
from django.urls import reverse

from applications.models import State
from notifications.models import Category, Notice
from reviews.models import CheckKind, SecurityCheck

from .conftest import mfa_client
from .factories import ApplicationFactory, StaffFactory
from .reviews_support import (
    AgencyFactory,
    apply_for_check,
    file_functional_test,
    private_media,  # noqa: F401  (autouse fixture)
)

pytestmark = pytest.mark.django_db


def test_a_functional_test_request_reaches_the_reviewing_staff(
    applicant_client, member, staff, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.APPROVED
    )
    bystander = StaffFactory(with_role=False)
    with django_capture_on_commit_callbacks(execute=True):
        file_functional_test(applicant_client, application, {"balance": "잔액 조회"})
    notice = Notice.objects.get(category=Category.REQUEST_RECEIVED)
    assert notice.recipient == staff and application.reference in notice.subject
    changelist = reverse("admin:reviews_functionaltestround_changelist")
    assert notice.link == f"{changelist}?application__id__exact={application.pk}"
    page = mfa_client(staff).get(reverse("notifications:open", args=[notice.pk]), follow=True)
    assert page.status_code == 200 and application.reference in page.content.decode()
    assert not Notice.objects.filter(recipient=bystander).exists()
    assert not Notice.objects.filter(recipient=member.user, category=Category.REQUEST_RECEIVED)


def test_a_security_check_application_reaches_the_reviewing_staff(
    applicant_client, member, staff, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.SECURITY_CHECK
    )
    with django_capture_on_commit_callbacks(execute=True):
        apply_for_check(applicant_client, application, CheckKind.VULNERABILITY, AgencyFactory())
    check = SecurityCheck.objects.get(application=application)
    notice = Notice.objects.get(category=Category.REQUEST_RECEIVED, recipient=staff)
    assert notice.link == reverse("admin:reviews_securitycheck_change", args=[check.pk])
    opened = mfa_client(staff).get(reverse("notifications:open", args=[notice.pk]))
    assert opened["Location"] == notice.link
