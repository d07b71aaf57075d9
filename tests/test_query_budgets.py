"""Pages keep a fixed number of SQL queries whatever the data size (pinned at two sizes)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from rest_framework.test import APIClient

from applications.audit import log_action
from applications.models import State

from .factories import ApplicationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def grow(member, n):
    """n more institutions of the same user, each with an application and a few audit entries."""
    for _ in range(n):
        m = MembershipFactory(user=member.user)
        app = ApplicationFactory(
            institution=m.institution, created_by=member.user, state=State.SUBMITTED
        )
        for action in ("application.created", "application.submitted", "application.edited"):
            log_action(action=action, actor=member.user, application=app, to_state="submitted")


PAGES = {
    # each portal page counts the header's unread notices once (notifications.context_processors)
    # the agency check runs only for a user without institutions
    "dashboard": (lambda app: reverse("dashboard"), 5),
    "application_detail": (lambda app: reverse("application_detail", args=[app.pk]), 7),
}


@pytest.mark.parametrize("size", [1, 8])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_applicant_pages_have_a_fixed_query_count(
    page, size, applicant_client, member, application, django_assert_num_queries
):
    grow(member, size)
    url, budget = PAGES[page]
    for _ in range(size):
        log_action(action="application.edited", actor=member.user, application=application)
    with django_assert_num_queries(budget):
        assert applicant_client.get(url(application)).status_code == 200


ADMIN_PAGES = {
    # filtered changelists count the filtered rows only (show_full_result_count off)
    "changelist": (
        lambda app: reverse("admin:applications_application_changelist") + "?step=approval",
        7,
    ),
    "changelist_size": (
        lambda app: (
            reverse("admin:applications_application_changelist") + "?size_class=small_medium"
        ),
        8,
    ),
    # the change page loads the application once, with its institution and author (transitions
    # listed in render_change_form)
    "change": (lambda app: reverse("admin:applications_application_change", args=[app.pk]), 8),
    "audit_changelist": (lambda app: reverse("admin:applications_auditentry_changelist"), 11),
}


@pytest.mark.parametrize("size", [1, 8])
@pytest.mark.parametrize("page", sorted(ADMIN_PAGES))
def test_admin_pages_have_a_fixed_query_count(
    page, size, staff_client, member, application, django_assert_num_queries
):
    grow(member, size)
    for _ in range(size):
        log_action(action="application.edited", actor=member.user, application=application)
    ContentType.objects.clear_cache()
    url, budget = ADMIN_PAGES[page]
    with django_assert_num_queries(budget):
        assert staff_client.get(url(application)).status_code == 200


API = {
    "applications": ("/api/v1/applications/", 1),
    "institutions": ("/api/v1/institutions/", 3),
}


@pytest.mark.parametrize("size", [1, 8])
@pytest.mark.parametrize("endpoint", sorted(API))
def test_api_lists_have_a_fixed_query_count(
    endpoint, size, member, application, django_assert_num_queries
):
    grow(member, size)
    client = APIClient()
    client.force_authenticate(member.user)
    url, budget = API[endpoint]
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_api_application_detail_with_timeline_has_a_fixed_query_count(
    size, member, application, django_assert_num_queries
):
    for _ in range(size):
        log_action(action="application.edited", actor=member.user, application=application)
    client = APIClient()
    client.force_authenticate(member.user)
    with django_assert_num_queries(2):
        assert client.get(f"/api/v1/applications/{application.pk}/").status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_api_token_requests_write_last_used_once_a_minute(
    size, member, application, django_assert_num_queries
):
    """A token's last use is stored on its first call, not again on every read within the minute."""
    from integrations.models import ApiToken
    from integrations.tokens import issue_token

    for _ in range(size):
        log_action(action="application.edited", actor=member.user, application=application)
    token, key = issue_token(institution=member.institution, by=member.user, name="budget")
    client = APIClient()
    url = f"/api/v1/applications/{application.pk}/"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    # token with its membership check + last-use write + application + timeline
    with django_assert_num_queries(4):
        assert client.get(url, **headers).status_code == 200
    first_use = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first_use is not None
    with django_assert_num_queries(3):
        assert client.get(url, **headers).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first_use


def grow_operations(member, n):
    """n more sub-merchants, usage days and invoices of the member's institution."""
    import datetime

    from operations.models import SubMerchant

    from .factories import valid_brn
    from .operations_factories import DailyUsageFactory, overdue_invoice

    for k in range(n):
        SubMerchant.objects.create(
            institution=member.institution,
            name=f"하위사업자 {k}",
            business_registration_number=valid_brn(),
            business_description="온라인 쇼핑몰",
            submitted_by=member.user,
        )
        DailyUsageFactory(institution=member.institution, day=datetime.date(2026, 9, 1 + k))
        overdue_invoice(
            member.institution,
            datetime.date(2025, 1 + k, 1),
            due_on=datetime.date(2026, 1, 1),
        )


OPERATIONS_API = {
    "sub-merchants": ("/api/v1/sub-merchants/", 1),
    "usage": ("/api/v1/usage/?month=2026-09", 1),
    "invoices": ("/api/v1/invoices/", 2),  # + the lines (one prefetch)
}


@pytest.mark.parametrize("size", [1, 8])
@pytest.mark.parametrize("endpoint", sorted(OPERATIONS_API))
def test_api_operations_lists_have_a_fixed_query_count(
    endpoint, size, member, application, django_assert_num_queries
):
    grow_operations(member, size)
    client = APIClient()
    client.force_authenticate(member.user)
    url, budget = OPERATIONS_API[endpoint]
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.json()) == size
