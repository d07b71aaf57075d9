"""Issue 9: every admin changelist and change page costs the same number of SQL queries whatever the
data size. Each page is measured with one set of cases (an application in review, a signed contract,
a security check, a sub-merchant, an invoice, notices) and again with three more sets."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.audit import log_action
from applications.models import State

from .conftest import mfa_client
from .factories import ApplicationFactory, MembershipFactory, StaffFactory
from .test_authorization_matrix import add_later_steps

pytestmark = pytest.mark.django_db


def add_cases(django_capture_on_commit_callbacks):
    owner = MembershipFactory()
    application = ApplicationFactory(
        institution=owner.institution, created_by=owner.user, state=State.SUBMITTED
    )
    with django_capture_on_commit_callbacks(execute=True):  # the notices go out too
        log_action(action="application.submitted", actor=owner.user, application=application)
        add_later_steps(owner, application)


def admin_pages():
    """Every registered model's changelist, and the change page of its first object."""
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{name}_changelist")
        first = model_admin.get_queryset(_superuser_request()).order_by("pk").first()
        if first is not None:
            yield reverse(f"{name}_change", args=[first.pk])


def _superuser_request():
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = StaffFactory.build(is_superuser=True)
    return request


def query_counts(client, urls) -> dict[str, int]:
    counts = {}
    for url in urls:
        client.get(url)  # warm the session, permission and unread-notice caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[url] = len(ctx.captured_queries)
    return counts


def test_admin_pages_cost_the_same_queries_with_more_data(django_capture_on_commit_callbacks):
    client = mfa_client(StaffFactory(is_superuser=True))
    add_cases(django_capture_on_commit_callbacks)
    urls = list(admin_pages())
    small = query_counts(client, urls)
    for _ in range(3):
        add_cases(django_capture_on_commit_callbacks)
    large = query_counts(client, urls)
    grew = {url: (small[url], large[url]) for url in urls if large[url] != small[url]}
    assert not grew, grew
    assert len(urls) > 40


def grow_institution(owner, *, month: int) -> None:
    import datetime

    from operations.models import SubMerchant

    from .factories import valid_brn
    from .operations_factories import DailyUsageFactory, overdue_invoice

    institution = owner.institution
    SubMerchant.objects.create(
        institution=institution,
        name=f"하위사업자 {month}",
        business_registration_number=valid_brn(),
        business_description="온라인 쇼핑몰",
        submitted_by=owner.user,
    )
    day = datetime.date(2026, month, 1)
    overdue_invoice(institution, day, due_on=day + datetime.timedelta(days=30))
    DailyUsageFactory(institution=institution, day=day)


def applicant_pages(ids):
    """Every portal page and API endpoint the applicant can open (200), with its own objects' ids."""
    from .test_authorization_matrix import all_concrete_urls

    for route, url in all_concrete_urls(ids):
        if not route.startswith(("admin/", "static/", "media/", "i18n/", "accounts/")):
            yield url


def test_applicant_pages_and_api_cost_the_same_queries_with_more_data(
    django_capture_on_commit_callbacks,
):
    from rest_framework.test import APIClient

    from .test_authorization_matrix import world_ids

    owner = MembershipFactory()
    application = ApplicationFactory(
        institution=owner.institution, created_by=owner.user, state=State.SUBMITTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        log_action(action="application.submitted", actor=owner.user, application=application)
        add_later_steps(owner, application)
    client = APIClient()
    client.force_login(owner.user)
    urls = []
    for url in dict.fromkeys(applicant_pages(world_ids(application))):
        if client.get(url).status_code == 200:
            urls.append(url)
    small = query_counts(client, urls)
    for k in range(3):  # more of everything, for the same applicant and the same institution
        more = MembershipFactory(user=owner.user)
        grown = ApplicationFactory(
            institution=more.institution, created_by=owner.user, state=State.SUBMITTED
        )
        with django_capture_on_commit_callbacks(execute=True):
            log_action(action="application.submitted", actor=owner.user, application=grown)
            log_action(action="application.edited", actor=owner.user, application=application)
            add_later_steps(more, grown)
        grow_institution(owner, month=k + 2)
    large = query_counts(client, urls)
    grew = {url: (small[url], large[url]) for url in urls if large[url] != small[url]}
    assert not grew, grew
    assert len(urls) > 25, urls
