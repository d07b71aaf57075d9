"""SLA: overdue checks and rounds first for staff, durations from the `review_targets` policy;
pinned query counts of the applicant, agency and admin pages of steps 2-3."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, State
from policies.models import PolicyKind, PolicyVersion
from reviews import functional_test, security_check
from reviews.models import CheckKind, FunctionalTestRound, ItemResult, SecurityCheck
from reviews.sla import review_targets

from .conftest import text_of
from .factories import ApplicationFactory, MembershipFactory
from .reviews_support import (
    AgencyFactory,
    agency_client,
    private_media,  # noqa: F401 (autouse fixture)
    upload,
)

pytestmark = pytest.mark.django_db


def check_applied_days_ago(days: int, *, kind=CheckKind.INSTITUTION, accepted=False, agency=None):
    membership = MembershipFactory()
    application = ApplicationFactory(
        institution=membership.institution,
        created_by=membership.user,
        state=State.SECURITY_CHECK,
    )
    today = datetime.date.today()
    check = security_check.apply_for_check(
        application=application,
        by=membership.user,
        kind=kind,
        agency=agency or AgencyFactory(),
        agreed_start=today,
        agreed_end=today,
        deliverables=[upload()],
    )
    if accepted:
        from .factories import StaffFactory

        staff = StaffFactory()
        security_check.start_check(check=check, by=staff)
        security_check.submit_result(check=check, by=staff, summary="이상 없음")
        security_check.accept_check(check=check, by=staff)
    SecurityCheck.objects.filter(pk=check.pk).update(
        applied_at=timezone.now() - datetime.timedelta(days=days)
    )
    return check


def listed(response) -> list[int]:
    return [obj.pk for obj in response.context["cl"].result_list]


def test_default_targets_when_the_policy_does_not_say():
    assert review_targets().security_check_days == 60
    assert review_targets().functional_test_days == 14


def test_staff_see_overdue_security_checks_first(staff_client):
    accepted_long_ago = check_applied_days_ago(100, accepted=True)
    overdue = check_applied_days_ago(61)
    recent = check_applied_days_ago(1)
    response = staff_client.get(reverse("admin:reviews_securitycheck_changelist"))
    assert listed(response) == [overdue.pk, accepted_long_ago.pk, recent.pk]
    assert text_of(response).count('alt="True"') == 1  # one overdue flag


def test_a_shorter_policy_target_makes_more_checks_overdue(staff_client):
    waiting = check_applied_days_ago(40)
    accepted = check_applied_days_ago(100, accepted=True)
    response = staff_client.get(reverse("admin:reviews_securitycheck_changelist"))
    assert listed(response) == [accepted.pk, waiting.pk]  # none overdue: oldest first
    PolicyVersion.objects.create(
        kind=PolicyKind.REVIEW_TARGETS,
        effective_from=timezone.localdate(),
        data={"approval_business_days": 5, "security_check_days": 30},
    )
    assert review_targets().security_check_days == 30
    response = staff_client.get(reverse("admin:reviews_securitycheck_changelist"))
    assert listed(response) == [waiting.pk, accepted.pk]


def round_opened_days_ago(days: int, *, outcome: str = "open") -> FunctionalTestRound:
    membership = MembershipFactory()
    application = ApplicationFactory(
        institution=membership.institution, created_by=membership.user, state=State.APPROVED
    )
    functional_test.save_request(
        application=application,
        by=membership.user,
        test_build="https://t",
        functions={"balance": "잔액"},
    )
    round_ = functional_test.request_test(application=application, by=membership.user)
    FunctionalTestRound.objects.filter(pk=round_.pk).update(
        outcome=outcome, opened_at=timezone.now() - datetime.timedelta(days=days)
    )
    return round_


def test_staff_see_overdue_functional_test_rounds_first(staff_client):
    rounds = [round_opened_days_ago(30, outcome="failed"), *map(round_opened_days_ago, (20, 2))]
    closed_long_ago, overdue, recent = rounds
    response = staff_client.get(reverse("admin:reviews_functionaltestround_changelist"))
    assert listed(response) == [overdue.pk, closed_long_ago.pk, recent.pk]


# --- pinned query counts ------------------------------------------------------------------------


def test_functional_test_page_queries_do_not_grow_with_rounds(
    applicant_client, member, staff, django_assert_num_queries
):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.APPROVED
    )
    functional_test.save_request(
        application=application,
        by=member.user,
        test_build="https://t",
        functions={"balance": "잔액", "withdraw": "출금", "deposit": "입금"},
    )
    for _ in range(3):
        round_ = functional_test.request_test(application=application, by=member.user)
        for item in round_.items.all():
            functional_test.record_item(item=item, by=staff, result=ItemResult.FAILED, note="x")
        functional_test.fail_round(round_=round_, by=staff)
    url = reverse("reviews:functional_test", args=[application.pk])
    with django_assert_num_queries(11):  # incl. the header's unread-notice count
        response = applicant_client.get(url)
    assert text_of(response).count("data-round=") == 3


def test_security_check_page_queries_are_pinned(
    applicant_client, member, staff, django_assert_num_queries
):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.SECURITY_CHECK
    )
    today = datetime.date.today()
    for kind in CheckKind.values:
        check = security_check.apply_for_check(
            application=application,
            by=member.user,
            kind=kind,
            agency=AgencyFactory(),
            agreed_start=today,
            agreed_end=today,
            deliverables=[upload(), upload()],
        )
        security_check.start_check(check=check, by=staff)
        for n in range(3):
            security_check.add_finding(
                check=check, by=staff, title=f"항목{n}", severity="low", deficient=True
            )
        security_check.submit_result(check=check, by=staff, summary="결과")
        security_check.request_remediation(check=check, by=staff)
    url = reverse("reviews:security_check", args=[application.pk])
    with django_assert_num_queries(9):  # incl. the header's unread-notice count
        response = applicant_client.get(url)
    assert text_of(response).count("조치 결과 제출") == 2


def test_agency_pages_queries_are_pinned(django_assert_num_queries):
    agency = AgencyFactory()
    checks = [check_applied_days_ago(1, agency=agency) for _ in range(4)]
    client = agency_client(agency)
    with django_assert_num_queries(4):  # incl. the header's unread-notice count
        response = client.get(reverse("reviews:agency_checks"))
    assert all(c.application.reference in text_of(response) for c in checks)
    with django_assert_num_queries(5):  # the unread-notice count is cached by now
        client.get(reverse("reviews:agency_check", args=[checks[0].pk]))


@pytest.mark.parametrize("checks", [3, 9])
def test_admin_changelists_queries_are_pinned(staff_client, checks, django_assert_num_queries):
    for k in range(checks):
        check_applied_days_ago((1, 70, 3)[k % 3])
    # the review-targets policy is read once per request, not once per row
    with django_assert_num_queries(10):
        staff_client.get(reverse("admin:reviews_securitycheck_changelist"))


def test_work_no_longer_waiting_is_not_overdue(staff_client):
    check = check_applied_days_ago(90)
    Application.objects.filter(pk=check.application_id).update(state=State.WITHDRAWN)
    response = staff_client.get(reverse("admin:reviews_securitycheck_changelist"))
    assert not response.context["cl"].result_list[0].is_overdue
