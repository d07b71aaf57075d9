"""Staff edit board-set policy only by adding versions; a broken scoring table is refused with a reason."""

import datetime

import pytest
from django.urls import reverse

from policies.models import PolicyVersion

pytestmark = pytest.mark.django_db


def test_version_in_use_cannot_be_edited_or_deleted(staff_client):
    in_use = PolicyVersion.objects.in_force("size_class")
    response = staff_client.post(
        reverse("admin:policies_policyversion_change", args=[in_use.pk]),
        {
            "kind": "size_class",
            "effective_from": "2019-12-18",
            "data": '{"large_capital_krw": 1}',
            "note": "x",
        },
    )
    assert response.status_code == 403
    assert (
        staff_client.post(
            reverse("admin:policies_policyversion_delete", args=[in_use.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    in_use.refresh_from_db()
    assert in_use.data == {"large_capital_krw": 2_000_000_000}


def test_new_version_starts_from_the_one_in_use_and_takes_effect_on_its_date(staff_client, staff):
    in_use = PolicyVersion.objects.in_force("size_class")
    page = staff_client.get(reverse("admin:policies_policyversion_add") + f"?copy_from={in_use.pk}")
    assert "2000000000" in page.content.decode()
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = staff_client.post(
        reverse("admin:policies_policyversion_add"),
        {
            "kind": "size_class",
            "effective_from": tomorrow.isoformat(),
            "data": '{"large_capital_krw": 3000000000}',
            "note": "이사회 의결",
        },
    )
    assert response.status_code == 302
    assert PolicyVersion.objects.in_force("size_class").pk == in_use.pk
    assert PolicyVersion.objects.in_force("size_class", tomorrow).data == {
        "large_capital_krw": 3_000_000_000
    }
    assert PolicyVersion.objects.get(effective_from=tomorrow, kind="size_class").created_by == staff


def test_broken_scoring_table_is_refused(staff_client):
    response = staff_client.post(
        reverse("admin:policies_policyversion_add"),
        {
            "kind": "self_certification",
            "effective_from": "2030-01-01",
            "data": '{"items": "nonsense"}',
            "note": "x",
        },
    )
    assert response.status_code == 200
    assert "정책 값 오류" in response.content.decode()
    assert not PolicyVersion.objects.filter(effective_from="2030-01-01").exists()


def test_a_request_reads_each_policy_once_and_sees_a_version_saved_during_it(
    db, rf, django_assert_num_queries
):
    from django.http import HttpResponse
    from django.utils import timezone

    from policies.memo import PolicyMemoMiddleware

    seen = []

    def view(request):
        with django_assert_num_queries(1):
            first = PolicyVersion.objects.in_force("review_targets")
            again = PolicyVersion.objects.in_force("review_targets")
        again.data["changed_by_a_caller"] = True  # a caller's change stays its own
        assert "changed_by_a_caller" not in PolicyVersion.objects.in_force("review_targets").data
        PolicyVersion.objects.create(
            kind="review_targets",
            effective_from=timezone.localdate(),
            data={**first.data, "approval_business_days": 99},
        )
        seen.append(PolicyVersion.objects.in_force("review_targets").data["approval_business_days"])
        return HttpResponse()

    PolicyMemoMiddleware(view)(rf.get("/"))
    assert seen == [99]
    # Outside a request nothing is remembered: every call reads the database.
    with django_assert_num_queries(2):
        PolicyVersion.objects.in_force("review_targets")
        PolicyVersion.objects.in_force("review_targets")
