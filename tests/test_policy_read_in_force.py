"""Several policies read in one query for the rest of a request (policies.services.read_in_force)."""

import datetime

import pytest
from django.utils import timezone

from policies import memo
from policies.models import PolicyKind, PolicyVersion
from policies.services import read_in_force

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def request_memo():
    token = memo._memo.set({})
    yield
    memo._memo.reset(token)


def version(kind, days_from_today, data):
    return PolicyVersion.objects.create(
        kind=kind, effective_from=TODAY + datetime.timedelta(days=days_from_today), data=data
    )


def test_the_versions_in_force_come_from_one_query(request_memo, django_assert_num_queries):
    in_force = version(PolicyKind.SIZE_CLASS, -1, {"large_capital_krw": 1})
    version(PolicyKind.SIZE_CLASS, 1, {"large_capital_krw": 2})  # not yet in force
    with django_assert_num_queries(1):
        read_in_force(PolicyKind.SIZE_CLASS, PolicyKind.REVIEW_TARGETS, PolicyKind.CALENDAR)
    with django_assert_num_queries(0):
        assert PolicyVersion.objects.in_force(PolicyKind.SIZE_CLASS).pk == in_force.pk
        assert PolicyVersion.objects.in_force(PolicyKind.REVIEW_TARGETS).data
        with pytest.raises(PolicyVersion.DoesNotExist):  # no calendar adjustment was ever set
            PolicyVersion.objects.in_force(PolicyKind.CALENDAR)


def test_the_same_versions_as_one_read_each(request_memo):
    version(PolicyKind.REVIEW_TARGETS, 0, {"approval_business_days": 3})
    kinds = [PolicyKind.SIZE_CLASS, PolicyKind.REVIEW_TARGETS, PolicyKind.FEES]
    one_each = [PolicyVersion.objects.in_force(kind).pk for kind in kinds]
    memo.forget()
    read_in_force(*kinds)
    assert [PolicyVersion.objects.in_force(kind).pk for kind in kinds] == one_each


def test_a_version_saved_later_in_the_request_is_seen(request_memo):
    read_in_force(PolicyKind.SIZE_CLASS)
    newer = version(PolicyKind.SIZE_CLASS, 0, {"large_capital_krw": 3})
    assert PolicyVersion.objects.in_force(PolicyKind.SIZE_CLASS).pk == newer.pk


def test_outside_a_request_nothing_is_read(django_assert_num_queries):
    with django_assert_num_queries(0):
        read_in_force(PolicyKind.SIZE_CLASS)
