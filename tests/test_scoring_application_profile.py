"""The scoring profile of a filed application: declared answers, capital, vulnerability findings."""

import datetime

import pytest

from applications.models.details import ApplicationDetails
from contracts.scoring_policy import (
    ProfileIncomplete,
    centre_guarantee,
    profile_for_application,
    self_certification,
)
from reviews.models.agencies import Agency
from reviews.models.security_check import CheckKind, Finding, SecurityCheck, Severity

DECLARED = {
    "credit_rating": "BBB",
    "annual_revenue": 12_000_000_000,
    "business_years": 4,
    "service_years": 3,
    "members": 250_000,
    "annual_transactions": 2_000_000,
    "qualifications": ["prepaid_debit_means"],
    "aml_system": True,
    "complaint_system": True,
    "account_ownership_verification": True,
}


@pytest.fixture
def declared(application):
    application.institution.paid_in_capital = 5_000_000_000
    application.institution.save()
    return ApplicationDetails.objects.create(application=application, **DECLARED)


def vulnerability_check(application, *, deficient: int, sound: int = 0) -> SecurityCheck:
    agency = Agency.objects.create(
        name="한국보안점검", contact_name="김점검", email="check@agency.kr", phone="02-000-0000"
    )
    check = SecurityCheck.objects.create(
        application=application,
        kind=CheckKind.VULNERABILITY,
        agency=agency,
        agreed_start=datetime.date(2026, 1, 5),
        agreed_end=datetime.date(2026, 2, 27),
    )
    for n in range(deficient + sound):
        Finding.objects.create(
            check_record=check, title=f"항목 {n}", severity=Severity.MEDIUM, deficient=n < deficient
        )
    return check


@pytest.mark.django_db
def test_profile_reads_declarations_capital_and_deficient_findings(application, declared):
    vulnerability_check(application, deficient=2, sound=3)
    profile = profile_for_application(application)
    assert profile.paid_in_capital_krw == 5_000_000_000
    assert profile.annual_revenue_krw == 12_000_000_000
    assert profile.qualifications == frozenset({"prepaid_debit_means"})
    assert profile.vulnerability_deficiencies == 2

    guarantee = centre_guarantee(profile=profile).result
    # deductions BBB 15 · 50억 10 · 120억 15 · 4y 7 · 3y 4 · 25만 5 · 200만 5 · prepaid 30 = 91
    assert (guarantee.deductions, guarantee.additions) == (91, 20)
    assert (guarantee.composite, guarantee.guarantee_rate_percent) == (-71, 150)
    assert self_certification(profile=profile).result.total == 73


@pytest.mark.django_db
def test_no_vulnerability_check_yet_counts_no_deficiency(application, declared):
    assert profile_for_application(application).vulnerability_deficiencies == 0


@pytest.mark.django_db
def test_missing_declarations_are_named_not_scored_as_zero(application):
    with pytest.raises(ProfileIncomplete) as refused:
        profile_for_application(application)
    assert "기업신용등급" in str(refused.value.message)
    assert "자금세탁방지 체계 운영" in str(refused.value.message)

    ApplicationDetails.objects.create(application=application, **{**DECLARED, "members": None})
    application.refresh_from_db()
    with pytest.raises(ProfileIncomplete) as refused:
        profile_for_application(application)
    assert str(refused.value.message) == "평가에 필요한 신청 내용이 없습니다: 회원 수"
