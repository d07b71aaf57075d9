"""A new policy version changes the answer from its effective date on, and the answer says which applied."""

import copy
import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from policies.models import PolicyKind, PolicyVersion

from .conftest import text_of

SELF_CERTIFICATION_URL = "/api/v1/scoring/self-certification/"
CENTRE_GUARANTEE_URL = "/api/v1/scoring/centre-guarantee/"

# §6.1: A 20 · capital 30억 2 · revenue 5억 0 · 4 years 7 · 10만 members 10 · financial company 10
# · AML 10 · complaints 10 = 69 points, allowed under the initial pass mark of 60.
PROFILE = {
    "credit_rating": "A",
    "paid_in_capital_krw": 3_000_000_000,
    "annual_revenue_krw": 500_000_000,
    "business_years": "4",
    "service_years": "1",
    "members": 100_000,
    "annual_transactions": 0,
    "qualifications": ["financial_company"],
    "aml_system": True,
    "complaint_system": True,
    "account_ownership_verification": True,
    "vulnerability_deficiencies": 0,
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def new_version(kind, change, *, days_ago=0):
    current = PolicyVersion.objects.in_force(kind)
    data = copy.deepcopy(current.data)
    change(data)
    return PolicyVersion.objects.create(
        kind=kind,
        effective_from=timezone.localdate() - datetime.timedelta(days=days_ago),
        data=data,
        note="이사회 의결",
    )


def test_initial_versions_are_loaded_from_domain(client):
    answer = client.post(SELF_CERTIFICATION_URL, PROFILE, content_type="application/json").json()
    initial = PolicyVersion.objects.get(kind=PolicyKind.SELF_CERTIFICATION)
    assert answer["policy_version"] == {"id": initial.pk, "effective_from": "2019-12-18"}
    assert (answer["total"], answer["allowed"]) == (69, True)


def test_a_higher_pass_mark_in_force_refuses_what_was_allowed(client):
    def raise_pass_mark(data):
        data["pass_mark"] = 70

    version = new_version(PolicyKind.SELF_CERTIFICATION, raise_pass_mark, days_ago=3)
    answer = client.post(SELF_CERTIFICATION_URL, PROFILE, content_type="application/json").json()
    assert (answer["total"], answer["pass_mark"], answer["allowed"]) == (69, 70, False)
    assert answer["policy_version"] == {
        "id": version.pk,
        "effective_from": version.effective_from.isoformat(),
    }


def test_new_band_values_change_the_points(client):
    def richer_capital_band(data):
        (capital,) = [i for i in data["items"] if i["code"] == "paid_in_capital"]
        capital["bands"] = [[0, 0], [1_000_000_000, 5], [10_000_000_000, 10]]

    new_version(PolicyKind.SELF_CERTIFICATION, richer_capital_band)
    answer = client.post(SELF_CERTIFICATION_URL, PROFILE, content_type="application/json").json()
    (capital,) = [i for i in answer["items"] if i["code"] == "paid_in_capital"]
    assert capital == {"code": "paid_in_capital", "label": "납입자본금", "points": 5, "max": 10}
    assert answer["total"] == 72


def test_a_version_effective_tomorrow_does_not_apply_yet(client):
    PolicyVersion.objects.create(
        kind=PolicyKind.SELF_CERTIFICATION,
        effective_from=timezone.localdate() + datetime.timedelta(days=1),
        data={
            **PolicyVersion.objects.in_force(PolicyKind.SELF_CERTIFICATION).data,
            "pass_mark": 95,
        },
    )
    answer = client.post(SELF_CERTIFICATION_URL, PROFILE, content_type="application/json").json()
    assert (answer["pass_mark"], answer["allowed"]) == (60, True)
    assert answer["policy_version"]["effective_from"] == "2019-12-18"


def test_new_guarantee_rate_bands_change_the_rate(client):
    before = client.post(CENTRE_GUARANTEE_URL, PROFILE, content_type="application/json").json()
    # Deductions A 20 · capital 30억 5 · 4 years 7 · 10만 members 5 · financial company 0 = 37.
    assert (before["composite"], before["guarantee_rate_percent"]) == (-37, 200)

    def stricter_rates(data):
        data["rate_bands"] = [[None, 120], [-30, 220], [60, 320]]

    version = new_version(PolicyKind.CENTRE_GUARANTEE, stricter_rates, days_ago=1)
    after = client.post(CENTRE_GUARANTEE_URL, PROFILE, content_type="application/json").json()
    assert (after["composite"], after["guarantee_rate_percent"]) == (-37, 120)
    assert after["policy_version"]["id"] == version.pk != before["policy_version"]["id"]


def test_calculator_page_reports_the_version_in_force():
    def raise_pass_mark(data):
        data["pass_mark"] = 70

    version = new_version(PolicyKind.SELF_CERTIFICATION, raise_pass_mark, days_ago=2)
    form = {k: v for k, v in PROFILE.items() if v is not False}
    form = {k: ("on" if v is True else v) for k, v in form.items()}
    page = text_of(Client().post("/contracts/calculator/", form))
    assert "자체인증 불가" in page
    assert f"평가 기준: {version.effective_from:%Y-%m-%d} 시행" in page
    assert "평가 기준: 2019-12-18 시행" in page  # the guarantee policy has not changed
