"""DOMAIN §6.1 and §6.2 tables, restated here, reproduced through the public scoring API at every band edge."""

import itertools
from decimal import Decimal

import pytest
from django.core.cache import cache

억 = 100_000_000
SELF_CERTIFICATION_URL = "/api/v1/scoring/self-certification/"
CENTRE_GUARANTEE_URL = "/api/v1/scoring/centre-guarantee/"

# The tables as DOMAIN.md writes them: [(lower bound inclusive, points), ...].
HISTORY = [(0, 0), (2, 2), (3, 4), (4, 7), (5, 10)]
SELF_CERTIFICATION_BANDS = {
    "paid_in_capital": (
        "paid_in_capital_krw",
        [(0, 0), (30 * 억, 2), (50 * 억, 4), (70 * 억, 7), (100 * 억, 10)],
    ),
    "annual_revenue": (
        "annual_revenue_krw",
        [(0, 0), (20 * 억, 2), (50 * 억, 4), (100 * 억, 7), (400 * 억, 10)],
    ),
    "business_years": ("business_years", HISTORY),
    "members": (
        "members",
        [(0, 0), (10_000, 5), (100_000, 10), (500_000, 15), (1_000_000, 20)],
    ),
}
CENTRE_GUARANTEE_BANDS = {
    "paid_in_capital": (
        "paid_in_capital_krw",
        [(0, 0), (20 * 억, 5), (50 * 억, 10), (100 * 억, 15), (200 * 억, 20)],
    ),
    "annual_revenue": (
        "annual_revenue_krw",
        [(0, 0), (20 * 억, 5), (50 * 억, 10), (100 * 억, 15), (500 * 억, 20)],
    ),
    "business_years": ("business_years", HISTORY),
    "service_years": ("service_years", HISTORY),
    "members": ("members", [(0, 0), (10_000, 2), (100_000, 5), (500_000, 10), (1_000_000, 20)]),
    "annual_transactions": (
        "annual_transactions",
        [(0, 0), (100_000, 2), (1_000_000, 5), (5_000_000, 10), (10_000_000, 20)],
    ),
}
CREDIT_POINTS = {
    "AAA": 20, "AA": 20, "A": 20, "BBB": 15, "BB": 15,
    "B": 10, "CCC": 10, "CC": 5, "C": 5, "D": 0, "NG": 0,
}  # fmt: skip


def edge_cases(tables) -> list:
    """For each band: the value just below its lower bound (previous band) and the bound itself."""
    return list(_edge_cases(tables))


def _edge_cases(tables):
    for code, (field, bands) in tables.items():
        yield pytest.param(code, field, 0, 0, id=f"{code}-zero")
        for (_lower, below_points), (lower, points) in itertools.pairwise(bands):
            just_below = lower - Decimal("0.01") if field.endswith("years") else lower - 1
            yield pytest.param(code, field, just_below, below_points, id=f"{code}-{just_below}")
            yield pytest.param(code, field, lower, points, id=f"{code}-{lower}")
        top = bands[-1][0] * 10
        yield pytest.param(code, field, top, bands[-1][1], id=f"{code}-far-above")


def as_json(value):
    return str(value) if isinstance(value, Decimal) else value


def zero_profile(**changes) -> dict:
    """A profile that earns nothing in §6.1 and is deducted nothing, added nothing in §6.2."""
    body = {
        "credit_rating": "D",
        "paid_in_capital_krw": 0,
        "annual_revenue_krw": 0,
        "business_years": "0",
        "service_years": "0",
        "members": 0,
        "annual_transactions": 0,
        "qualifications": [],
        "aml_system": True,
        "complaint_system": True,
        "account_ownership_verification": True,
        "vulnerability_deficiencies": 0,
    }
    body.update(changes)
    return body


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # The API budget is per client address and the cache outlives a test: start each from zero.
    cache.clear()


def post(client, url, body):
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def points_of(answer, code):
    (item,) = [i for i in answer["items"] if i["code"] == code]
    return item


