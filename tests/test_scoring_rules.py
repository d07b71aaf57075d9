"""Properties of the pure scoring rules (DOMAIN §6.1, §6.2) under the policy data the portal starts with."""

import copy
import dataclasses
import importlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.scoring import (
    CREDIT_RATINGS,
    QUALIFICATIONS,
    ScoringProfile,
    evaluate_centre_guarantee,
    evaluate_self_certification,
    guarantee_rate,
    policy_problems,
    score_item,
)

_initial = importlib.import_module("policies.migrations.0005_scoring_policies")
SELF_CERTIFICATION = _initial.SELF_CERTIFICATION
CENTRE_GUARANTEE = _initial.CENTRE_GUARANTEE

money = st.integers(min_value=0, max_value=10**13)
years = st.decimals(min_value=0, max_value=60, places=2)
counts = st.integers(min_value=0, max_value=10**8)

profiles = st.builds(
    ScoringProfile,
    credit_rating=st.sampled_from(CREDIT_RATINGS),
    paid_in_capital_krw=money,
    annual_revenue_krw=money,
    business_years=years,
    service_years=years,
    members=counts,
    annual_transactions=counts,
    qualifications=st.frozensets(st.sampled_from(list(QUALIFICATIONS))),
    aml_system=st.booleans(),
    complaint_system=st.booleans(),
    account_ownership_verification=st.booleans(),
    vulnerability_deficiencies=st.integers(min_value=0, max_value=50),
)


def documented_rate(composite: int) -> int:
    """DOMAIN §6.2 as written: ≤ −100 → 100 · −99…−51 → 150 · −50…50 → 200 · 51…99 → 250 · ≥ 100 → 300."""
    if composite <= -100:
        return 100
    if composite <= -51:
        return 150
    if composite <= 50:
        return 200
    if composite <= 99:
        return 250
    return 300


def better(profile: ScoringProfile, data) -> ScoringProfile:
    """The same institution, stronger in one respect (more of a number, a better grade, ...)."""
    field = data.draw(
        st.sampled_from(
            [
                "paid_in_capital_krw",
                "annual_revenue_krw",
                "business_years",
                "service_years",
                "members",
                "annual_transactions",
                "credit_rating",
                "qualifications",
                "aml_system",
                "complaint_system",
                "account_ownership_verification",
                "vulnerability_deficiencies",
            ]
        )
    )
    value = getattr(profile, field)
    if field.endswith("_years"):
        new = value + data.draw(years)
    elif field == "credit_rating":
        new = data.draw(st.sampled_from(CREDIT_RATINGS[: CREDIT_RATINGS.index(value) + 1]))
    elif field == "qualifications":
        new = value | data.draw(st.frozensets(st.sampled_from(list(QUALIFICATIONS))))
    elif isinstance(value, bool):
        new = True
    elif field == "vulnerability_deficiencies":
        new = data.draw(st.integers(min_value=0, max_value=value))
    else:
        new = value + data.draw(counts)
    return dataclasses.replace(profile, **{field: new})


@given(profiles)
def test_self_certification_total_is_the_sum_of_items_within_0_to_100(profile):
    result = evaluate_self_certification(profile, SELF_CERTIFICATION)
    assert result.total == sum(i.points for i in result.items)
    assert 0 <= result.total <= 100
    assert all(0 <= i.points <= i.max for i in result.items)
    assert sum(i.max for i in result.items) == 100


@given(profiles)
def test_allowed_exactly_at_60_points_with_an_aml_system(profile):
    result = evaluate_self_certification(profile, SELF_CERTIFICATION)
    assert result.allowed == (result.total >= 60 and profile.aml_system)


@given(profiles)
def test_no_aml_system_is_never_allowed_whatever_else(profile):
    result = evaluate_self_certification(
        dataclasses.replace(profile, aml_system=False), SELF_CERTIFICATION
    )
    assert not result.allowed
    assert result.refused_by == ("aml_system",)


@given(profiles, st.data())
def test_a_stronger_institution_never_scores_less(profile, data):
    stronger = better(profile, data)
    weak = evaluate_self_certification(profile, SELF_CERTIFICATION)
    strong = evaluate_self_certification(stronger, SELF_CERTIFICATION)
    assert strong.total >= weak.total
    assert strong.allowed or not weak.allowed


@given(profiles, st.data())
def test_a_stronger_institution_never_needs_more_guarantee(profile, data):
    stronger = better(profile, data)
    weak = evaluate_centre_guarantee(profile, CENTRE_GUARANTEE)
    strong = evaluate_centre_guarantee(stronger, CENTRE_GUARANTEE)
    assert strong.composite <= weak.composite
    assert strong.guarantee_rate_percent <= weak.guarantee_rate_percent


