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