@pytest.mark.django_db
class TestSelfCertificationTable:
    @pytest.mark.parametrize(
        ("code", "field", "value", "points"), edge_cases(SELF_CERTIFICATION_BANDS)
    )
    def test_band_edges(self, client, code, field, value, points):
        answer = post(client, SELF_CERTIFICATION_URL, zero_profile(**{field: as_json(value)}))
        # The zero profile keeps its AML (10) and complaint system (10) points.
        assert points_of(answer, code)["points"] == points
        assert answer["total"] == 20 + points

    @pytest.mark.parametrize(("rating", "points"), CREDIT_POINTS.items())
    def test_credit_rating(self, client, rating, points):
        answer = post(client, SELF_CERTIFICATION_URL, zero_profile(credit_rating=rating))
        assert points_of(answer, "credit_rating") == {
            "code": "credit_rating",
            "label": "기업신용등급",
            "points": points,
            "max": 20,
        }

    @pytest.mark.parametrize(
        ("qualifications", "points"),
        [
            ([], 0),
            (["financial_company"], 10),
            (["prepaid_debit_means"], 10),
            (["other_efinance"], 0),
            (["small_overseas_remittance"], 0),
            (["other_efinance", "financial_company"], 10),
        ],
    )
    def test_qualification(self, client, qualifications, points):
        answer = post(client, SELF_CERTIFICATION_URL, zero_profile(qualifications=qualifications))
        assert points_of(answer, "qualification")["points"] == points

    @pytest.mark.parametrize(
        ("aml", "complaint", "aml_points", "complaint_points"),
        [(True, True, 10, 10), (True, False, 10, 0), (False, True, 0, 10), (False, False, 0, 0)],
    )
    def test_risk_management(self, client, aml, complaint, aml_points, complaint_points):
        body = zero_profile(aml_system=aml, complaint_system=complaint)
        answer = post(client, SELF_CERTIFICATION_URL, body)
        assert points_of(answer, "aml_system")["points"] == aml_points
        assert points_of(answer, "complaint_system")["points"] == complaint_points

    def test_items_in_domain_order_with_maxima_summing_to_100(self, client):
        answer = post(client, SELF_CERTIFICATION_URL, zero_profile())
        assert [(i["code"], i["max"]) for i in answer["items"]] == [
            ("credit_rating", 20),
            ("paid_in_capital", 10),
            ("annual_revenue", 10),
            ("business_years", 10),
            ("members", 20),
            ("qualification", 10),
            ("aml_system", 10),
            ("complaint_system", 10),
        ]

    def test_allowed_from_60_points(self, client):
        # 20 (AML, complaints) + 20 (A) + 10 (qualification) = 50; members 1만 +5, 3 years +4 → 59.
        base = zero_profile(credit_rating="A", qualifications=["financial_company"])
        at_59 = post(
            client, SELF_CERTIFICATION_URL, {**base, "members": 10_000, "business_years": "3"}
        )
        at_60 = post(client, SELF_CERTIFICATION_URL, {**base, "members": 100_000})
        assert (at_59["total"], at_59["allowed"]) == (59, False)
        assert (at_60["total"], at_60["allowed"]) == (60, True)
        assert at_60["pass_mark"] == 60

    def test_full_marks_without_aml_system_is_not_allowed(self, client):
        best = zero_profile(
            credit_rating="AAA",
            paid_in_capital_krw=100 * 억,
            annual_revenue_krw=400 * 억,
            business_years="5",
            members=1_000_000,
            qualifications=["financial_company"],
        )
        with_aml = post(client, SELF_CERTIFICATION_URL, best)
        without = post(client, SELF_CERTIFICATION_URL, {**best, "aml_system": False})
        assert (with_aml["total"], with_aml["allowed"]) == (100, True)
        assert (without["total"], without["allowed"], without["refused_by"]) == (
            90,
            False,
            ["aml_system"],
        )


