"""Screening rules are versioned data: a new version changes the outcome without code, and a version
in use is frozen so each stored result is explained by the rules it ran with."""

import copy
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import ScreeningResult, ScreeningRuleSet, State
from applications.screening import run_screening

from .conftest import mfa_client, text_of
from .factories import ApplicationFactory, StaffFactory
from .online_application import complete_details

pytestmark = pytest.mark.django_db


def test_the_rule_set_in_force_on_the_day_is_used_and_recorded():
    seed = ScreeningRuleSet.objects.in_force()
    rules = copy.deepcopy(seed.rules)
    rules["exclusions"].append({"code": "pawn", "label": "전당포", "keywords": ["전당포"]})
    newer = ScreeningRuleSet.objects.create(
        version="2026.11", effective_from=timezone.localdate(), rules=rules
    )
    application = ApplicationFactory(state=State.SUBMITTED)
    complete_details(application, business_model="전당포 담보 관리 앱")

    before = run_screening(
        application=application, trigger="manual", on=timezone.localdate() - datetime.timedelta(1)
    )
    after = run_screening(application=application, trigger="manual")
    assert before.ruleset == seed and not before.flagged
    assert after.ruleset == newer and after.flagged
    assert [h["rule"] for h in after.result["exclusion_hits"]] == ["exclusion.pawn"]
    assert ScreeningResult.objects.filter(application=application).count() == 2


def test_a_rule_set_in_use_is_read_only_in_the_admin_and_a_future_one_is_editable():
    admin = mfa_client(StaffFactory(is_superuser=True))
    seed = ScreeningRuleSet.objects.in_force()
    page = text_of(admin.get(reverse("admin:applications_screeningruleset_change", args=[seed.pk])))
    assert 'name="rules"' not in page
    future = ScreeningRuleSet.objects.create(
        version="2099.01", effective_from=datetime.date(2099, 1, 1), rules={}
    )
    page = text_of(
        admin.get(reverse("admin:applications_screeningruleset_change", args=[future.pk]))
    )
    assert 'name="rules"' in page


def test_the_seed_comes_back_in_a_flushed_database():
    ScreeningRuleSet.objects.all().delete()
    ruleset = ScreeningRuleSet.objects.in_force()
    assert ruleset.version == "2019.12"
    assert {i["code"] for i in ruleset.rules["excluded_services"]} == {
        "withdrawal_agency",
        "payment_collection",
    }


@pytest.mark.parametrize(
    "rules,problem",
    [
        ([], "JSON 객체"),
        ({"exclusions": [], "excluded_services": []}, "'bases'"),
        (
            {"bases": {"bank": {}}, "exclusions": [], "excluded_services": []},
            "bases.bank: 'label'",
        ),
        (
            {
                "bases": {"x": {"label": "x", "requires_industry_in": "nope"}},
                "exclusions": [],
                "excluded_services": [],
            },
            "'nope' 목록이 없습니다",
        ),
        (
            {
                "bases": {"bank": {"label": "은행"}},
                "exclusions": [{"code": "a", "label": "A"}, {"code": "a", "label": "B"}],
                "excluded_services": [],
            },
            "서로 다른 'code'",
        ),
        (
            {
                "bases": {"bank": {"label": "은행"}},
                "exclusions": [{"code": "a", "label": "A", "keywords": "도박"}],
                "excluded_services": [],
            },
            "'keywords' 목록",
        ),
    ],
)
def test_a_rule_set_the_engine_cannot_run_is_refused_with_the_reason(rules, problem):
    from django.core.exceptions import ValidationError

    ruleset = ScreeningRuleSet(version="bad", effective_from=datetime.date(2099, 1, 1), rules=rules)
    with pytest.raises(ValidationError) as refused:
        ruleset.full_clean()
    assert problem in str(refused.value)


def test_the_seed_rule_set_is_valid():
    ScreeningRuleSet.objects.in_force().full_clean()


def test_the_admin_refuses_broken_rules_next_to_the_field():
    admin = mfa_client(StaffFactory(is_superuser=True))
    response = admin.post(
        reverse("admin:applications_screeningruleset_add"),
        {"version": "2099.1", "effective_from": "2099-01-01", "rules": "[]", "note": ""},
    )
    assert response.status_code == 200
    assert "JSON 객체" in text_of(response)
    assert not ScreeningRuleSet.objects.filter(version="2099.1").exists()