@given(profiles)
def test_composite_is_additions_minus_deductions_and_picks_the_documented_rate(profile):
    result = evaluate_centre_guarantee(profile, CENTRE_GUARANTEE)
    deductions = [i for i in result.items if i.kind == "deduction"]
    additions = [i for i in result.items if i.kind == "addition"]
    assert (len(deductions), len(additions)) == (8, 4)
    assert result.deductions == sum(i.points for i in deductions)
    assert 0 <= result.deductions <= 150
    assert result.additions == sum(i.points for i in additions)
    assert result.additions == (
        20 * (not profile.complaint_system)
        + 20 * (not profile.aml_system)
        + 10 * profile.vulnerability_deficiencies
        + 30 * (not profile.account_ownership_verification)
    )
    assert result.composite == result.additions - result.deductions
    assert result.guarantee_rate_percent == documented_rate(result.composite)


@given(st.integers(min_value=-10_000, max_value=10_000))
def test_every_composite_score_maps_to_the_documented_rate(composite):
    assert guarantee_rate(composite, CENTRE_GUARANTEE["rate_bands"]) == documented_rate(composite)


@pytest.mark.parametrize(
    ("composite", "rate"),
    [(-101, 100), (-100, 100), (-99, 150), (-51, 150), (-50, 200), (50, 200), (51, 250),
     (99, 250), (100, 300), (101, 300)],
)  # fmt: skip
def test_rate_band_edges(composite, rate):
    assert guarantee_rate(composite, CENTRE_GUARANTEE["rate_bands"]) == rate


@given(profiles)
def test_several_qualifications_count_the_highest_only(profile):
    (item,) = [i for i in CENTRE_GUARANTEE["deductions"] if i["code"] == "qualification"]
    alone = [
        score_item(item, dataclasses.replace(profile, qualifications=frozenset({q}))).points
        for q in profile.qualifications
    ]
    assert score_item(item, profile).points == max(alone, default=0)


@pytest.mark.parametrize(
    "changes",
    [
        {"paid_in_capital_krw": -1},
        {"business_years": Decimal("-0.01")},
        {"vulnerability_deficiencies": -1},
        {"credit_rating": "E"},
        {"qualifications": frozenset({"bank"})},
    ],
)
def test_profile_refuses_impossible_values(changes):
    base = dict(
        credit_rating="A",
        paid_in_capital_krw=0,
        annual_revenue_krw=0,
        business_years=Decimal(0),
        service_years=Decimal(0),
        members=0,
        annual_transactions=0,
    )
    with pytest.raises(ValueError):
        ScoringProfile(**{**base, **changes})


def test_unknown_rule_in_policy_data_is_an_error_not_zero_points():
    profile = ScoringProfile(
        credit_rating="A",
        paid_in_capital_krw=0,
        annual_revenue_krw=0,
        business_years=Decimal(0),
        service_years=Decimal(0),
        members=0,
        annual_transactions=0,
    )
    with pytest.raises(ValueError, match="unknown scoring rule"):
        score_item({"code": "x", "input": "members", "rule": "log"}, profile)


def test_initial_policy_data_is_well_formed():
    assert policy_problems("self_certification", SELF_CERTIFICATION) == []
    assert policy_problems("centre_guarantee", CENTRE_GUARANTEE) == []


@pytest.mark.parametrize(
    ("kind", "breakage", "problem"),
    [
        ("self_certification", lambda d: d.pop("pass_mark"), "pass_mark: an integer is required"),
        (
            "self_certification",
            lambda d: d["items"][1].update(bands=[[0, 0], [5, 4], [3, 2]]),
            "items[1]: bands: lower bounds must be ascending",
        ),
        (
            "self_certification",
            lambda d: d["items"][0].update(rule="stars"),
            "items[0]: rule must be one of",
        ),
        (
            "self_certification",
            lambda d: d["items"][6].update(input="aml"),
            "items[6]: input must be one of",
        ),
        (
            "centre_guarantee",
            lambda d: d.update(rate_bands=[[-99, 150], [None, 100]]),
            "rate_bands: the first lower bound is null",
        ),
        (
            "centre_guarantee",
            lambda d: d.update(rate_bands=[[None, 100], [51, 250], [-50, 200]]),
            "rate_bands: lower bounds must be ascending",
        ),
        (
            "centre_guarantee",
            lambda d: d["additions"][2].update(points="10"),
            "additions[2]: points: an integer is required",
        ),
        ("size_class", lambda d: None, "size_class: not a scoring policy"),
    ],
)
def test_broken_policy_data_is_described(kind, breakage, problem):
    data = copy.deepcopy(SELF_CERTIFICATION if kind == "self_certification" else CENTRE_GUARANTEE)
    breakage(data)
    problems = policy_problems(kind, data)
    assert len(problems) == 1
    assert problems[0].startswith(problem)