@pytest.mark.django_db
class TestCentreGuaranteeTable:
    @pytest.mark.parametrize(
        ("code", "field", "value", "points"), edge_cases(CENTRE_GUARANTEE_BANDS)
    )
    def test_deduction_band_edges(self, client, code, field, value, points):
        answer = post(client, CENTRE_GUARANTEE_URL, zero_profile(**{field: as_json(value)}))
        item = points_of(answer, code)
        assert (item["kind"], item["points"]) == ("deduction", points)
        assert (answer["deductions"], answer["additions"], answer["composite"]) == (
            points,
            0,
            -points,
        )

    @pytest.mark.parametrize(("rating", "points"), CREDIT_POINTS.items())
    def test_credit_rating(self, client, rating, points):
        answer = post(client, CENTRE_GUARANTEE_URL, zero_profile(credit_rating=rating))
        assert points_of(answer, "credit_rating")["points"] == points

    @pytest.mark.parametrize(
        ("qualifications", "points"),
        [
            ([], 0),
            (["prepaid_debit_means"], 30),
            (["other_efinance"], 10),
            (["small_overseas_remittance"], 10),
            (["financial_company"], 0),
            (["small_overseas_remittance", "prepaid_debit_means"], 30),  # the highest only
            (["other_efinance", "small_overseas_remittance"], 10),
        ],
    )
    def test_qualification_counts_the_highest_only(self, client, qualifications, points):
        answer = post(client, CENTRE_GUARANTEE_URL, zero_profile(qualifications=qualifications))
        assert points_of(answer, "qualification") == {
            "code": "qualification",
            "label": "관련자격",
            "points": points,
            "max": 30,
            "kind": "deduction",
        }

    @pytest.mark.parametrize(
        ("changes", "code", "points"),
        [
            ({"complaint_system": False}, "no_complaint_system", 20),
            ({"aml_system": False}, "no_aml_system", 20),
            ({"vulnerability_deficiencies": 1}, "vulnerability_deficiencies", 10),
            ({"vulnerability_deficiencies": 7}, "vulnerability_deficiencies", 70),
            ({"account_ownership_verification": False}, "no_account_ownership_verification", 30),
        ],
    )
    def test_additions(self, client, changes, code, points):
        answer = post(client, CENTRE_GUARANTEE_URL, zero_profile(**changes))
        item = points_of(answer, code)
        assert (item["kind"], item["points"]) == ("addition", points)
        assert (answer["additions"], answer["deductions"], answer["composite"]) == (
            points,
            0,
            points,
        )

    def test_all_additions_together(self, client):
        body = zero_profile(
            complaint_system=False,
            aml_system=False,
            account_ownership_verification=False,
            vulnerability_deficiencies=2,
        )
        answer = post(client, CENTRE_GUARANTEE_URL, body)
        assert (answer["additions"], answer["composite"]) == (90, 90)
        assert answer["guarantee_rate_percent"] == 250

    # Profiles built to land on each side of each composite-score edge: deficiencies add 10 each,
    # the deduction items subtract.
    @pytest.mark.parametrize(
        ("changes", "composite", "rate"),
        [
            (
                dict(credit_rating="AAA", paid_in_capital_krw=200 * 억, annual_revenue_krw=500 * 억,
                     business_years="5", service_years="5", members=1_000_000),
                -100, 100,
            ),
            (
                dict(credit_rating="AAA", paid_in_capital_krw=200 * 억, annual_revenue_krw=500 * 억,
                     business_years="4", service_years="4", members=1_000_000,
                     annual_transactions=1_000_000),
                -99, 150,
            ),
            (
                dict(paid_in_capital_krw=200 * 억, annual_revenue_krw=500 * 억, business_years="5",
                     service_years="4", members=10_000, annual_transactions=100_000,
                     vulnerability_deficiencies=1),
                -51, 150,
            ),
            (
                dict(paid_in_capital_krw=200 * 억, annual_revenue_krw=500 * 억, business_years="5"),
                -50, 200,
            ),
            (dict(), 0, 200),
            (dict(vulnerability_deficiencies=5), 50, 200),
            (dict(business_years="2", service_years="4", vulnerability_deficiencies=6), 51, 250),
            (dict(business_years="3", service_years="4", vulnerability_deficiencies=11), 99, 250),
            (dict(vulnerability_deficiencies=10), 100, 300),
            (dict(vulnerability_deficiencies=30), 300, 300),
        ],
    )  # fmt: skip
    def test_composite_edges_pick_the_guarantee_rate(self, client, changes, composite, rate):
        answer = post(client, CENTRE_GUARANTEE_URL, zero_profile(**changes))
        assert answer["composite"] == answer["additions"] - answer["deductions"] == composite
        assert answer["guarantee_rate_percent"] == rate

    def test_items_deductions_then_additions(self, client):
        answer = post(client, CENTRE_GUARANTEE_URL, zero_profile())
        assert [(i["code"], i["kind"], i["max"]) for i in answer["items"]] == [
            ("credit_rating", "deduction", 20),
            ("paid_in_capital", "deduction", 20),
            ("annual_revenue", "deduction", 20),
            ("business_years", "deduction", 10),
            ("service_years", "deduction", 10),
            ("members", "deduction", 20),
            ("annual_transactions", "deduction", 20),
            ("qualification", "deduction", 30),
            ("no_complaint_system", "addition", 20),
            ("no_aml_system", "addition", 20),
            ("vulnerability_deficiencies", "addition", None),
            ("no_account_ownership_verification", "addition", 30),
        ]
